import POSAnalysis
import POSReports
import POSStore

/// `posrca prune --before DAY`: archive the raw rows of the days before a date, then remove them
/// from the database, a day at a time (docs/cli.md §2.7, §11).
public struct PruneJob: Job {
    public static let abstract = "Archive the raw rows of the days before a date, then remove them from the database."
    public static let discussion = """
        Each day is first written to the archive (--archive DIR, a Hive layout: \
        TABLE/day=YYYY-MM-DD/part-0.csv.gz with TABLE/_schema.json, for transactions, acquirer_messages, \
        network_events, terminal_events and rejects), then its rows leave the database in one transaction. \
        The daily aggregates, the findings history, firmware changes, inventory and the ledger stay: a \
        pruned file that shows up again is not ingested again, and rows of a pruned day are not stored \
        again. Freed space is reused by the next nights' rows. Exit status: 0 done, 2 failed (the days \
        before the failing one are pruned), 75 another run is writing the database (--no-wait).
        """

    public var database: String
    /// The first day to keep (a `LocalDay` number).
    public var before: Int64
    /// The archive folder; nil removes the days without archiving them (`--no-archive`).
    public var archive: String?
    /// Wait for another run that writes the database (false: `--no-wait`).
    public var wait: Bool

    public init(database: String, before: Int64, archive: String?, wait: Bool) {
        self.database = database
        self.before = before
        self.archive = archive
        self.wait = wait
    }

    public func run() throws -> ExitStatus {
        try DatabaseAccess.requireDatabase(database)
        let runLock = try DatabaseAccess.holdRunLock(database: database, shared: false, wait: wait)
        defer { runLock.release() }
        let cutoff = before
        let db = try failing { try DatabaseAccess.openStore(database).database }
        // Days ingested and not yet analysed are computed first: their facts go into the
        // archive and their daily aggregates stay.
        let pending = try failing { try Recompute.runPending(database: db) }
        if pending.batches > 0 { print("Analysed \(pending.terminalDays) pending terminal-days first.") }
        let archive = self.archive.map { DayArchive(root: $0) }
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
        print(
            days.isEmpty
                ? "Nothing before \(LocalDay.text(cutoff)) to prune."
                : "Pruned \(days.count) days, \(total) rows" + (archive.map { "; archive in \($0.root)/" } ?? "") + ".")
        return .success
    }
}

/// `posrca export --out DIR`: the raw rows of some days in the archive layout, changing nothing
/// (docs/cli.md §2.8).
public struct ExportJob: Job {
    public static let abstract = "Write the raw rows of some days as gzip CSV in a Hive layout, as prune archives them."
    public static let discussion = """
        Writes OUT/TABLE/day=YYYY-MM-DD/part-0.csv.gz and OUT/TABLE/_schema.json for transactions, \
        acquirer_messages, network_events, terminal_events and rejects (the rejected lines of files whose \
        rows end on that day), for every day from --since to --until that has rows. The database is \
        not changed. DuckDB reads it with read_csv('OUT/transactions/*/*.csv.gz', hive_partitioning = true).
        """

    public var database: String
    /// The first and last local days (`LocalDay` numbers); nil for the first or last with data.
    public var since: Int64?
    public var until: Int64?
    public var out: String
    /// Wait for another run that writes the database (false: `--no-wait`).
    public var wait: Bool

    public init(database: String, since: Int64?, until: Int64?, out: String, wait: Bool) {
        self.database = database
        self.since = since
        self.until = until
        self.out = out
        self.wait = wait
    }

    public func run() throws -> ExitStatus {
        try DatabaseAccess.requireDatabase(database)
        let runLock = try DatabaseAccess.holdRunLock(database: database, shared: true, wait: wait)
        defer { runLock.release() }
        let db = try DatabaseAccess.openReadOnly(database)
        let first = since ?? Int64.min
        let last = until ?? Int64.max
        let archive = DayArchive(root: out)
        let days = try failing { try Retention.days(before: Int64.max, db).filter { $0 >= first && $0 <= last } }
        let pending = try failing {
            try db.scalarInt("SELECT count(DISTINCT day) FROM dirty_marks WHERE day BETWEEN ?1 AND ?2", [.integer(first), .integer(last)]) ?? 0
        }
        if pending > 0 {
            Console.error(
                "posrca: warning: \(pending) of these days have input not analysed yet: their outcome, cause and matched columns are empty or stale; run `posrca analyze` first"
            )
        }
        var totals: [String: Int] = [:]
        for day in days {
            let counts = try failing { try archive.write(day: day, database: db, rejectFiles: Retention.filesEnding(on: day, db)) }
            for (table, rows) in counts { totals[table, default: 0] += rows }
        }
        let summary = totals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("Exported \(days.count) days to \(archive.root)/" + (summary.isEmpty ? "." : ": \(summary) rows."))
        return .success
    }
}
