import Glibc
public import POSStore

/// Options of `posrca analyze`: matching, window, explain, network and firmware passes.
public struct AnalysisOptions: Sendable {
    public var match = MatchOptions()
    public var explain = ExplainOptions()
    public var network = NetworkOptions()
    public var firmware = FirmwareOptions()
    /// A finding whose target transactions are at least this share of a higher-ranked finding's
    /// is folded into it (`--fold-share`).
    public var foldShare = 0.8
    /// What is explained: `unknown` (default), `timeout`, or `failed`.
    public var target: ExplainTarget = .unknown
    /// The local days the passes look at.
    public var window: WindowSelection = .lastDays(28)

    public init() {}

    /// A one-line description of the options, every threshold included (`Thresholds.all`), kept
    /// with each run (`analysis_runs.options`).
    public var summary: String {
        "outcome=\(target.rawValue) \(window) window_ms=\(match.windowMilliseconds) "
            + Thresholds.all.map { "\($0.name)=\($0.value(in: self))" }.joined(separator: " ")
    }
}

/// What one analysis found, for the command line and the reports.
public struct AnalysisResult: Sendable {
    public var findings: [Finding]
    /// Every cell of the code-gap test (empty when the run was reused: see `code_gap_tests`).
    public var codeGaps: [CodeGapAnalysis.Test] = []
    /// Transactions in the days the passes read.
    public var transactions: Int
    public var rates: [AttributeRate]
    public var network: NetworkReport?
    /// Transactions by outcome, and the explained outcome's rows by cause, in the window.
    public var outcomes: [Outcome: Int]
    public var causes: [String: Int]
    public var matchedTransactions: Int
    public var acquirerPairs: Int
    public var window: AnalysisWindow
    /// What the night's new input cost: the (day, terminal) pairs recomputed.
    public var recompute: RecomputeReport
    /// True when nothing changed since the last run (no new input, same options and window): its
    /// findings are returned as they were, without reading a transaction.
    public var reused: Bool
    /// The run's id in `analysis_runs`, nil when there is no run yet.
    public var runID: Int64?
    /// Seconds spent in each phase, in order.
    public var timings: [(phase: String, seconds: Double)]
    /// Seconds each pass took on its thread (they run two at a time within the `passes` phase), the
    /// explain runs' together.
    public var passTimings: [(phase: String, seconds: Double)] = []
}

