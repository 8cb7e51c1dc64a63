import Foundation
public import POSAnalysis
import POSIngest
public import POSSampleData
import POSStore

/// How one analysis of a generated data set compares with what was planted in it.
public struct DataSetScore: Sendable {
    public var label: String
    public var truth: GroundTruth
    /// Planted causes found (by an unconfounded finding of the right kind, pattern, mechanism and direction).
    public var found: [PlantedCause]
    /// Planted causes not found.
    public var missed: [PlantedCause]
    /// Unconfounded findings that match a planted cause.
    public var truePositives: Int
    /// Unconfounded findings that match nothing planted (a decoy blamed, or noise).
    public var falsePositives: [Finding]
    /// Decoys reported without `confounded_by`.
    public var blamedDecoys: [String]
    public var seconds: Double
}

/// Generates data sets with known causes, runs ingest and analysis, and scores the findings.
public enum AccuracyEvaluation {
    /// The plan of analysis.md's accuracy measurement: seeds, sizes and effect strengths, and null sets.
    public static func standardPlan(count: Int = 24) -> [(label: String, config: SampleConfiguration)] {
        var plan: [(String, SampleConfiguration)] = []
        let sizes: [(terminals: Int, days: Int, rate: Double)] = [(600, 3, 15), (800, 4, 12), (1000, 3, 15), (500, 5, 12)]
        let effects = [0.7, 1.0, 1.5]
        for index in 0..<count {
            let seed = UInt64(1000 + index * 7919)
            if index % 6 == 5 {
                var null = SampleConfiguration.null(seed: seed, terminals: sizes[index % sizes.count].terminals, days: 3)
                null.transactionsPerTerminalPerDay = 12
                plan.append(("null seed=\(seed)", null))
                continue
            }
            var config = SampleConfiguration()
            config.seed = seed
            let size = sizes[index % sizes.count]
            config.terminals = size.terminals
            config.days = size.days
            config.transactionsPerTerminalPerDay = size.rate
            config.effectStrength = effects[index % effects.count]
            plan.append(("seed=\(seed) terminals=\(size.terminals) days=\(size.days) effect=\(config.effectStrength)", config))
        }
        return plan
    }

    /// Generates, ingests and analyses one data set in a temporary folder, then scores it.
    public static func evaluate(label: String, config: SampleConfiguration, workDirectory: String) throws -> DataSetScore {
        let started = Date()
        let folder = workDirectory + "/" + label.filter { $0.isLetter || $0.isNumber || $0 == "=" || $0 == "." }
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let truth = try SampleGenerator(config).write(to: folder + "/logs")
        let database = try Database(path: folder + "/db.sqlite")
        let store = try IngestStore(database: database)
        _ = try Ingester(store: store, options: ParseOptions()).run(paths: [folder + "/logs"])
        var findings: [Finding] = []
        for target in [ExplainTarget.unknown, .timeout] {
            var options = AnalysisOptions()
            options.target = target
            options.network.permutations = 199
            findings += try Analysis.run(database: database, options: options).findings
        }
        return score(findings, truth: truth, label: label, seconds: Date().timeIntervalSince(started))
    }

    /// Scores findings against the ground truth.
    public static func score(_ findings: [Finding], truth: GroundTruth, label: String, seconds: Double) -> DataSetScore {
        var found = Set<PlantedCause>()
        var truePositives = 0
        var falsePositives: [Finding] = []
        for finding in findings where finding.confoundedBy == nil {
            if let expected = matchingExpectation(finding, truth) {
                found.insert(expected.cause)
                truePositives += 1
            } else {
                falsePositives.append(finding)
            }
        }
        let decoys = truth.decoys.map(\.pattern)
        let blamed = findings.filter { $0.confoundedBy == nil && decoys.contains($0.pattern) }.map(\.pattern)
        let expected = Set(truth.expectedFindings.map(\.cause))
        return DataSetScore(
            label: label, truth: truth, found: expected.intersection(found).sorted(), missed: expected.subtracting(found).sorted(),
            truePositives: truePositives, falsePositives: falsePositives, blamedDecoys: blamed, seconds: seconds
        )
    }

    /// The planted cause a finding reports, if it reports one: kind and pattern per the truth, its
    /// outcome, its top cause among the planted mechanisms, and the planted direction.
    static func matchingExpectation(_ finding: Finding, _ truth: GroundTruth) -> ExpectedFinding? {
        for expected in truth.expectedFindings where expected.outcome == finding.outcome {
            if finding.kind == "code" {
                // A code finding names a code the code-table gap involves.
                let code = finding.pattern.hasPrefix("code=") ? String(finding.pattern.dropFirst(5)) : ""
                if expected.cause == .codeTableGap, expected.codes.contains(code) { return expected }
                continue
            }
            guard expected.matches(kind: finding.kind, pattern: finding.pattern) else { continue }
            let mechanism = finding.topCause.split(separator: ":").first.map(String.init) ?? ""
            guard finding.kind == "firmware_change" || expected.mechanisms.contains(mechanism) else { continue }
            if expected.direction == "lower", finding.riskRatio >= 1 { continue }
            if expected.direction == "higher", finding.riskRatio <= 1 { continue }
            return expected
        }
        return nil
    }
}
