import Foundation
public import POSAnalysis
import POSIngest
import POSReports
import POSStore

/// `posrca nightly`, the scheduled job, step by step (docs/cli.md §2.6, §12): lock, clean up,
/// ingest, analyze, prune, report, publish, delete old report folders. Everything it says is a
/// log event on standard error.
public struct NightlyJob: Job {
    public static let abstract = "The scheduled job: lock, ingest what is new, analyze, report into REPORTS/YYYY-MM-DD/."
    public static let discussion = """
        Takes a lock beside the database (DB.lock; a second run exits 75 at once, a lock left by a \
        killed run is taken over), ingests the files of the inbox that are new or changed, runs the \
        analysis, and writes the reports into a hidden folder that replaces REPORTS/YYYY-MM-DD (local \
        date) in one step. A killed run leaves the database and earlier reports intact; the next run \
        finishes the work. Logs go to standard error, as text or --log-format json. The analysis's \
        options come from the environment (POSRCA_DAYS, POSRCA_MIN_SUPPORT, …). \
        Exit status: 0 done, 1 lines rejected or a file truncated, 2 a step failed, 75 locked.
        """

    public var database: String
    public var inbox: String
    /// The folder of dated report folders.
    public var reports: String
    /// Keep this many days of report folders; nil keeps all.
    public var keepDays: Int?
    /// Keep this many local days of raw rows; nil keeps all.
    public var keepDataDays: Int?
    /// The archive pruned days are written to first.
    public var archive: String?
    /// Remove pruned days without archiving them.
    public var noArchive = false
    public var ingest: IngestSettings
    public var output: OutputSettings
    public var analysis: AnalysisOptions
    public var summary: SummarySettings
    public var queries: QuerySource

    public init(
        database: String, inbox: String, reports: String, ingest: IngestSettings, output: OutputSettings,
        analysis: AnalysisOptions, summary: SummarySettings, queries: QuerySource
    ) {
        self.database = database
        self.inbox = inbox
        self.reports = reports
        self.ingest = ingest
        self.output = output
        self.analysis = analysis
        self.summary = summary
        self.queries = queries
    }

    /// Runs the night; returns the exit status of docs/cli.md §3.
    public func run() throws -> ExitStatus {
        // Everything the job says is a log line for the scheduler: send the ingest's per-file
        // lines, printed on standard output, to standard error with the rest.
        Console.sendStandardOutputToStandardError()
        return try NightlyRun(job: self, log: RunLog(format: output.logFormat, destination: .standardError, source: "posrca nightly")).run()
    }
}

/// One nightly run, step by step.
struct NightlyRun {
    let job: NightlyJob
    let log: RunLog

    /// The phases that ran before the report, with their seconds.
    typealias Timings = [(phase: String, seconds: Double)]

    /// Runs the steps in order; a step that fails is logged and ends the run `failed`.
    func run() throws -> ExitStatus {
        let started = monotonicSeconds()
        log.event(
            "start", "nightly run started",
            ["pid": .integer(Int64(getpid())), "inbox": .string(job.inbox), "db": .string(job.database), "reports": .string(job.reports)])
        guard let lock = try acquireLock() else { return .locked }
        defer { lock.release() }
        let folders = DatedReportFolders(root: job.reports)
        cleanUp(folders)

        var timings: Timings = []
        var lap = monotonicSeconds()
        guard let ingest = ingest() else { return .failed }
        timings.append(("ingest", monotonicSeconds() - lap))
        logIngest(ingest)
        lap = monotonicSeconds()
        guard let result = analyze() else { return .failed }
        timings.append(("analyze", monotonicSeconds() - lap))
        logAnalysis(result, databasePath: job.database)

        let date = DatedReportFolders.localDate()
        var exit = ExitStatus(ingest)
        let library = try job.queries.library()
        guard let outcome = report(into: folders, date: date, queries: library, lock: lock, ingest: ingest, timings: timings) else { return .failed }
        if !outcome.problems.isEmpty { exit = .failed }
        pruneReportFolders(folders, today: date)
        let seconds = monotonicSeconds() - started
        log.event(
            "done", "nightly run done in \(String(seconds.rounded(toPlaces: 2))) s, exit \(exit.rawValue)",
            ["exit": .integer(Int64(exit.rawValue)), "seconds": .number(seconds.rounded(toPlaces: 3))])
        // What a person at the terminal reads last: the top findings with their evidence, in the
        // chosen language (JSON logs stay JSON lines: schedulers read the findings from the report
        // folder; the log lines themselves stay English, an operational log that tools match on).
        if job.output.logFormat == .text {
            print(AnalysisSummary.text(result, target: job.analysis.target, top: job.summary.top, language: job.summary.language), terminator: "")
        }
        return exit
    }

    // MARK: - Steps