/// Runs every pass of docs/analysis.md over the database and stores the results (the views
/// `transactions`, `acquirer_messages`, `firmware_history`, `findings`, the `daily_*` views).
public enum Analysis {
    /// Recomputes what new or changed input marked, then runs the passes over the window and keeps
    /// the run and its findings. With nothing new and the same options, reads nothing per row and
    /// returns the last run's findings. Re-running on the same data gives the same answer.
    public static func run(
        database: Database, options: AnalysisOptions = AnalysisOptions(), progress: (String) -> Void = { _ in }
    ) throws -> AnalysisResult {
        var timings: [(String, Double)] = []
        var clock = monotonicSeconds()
        let traceMemory = getenv("POSRCA_TRACE_MEMORY") != nil
        func lap(_ phase: String) {
            let now = monotonicSeconds()
            let elapsed = now - clock
            timings.append((phase, elapsed))
            clock = now
            if traceMemory { print("after \(phase) (\((elapsed * 1000).rounded() / 1000) s): \(Self.residentMemory())") }
        }
        let started = clock
        let startedAt = Int64(Glibc.time(nil)) * 1000
        let recompute = try Recompute.run(database: database, options: options.match, progress: progress)
        lap("recompute")
        let window = try AnalysisWindow.resolve(options.window, database: database)
        let totals = try WindowTotals.read(database, days: window.analysedDays, target: options.target)

        if recompute.batches == 0, let last = try AnalysisRuns.latest(database), last.options == options.summary,
            last.windowSince == window.since.map(LocalDay.text), last.windowUntil == window.until.map(LocalDay.text),
            last.uncoveredDays == window.uncoveredDays.map(LocalDay.text).joined(separator: " "),
            last.transactions == totals.transactions
        {
            lap("reuse")
            return AnalysisResult(
                findings: try AnalysisRuns.findings(database, run: last.id), transactions: totals.transactions, rates: [], network: nil,
                outcomes: totals.outcomes, causes: totals.causes, matchedTransactions: totals.matchedPairs, acquirerPairs: totals.pairs,
                window: window, recompute: recompute, reused: true, runID: last.id, timings: timings)
        }

        // The page cache helped the recompute's writes; the window is read once, blob by blob. What
        // the ingest and the recompute freed goes back to the system before the window is built, so
        // the night's peak is the larger of theirs and the window's, not their sum.
        try database.execute("PRAGMA cache_size = -8192; PRAGMA shrink_memory")
        _ = releaseFreedMemory(0)
        // From here on, arrays of a megabyte or more get pages of their own from the system and
        // give them back when freed. glibc's default raises that threshold to 32 MB after the first
        // large free, so the passes' arrays of a few MB each (per-row flags, exposures, counts)
        // would stay in the heap, scattered among small blocks: on 30 nights of 250k transactions
        // the night-30 peak fell from 329 to 313 MB. Not earlier: the ingest and the recompute
        // allocate and free such arrays by the thousand, and pay for fresh pages each time.
        _ = mallocOption(mallocMmapThreshold, 1 << 20)
        progress("reading the window \(window.text)")
        let data = try WindowData.load(database, days: window.analysedDays)
        // The decoded day snapshots are garbage now: back to the system before the passes run.
        _ = releaseFreedMemory(0)
        let table = data.table
        lap("load window")
        let target = options.target
        let valueCounts =
            data.valueCounts
            ?? {
                var counts = ValueCounts(table: table)
                counts.add(table, rows: nil)
                return counts
            }()
        let rates = Rates.perAttributeValue(table, target: target, transactionCounts: valueCounts)
        progress("explaining \(table.count) transactions")
        let plan = try ExplainPlan(table, target: target, options: options.explain, transactionCounts: valueCounts) { counter in
            try ExplainDayCounts.count(counter, days: data.dayRows, maxAttributes: max(1, options.explain.maxAttributes), database: database)
        }
        lap("explain")
        // The explain pass's counts first, alone: beside the network pass, whose memory they would
        // overlap, they raised the night's peak by 15–20 MB and saved 0.03 s.
        let passes = runPasses(plan: plan, data: data, options: options)
        lap("passes")
        if traceMemory {
            for (job, seconds) in passes.jobSeconds { print("  \(job): \((seconds * 1000).rounded() / 1000) s") }
        }
        let network = passes.network
        let candidates = passes.candidates
        let codeGaps = passes.codeGaps
        let findings = FindingAssembly.assemble(candidates, table: table, target: target, codeGaps: codeGaps, foldShare: options.foldShare)
        lap("assemble")
        let runID = try AnalysisRuns.insert(
            database, findings: findings, codeGaps: codeGaps, startedAt: startedAt, seconds: monotonicSeconds() - started,
            options: options.summary, transactions: table.count, window: window, recomputed: recompute.terminalDays)
        lap("write")
        return AnalysisResult(
            findings: findings, codeGaps: codeGaps, transactions: table.count, rates: rates, network: network, outcomes: totals.outcomes,
            causes: totals.causes,
            matchedTransactions: data.matchedPairs, acquirerPairs: data.pairs, window: window, recompute: recompute, reused: false,
            runID: runID, timings: timings, passTimings: passTimings(passes.jobSeconds))
    }

    /// Each job's seconds, those of jobs of the same name (the explain runs) summed.
    static func passTimings(_ jobs: [(job: String, seconds: Double)]) -> [(phase: String, seconds: Double)] {
        var timings: [(phase: String, seconds: Double)] = []
        for (phase, seconds) in jobs {
            if let index = timings.firstIndex(where: { $0.phase == phase }) {
                timings[index].seconds += seconds
            } else {
                timings.append((phase, seconds))
            }
        }
        return timings
    }

    /// What the passes after the counting give: the candidates of the explain runs (merged), the
    /// network pass and the firmware pass, in that order, and the code-gap tests.
    struct PassResults {
        var candidates: [Candidate]
        var network: NetworkReport?
        var codeGaps: [CodeGapAnalysis.Test]
        /// Each job's own seconds on its thread.
        var jobSeconds: [(job: String, seconds: Double)]
    }

