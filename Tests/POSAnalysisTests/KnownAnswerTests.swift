import Foundation
import POSAnalysis
import POSEvaluation
import POSSampleData
import Testing

/// Generated data sets whose causes are known: generate → ingest → analyze → score strictly
/// against the truth (`AccuracyEvaluation.score`: every finding is a true positive, redundant or
/// a false positive).
///
/// The full measurement (40 data sets, 20 null) is `posrca-accuracy`; these few keep `swift test`
/// honest about it.
@Suite("Known answers on generated data", .serialized)
struct KnownAnswerTests {
    static let work = NSTemporaryDirectory() + "posrca-known-answers-\(getpid())"

    @Test("every planted cause is found once, with its mechanism, and nothing false is reported", arguments: [(UInt64(11), 1.0), (UInt64(29), 1.5)])
    func plantedCausesFound(seed: UInt64, effect: Double) throws {
        var config = SampleConfiguration()
        config.seed = seed
        config.terminals = 800
        config.days = 4
        config.transactionsPerTerminalPerDay = 12
        config.effectStrength = effect
        let score = try AccuracyEvaluation.evaluate(label: "seed\(seed)", config: config, workDirectory: Self.work)
        #expect(score.missed.isEmpty, "missed \(score.missed)")
        #expect(Set(score.found) == Set(score.truth.expectedFindings.map(\.cause)))
        #expect(score.blamedDecoys.isEmpty, "decoys blamed: \(score.blamedDecoys)")
        #expect(score.redundant.isEmpty, "restatements: \(score.redundant.map(Self.describe))")
        #expect(score.falsePositives.isEmpty, "false findings: \(score.falsePositives.map(Self.describe))")
        // Every finding says what to do, and says it and its evidence in Chinese too.
        for scored in score.findings {
            let finding = scored.finding
            #expect(!finding.recommendation.isEmpty, "\(Self.describe(scored))")
            for text in [finding.evidenceZH, finding.recommendationZH] {
                #expect(text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(Self.describe(scored)): \(text)")
                #expect(leftoverEnglish(text).isEmpty, "\(Self.describe(scored)): \(leftoverEnglish(text)) in \(text)")
            }
        }
    }

    @Test("data with no planted cause gives no finding of any kind", arguments: [UInt64(71), 72, 73])
    func nullData(seed: UInt64) throws {
        var config = SampleConfiguration.null(seed: seed, terminals: 400, days: 3)
        config.transactionsPerTerminalPerDay = 12
        let score = try AccuracyEvaluation.evaluate(label: "null\(seed)", config: config, workDirectory: Self.work)
        #expect(score.truth.isNull)
        #expect(score.findings.isEmpty, "findings on null data: \(score.findings.map(Self.describe))")
    }

    static func describe(_ scored: ScoredFinding) -> String {
        let confounded = scored.finding.confoundedBy.map { " confounded_by=\($0)" } ?? ""
        return "#\(scored.rank) \(scored.finding.kind) \(scored.finding.pattern)\(confounded) (\(scored.reason))"
    }
}

/// English words left in a Chinese sentence: runs of three or more ASCII letters that are not
/// data (patterns, values, codes, file names: anything with `=`, `_`, `/`, `.`, `:` or a digit,
/// or in capitals) nor the names of tests and statistics kept in Latin letters.
func leftoverEnglish(_ text: String) -> [String] {
    // Test and statistic names, the view `transactions` and its column `err` are kept as they are.
    let kept: Set<String> = ["Fisher", "Wi-Fi", "DiD", "err", "transactions"]
    let tokens = text.split { c in
        !(c.isASCII && (c.isLetter || c.isNumber || "=_/.:-%<>+~,".contains(c)))
    }
    return tokens.map(String.init).filter { token in
        guard !kept.contains(token) else { return false }
        if token.contains(where: { "=_/.:,0123456789".contains($0) }) { return false }
        if token == token.uppercased() { return false }
        return token.filter(\.isLetter).count >= 3
    }
}
