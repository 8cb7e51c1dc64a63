import Glibc
public import POSAnalysis
import POSFormats
import POSInput
public import POSStore

/// What the caller of `ReportWriter` adds to the manifest: who wrote it, with what options, and
/// what ran before the report (ingest, analysis).
public struct ReportContext: Sendable {
    /// The tool's version, e.g. `0.1.0`.
    public var toolVersion: String
    /// The options the command ran with, as given (name → value), for the manifest.
    public var options: [(String, JSONValue)] = []
    /// Phases that ran before the report, with their seconds; the report adds its own.
    public var timings: [(phase: String, seconds: Double)] = []
    /// A section about the run that produced the report (the nightly job's ingest and status).
    public var run: JSONValue?
    /// When the report was made (Unix seconds).
    public var generatedAt: Int
    /// The language of `summary.html` (`--lang`); the CSV files and the manifest are the same in every language.
    public var language: Language = .english

    public init(toolVersion: String) {
        self.toolVersion = toolVersion
        generatedAt = Int(time(nil))
    }
}

/// What a report run wrote.
public struct ReportOutcome: Sendable {
    /// File names written into the folder, in order.
    public var files: [String] = []
    /// Canned queries that failed, with the reason; their CSV is missing and the manifest says why.
    public var problems: [String] = []
    public var findings = 0
    public var seconds = 0.0
}

/// Writes every report of docs/cli.md §6 into one folder: `findings.csv`, one CSV per canned query (with
/// its default parameters), `summary.html` and `manifest.json`.
///
/// Reads only the stable views (and the last analysis run's options), on a connection that should
/// be opened `.readOnly`. Each file is written to a temporary name and renamed when complete, and
/// the manifest comes last, so a folder with a manifest is a complete report.
public enum ReportWriter {
    /// The name of the findings file, with the columns of docs/analysis.md §7.
    public static let findingsFile = "findings.csv"
    /// The folder of `<rank>-terminals.csv`, one per finding: the terminals it concerns.
    public static let findingTerminalsFolder = "findings"
    /// The latest run's code-gap test, every cell.
    public static let codeGapTestsFile = "code_gap_tests.csv"

    /// Writes the reports into `folder` (created when missing). A failing canned query is recorded
    /// in the outcome and the manifest and does not stop the others; other failures throw.
    public static func write(database: Database, queries: QueryLibrary, folder: String, context: ReportContext) throws -> ReportOutcome {
        let started = monotonicSeconds()
        var outcome = ReportOutcome()
        var timings = context.timings
        try FileOutput.makeDirectories(folder)
        var files = ReportFiles(folder: folder)

        var lap = monotonicSeconds()
        let findings = try writeFindings(database, into: &files)
        outcome.findings = findings.rows.count
        timings.append(("findings", monotonicSeconds() - lap))

        lap = monotonicSeconds()
        let (runs, totals) = try runQueries(queries, on: database, into: &files)
        outcome.problems = runs.problems
        timings.append(("queries", monotonicSeconds() - lap))

        lap = monotonicSeconds()
        try writeSummary(totals, findings: findings, runs: runs, queries: queries, context: context, database: database, into: &files)
        timings.append(("summary", monotonicSeconds() - lap))

        outcome.seconds = monotonicSeconds() - started
        timings.append(("report", outcome.seconds))
        let manifest = manifest(
            database: database, queries: queries, context: context, totals: totals, runs: runs, files: files.written, timings: timings)
        try FileOutput.writeAtomically(manifest.rendered(), to: folder + "/manifest.json")
        outcome.files = files.written.map(\.name) + ["manifest.json"]
        return outcome
    }

    // MARK: - Steps

    /// A file written into the report folder, as the manifest lists it.
    private struct WrittenFile {
        var name: String
        var text: String
        /// Its rows, for a CSV file.
        var rows: Int
    }

    /// The files of a report as they are written: each one atomically, listed in order.
    private struct ReportFiles {
        let folder: String
        private(set) var written: [WrittenFile] = []

        init(folder: String) {
            self.folder = folder
        }

        /// Writes `text` to `name` in the folder.
        mutating func write(_ name: String, _ text: String, rows: Int) throws {
            try FileOutput.writeAtomically(text, to: folder + "/" + name)
            written.append(WrittenFile(name: name, text: text, rows: rows))
        }
    }

