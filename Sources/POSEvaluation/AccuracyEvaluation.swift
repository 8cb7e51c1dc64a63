import Foundation
public import POSAnalysis
import POSIngest
public import POSSampleData
import POSStore

/// How one analysis of a generated data set compares with what was planted in it.
///
/// Every reported finding is counted once, in one bucket (see `AccuracyEvaluation.score` for the
/// rules), so `truePositives + redundant.count + falsePositives.count == findings.count`.
public struct DataSetScore: Sendable {
    public var label: String
    public var truth: GroundTruth
    /// Every reported finding, in the order reported (the unknown run's ranks, then the timeout run's).
    public var findings: [ScoredFinding]
    /// Planted causes found: a finding names the cause's pattern, kind, mechanism and direction.
    public var found: [PlantedCause]
    /// Planted causes no finding reports.
    public var missed: [PlantedCause]
    /// Patterns of decoys that a finding reports, confounded or not (each also a false positive).
    public var blamedDecoys: [String]
    public var seconds: Double

    /// Findings that are the first report of a planted cause (one per found cause).
    public var truePositives: Int { findings.count(where: { $0.bucket == .truePositive }) }
    /// Findings that report or restate a cause a higher-ranked finding already reports.
    public var redundant: [ScoredFinding] { findings.filter { $0.bucket == .redundant } }
    /// Findings that report nothing planted: noise, a decoy, a confounded finding whose confounder
    /// is no found cause's attribute, or a planted pattern with the wrong mechanism or direction.
    public var falsePositives: [ScoredFinding] { findings.filter { $0.bucket == .falsePositive } }
    /// Planted causes: those that have an effect in this data set.
    public var planted: Int { found.count + missed.count }
}

/// One reported finding and where the strict scoring counted it.
public struct ScoredFinding: Sendable {
    /// The bucket a reported finding falls in; each finding falls in exactly one.
    public enum Bucket: String, Sendable {
        case truePositive = "true"
        case redundant
        case falsePositive = "false"
    }

    public var finding: Finding
    /// 1-based, within the findings of its outcome (the rank `posrca analyze` shows).
    public var rank: Int
    public var bucket: Bucket
    /// The planted cause it reports (true positive) or restates (redundant), if any.
    public var cause: PlantedCause?
    /// Why it was counted so, in a few words, for a person reading the measurement.
    public var reason: String
}

/// Generates data sets with known causes, runs ingest and analysis, and scores the findings.
public enum AccuracyEvaluation {
    /// Data set sizes, cycled over the plan: modest, so that 40 sets finish in minutes.
    static let sizes: [(terminals: Int, days: Int, rate: Double)] = [(600, 3, 15), (800, 4, 12), (1000, 3, 15), (500, 5, 12)]
    /// Effect strengths, cycled over the planted sets.
    static let effects = [0.7, 1.0, 1.5]

    /// The accuracy measurement's data sets: `count` of them, `nullCount` null, the null sets spread
    /// evenly among the planted ones. Seeds are 1000 + 7919·k; planted sets cycle through the sizes
    /// and the effect strengths 0.7, 1.0 and 1.5, null sets through the same sizes.
    public static func standardPlan(count: Int = 40, nullCount: Int? = nil) -> [(label: String, config: SampleConfiguration)] {
        let nulls = min(count, max(0, nullCount ?? count / 2))
        var plan: [(String, SampleConfiguration)] = []
        var plantedIndex = 0
        var nullIndex = 0
        for index in 0..<count {
            let seed = UInt64(1000 + index * 7919)
            // The k-th set is null when k·nulls/count crosses a whole number: `nulls` of them, spread out.
            let isNull = (index + 1) * nulls / count > index * nulls / count
            if isNull {
                let size = sizes[nullIndex % sizes.count]
                var null = SampleConfiguration.null(seed: seed, terminals: size.terminals, days: size.days)
                null.transactionsPerTerminalPerDay = size.rate
                plan.append(("null seed=\(seed) terminals=\(size.terminals) days=\(size.days)", null))
                nullIndex += 1
                continue
            }
            var config = SampleConfiguration()
            config.seed = seed
            let size = sizes[plantedIndex % sizes.count]
            config.terminals = size.terminals
            config.days = size.days
            config.transactionsPerTerminalPerDay = size.rate
            config.effectStrength = effects[plantedIndex % effects.count]
            plan.append(("seed=\(seed) terminals=\(size.terminals) days=\(size.days) effect=\(config.effectStrength)", config))
            plantedIndex += 1
        }
        return plan
    }