    /// The explain runs, the network, firmware and code-gap passes on two threads, longest first
    /// (the network pass, then the runs by their outcome rows). Each reads the window and keeps
    /// its own working memory: two at a time raise the night's peak by about 10 MB over one at a
    /// time, and at 7M transactions take 0.33 s instead of 0.66.
    static func runPasses(plan: ExplainPlan?, data: WindowData, options: AnalysisOptions) -> PassResults {
        enum Output {
            case explain(run: Int, [Candidate])
            case network(NetworkReport)
            case firmware([Candidate])
            case codeGaps([CodeGapAnalysis.Test])
        }
        let table = data.table
        let target = options.target
        var jobs: [(name: String, work: () -> Output)] = [
            (
                "network",
                {
                    .network(
                        NetworkAnalysis.analyze(
                            table, events: data.network, isTarget: { target.matches($0) }, targetName: target.rawValue, options: options.network))
                }
            )
        ]
        if let plan {
            for run in plan.runs.indices.sorted(by: { plan.outcomeRows[$0].count > plan.outcomeRows[$1].count }) {
                jobs.append(("explain runs", { .explain(run: run, plan.findings(ofRun: run)) }))
            }
        }
        jobs.append(("firmware changes", { .firmware(firmwareCandidates(table, upgrades: data.upgrades, options: options)) }))
        jobs.append(("code gaps", { .codeGaps(CodeGapAnalysis.analyze(table, options: options.explain)) }))
        let outputs = PassJobs.run(jobs.map(\.work))
        var results = PassResults(candidates: [], network: nil, codeGaps: [], jobSeconds: [])
        var runs = [[Candidate]](repeating: [], count: plan?.runs.count ?? 0)
        var firmware: [Candidate] = []
        for (index, output) in outputs.enumerated() {
            results.jobSeconds.append((jobs[index].name, output.seconds))
            switch output.value {
            case .explain(let run, let found): runs[run] = found
            case .network(let report): results.network = report
            case .firmware(let found): firmware = found
            case .codeGaps(let tests): results.codeGaps = tests
            }
        }
        results.candidates = plan?.merge(runs) ?? []
        if let network = results.network {
            results.candidates += network.findings.map { Candidate(finding: $0, population: .rows(network.findingRows)) }
        }
        results.candidates += firmware
        return results
    }

    /// Firmware changes (docs/analysis.md §6), once over all the target outcomes and once for each cause
    /// with enough of them, as the explain pass splits its runs: an upgrade that fixes a code-table gap
    /// shows clearly in the `code_table_gap` unknowns and can drown in the other mechanisms' noise
    /// when they are mixed. All runs are one family of tests (`FirmwareChangeAnalysis.analyze`).
    static func firmwareCandidates(_ table: TransactionTable, upgrades: [FirmwareUpgrade], options: AnalysisOptions) -> [Candidate] {
        guard upgrades.contains(where: { $0.from != $0.to }) else { return [] }
        let target = options.target
        let isTargetOutcome = Outcome.allCases.map { target.matches($0) }
        var runs = [FirmwareChangeAnalysis.Run(outcome: target.rawValue, cause: nil, isTargetOutcome: isTargetOutcome)]
        var perCause = [Int](repeating: 0, count: 256)
        var total = 0
        for row in 0..<table.count where isTargetOutcome[Int(table.outcome[row].rawValue)] {
            total += 1
            if let cause = table.cause[row] { perCause[Int(cause.rawValue)] += 1 }
        }
        let minimum = max(options.explain.causeMinimum, Int((options.explain.causeMinimumShare * Double(total)).rounded(.up)))
        for cause in Cause.allCases where perCause[Int(cause.rawValue)] >= minimum && perCause[Int(cause.rawValue)] < total {
            runs.append(FirmwareChangeAnalysis.Run(outcome: target.rawValue, cause: cause, isTargetOutcome: isTargetOutcome))
        }
        return FirmwareChangeAnalysis.analyze(table, upgrades: upgrades, runs: runs, options: options.firmware).results.map {
            Candidate(finding: $0.finding, population: .firmware(worse: $0.worseVersion, better: $0.betterVersion))
        }
    }

