import Glibc
public import POSStore

/// Options of `posrca analyze`: matching, explain, network and firmware passes.
public struct AnalysisOptions: Sendable {
    public var match = MatchOptions()
    public var explain = ExplainOptions()
    public var network = NetworkOptions()
    /// Days before and after an upgrade compared by the firmware pass.
    public var firmwareWindowDays = 14
    /// What is explained: `unknown` (default), `timeout`, or `failed`.
    public var target: ExplainTarget = .unknown

    public init() {}

    /// A one-line description of the options, kept with each run.
    public var summary: String {
        "outcome=\(target.rawValue) window_ms=\(match.windowMilliseconds) min_support=\(explain.minSupport) "
            + "max_q=\(explain.maxQValue) min_rr_lo=\(explain.minRiskRatioLow) max_findings=\(explain.maxFindings) "
            + "permutations=\(network.permutations) seed=\(network.seed) firmware_window_days=\(firmwareWindowDays)"
    }
}

/// What one analysis found, for the command line and the reports.
public struct AnalysisResult: Sendable {
    public var findings: [Finding]
    public var table: TransactionTable
    public var rates: [AttributeRate]
    public var network: NetworkReport?
    /// Transactions by outcome, and the explained outcome's rows by cause.
    public var outcomes: [Outcome: Int]
    public var causes: [String: Int]
    public var matchedTransactions: Int
    public var acquirerPairs: Int
    /// Seconds spent in each phase, in order.
    public var timings: [(phase: String, seconds: Double)]
}

/// Runs every pass of analysis.md over the database and stores the results (the views
/// `transactions`, `acquirer_messages`, `firmware_history`, `findings`).
public enum Analysis {
    /// Reads, matches, classifies, explains and writes back. Re-running on the same data gives the same answer.
    public static func run(database: Database, options: AnalysisOptions = AnalysisOptions()) throws -> AnalysisResult {
        var timings: [(String, Double)] = []
        var clock = seconds()
        func lap(_ phase: String) {
            let now = seconds()
            timings.append((phase, now - clock))
            clock = now
        }
        let started = clock
        let startedAt = Int64(Glibc.time(nil)) * 1000
        let data = try AnalysisData.load(path: database.path)
        lap("load")
        var pairs = Correlation.pairMessages(data, options: options.match)
        let match = Correlation.match(data, pairs: &pairs, options: options.match)
        lap("match")
        let built = TableBuilder(data: data, pairs: pairs, match: match, options: options.match).build()
        let table = built.table
        lap("classify")

        // The derived rows are written on a thread of their own while the passes compute.
        let writer = AnalysisWriter(database: database)
        let derived = UncheckedBox((built.facts, pairs, data, built.periods))
        let writing = BackgroundTask {
            try writer.writeDerived(facts: derived.value.0, pairs: derived.value.1, data: derived.value.2, periods: derived.value.3)
        }

        let target = options.target
        let isTarget: (Outcome) -> Bool = { target.matches($0) }
        let rates = Rates.perAttributeValue(table, target: target)
        var findings = Explainer.explain(table, target: target, options: options.explain)
        lap("explain")
        let network = NetworkAnalysis.analyze(table, events: built.network, isTarget: isTarget, targetName: target.rawValue, options: options.network)
        findings += network.findings
        lap("network")
        findings += firmwareFindings(table, upgrades: built.upgrades, options: options)
        findings += CodeTableAnalysis.analyze(table, isTarget: isTarget, targetName: target.rawValue)
        lap("firmware and codes")
        findings = rank(findings)

        var outcomes: [Outcome: Int] = [:]
        var causes: [String: Int] = [:]
        for row in 0..<table.count {
            outcomes[table.outcome[row], default: 0] += 1
            if target.matches(table.outcome[row]) { causes[table.cause[row]?.description ?? "none", default: 0] += 1 }
        }
        do {
            try writing.value()
        } catch {
            writer.abandon()
            throw error
        }
        try writer.finish(findings: findings, run: (startedAt, seconds() - started, options.summary, table.count))
        lap("write")
        return AnalysisResult(
            findings: findings, table: table, rates: rates, network: network, outcomes: outcomes, causes: causes,
            matchedTransactions: match.pairOfTransaction.reduce(0) { $0 + ($1 == nil ? 0 : 1) }, acquirerPairs: pairs.count,
            timings: timings
        )
    }

    /// Firmware changes (analysis.md §6), once over all the target outcomes and once for each cause
    /// with enough of them, as the explain pass splits its runs: an upgrade that fixes a code-table gap
    /// shows clearly in the `code_table_gap` unknowns and can drown in the other mechanisms' noise
    /// when they are mixed. A change found twice keeps the larger excess (see `rank`).
    static func firmwareFindings(_ table: TransactionTable, upgrades: [FirmwareUpgrade], options: AnalysisOptions) -> [Finding] {
        let target = options.target
        var findings = FirmwareChangeAnalysis.analyze(
            table, upgrades: upgrades, isTarget: { target.matches($0) }, targetName: target.rawValue, windowDays: options.firmwareWindowDays)
        var perCause: [Cause: Int] = [:]
        var total = 0
        for row in 0..<table.count where target.matches(table.outcome[row]) {
            total += 1
            if let cause = table.cause[row] { perCause[cause, default: 0] += 1 }
        }
        let minimum = max(options.explain.causeMinimum, Int((options.explain.causeMinimumShare * Double(total)).rounded(.up)))
        for (cause, count) in perCause.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where count >= minimum && count < total {
            // The same table with only this cause's rows as the target.
            var restricted = table
            for row in 0..<table.count {
                let isCause = target.matches(table.outcome[row]) && table.cause[row] == cause
                restricted.outcome[row] = isCause ? .unknown : .approved
            }
            for var finding in FirmwareChangeAnalysis.analyze(
                restricted, upgrades: upgrades, isTarget: { $0 == .unknown }, targetName: "\(target.rawValue) (\(cause))",
                windowDays: options.firmwareWindowDays)
            {
                finding.outcome = target.rawValue
                findings.append(finding)
            }
        }
        return findings
    }

    /// Most important first: unconfounded before confounded, then by excess. A pattern found by two
    /// passes (the explain run and the network pass both test `net_event_60s=yes`) is kept once, with
    /// the larger excess; on a tie the dedicated pass's finding, whose evidence says more, is kept.
    static func rank(_ findings: [Finding]) -> [Finding] {
        var best: [String: Finding] = [:]
        for finding in findings {
            let key = finding.outcome + "\u{1}" + finding.pattern
            if let kept = best[key] {
                let keepNew = finding.excess > kept.excess || (finding.excess == kept.excess && kept.kind == "combination")
                if keepNew { best[key] = finding }
            } else {
                best[key] = finding
            }
        }
        return best.values.sorted { a, b in
            if (a.confoundedBy == nil) != (b.confoundedBy == nil) { return a.confoundedBy == nil }
            if a.excess != b.excess { return a.excess > b.excess }
            return a.pattern < b.pattern
        }
    }

    /// Carries a non-Sendable value to the writing thread, which is its only user until it is joined.
    struct UncheckedBox<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