    /// Generates, ingests and analyses one data set in a temporary folder, then scores it.
    ///
    /// The analysis runs at the defaults, `AnalysisOptions()` (999 permutations, no shortcut),
    /// once for `unknown` and once for `timeout`.
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
            findings += try Analysis.run(database: database, options: options).findings
        }
        return score(findings, truth: truth, label: label, seconds: Date().timeIntervalSince(started))
    }

    /// Scores reported findings against the ground truth, strictly.
    ///
    /// - A planted cause is **found** when a finding of its outcome names its pattern (all pairs of
    ///   one required alternative, nothing outside the required and allowed pairs), one of its
    ///   kinds, its mechanism (`top_cause`'s cause is among the expected mechanisms, for every kind;
    ///   only an expectation with no mechanisms skips this) and its direction (risk ratio above 1 for
    ///   `higher`, below 1 for `lower`).
    /// - Every reported finding counts once, in rank order:
    ///   1. **false positive** if its pattern is a decoy's, confounded or not (and the decoy is
    ///      listed in `blamedDecoys`);
    ///   2. **true positive** if it is the first finding to match a planted cause;
    ///   3. **redundant** if it matches a planted cause a higher-ranked finding already found;
    ///   4. **redundant** if it is marked `confounded_by` an attribute of a found cause's required
    ///      pattern under the same outcome (`firmware` or `code_table` for the code-table gap,
    ///      `acquirer`, `net_event_60s`, `region` or `net_type`): the analysis says another
    ///      attribute explains it, and that attribute's cause is reported, so it restates that
    ///      cause rather than blaming something false. A confounder that is only an allowed
    ///      (aliased) pair, or the attribute of a cause no finding found, does not count;
    ///   5. **false positive** otherwise: noise, a `code` finding (no planted cause is reported as
    ///      that kind), a confounded finding with any other confounder, or a planted pattern with
    ///      the wrong kind, mechanism or direction.
    /// - On null data nothing is planted, so every finding of every kind is a false positive.
    public static func score(_ findings: [Finding], truth: GroundTruth, label: String, seconds: Double) -> DataSetScore {
        let decoys = Set(truth.decoys.map(\.pattern))
        var found: [PlantedCause] = []
        var ranks: [String: Int] = [:]
        var scored: [ScoredFinding] = []
        // Rank order: true positives and restatements of found causes.
        for finding in findings {
            ranks[finding.outcome, default: 0] += 1
            let rank = ranks[finding.outcome]!
            if decoys.contains(finding.pattern) {
                let decoy = truth.decoys.first { $0.pattern == finding.pattern }!
                let confounded = finding.confoundedBy.map { ", confounded by \($0)" } ?? ""
                scored.append(
                    ScoredFinding(
                        finding: finding, rank: rank, bucket: .falsePositive, cause: nil,
                        reason: "decoy of \(decoy.correlatedWith.rawValue) (confounder \(decoy.confounder))\(confounded)"))
                continue
            }
            let reported = truth.expectedFindings.filter { matches(finding, $0) }.map(\.cause)
            if let new = reported.first(where: { !found.contains($0) }) {
                found.append(new)
                scored.append(ScoredFinding(finding: finding, rank: rank, bucket: .truePositive, cause: new, reason: "reports \(new.rawValue)"))
            } else if let old = reported.first {
                scored.append(
                    ScoredFinding(
                        finding: finding, rank: rank, bucket: .redundant, cause: old, reason: "reports \(old.rawValue) again"))
            } else {
                // Decided once every true positive is known (a confounded finding may rank above the cause it restates).
                scored.append(ScoredFinding(finding: finding, rank: rank, bucket: .falsePositive, cause: nil, reason: ""))
            }
        }
        for index in scored.indices where scored[index].bucket == .falsePositive && scored[index].reason.isEmpty {
            let finding = scored[index].finding
            if let confounder = finding.confoundedBy,
                let restated = truth.expectedFindings.first(where: {
                    $0.outcome == finding.outcome && found.contains($0.cause) && requiredAttributes($0).contains(confounder)
                })
            {
                scored[index].bucket = .redundant
                scored[index].cause = restated.cause
                scored[index].reason = "confounded by \(confounder), the attribute of found \(restated.cause.rawValue)"
            } else {
                scored[index].reason = whyUnmatched(finding, truth, found: found)
            }
        }
        let expected = truth.expectedFindings.map(\.cause)
        return DataSetScore(
            label: label, truth: truth, findings: scored, found: expected.filter { found.contains($0) }.sorted(),
            missed: expected.filter { !found.contains($0) }.sorted(),
            blamedDecoys: scored.filter { decoys.contains($0.finding.pattern) }.map(\.finding.pattern), seconds: seconds)
    }

    /// True when a finding reports the expected cause: outcome, kind and pattern per the truth, its
    /// top cause among the expected mechanisms, and the expected direction.
    static func matches(_ finding: Finding, _ expected: ExpectedFinding) -> Bool {
        guard expected.outcome == finding.outcome, expected.matches(kind: finding.kind, pattern: finding.pattern) else { return false }
        guard expected.mechanisms.isEmpty || expected.mechanisms.contains(mechanism(finding)) else { return false }
        return direction(finding, matches: expected)
    }

    /// The cause of `top_cause` (`code_table_gap` of `code_table_gap:0.93`).
    static func mechanism(_ finding: Finding) -> String {
        finding.topCause.split(separator: ":").first.map(String.init) ?? ""
    }

    static func direction(_ finding: Finding, matches expected: ExpectedFinding) -> Bool {
        switch expected.direction {
        case "lower": finding.riskRatio < 1
        case "higher": finding.riskRatio > 1
        default: true
        }
    }

    /// The attributes of the expected pattern's required pairs (`firmware` of `firmware=5.1.0`).
    static func requiredAttributes(_ expected: ExpectedFinding) -> Set<String> {
        Set(expected.requiredPairs.joined().compactMap { $0.split(separator: "=").first.map(String.init) })
    }

    /// Why a finding that reports nothing planted was reported: which check a near match failed.
    static func whyUnmatched(_ finding: Finding, _ truth: GroundTruth, found: [PlantedCause]) -> String {
        if truth.isNull { return "null data" }
        if let confounder = finding.confoundedBy {
            let missed = truth.expectedFindings.first {
                $0.outcome == finding.outcome && !found.contains($0.cause) && requiredAttributes($0).contains(confounder)
            }
            return missed.map { "confounded by \(confounder), the attribute of missed \($0.cause.rawValue)" }
                ?? "confounded by \(confounder), no planted cause's attribute"
        }
        if finding.kind == "code" { return "code finding: no planted cause is reported as a code" }
        for expected in truth.expectedFindings where expected.outcome == finding.outcome {
            let samePattern = expected.kinds.contains { expected.matches(kind: $0, pattern: finding.pattern) }
            guard samePattern else { continue }
            if !expected.kinds.contains(finding.kind) { return "pattern of \(expected.cause.rawValue) as kind \(finding.kind)" }
            if !expected.mechanisms.isEmpty, !expected.mechanisms.contains(mechanism(finding)) {
                return "pattern of \(expected.cause.rawValue), but top_cause \(finding.topCause) is not its mechanism"
            }
            return "pattern of \(expected.cause.rawValue), but risk ratio goes the wrong way"
        }
        return "matches no planted pattern"
    }
}