    /// `VmRSS` and `VmHWM` (the peak) of this process, e.g. "285916 kB, peak 298444 kB" (for POSRCA_TRACE_MEMORY).
    static func residentMemory() -> String {
        guard let file = fopen("/proc/self/status", "r") else { return "?" }
        defer { fclose(file) }
        var values: [String: String] = [:]
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let bytes = line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            let text = String(decoding: bytes, as: UTF8.self)
            for key in ["VmRSS", "VmHWM"] where text.hasPrefix(key + ":") {
                values[key] = text.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
            }
        }
        return "\(values["VmRSS"] ?? "?"), peak \(values["VmHWM"] ?? "?")"
    }
}

/// The window's totals from the daily aggregates: cheap whether or not the passes run.
struct WindowTotals {
    var transactions = 0
    var outcomes: [Outcome: Int] = [:]
    var causes: [String: Int] = [:]
    var pairs = 0
    var matchedPairs = 0

    static func read(_ database: Database, days: [Int64], target: ExplainTarget) throws -> WindowTotals {
        var totals = WindowTotals()
        guard let first = days.first, let last = days.last else { return totals }
        let included = Set(days.map(LocalDay.text))
        let outcomes = try database.prepare("SELECT day, outcome, cause, transactions FROM agg_outcomes WHERE day BETWEEN ? AND ?")
        outcomes.bind(LocalDay.text(first), at: 1)
        outcomes.bind(LocalDay.text(last), at: 2)
        while try outcomes.step() {
            guard included.contains(outcomes.text(0) ?? ""), let outcome = Outcome.allCases.first(where: { $0.description == outcomes.text(1) })
            else { continue }
            let n = Int(outcomes.int64(3))
            totals.transactions += n
            totals.outcomes[outcome, default: 0] += n
            if target.matches(outcome) { totals.causes[outcomes.text(2) ?? "none", default: 0] += n }
        }
        let pairs = try database.prepare("SELECT day, pairs, matched FROM agg_acquirer WHERE day BETWEEN ? AND ?")
        pairs.bind(LocalDay.text(first), at: 1)
        pairs.bind(LocalDay.text(last), at: 2)
        while try pairs.step() {
            guard included.contains(pairs.text(0) ?? "") else { continue }
            totals.pairs += Int(pairs.int64(1))
            totals.matchedPairs += Int(pairs.int64(2))
        }
        return totals
    }
}

/// The runs kept in `analysis_runs` and their findings in `run_findings`.
public enum AnalysisRuns {
    /// One stored run.
    public struct Run: Sendable {
        public var id: Int64
        public var startedAt: Int64
        public var options: String
        public var windowSince: String?
        public var windowUntil: String?
        public var uncoveredDays: String
        /// Transactions in the days the run analysed.
        public var transactions: Int
    }

    /// The latest run, nil before the first.
    public static func latest(_ database: Database) throws -> Run? {
        try runs(database, limit: 1).first
    }

    /// The latest runs, newest first.
    public static func runs(_ database: Database, limit: Int) throws -> [Run] {
        let statement = try database.prepare(
            """
            SELECT id, started_at, options, window_since, window_until, uncovered_days, transactions FROM analysis_runs ORDER BY id DESC LIMIT ?
            """)
        statement.bind(Int64(limit), at: 1)
        var runs: [Run] = []
        while try statement.step() {
            runs.append(
                Run(
                    id: statement.int64(0), startedAt: statement.int64(1), options: statement.text(2) ?? "", windowSince: statement.text(3),
                    windowUntil: statement.text(4), uncoveredDays: statement.text(5) ?? "", transactions: Int(statement.int64(6))))
        }
        return runs
    }