    /// Takes the lock beside the database (`DB.lock`), taking over one left by a run that ended
    /// without releasing it; nil when another run holds it.
    private func acquireLock() throws -> RunLock? {
        let lockPath = job.database + ".lock"
        switch try RunLock.acquire(path: lockPath) {
        case .held(let pid):
            log.event(
                "locked", "another nightly run holds \(lockPath)" + (pid.map { " (PID \($0))" } ?? "") + "; try again later",
                ["lock": .string(lockPath), "holder": pid.map { .integer(Int64($0)) } ?? .null], level: .error)
            return nil
        case .acquired(let lock):
            if let dead = lock.previousHolder {
                log.event(
                    "lock_taken_over", "took over the lock left by PID \(dead), a run that ended without releasing it",
                    ["previous_pid": .integer(Int64(dead))], level: .warning)
            }
            return lock
        }
    }

    /// Removes what an earlier run left in the reports folder (hidden folders of a killed run).
    private func cleanUp(_ folders: DatedReportFolders) {
        if let leftovers = logged("cleanup", { try folders.removeLeftovers() }), !leftovers.isEmpty {
            log.event(
                "cleanup", "cleared what an earlier run left: " + leftovers.joined(separator: ", "),
                ["removed": .array(leftovers.map(JSONValue.string))], level: .warning)
        }
    }

    /// Ingests the inbox: each file is its own transaction, so a killed run keeps the files it
    /// finished. Nil when the ingest failed.
    private func ingest() -> IngestReport? {
        do {
            var run = IngestJob(database: job.database, inputs: [job.inbox], settings: job.ingest, output: job.output)
            run.takeLock = false
            return try run.ingest()
        } catch {
            log.event("failed", "ingest failed: \(error)", ["step": .string("ingest")], level: .error)
            return nil
        }
    }

    /// The `ingested` event: files, new files, rows and rejects.
    private func logIngest(_ ingest: IngestReport) {
        let newFiles = ingest.files.filter { $0.status != .unchanged && $0.status != .skippedDuplicate }.count
        log.event(
            "ingested", "ingest: \(ingest.files.count) files (\(newFiles) new or changed), \(ingest.rows) rows, \(ingest.rejects) rejects",
            [
                "files": .integer(Int64(ingest.files.count)), "new_files": .integer(Int64(newFiles)), "rows": .integer(Int64(ingest.rows)),
                "rejects": .integer(Int64(ingest.rejects)), "exit": .integer(Int64(ExitStatus(ingest).rawValue)),
            ])
    }

    /// Runs the analysis, written back in one transaction, then prunes old raw rows
    /// (`--keep-data-days`). Always rerun, so that a run killed after its ingest is completed by
    /// the next one even when nothing new arrives. Nil when it failed: the previous analysis stays.
    private func analyze() -> AnalysisResult? {
        do {
            let store = try DatabaseAccess.openStore(job.database)
            let result = try Analysis.run(database: store.database, options: job.analysis)
            if let keepDataDays = job.keepDataDays {
                try prune(store.database, keepDataDays: keepDataDays)
            }
            return result
        } catch {
            log.event("failed", "analysis failed, the previous analysis is kept: \(error)", ["step": .string("analyze")], level: .error)
            return nil
        }
    }

    /// Writes the reports into a hidden folder, then swaps it in whole as the folder of `date`.
    /// Nil when that failed; a failing canned query is logged and the report still published.
    private func report(
        into folders: DatedReportFolders, date: String, queries: QueryLibrary, lock: RunLock, ingest: IngestReport, timings: Timings
    ) -> ReportOutcome? {
        let temporary = folders.temporaryFolder(for: date)
        let outcome = logged("report") { () -> ReportOutcome in
            try FileOutput.removeTree(temporary)
            var context = reportContext(queries: queries)
            context.timings = timings
            context.run = runRecord(date: date, lock: lock, ingest: ingest)
            let connection = try Database(path: job.database, mode: .readOnly)
            let outcome = try ReportWriter.write(database: connection, queries: queries, folder: temporary, context: context)
            try folders.publish(temporary: temporary, date: date)
            return outcome
        }
        guard let outcome else { return nil }
        for problem in outcome.problems { log.event("query_failed", problem, [:], level: .error) }
        log.event(
            "reported", "reports written to \(folders.folder(for: date))/ (\(outcome.files.count) files)",
            [
                "folder": .string(folders.folder(for: date)), "files": .integer(Int64(outcome.files.count)),
            ])
        return outcome
    }

    /// The manifest's context: the tool, the language and the options the run was given.
    private func reportContext(queries: QueryLibrary) -> ReportContext {
        var context = ReportContext(toolVersion: POSRCAVersion.current)
        context.language = job.summary.language
        context.options = [
            ("command", .string("nightly")), ("lang", .string(job.summary.language.rawValue)), ("inbox", .string(job.inbox)),
            ("db", .string(job.database)), ("reports", .string(job.reports)),
            ("keep_days", job.keepDays.map { .integer(Int64($0)) } ?? .null), ("queries", .string(queries.origin)),
            ("keep_data_days", job.keepDataDays.map { .integer(Int64($0)) } ?? .null),
            ("archive", job.archive.map { .string($0) } ?? .null),
            ("analysis", .string(job.analysis.summary)),
        ]
        return context
    }