    /// What the canned queries gave: their tables by name, their manifest entries, and the
    /// failures of those that failed.
    private struct QueryRuns {
        var results: [String: ResultTable] = [:]
        var entries: [JSONValue] = []
        var problems: [String] = []
    }

    /// What the summary and the manifest report besides the findings: the totals, the input
    /// files and how the findings changed since the previous run.
    private struct ReportTotals {
        var overview: Overview
        var inputs: ResultTable
        var change: FindingsChange

        static func read(_ database: Database) throws -> ReportTotals {
            let overview = try Overview.read(database)
            let inputs = try QueryRunner.run(
                sql: "SELECT path, sha256, kind, bytes, lines, rows, rejects, status, error, ingested_at FROM files ORDER BY path, ingested_at",
                on: database
            )
            return ReportTotals(overview: overview, inputs: inputs, change: try FindingsChange.read(database))
        }
    }

    /// Writes `findings.csv`, each finding's terminals (so that ops act on exactly those,
    /// docs/cli.md §6 "Reports") and the code-gap tests; returns the findings.
    private static func writeFindings(_ database: Database, into files: inout ReportFiles) throws -> ResultTable {
        let findings = try QueryRunner.run(sql: "SELECT * FROM findings ORDER BY rank", on: database)
        try files.write(findingsFile, TableRenderer.csv(findings), rows: findings.rows.count)
        // A folder written before holds the lists of its own findings: they go, so that no list
        // names a finding this run does not have.
        try FileOutput.removeTree(files.folder + "/" + findingTerminalsFolder)
        try FileOutput.makeDirectories(files.folder + "/" + findingTerminalsFolder)
        for rank in 1...max(1, findings.rows.count) where !findings.rows.isEmpty {
            let terminals = try QueryRunner.run(
                sql: """
                    SELECT tid, brand, model, channel, agent, region, firmware, n, unknown FROM finding_terminals
                    WHERE rank = \(rank) ORDER BY unknown DESC, n DESC, tid
                    """,
                on: database)
            try files.write(findingTerminalsFolder + "/\(rank)-terminals.csv", TableRenderer.csv(terminals), rows: terminals.rows.count)
        }
        let gapTests = try QueryRunner.run(
            sql: "SELECT * FROM code_gap_tests ORDER BY lacks DESC, q_value, code, attribute, value", on: database)
        try files.write(codeGapTestsFile, TableRenderer.csv(gapTests), rows: gapTests.rows.count)
        return findings
    }

    /// What one job of `runQueries` gave: a canned query's table (or failure) with its seconds, or
    /// the totals.
    private enum JobResult {
        case query(Result<ResultTable, any Error>, seconds: Double)
        case totals(Result<ReportTotals, any Error>)
    }

    /// Runs each canned query with its default parameters into `NAME.csv` and reads the totals; a
    /// query that fails is a problem, not an error, unless writing its file failed. On a database
    /// file, a second, read-only connection on a thread of its own shares the jobs (the queries
    /// only read, and no writer runs beside a report): each connection takes the next job not yet
    /// taken, so neither waits while the other has work left. At 28 days of 250k transactions the
    /// queries and the totals take 0.5 s one after the other. Files and manifest entries keep the
    /// library's order.
    private static func runQueries(
        _ queries: QueryLibrary, on database: Database, into files: inout ReportFiles
    ) throws -> (QueryRuns, ReportTotals) {
        let all = queries.queries
        // Job 0 reads the totals, one of the longest jobs, so that it does not come last and
        // leave the other connection idle; job k ≥ 1 is query k − 1.
        let jobs = all.count + 1
        @Sendable func run(_ job: Int, on connection: Database) -> JobResult {
            if job == 0 { return .totals(Result { try ReportTotals.read(connection) }) }
            let (result, seconds) = timed { try all[job - 1].run(on: connection) }
            return .query(result, seconds: seconds)
        }
        let counter = JobCounter()
        let path = database.path
        let beside =
            path != "" && path != ":memory:" && !database.inTransaction
            ? BackgroundTask { () -> [(job: Int, result: JobResult)] in
                let second = try Database(path: path, mode: .readOnly)
                var done: [(job: Int, result: JobResult)] = []
                while let job = counter.take(below: jobs) { done.append((job, run(job, on: second))) }
                return done
            } : nil
        var results = [JobResult?](repeating: nil, count: jobs)
        while let job = counter.take(below: jobs) { results[job] = run(job, on: database) }
        // When the second connection could not open, it took no job: this one took them all.
        for (job, result) in (try? beside?.value()) ?? [] { results[job] = result }

        guard case .totals(let totals)? = results[0] else { preconditionFailure("the totals job did not run") }
        var runs = QueryRuns()
        for (query, result) in zip(all, results.dropFirst()) {
            guard case .query(let result, let seconds)? = result else { continue }
            var entry: [(String, JSONValue)] = [
                ("name", .string(query.name)), ("title", .string(query.title)), ("sha256", .string(query.version)),
                ("parameters", .object(query.parameters.map { ($0.name, .optional($0.defaultValue)) })),
            ]
            switch result {
            case .success(let table):
                runs.results[query.name] = table
                try files.write(query.name + ".csv", TableRenderer.csv(table), rows: table.rows.count)
                entry += [("file", .string(query.name + ".csv")), ("rows", .integer(Int64(table.rows.count))), ("status", .string("ok"))]
            case .failure(let error):
                runs.problems.append("query \(query.name): \(error)")
                entry += [("file", .null), ("rows", .null), ("status", .string("failed")), ("error", .string(String(describing: error)))]
            }
            entry.append(("seconds", .number(rounded(seconds))))
            runs.entries.append(.object(entry))
        }
        return (runs, try totals.get())
    }

