/// Removing old raw rows: what `posrca prune` and `posrca nightly --keep-data-days` do after the
/// days are archived.
///
/// A day goes in one transaction: its transactions, terminal events, network events, acquirer
/// messages, the facts derived from them, its unmatched pairs and snapshot, and the end-of-day
/// states no later day needs. What stays: the daily aggregates, the findings history, the firmware
/// changes, the inventory and catalogue, and the ledger (a file whose rows are all gone is marked
/// `pruned_at` and is never ingested again). SQLite reuses the freed pages for the next nights' rows.
public enum Retention {
    /// Days before this one (a day number) have been pruned; nil when nothing has.
    public static func prunedBefore(_ database: Database) throws -> Int64? {
        try database.scalarText("SELECT value FROM meta WHERE key = 'pruned_before'").flatMap { Int64($0) }
    }

    /// The days before `cutoff` that still hold raw rows, oldest first.
    public static func days(before cutoff: Int64, _ database: Database) throws -> [Int64] {
        let statement = try database.prepare("SELECT DISTINCT day FROM file_days WHERE day < ? ORDER BY day")
        statement.bind(cutoff, at: 1)
        var days: [Int64] = []
        while try statement.step() { days.append(statement.int64(0)) }
        return days
    }

    /// The latest local day with transactions, nil when there is none.
    public static func latestDay(_ database: Database) throws -> Int64? {
        try database.scalarInt("SELECT max(day) FROM file_days WHERE table_name = 'terminal_txns'")
    }

    /// The files whose last rows are on `day`: once the day is gone, nothing of them is left, and
    /// their rejected lines go with them (archived with the day).
    public static func filesEnding(on day: Int64, _ database: Database) throws -> [Int64] {
        let statement = try database.prepare("SELECT file_id FROM file_days GROUP BY file_id HAVING max(day) = ?")
        statement.bind(day, at: 1)
        var files: [Int64] = []
        while try statement.step() { files.append(statement.int64(0)) }
        return files
    }

    /// Rows removed, by table.
    public typealias Removed = [String: Int]

    /// Removes `day`'s raw and derived rows, in one transaction, and records the cut-off `before`
    /// (later days stay). `files` are the files ending on the day (see `filesEnding`).
    @discardableResult
    public static func remove(day: Int64, files: [Int64], recordingCutoff before: Int64, _ database: Database) throws -> Removed {
        var removed: Removed = [:]
        try database.execute("BEGIN IMMEDIATE")
        do {
            let ranges = try database.prepare(
                "SELECT file_id, table_name, min(first_id), max(last_id) FROM file_days WHERE day = ? GROUP BY file_id, table_name")
            ranges.bind(day, at: 1)
            var found: [(file: Int64, table: String, first: Int64, last: Int64)] = []
            while try ranges.step() { found.append((ranges.int64(0), ranges.text(1) ?? "", ranges.int64(2), ranges.int64(3))) }
            for (file, table, first, last) in found where IngestStore.segmentedTables.contains(table) {
                if table == "terminal_txns" {
                    let facts = try database.prepare(
                        """
                        DELETE FROM txn_facts WHERE txn_id IN (
                            SELECT id FROM terminal_txns WHERE id BETWEEN ?1 AND ?2 AND file_id = ?3 AND (ts + tz * 60000) / 86400000 = ?4)
                        """)
                    facts.bind(first, at: 1)
                    facts.bind(last, at: 2)
                    facts.bind(file, at: 3)
                    facts.bind(day, at: 4)
                    try facts.run()
                }
                let rows = try database.prepare(
                    "DELETE FROM \(table) WHERE id BETWEEN ?1 AND ?2 AND file_id = ?3 AND (ts + tz * 60000) / 86400000 = ?4")
                rows.bind(first, at: 1)
                rows.bind(last, at: 2)
                rows.bind(file, at: 3)
                rows.bind(day, at: 4)
                try rows.run()
                removed[table, default: 0] += database.changes
            }
            for sql in [
                "DELETE FROM file_days WHERE day = ?1",
                "DELETE FROM acquirer_pairs WHERE day = ?1",
                "DELETE FROM analysis_days WHERE day = ?1",
                "DELETE FROM dirty_marks WHERE day = ?1",
                // A terminal's state at the end of this day is still what its next day starts from
                // unless a later day of its own follows.
                "DELETE FROM terminal_days WHERE day = ?1 AND EXISTS (SELECT 1 FROM terminal_days AS later WHERE later.tid = terminal_days.tid AND later.day > ?1)",
            ] {
                let statement = try database.prepare(sql)
                statement.bind(day, at: 1)
                try statement.run()
            }
            let rejects = try database.prepare("DELETE FROM rejected_lines WHERE file_id = ?")
            let pruned = try database.prepare("UPDATE input_files SET pruned_at = ?2 WHERE id = ?1")
            let now = IngestStore.nowMilliseconds()
            for file in files {
                rejects.bind(file, at: 1)
                try rejects.run()
                removed["rejected_lines", default: 0] += database.changes
                pruned.bind(file, at: 1)
                pruned.bind(now, at: 2)
                try pruned.run()
            }
            let cutoff = try database.prepare(
                """
                INSERT INTO meta(key, value) VALUES ('pruned_before', ?1)
                ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))
                """)
            cutoff.bind(String(before), at: 1)
            try cutoff.run()
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
        return removed
    }
}