    /// Deletes the report folders older than `--keep-days` days.
    private func pruneReportFolders(_ folders: DatedReportFolders, today date: String) {
        guard let keepDays = job.keepDays else { return }
        if let removed = logged("prune", { try folders.prune(keepDays: keepDays, today: date) }), !removed.isEmpty {
            log.event(
                "pruned", "deleted report folders older than \(keepDays) days: " + removed.joined(separator: ", "),
                ["removed": .array(removed.map(JSONValue.string))])
        }
    }

    // MARK: - Logging and records

    /// The `analyzed`, `uncovered` and `findings` events.
    private func logAnalysis(_ result: AnalysisResult, databasePath: String) {
        let r = result.recompute
        log.event(
            "analyzed",
            "analysis of \(result.window.text): \(result.transactions) transactions, \(result.findings.count) findings; recomputed \(r.terminalDays) terminal-days on \(r.days) days (\(r.transactions) transactions)",
            [
                "transactions": .integer(Int64(result.transactions)), "findings": .integer(Int64(result.findings.count)),
                "window_since": result.window.since.map { .string(LocalDay.text($0)) } ?? .null,
                "window_until": result.window.until.map { .string(LocalDay.text($0)) } ?? .null,
                "uncovered_days": .array(result.window.uncoveredDays.map { .string(LocalDay.text($0)) }),
                "recomputed_terminal_days": .integer(Int64(r.terminalDays)), "recomputed_transactions": .integer(Int64(r.transactions)),
            ])
        if !result.window.uncoveredDays.isEmpty {
            log.event(
                "uncovered",
                "not analysed, their acquirer logs have not arrived: " + result.window.uncoveredDays.map(LocalDay.text).joined(separator: ", "),
                ["days": .array(result.window.uncoveredDays.map { .string(LocalDay.text($0)) })], level: .warning)
        }
        if let connection = try? Database(path: databasePath, mode: .readOnly), let change = try? FindingsChange.read(connection) {
            let text =
                change.hasPrevious
                ? "findings since the previous run: \(change.new.count) new, \(change.persisting.count) still there, \(change.gone.count) gone"
                : "first analysis run: \(change.new.count) findings"
            func names(_ items: [FindingsChange.Item]) -> JSONValue { .array(items.map { .string("\($0.kind) \($0.pattern)") }) }
            log.event(
                "findings",
                text + (change.new.isEmpty ? "" : "; new: " + change.new.map(\.pattern).joined(separator: ", "))
                    + (change.gone.isEmpty ? "" : "; gone: " + change.gone.map(\.pattern).joined(separator: ", ")),
                ["new": names(change.new), "persisting": names(change.persisting), "gone": names(change.gone)])
        }
    }

    /// The manifest's `run` object: the date, the process, the lock and what the ingest did.
    private func runRecord(date: String, lock: RunLock, ingest: IngestReport) -> JSONValue {
        let exit = JSONValue.integer(Int64(ExitStatus(ingest).rawValue))
        return .object([
            ("date", .string(date)), ("pid", .integer(Int64(getpid()))),
            ("previous_lock_holder", lock.previousHolder.map { .integer(Int64($0)) } ?? .null),
            (
                "ingest",
                .object([
                    ("exit", exit),
                    (
                        "files",
                        .array(
                            ingest.files.map { file in
                                .object([
                                    ("path", .string(file.path)), ("status", .string(file.status.rawValue)), ("kind", .optional(file.kind)),
                                    ("rows", .integer(Int64(file.rows))), ("rejects", .integer(Int64(file.rejects))),
                                    ("detail", .optional(file.detail)),
                                ])
                            })
                    ),
                    ("problems", .array(ingest.problems.map(JSONValue.string))),
                    ("skipped_loops", .array(ingest.skippedLoops.map(JSONValue.string))),
                ])
            ),
            ("exit", exit),
        ])
    }

    /// Archives and removes the raw rows older than the last `keepDataDays` days with data.
    private func prune(_ database: Database, keepDataDays: Int) throws {
        guard let latest = try Retention.latestDay(database) else { return }
        let cutoff = latest - Int64(keepDataDays) + 1
        let archive = job.noArchive ? nil : job.archive.map { DayArchive(root: $0) }
        for day in try Retention.days(before: cutoff, database) {
            let files = try Retention.filesEnding(on: day, database)
            var counts: [String: Int] = [:]
            if let archive { counts = try archive.write(day: day, database: database, rejectFiles: files) }
            let removed = try Retention.remove(day: day, files: files, recordingCutoff: cutoff, database)
            log.event(
                "pruned_day", "\(archive == nil ? "removed" : "archived and removed") \(LocalDay.text(day)): \(removed.values.reduce(0, +)) rows",
                [
                    "day": .string(LocalDay.text(day)),
                    "removed": .object(removed.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }),
                    "archived": .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }),
                ])
        }
        try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Runs a step; a failure is logged and gives nil (the caller returns `failed`).
    private func logged<T>(_ step: String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch {
            log.event("failed", "\(step) failed: \(error)", ["step": .string(step)], level: .error)
            return nil
        }
    }
}