    /// What `body` gave or threw, and the seconds it took.
    private static func timed(_ body: () throws -> ResultTable) -> (result: Result<ResultTable, any Error>, seconds: Double) {
        let started = monotonicSeconds()
        let result = Result { try body() }
        return (result, monotonicSeconds() - started)
    }

    /// Writes `summary.html`, which lists the files written before it and the manifest.
    private static func writeSummary(
        _ totals: ReportTotals, findings: ResultTable, runs: QueryRuns, queries: QueryLibrary, context: ReportContext,
        database: Database, into files: inout ReportFiles
    ) throws {
        let page = SummaryPage(
            overview: totals.overview, findings: findings, results: runs.results, inputs: totals.inputs,
            files: files.written.map(\.name) + ["manifest.json"], context: context, queries: queries, change: totals.change,
            catalogue: try ResponseCodeCatalogue.inForce(database)
        )
        try files.write("summary.html", page.html(), rows: 0)
    }

    /// `manifest.json`: the tool, the options, the run, the totals, the inputs, the queries and
    /// every file written with its size and SHA-256, the problems and the timings.
    private static func manifest(
        database: Database, queries: QueryLibrary, context: ReportContext, totals: ReportTotals, runs: QueryRuns,
        files: [WrittenFile], timings: [(phase: String, seconds: Double)]
    ) -> JSONValue {
        JSONValue.object([
            (
                "tool",
                .object([("name", .string("posrca")), ("version", .string(context.toolVersion)), ("sqlite", .string(Database.libraryVersion))])
            ),
            ("generated_at", .string(Overview.rfc3339(context.generatedAt))),
            ("database", .string(database.path)),
            ("queries_from", .string(queries.origin)),
            ("options", .object(context.options)),
            ("run", context.run ?? .null),
            ("totals", totals.overview.json),
            ("analysis", totals.overview.analysis),
            ("findings_change", totals.change.json),
            ("inputs", rowsAsJSON(totals.inputs)),
            ("queries", .array(runs.entries)),
            (
                "files",
                .array(
                    files.map { file in
                        .object([
                            ("name", .string(file.name)), ("bytes", .integer(Int64(file.text.utf8.count))),
                            ("sha256", .string(SHA256Digest.hex(of: Array(file.text.utf8)))),
                            ("rows", file.name.hasSuffix(".csv") ? .integer(Int64(file.rows)) : .null),
                        ])
                    })
            ),
            ("problems", .array(runs.problems.map(JSONValue.string))),
            ("timings", .array(timings.map { .object([("phase", .string($0.phase)), ("seconds", .number(rounded($0.seconds)))]) })),
        ])
    }

    // MARK: - Helpers

