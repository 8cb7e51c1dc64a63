import ArgumentParser
import POSAnalysis
import POSReports
import POSStore

extension POSRCA {
    /// `posrca prune --before DATE --archive DIR`: archive and remove old raw rows.
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive the raw rows of the days before a date, then remove them from the database.",
            discussion: """
                Each day is first written to the archive (--archive DIR, a Hive layout: \
                TABLE/day=YYYY-MM-DD/part-0.csv.gz with TABLE/_schema.json, for transactions, acquirer_messages, \
                network_events, terminal_events and rejects), then its rows leave the database in one transaction. \
                The daily aggregates, the findings history, firmware changes, inventory and the ledger stay: a \
                pruned file that shows up again is not ingested again, and rows of a pruned day are not stored \
                again. Freed space is reused by the next nights' rows. Exit status: 0 done, 2 failed (the days \
                before the failing one are pruned), 75 another run is writing the database (--no-wait).
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "Remove the days before this local day, YYYY-MM-DD. (env POSRCA_BEFORE)")
        var before: String?

        @Option(name: .long, help: "The archive folder the days are written to first. (env POSRCA_ARCHIVE)")
        var archive: String?

        @Flag(name: .long, help: "Remove the days without archiving them.")
        var noArchive = false

        @OptionGroup var lock: LockOptions

        var resolvedBefore: String? { before ?? environment("BEFORE") }
        var resolvedArchive: String? { archive ?? environment("ARCHIVE") }

        func validate() throws {
            guard let text = resolvedBefore else { throw ValidationError("Give --before YYYY-MM-DD: the first day to keep.") }
            guard LocalDay.number(text) != nil else { throw ValidationError("--before \(text) is not a date YYYY-MM-DD.") }
            if resolvedArchive == nil && !noArchive {
                throw ValidationError("Give --archive DIR to keep the days it removes (or --no-archive to remove them without one).")
            }
        }

        func run() throws {
            try requireDatabase(database.path)
            let runLock = try holdRunLock(database: database.path, shared: false, wait: lock.waits)
            defer { runLock.release() }
            let cutoff = LocalDay.number(resolvedBefore!)!
            let db = try failing { try database.openStore().database }
            // Days ingested and not yet analysed are computed first: their facts go into the
            // archive and their daily aggregates stay.
            let pending = try failing { try Recompute.runPending(database: db) }
            if pending.batches > 0 { print("Analysed \(pending.terminalDays) pending terminal-days first.") }
            let archive = noArchive ? nil : resolvedArchive.map { DayArchive(root: $0) }
            let days = try failing { try Retention.days(before: cutoff, db) }
            var total = 0
            for day in days {
                let removed = try failing { () -> Retention.Removed in
                    let files = try Retention.filesEnding(on: day, db)
                    if let archive { try archive.write(day: day, database: db, rejectFiles: files) }
                    return try Retention.remove(day: day, files: files, recordingCutoff: cutoff, db)
                }
                let rows = removed.values.reduce(0, +)
                total += rows
                print("\(LocalDay.text(day)): \(archive == nil ? "removed" : "archived and removed") \(rows) rows")
            }
            try failing { try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
            print(days.isEmpty ? "Nothing before \(resolvedBefore!) to prune." : "Pruned \(days.count) days, \(total) rows" + (archive.map { "; archive in \($0.root)/" } ?? "") + ".")
        }
    }

    /// `posrca export --since --until --out DIR`: the archive layout, on demand.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the raw rows of some days as gzip CSV in a Hive layout, as prune archives them.",
            discussion: """
                Writes OUT/TABLE/day=YYYY-MM-DD/part-0.csv.gz and OUT/TABLE/_schema.json for transactions, \
                acquirer_messages, network_events, terminal_events and rejects (the rejected lines of files whose \
                rows end on that day), for every day from --since to --until that has rows. The database is \
                not changed. DuckDB reads it with read_csv('OUT/transactions/*/*.csv.gz', hive_partitioning = true).
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "The first local day, YYYY-MM-DD. (env POSRCA_SINCE; default the first day with data)")
        var since: String?

        @Option(name: .long, help: "The last local day, YYYY-MM-DD. (env POSRCA_UNTIL; default the last day with data)")
        var until: String?

        @Option(name: .long, help: "The folder to write into. (env POSRCA_OUT)")
        var out: String?

        @OptionGroup var lock: LockOptions

        func validate() throws {
            for (name, value) in [("--since", since ?? environment("SINCE")), ("--until", until ?? environment("UNTIL"))] {
                if let value, LocalDay.number(value) == nil { throw ValidationError("\(name) \(value) is not a date YYYY-MM-DD.") }
            }
            if out ?? environment("OUT") == nil { throw ValidationError("Give --out DIR: the folder to write the archive layout into.") }
        }

        func run() throws {
            try requireDatabase(database.path)
            let runLock = try holdRunLock(database: database.path, shared: true, wait: lock.waits)
            defer { runLock.release() }
            let db = try openReadOnly(database.path)
            let first = (since ?? environment("SINCE")).flatMap(LocalDay.number) ?? Int64.min
            let last = (until ?? environment("UNTIL")).flatMap(LocalDay.number) ?? Int64.max
            let archive = DayArchive(root: (out ?? environment("OUT"))!)
            let days = try failing { try Retention.days(before: Int64.max, db).filter { $0 >= first && $0 <= last } }
            let pending = try failing { try db.scalarInt("SELECT count(DISTINCT day) FROM dirty_marks WHERE day BETWEEN ?1 AND ?2", [.integer(first), .integer(last)]) ?? 0 }
            if pending > 0 {
                printError("posrca: warning: \(pending) of these days have input not analysed yet: their outcome, cause and matched columns are empty or stale; run `posrca analyze` first")
            }
            var totals: [String: Int] = [:]
            for day in days {
                let counts = try failing { try archive.write(day: day, database: db, rejectFiles: Retention.filesEnding(on: day, db)) }
                for (table, rows) in counts { totals[table, default: 0] += rows }
            }
            let summary = totals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("Exported \(days.count) days to \(archive.root)/" + (summary.isEmpty ? "." : ": \(summary) rows."))
        }
    }
}
