import ArgumentParser
import Foundation
import POSAnalysis
import POSIngest
import POSReports
import POSStore

extension POSRCA {
    /// `posrca nightly`: the ops job.
    struct Nightly: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The scheduled job: lock, ingest what is new, analyze, report into REPORTS/YYYY-MM-DD/.",
            discussion: """
                Takes a lock beside the database (DB.lock; a second run exits 75 at once, a lock left by a \
                killed run is taken over), ingests the files of the inbox that are new or changed, runs the \
                analysis, and writes the reports into a hidden folder that replaces REPORTS/YYYY-MM-DD (local \
                date) in one step. A killed run leaves the database and earlier reports intact; the next run \
                finishes the work. Logs go to standard error, as text or --log-format json. \
                Exit status: 0 done, 1 lines rejected or a file truncated, 2 a step failed, 75 locked.
                """
        )

        @Option(name: .long, help: "The folder (or file) to ingest from. (env POSRCA_INBOX; default SampleLogs)")
        var inbox: String?

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "The folder of dated report folders. (env POSRCA_REPORTS; default reports)")
        var reports: String?

        @Option(name: .long, help: "Keep this many days of report folders (today's included) and delete older ones. (env POSRCA_KEEP_DAYS; default keep all)")
        var keepDays: Int?

        @Option(name: .long, help: "Keep this many local days of raw rows (ending at the latest day with data); older days are archived to --archive and removed. Daily aggregates and findings stay. (env POSRCA_KEEP_DATA_DAYS; default keep all)")
        var keepDataDays: Int?

        @Option(name: .long, help: "The folder of the Hive-layout archive that pruned days are written to first (TABLE/day=YYYY-MM-DD/part-0.csv.gz). (env POSRCA_ARCHIVE)")
        var archive: String?

        @Flag(name: .long, help: "With --keep-data-days: remove old days without archiving them.")
        var noArchive = false

        @Flag(name: .long, help: "Hash inbox files whose path, size and modification time match the ledger before skipping them as unchanged (slower; by default they are skipped unread). (env POSRCA_VERIFY_UNCHANGED=1)")
        var verifyUnchanged = false

        @OptionGroup var output: OutputOptions
        @OptionGroup var timeZones: TimeZoneOptions
        @OptionGroup var queries: QueriesOptions
        @OptionGroup var language: LanguageOptions

        func validate() throws {
            if let keepDays, keepDays < 1 { throw ValidationError("--keep-days must be at least 1.") }
            if let text = environment("KEEP_DAYS"), keepDays == nil, (Int(text) ?? 0) < 1 {
                throw ValidationError("POSRCA_KEEP_DAYS must be a whole number of at least 1, got \(text).")
            }
            if let keepDataDays, keepDataDays < 1 { throw ValidationError("--keep-data-days must be at least 1.") }
            if let text = environment("KEEP_DATA_DAYS"), keepDataDays == nil, (Int(text) ?? 0) < 1 {
                throw ValidationError("POSRCA_KEEP_DATA_DAYS must be a whole number of at least 1, got \(text).")
            }
            // The analysis's options come from the environment (POSRCA_MIN_SUPPORT, …): a bad one
            // is a usage error before anything is read, not a failed analysis after the ingest.
            do {
                _ = try POSRCA.Analyze.parse([]).analysisOptions()
            } catch {
                throw ValidationError(POSRCA.Analyze.message(for: error))
            }
            if resolvedKeepDataDays != nil && resolvedArchive == nil && !noArchive {
                throw ValidationError("--keep-data-days archives the days it removes: give --archive DIR (or --no-archive to remove them without one).")
            }
        }

        var resolvedKeepDataDays: Int? { keepDataDays ?? environment("KEEP_DATA_DAYS").flatMap(Int.init) }
        var resolvedArchive: String? { archive ?? environment("ARCHIVE") }

        func run() throws {
            // Everything the job says is a log line for the scheduler: send the ingest's per-file
            // lines, printed on standard output, to standard error with the rest.
            fflush(nil)
            dup2(STDERR_FILENO, STDOUT_FILENO)
            lineBufferStandardOutput()
            let log = NightlyLog(json: output.resolvedLogFormat == .json)
            let status = try NightlyRun(command: self, log: log).run()
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// One nightly run, step by step; returns the exit status of docs/cli.md §3.
struct NightlyRun {
    let command: POSRCA.Nightly
    let log: NightlyLog

    func run() throws -> Int32 {
        let started = Date()
        let databasePath = command.database.path
        let inbox = command.inbox ?? environment("INBOX") ?? "SampleLogs"
        let reportsRoot = command.reports ?? environment("REPORTS") ?? "reports"
        let keepDays = command.keepDays ?? environment("KEEP_DAYS").flatMap(Int.init)
        log.event("start", "nightly run started", ["pid": .integer(Int64(getpid())), "inbox": .string(inbox), "db": .string(databasePath), "reports": .string(reportsRoot)])

        let lockPath = databasePath + ".lock"
        let lock: RunLock
        switch try RunLock.acquire(path: lockPath) {
        case .held(let pid):
            log.event("locked", "another nightly run holds \(lockPath)" + (pid.map { " (PID \($0))" } ?? "") + "; try again later", ["lock": .string(lockPath), "holder": pid.map { .integer(Int64($0)) } ?? .null], level: "error")
            return 75
        case .acquired(let acquired):
            lock = acquired
        }
        defer { lock.release() }
        if let dead = lock.previousHolder {
            log.event("lock_taken_over", "took over the lock left by PID \(dead), a run that ended without releasing it", ["previous_pid": .integer(Int64(dead))], level: "warning")
        }

        let folders = DatedReportFolders(root: reportsRoot)
        if let leftovers = try logged("cleanup", { try folders.removeLeftovers() }), !leftovers.isEmpty {
            log.event("cleanup", "cleared what an earlier run left: " + leftovers.joined(separator: ", "), ["removed": .array(leftovers.map(JSONValue.string))], level: "warning")
        }

        // Ingest: each file is its own transaction, so a killed run keeps the files it finished.
        var timings: [(phase: String, seconds: Double)] = []
        var lap = Date()
        let ingest: IngestReport
        do {
            var run = IngestRun(
                databasePath: databasePath, output: command.output, timeZones: command.timeZones, kind: nil,
                maxLineBytes: environment("MAX_LINE_BYTES").flatMap(Int.init) ?? (1 << 20)
            )
            run.takeLock = false
            run.verifyUnchanged = command.verifyUnchanged || environment("VERIFY_UNCHANGED") == "1"
            ingest = try run.run([inbox])
        } catch {
            log.event("failed", "ingest failed: \(error)", ["step": .string("ingest")], level: "error")
            return 2
        }
        timings.append(("ingest", Date().timeIntervalSince(lap)))
        let newFiles = ingest.files.filter { $0.status != .unchanged && $0.status != .skippedDuplicate }.count
        log.event("ingested", "ingest: \(ingest.files.count) files (\(newFiles) new or changed), \(ingest.rows) rows, \(ingest.rejects) rejects", [
            "files": .integer(Int64(ingest.files.count)), "new_files": .integer(Int64(newFiles)), "rows": .integer(Int64(ingest.rows)),
            "rejects": .integer(Int64(ingest.rejects)), "exit": .integer(Int64(ingest.exitCode)),
        ])

        // Analysis: written back in one transaction; always rerun, so that a run killed after its
        // ingest is completed by the next one even when nothing new arrives.
        lap = Date()
        let options: AnalysisOptions
        let result: AnalysisResult
        do {
            options = try POSRCA.Analyze.parse([]).analysisOptions()
            let store = try IngestStore(database: Database(path: databasePath))
            result = try Analysis.run(database: store.database, options: options)
            if let keepDataDays = command.resolvedKeepDataDays {
                try prune(store.database, keepDataDays: keepDataDays)
            }
        } catch {
            log.event("failed", "analysis failed, the previous analysis is kept: \(error)", ["step": .string("analyze")], level: "error")
            return 2
        }
        timings.append(("analyze", Date().timeIntervalSince(lap)))
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
                      ["days": .array(result.window.uncoveredDays.map { .string(LocalDay.text($0)) })], level: "warning")
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

        // Reports: into a hidden folder, then swapped in whole.
        let date = DatedReportFolders.localDate()
        let temporary = folders.temporaryFolder(for: date)
        var exit = ingest.exitCode
        let library = try queries()
        let outcome = try logged("report") { () -> ReportOutcome in
            try FileOutput.removeTree(temporary)
            var context = ReportContext(toolVersion: POSRCAVersion.current)
            context.language = command.language.language
            context.options = [
                ("command", .string("nightly")), ("lang", .string(command.language.language.rawValue)), ("inbox", .string(inbox)), ("db", .string(databasePath)), ("reports", .string(reportsRoot)),
                ("keep_days", keepDays.map { .integer(Int64($0)) } ?? .null), ("queries", .string(library.origin)),
                ("keep_data_days", command.resolvedKeepDataDays.map { .integer(Int64($0)) } ?? .null),
                ("archive", command.resolvedArchive.map { .string($0) } ?? .null),
                ("analysis", .string(options.summary)),
            ]
            context.timings = timings
            context.run = .object([
                ("date", .string(date)), ("pid", .integer(Int64(getpid()))),
                ("previous_lock_holder", lock.previousHolder.map { .integer(Int64($0)) } ?? .null),
                ("ingest", .object([
                    ("exit", .integer(Int64(ingest.exitCode))),
                    ("files", .array(ingest.files.map { file in
                        .object([
                            ("path", .string(file.path)), ("status", .string(file.status.rawValue)), ("kind", .optional(file.kind)),
                            ("rows", .integer(Int64(file.rows))), ("rejects", .integer(Int64(file.rejects))), ("detail", .optional(file.detail)),
                        ])
                    })),
                    ("problems", .array(ingest.problems.map(JSONValue.string))),
                    ("skipped_loops", .array(ingest.skippedLoops.map(JSONValue.string))),
                ])),
                ("exit", .integer(Int64(ingest.exitCode))),
            ])
            let connection = try Database(path: databasePath, mode: .readOnly)
            let outcome = try ReportWriter.write(database: connection, queries: library, folder: temporary, context: context)
            try folders.publish(temporary: temporary, date: date)
            return outcome
        }
        guard let outcome else { return 2 }
        for problem in outcome.problems { log.event("query_failed", problem, [:], level: "error") }
        if !outcome.problems.isEmpty { exit = 2 }
        log.event("reported", "reports written to \(folders.folder(for: date))/ (\(outcome.files.count) files)", [
            "folder": .string(folders.folder(for: date)), "files": .integer(Int64(outcome.files.count)),
        ])

        if let keepDays {
            if let removed = try logged("prune", { try folders.prune(keepDays: keepDays, today: date) }), !removed.isEmpty {
                log.event("pruned", "deleted report folders older than \(keepDays) days: " + removed.joined(separator: ", "), ["removed": .array(removed.map(JSONValue.string))])
            }
        }
        log.event("done", "nightly run done in \(String(Date().timeIntervalSince(started).rounded(toPlaces: 2))) s, exit \(exit)", [
            "exit": .integer(Int64(exit)), "seconds": .number(Date().timeIntervalSince(started).rounded(toPlaces: 3)),
        ])
        // What a person at the terminal reads last: the top findings with their evidence, in the
        // chosen language (JSON logs stay JSON lines: schedulers read the findings from the report
        // folder; the log lines themselves stay English, an operational log that tools match on).
        if command.output.resolvedLogFormat == .text {
            print(AnalysisSummary.text(result, target: options.target, top: 10, language: command.language.language), terminator: "")
        }
        return exit
    }

    /// Archives and removes the raw rows older than the last `keepDataDays` days with data.
    private func prune(_ database: Database, keepDataDays: Int) throws {
        guard let latest = try Retention.latestDay(database) else { return }
        let cutoff = latest - Int64(keepDataDays) + 1
        let archive = command.noArchive ? nil : command.resolvedArchive.map { DayArchive(root: $0) }
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

    private func queries() throws -> QueryLibrary {
        try command.queries.library()
    }

    /// Runs a step; a failure is logged and gives nil (the caller returns exit status 2).
    private func logged<T>(_ step: String, _ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch {
            log.event("failed", "\(step) failed: \(error)", ["step": .string(step)], level: "error")
            return nil
        }
    }
}

/// The nightly job's log on standard error: one line an event, as text or JSON.
struct NightlyLog {
    let json: Bool

    func event(_ name: String, _ message: String, _ fields: [String: JSONValue], level: String = "info") {
        let time = ISO8601DateFormatter().string(from: Date())
        let line: String
        if json {
            let members: [(String, JSONValue)] = [("ts", .string(time)), ("level", .string(level)), ("event", .string(name)), ("message", .string(message))]
            line = JSONValue.object(members + fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).compact()
        } else {
            line = "\(time) posrca nightly \(level == "info" ? "" : level + ": ")\(message)"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