    /// Each row as a JSON object, numbers as numbers.
    static func rowsAsJSON(_ table: ResultTable) -> JSONValue {
        .array(
            table.rows.map { row in
                .object(
                    table.columns.enumerated().map { i, column in
                        guard let cell = row[i] else { return (column, .null) }
                        switch table.type(ofColumn: i) {
                        case .integer: return (column, Int64(cell).map(JSONValue.integer) ?? .string(cell))
                        case .real: return (column, Double(cell).map(JSONValue.number) ?? .string(cell))
                        case .text: return (column, .string(cell))
                        }
                    })
            })
    }

    static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}

/// The totals a report opens with, read from the stable views.
struct Overview {
    var transactions = 0
    var outcomes: [String: Int] = [:]
    var terminals = 0
    var firstDay: String?
    var lastDay: String?
    var files = 0
    var filesByStatus: [String: Int] = [:]
    var rejects = 0
    var analysis: JSONValue = .null
    /// The days the report covers.
    var windowSince: String?
    var windowUntil: String?

    var unknown: Int { outcomes["unknown"] ?? 0 }
    var analysed: Int { outcomes.values.reduce(0, +) }
    /// The unknown rate over analysed transactions, nil before any analysis.
    var unknownRate: Double? { analysed > 0 ? Double(unknown) / Double(analysed) : nil }

    /// The totals of the report's window (the last analysis run's, see `WindowDefault`), read from
    /// the daily aggregates: the same cost on night 90 as on night 10.
    static func read(_ database: Database) throws -> Overview {
        var overview = Overview()
        let window = try WindowDefault.window(database)
        let bounds: [DatabaseValue] = [.text(window.since), .text(window.until)]
        let totals = try database.prepare(
            """
            SELECT sum(transactions), count(DISTINCT tid), min(day), max(day) FROM daily_terminals WHERE day BETWEEN ?1 AND ?2
            """)
        try totals.bind(bounds)
        if try totals.step() {
            overview.transactions = Int(totals.int64(0))
            overview.terminals = Int(totals.int64(1))
            overview.firstDay = totals.text(2)
            overview.lastDay = totals.text(3)
        }
        let outcomes = try database.prepare("SELECT outcome, sum(transactions) FROM daily_outcomes WHERE day BETWEEN ?1 AND ?2 GROUP BY outcome")
        try outcomes.bind(bounds)
        while try outcomes.step() { overview.outcomes[outcomes.text(0) ?? ""] = Int(outcomes.int64(1)) }
        overview.windowSince = window.since
        overview.windowUntil = window.until
        for row in try QueryRunner.run(sql: "SELECT status, count(*), sum(rejects) FROM files GROUP BY status", on: database).rows {
            let count = Int(row[1] ?? "0") ?? 0
            overview.filesByStatus[row[0] ?? ""] = count
            overview.files += count
            overview.rejects += Int(row[2] ?? "0") ?? 0
        }
        // The last analysis's options and size: an internal table, read directly, absent before the first analysis.
        if let statement = try? database.prepare(
            """
            SELECT started_at, seconds, options, transactions, findings, window_since, window_until, uncovered_days, id
            FROM analysis_runs ORDER BY id DESC LIMIT 1
            """),
            (try? statement.step()) == true
        {
            overview.analysis = .object([
                ("run_id", .integer(statement.int64(8))),
                ("started_at", .string(rfc3339(Int(statement.int64(0) / 1000)))),
                ("seconds", .number(ReportWriter.rounded(statement.double(1)))),
                ("options", .optional(statement.text(2))),
                ("transactions", .integer(statement.int64(3))),
                ("findings", .integer(statement.int64(4))),
                ("window_since", .optional(statement.text(5))),
                ("window_until", .optional(statement.text(6))),
                ("uncovered_days", .array((statement.text(7) ?? "").split(separator: " ").map { .string(String($0)) })),
            ])
        }
        return overview
    }

    var json: JSONValue {
        .object([
            ("transactions", .integer(Int64(transactions))),
            ("terminals", .integer(Int64(terminals))),
            ("first_day", .optional(firstDay)),
            ("last_day", .optional(lastDay)),
            ("outcomes", .object(outcomes.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })),
            ("unknown_rate", unknownRate.map(JSONValue.number) ?? .null),
            ("files", .integer(Int64(files))),
            ("files_by_status", .object(filesByStatus.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })),
            ("rejects", .integer(Int64(rejects))),
        ])
    }

    /// `2026-11-20T08:15:02Z` for a Unix time.
    static func rfc3339(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
