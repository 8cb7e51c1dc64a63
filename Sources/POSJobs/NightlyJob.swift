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

    func run() throws -> ExitStatus {
        let started = Date()
        let databasePath = job.database
        let inbox = job.inbox
        let reportsRoot = job.reports
        log.event("start", "nightly run started", ["pid": .integer(Int64(getpid())), "inbox": .string(inbox), "db": .string(databasePath), "reports": .string(reportsRoot)])

        let lockPath = databasePath + ".lock"
        let lock: RunLock
        switch try RunLock.acquire(path: lockPath) {
        case .held(let pid):
            log.event("locked", "another nightly run holds \(lockPath)" + (pid.map { " (PID \($0))" } ?? "") + "; try again later", ["lock": .string(lockPath), "holder": pid.map { .integer(Int64($0)) } ?? .null], level: .error)
            return .locked
        case .acquired(let acquired):
            lock = acquired
        }
        defer { lock.release() }
        if let dead = lock.previousHolder {
            log.event("lock_taken_over", "took over the lock left by PID \(dead), a run that ended without releasing it", ["previous_pid": .integer(Int64(dead))], level: .warning)
        }

        let folders = DatedReportFolders(root: reportsRoot)
        if let leftovers = logged("cleanup", { try folders.removeLeftovers() }), !leftovers.isEmpty {
            log.event("cleanup", "cleared what an earlier run left: " + leftovers.joined(separator: ", "), ["removed": .array(leftovers.map(JSONValue.string))], level: .warning)
        }

        // Ingest: each file is its own transaction, so a killed run keeps the files it finished.
        var timings: [(phase: String, seconds: Double)] = []
        var lap = Date()
        let ingest: IngestReport
        do {
            var run = IngestJob(database: databasePath, inputs: [inbox], settings: job.ingest, output: job.output)
            run.takeLock = false
            ingest = try run.ingest()
        } catch {
            log.event("failed", "ingest failed: \(error)", ["step": .string("ingest")], level: .error)
            return .failed
        }
        timings.append(("ingest", Date().timeIntervalSince(lap)))
        let newFiles = ingest.files.filter { $0.status != .unchanged && $0.status != .skippedDuplicate }.count
        log.event("ingested", "ingest: \(ingest.files.count) files (\(newFiles) new or changed), \(ingest.rows) rows, \(ingest.rejects) rejects", [
            "files": .integer(Int64(ingest.files.count)), "new_files": .integer(Int64(newFiles)), "rows": .integer(Int64(ingest.rows)),
            "rejects": .integer(Int64(ingest.rejects)), "exit": .integer(Int64(ExitStatus(ingest).rawValue)),
        ])

        // Analysis: written back in one transaction; always rerun, so that a run killed after its
        // ingest is completed by the next one even when nothing new arrives.
        lap = Date()
        let options = job.analysis
        let result: AnalysisResult
        do {
            let store = try DatabaseAccess.openStore(databasePath)
            result = try Analysis.run(database: store.database, options: options)
            if let keepDataDays = job.keepDataDays {
                try prune(store.database, keepDataDays: keepDataDays)
            }
        } catch {
            log.event("failed", "analysis failed, the previous analysis is kept: \(error)", ["step": .string("analyze")], level: .error)
            return .failed
        }
        timings.append(("analyze", Date().timeIntervalSince(lap)))
        logAnalysis(result, databasePath: databasePath)

        // Reports: into a hidden folder, then swapped in whole.
        let date = DatedReportFolders.localDate()
        let temporary = folders.temporaryFolder(for: date)
        var exit = ExitStatus(ingest)
        let library = try job.queries.library()
        let outcome = logged("report") { () -> ReportOutcome in
            try FileOutput.removeTree(temporary)
            var context = ReportContext(toolVersion: POSRCAVersion.current)
            context.language = job.summary.language
            context.options = [
                ("command", .string("nightly")), ("lang", .string(job.summary.language.rawValue)), ("inbox", .string(inbox)), ("db", .string(databasePath)), ("reports", .string(reportsRoot)),
                ("keep_days", job.keepDays.map { .integer(Int64($0)) } ?? .null), ("queries", .string(library.origin)),
                ("keep_data_days", job.keepDataDays.map { .integer(Int64($0)) } ?? .null),
                ("archive", job.archive.map { .string($0) } ?? .null),
                ("analysis", .string(options.summary)),
            ]
            context.timings = timings
            context.run = runRecord(date: date, lock: lock, ingest: ingest)
            let connection = try Database(path: databasePath, mode: .readOnly)
            let outcome = try ReportWriter.write(database: connection, queries: library, folder: temporary, context: context)
            try folders.publish(temporary: temporary, date: date)
            return outcome
        }
        guard let outcome else { return .failed }
        for problem in outcome.problems { log.event("query_failed", problem, [:], level: .error) }
        if !outcome.problems.isEmpty { exit = .failed }
        log.event("reported", "reports written to \(folders.folder(for: date))/ (\(outcome.files.count) files)", [
            "folder": .string(folders.folder(for: date)), "files": .integer(Int64(outcome.files.count)),
        ])

        if let keepDays = job.keepDays {
            if let removed = logged("prune", { try folders.prune(keepDays: keepDays, today: date) }), !removed.isEmpty {
                log.event("pruned", "deleted report folders older than \(keepDays) days: " + removed.joined(separator: ", "), ["removed": .array(removed.map(JSONValue.string))])
            }
        }
        log.event("done", "nightly run done in \(String(Date().timeIntervalSince(started).rounded(toPlaces: 2))) s, exit \(exit.rawValue)", [
            "exit": .integer(Int64(exit.rawValue)), "seconds": .number(Date().timeIntervalSince(started).rounded(toPlaces: 3)),
        ])
        // What a person at the terminal reads last: the top findings with their evidence, in the
        // chosen language (JSON logs stay JSON lines: schedulers read the findings from the report
        // folder; the log lines themselves stay English, an operational log that tools match on).
        if job.output.logFormat == .text {
            print(AnalysisSummary.text(result, target: options.target, top: job.summary.top, language: job.summary.language), terminator: "")
        }
        return exit
    }

    /// The `analyzed`, `uncovered` and `findings` events.
    private func logAnalysis(_ result: AnalysisResult, databasePath: String) {
        let r = result.recompute
        log.event("analyzed", "analysis of \(result.window.text): \(result.transactions) transactions, \(result.findings.count) findings; recomputed \(r.terminalDays) terminal-days on \(r.days) days (\(r.transactions) transactions)", [
            "transactions": .integer(Int64(result.transactions)), "findings": .integer(Int64(result.findings.count)),
            "window_since": result.window.since.map { .string(LocalDay.text($0)) } ?? .null,
            "window_until": result.window.until.map { .string(LocalDay.text($0)) } ?? .null,
            "uncovered_days": .array(result.window.uncoveredDays.map { .string(LocalDay.text($0)) }),
            "recomputed_terminal_days": .integer(Int64(r.terminalDays)), "recomputed_transactions": .integer(Int64(r.transactions)),
        ])
        if !result.window.uncoveredDays.isEmpty {
            log.event("uncovered", "not analysed, their acquirer logs have not arrived: " + result.window.uncoveredDays.map(LocalDay.text).joined(separator: ", "),
                      ["days": .array(result.window.uncoveredDays.map { .string(LocalDay.text($0)) })], level: .warning)
        }
        if let connection = try? Database(path: databasePath, mode: .readOnly), let change = try? FindingsChange.read(connection) {
            let text = change.hasPrevious
                ? "findings since the previous run: \(change.new.count) new, \(change.persisting.count) still there, \(change.gone.count) gone"
                : "first analysis run: \(change.new.count) findings"
            func names(_ items: [FindingsChange.Item]) -> JSONValue { .array(items.map { .string("\($0.kind) \($0.pattern)") }) }
            log.event("findings", text + (change.new.isEmpty ? "" : "; new: " + change.new.map(\.pattern).joined(separator: ", "))
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
            ("ingest", .object([
                ("exit", exit),
                ("files", .array(ingest.files.map { file in
                    .object([
                        ("path", .string(file.path)), ("status", .string(file.status.rawValue)), ("kind", .optional(file.kind)),
                        ("rows", .integer(Int64(file.rows))), ("rejects", .integer(Int64(file.rejects))), ("detail", .optional(file.detail)),
                    ])
                })),
                ("problems", .array(ingest.problems.map(JSONValue.string))),
                ("skipped_loops", .array(ingest.skippedLoops.map(JSONValue.string))),
            ])),
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
            log.event("pruned_day", "\(archive == nil ? "removed" : "archived and removed") \(LocalDay.text(day)): \(removed.values.reduce(0, +)) rows",
                      ["day": .string(LocalDay.text(day)), "removed": .object(removed.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }),
                       "archived": .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })])
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