    /// A run's findings, by rank.
    public static func findings(_ database: Database, run: Int64) throws -> [Finding] {
        let statement = try database.prepare(
            """
            SELECT kind, pattern, outcome, n_txns, n_unknown, rate, rate_lo, rate_hi, baseline_rate, risk_ratio, rr_lo, rr_hi, p_value,
                   q_value, excess_unknown, share_of_unknown, top_cause, top_codes, confounded_by, evidence, evidence_zh,
                   recommendation, recommendation_zh, folded, rank
            FROM run_findings WHERE run_id = ? ORDER BY rank
            """)
        statement.bind(run, at: 1)
        var findings: [Finding] = []
        func real(_ i: Int) -> Double { statement.isNull(i) ? .nan : statement.double(i) }
        while try statement.step() {
            findings.append(
                Finding(
                    kind: statement.text(0) ?? "", pattern: statement.text(1) ?? "", outcome: statement.text(2) ?? "",
                    transactions: Int(statement.int64(3)), outcomes: Int(statement.int64(4)), rate: real(5), rateLow: real(6), rateHigh: real(7),
                    baselineRate: real(8), riskRatio: real(9), riskRatioLow: real(10), riskRatioHigh: real(11), pValue: real(12), qValue: real(13),
                    excess: real(14), shareOfOutcome: real(15), topCause: statement.text(16) ?? "", topCodes: statement.text(17) ?? "",
                    confoundedBy: statement.text(18), evidence: statement.text(19) ?? "", evidenceZH: statement.text(20) ?? "",
                    recommendation: statement.text(21) ?? "", recommendationZH: statement.text(22) ?? "",
                    folded: (statement.text(23) ?? "").split(separator: " | ").map(String.init)))
        }
        let terminals = try database.prepare(
            """
            SELECT rank, tid, brand, model, channel, agent, region, firmware, n, unknown FROM run_finding_terminals
            WHERE run_id = ? ORDER BY rank, unknown DESC, n DESC, tid
            """)
        terminals.bind(run, at: 1)
        while try terminals.step() {
            let index = Int(terminals.int64(0)) - 1
            guard findings.indices.contains(index) else { continue }
            findings[index].terminals.append(
                FindingTerminal(
                    tid: terminals.text(1) ?? "", brand: terminals.text(2) ?? "", model: terminals.text(3) ?? "",
                    channel: terminals.text(4) ?? "", agent: terminals.text(5) ?? "", region: terminals.text(6) ?? "",
                    firmware: terminals.text(7) ?? "", transactions: Int(terminals.int64(8)), outcomes: Int(terminals.int64(9))))
        }
        return findings
    }

    /// The run's finding terminals and code-gap tests, replacing those of earlier runs.
    private static func insertDetails(
        _ database: Database, run id: Int64, findings: [Finding], codeGaps: [CodeGapAnalysis.Test], finite: (Double) -> Double?
    ) throws {
        try database.execute("DELETE FROM run_finding_terminals WHERE run_id < \(id); DELETE FROM run_code_gap_tests WHERE run_id < \(id)")
        let terminal = try database.prepare(
            """
            INSERT INTO run_finding_terminals(run_id, rank, tid, brand, model, channel, agent, region, firmware, n, unknown)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """)
        for (index, finding) in findings.enumerated() {
            for t in finding.terminals {
                terminal.bind(id, at: 1)
                terminal.bind(Int64(index + 1), at: 2)
                for (k, text) in [t.tid, t.brand, t.model, t.channel, t.agent, t.region, t.firmware].enumerated() {
                    terminal.bind(text, at: Int32(k + 3))
                }
                terminal.bind(Int64(t.transactions), at: 10)
                terminal.bind(Int64(t.outcomes), at: 11)
                try terminal.run()
            }
        }
        let gap = try database.prepare(
            """
            INSERT INTO run_code_gap_tests(run_id, code, attribute, value, unknown, arrivals, other_unknown, other_arrivals,
                risk_ratio, rr_lo, rr_hi, p_value, q_value, lacks, known_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """)
        for test in codeGaps {
            gap.bind(id, at: 1)
            gap.bind(test.code, at: 2)
            gap.bind(test.attribute, at: 3)
            gap.bind(test.value, at: 4)
            gap.bind(Int64(test.unknown), at: 5)
            gap.bind(Int64(test.arrivals), at: 6)
            gap.bind(Int64(test.otherUnknown), at: 7)
            gap.bind(Int64(test.otherArrivals), at: 8)
            gap.bind(test.riskRatio.flatMap { finite($0.ratio) }, at: 9)
            gap.bind(test.riskRatio.flatMap { finite($0.lower) }, at: 10)
            gap.bind(test.riskRatio.flatMap { finite($0.upper) }, at: 11)
            gap.bind(finite(test.pValue), at: 12)
            gap.bind(finite(test.qValue), at: 13)
            gap.bind(Int64(test.lacks ? 1 : 0), at: 14)
            gap.bind(test.knownAt.map { "\($0.value):\($0.known)/\($0.arrivals)" }.joined(separator: " "), at: 15)
            try gap.run()
        }
    }

