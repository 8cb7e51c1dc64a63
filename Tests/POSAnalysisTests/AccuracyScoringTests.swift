import Foundation
import POSAnalysis
import POSEvaluation
import POSSampleData
import Testing

/// The strict scoring rules of `AccuracyEvaluation.score`, on made-up findings against the truth of
/// a small generated data set (generated only, not analysed).
@Suite("Strict accuracy scoring")
struct AccuracyScoringTests {
    static let truth: GroundTruth = {
        let folder = NSTemporaryDirectory() + "posrca-scoring-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = SampleConfiguration()
        config.seed = 5
        config.terminals = 300
        config.days = 2
        config.transactionsPerTerminalPerDay = 3
        return try! SampleGenerator(config).write(to: folder)
    }()

    static func expected(_ cause: PlantedCause) -> ExpectedFinding {
        truth.expectedFindings.first { $0.cause == cause }!
    }

    /// A finding as the analysis would report the expected cause: its first kind and required
    /// alternative, its first mechanism, its direction.
    static func report(
        _ cause: PlantedCause, pattern: String? = nil, kind: String? = nil, mechanism: String? = nil,
        riskRatio: Double? = nil, confoundedBy: String? = nil
    ) -> Finding {
        let expected = expected(cause)
        return finding(
            kind: kind ?? expected.kinds[0], pattern: pattern ?? expected.requiredPairs[0].joined(separator: "&"), outcome: expected.outcome,
            topCause: (mechanism ?? expected.mechanisms[0]) + ":0.90", riskRatio: riskRatio ?? (expected.direction == "lower" ? 0.3 : 3),
            confoundedBy: confoundedBy)
    }

    static func finding(
        kind: String, pattern: String, outcome: String = "unknown", topCause: String = "garbled_response:0.50",
        riskRatio: Double = 2, confoundedBy: String? = nil
    ) -> Finding {
        Finding(
            kind: kind, pattern: pattern, outcome: outcome, transactions: 1000, outcomes: 100, rate: 0.1, rateLow: 0.08, rateHigh: 0.12,
            baselineRate: 0.05, riskRatio: riskRatio, riskRatioLow: riskRatio * 0.8, riskRatioHigh: riskRatio * 1.2, pValue: 1e-6,
            qValue: 1e-5, excess: 50, shareOfOutcome: 0.1, topCause: topCause, topCodes: "", confoundedBy: confoundedBy, evidence: "")
    }

    static func score(_ findings: [Finding]) -> DataSetScore {
        AccuracyEvaluation.score(findings, truth: truth, label: "scoring", seconds: 0)
    }

    @Test("the small data set plants every cause")
    func everyCausePlanted() {
        #expect(Set(Self.truth.expectedFindings.map(\.cause)) == Set(PlantedCause.allCases))
    }

    @Test("one finding per cause: every cause found, every finding a true positive")
    func oneFindingPerCause() {
        let score = Self.score(PlantedCause.allCases.map { Self.report($0) })
        #expect(score.missed.isEmpty)
        #expect(score.truePositives == PlantedCause.allCases.count)
        #expect(score.redundant.isEmpty && score.falsePositives.isEmpty)
    }

    @Test("a second finding of a found cause is redundant, not a second true positive")
    func restatementIsRedundant() {
        let gap = Self.expected(.codeTableGap)
        let other = gap.requiredPairs[1].joined(separator: "&")
        let score = Self.score([Self.report(.codeTableGap), Self.report(.codeTableGap, pattern: other)])
        #expect(score.found == [.codeTableGap])
        #expect(score.findings.map(\.bucket) == [.truePositive, .redundant])
    }

    @Test("the right pattern with the wrong mechanism, kind or direction finds nothing and is false")
    func wrongMechanismKindOrDirection() {
        let score = Self.score([
            Self.report(.networkGarbling, mechanism: "code_table_gap"),
            Self.report(.firmwareUpgrade, mechanism: "garbled_response"),
            Self.report(.firmwareUpgrade, riskRatio: 2),
            Self.report(.timeouts, kind: "network"),
        ])
        #expect(score.found.isEmpty)
        #expect(score.falsePositives.count == 4)
    }

    @Test("a code finding is scored like any other: false")
    func codeFindingIsFalse() {
        let gap = Self.expected(.codeTableGap)
        let score = Self.score([
            Self.report(.codeTableGap), Self.finding(kind: "code", pattern: "code=" + gap.codes[0], topCause: "code_table_gap:1.00"),
        ])
        #expect(score.findings.map(\.bucket) == [.truePositive, .falsePositive])
    }

    @Test("a decoy is false and listed, confounded or not")
    func decoyBlamed() {
        let decoy = Self.truth.decoys.first { $0.correlatedWith == .codeTableGap }!
        let score = Self.score([
            Self.report(.codeTableGap),
            Self.finding(kind: "combination", pattern: decoy.pattern, topCause: "code_table_gap:0.60", confoundedBy: decoy.confounder),
        ])
        #expect(score.findings.map(\.bucket) == [.truePositive, .falsePositive])
        #expect(score.blamedDecoys == [decoy.pattern])
    }

    @Test("a confounded finding is redundant when its confounder is a found cause's attribute, false otherwise")
    func confoundedFindings() {
        let confoundedByFound = Self.finding(kind: "combination", pattern: "model=A8", topCause: "code_table_gap:0.60", confoundedBy: "firmware")
        let found = Self.score([Self.report(.codeTableGap), confoundedByFound])
        #expect(found.findings.map(\.bucket) == [.truePositive, .redundant])
        #expect(found.findings[1].cause == .codeTableGap)

        let missed = Self.score([confoundedByFound])
        #expect(missed.findings.map(\.bucket) == [.falsePositive])

        let elsewhere = Self.score([
            Self.report(.codeTableGap), Self.finding(kind: "combination", pattern: "hour=09", confoundedBy: "mcc"),
        ])
        #expect(elsewhere.findings.map(\.bucket) == [.truePositive, .falsePositive])
    }

    @Test("each finding counts once: true + redundant + false = reported")
    func bucketsAddUp() {
        let findings =
            PlantedCause.allCases.map { Self.report($0) } + PlantedCause.allCases.map { Self.report($0) }
            + [Self.finding(kind: "combination", pattern: "hour=03")]
        let score = Self.score(findings)
        #expect(score.truePositives == 5 && score.redundant.count == 5 && score.falsePositives.count == 1)
        #expect(score.truePositives + score.redundant.count + score.falsePositives.count == findings.count)
    }
}