    /// Keeps a run and its findings, in one transaction; returns the run's id.
    static func insert(
        _ database: Database, findings: [Finding], codeGaps: [CodeGapAnalysis.Test], startedAt: Int64, seconds: Double,
        options: String, transactions: Int, window: AnalysisWindow, recomputed: Int
    ) throws -> Int64 {
        try database.execute("BEGIN IMMEDIATE")
        do {
            let run = try database.prepare(
                """
                INSERT INTO analysis_runs(started_at, seconds, options, transactions, findings, window_since, window_until, uncovered_days, recomputed)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                """)
            run.bind(startedAt, at: 1)
            run.bind(seconds, at: 2)
            run.bind(options, at: 3)
            run.bind(Int64(transactions), at: 4)
            run.bind(Int64(findings.count), at: 5)
            run.bind(window.since.map(LocalDay.text), at: 6)
            run.bind(window.until.map(LocalDay.text), at: 7)
            run.bind(window.uncoveredDays.map(LocalDay.text).joined(separator: " "), at: 8)
            run.bind(Int64(recomputed), at: 9)
            try run.run()
            let id = database.lastInsertRowID
            let row = try database.prepare(
                """
                INSERT INTO run_findings(run_id, rank, kind, pattern, outcome, n_txns, n_unknown, rate, rate_lo, rate_hi, baseline_rate,
                    risk_ratio, rr_lo, rr_hi, p_value, q_value, excess_unknown, share_of_unknown, top_cause, top_codes, confounded_by, evidence,
                    evidence_zh, recommendation, recommendation_zh, folded)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)
                """)
            func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
            for (index, f) in findings.enumerated() {
                row.bind(id, at: 1)
                row.bind(Int64(index + 1), at: 2)
                row.bind(f.kind, at: 3)
                row.bind(f.pattern, at: 4)
                row.bind(f.outcome, at: 5)
                row.bind(Int64(f.transactions), at: 6)
                row.bind(Int64(f.outcomes), at: 7)
                row.bind(finite(f.rate), at: 8)
                row.bind(finite(f.rateLow), at: 9)
                row.bind(finite(f.rateHigh), at: 10)
                row.bind(finite(f.baselineRate), at: 11)
                row.bind(finite(f.riskRatio), at: 12)
                row.bind(finite(f.riskRatioLow), at: 13)
                row.bind(finite(f.riskRatioHigh), at: 14)
                row.bind(finite(f.pValue), at: 15)
                row.bind(finite(f.qValue), at: 16)
                row.bind(finite(f.excess), at: 17)
                row.bind(finite(f.shareOfOutcome), at: 18)
                row.bind(f.topCause, at: 19)
                row.bind(f.topCodes, at: 20)
                row.bind(f.confoundedBy, at: 21)
                row.bind(f.evidence, at: 22)
                row.bind(f.evidenceZH, at: 23)
                row.bind(f.recommendation, at: 24)
                row.bind(f.recommendationZH, at: 25)
                row.bind(f.folded.joined(separator: " | "), at: 26)
                try row.run()
            }
            try insertDetails(database, run: id, findings: findings, codeGaps: codeGaps, finite: finite)
            try database.execute("COMMIT")
            return id
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }
}

/// glibc's `malloc_trim`: returns the free memory at the top of the heap and in the arenas to the
/// system. The Glibc module does not export it (it is a GNU extension in `malloc.h`).
@_silgen_name("malloc_trim")
private func releaseFreedMemory(_ pad: Int) -> Int32

/// glibc's `mallopt` and its `M_MMAP_THRESHOLD` parameter (setting it also turns off the dynamic
/// threshold). The Glibc module does not export them (`malloc.h`).
@_silgen_name("mallopt")
private func mallocOption(_ parameter: Int32, _ value: Int32) -> Int32
private let mallocMmapThreshold: Int32 = -3
