import POSInput
public import POSStore

/// A day's raw rows as gzip-compressed CSV in a Hive layout, the partitioned table DuckDB, Spark
/// and Trino read: `ROOT/TABLE/day=YYYY-MM-DD/part-0.csv.gz`, with `ROOT/TABLE/_schema.json`
/// naming the columns and their types (the `day` column is the folder's).
///
/// `posrca prune` writes a day's archive before its rows leave the database, `posrca export` on
/// demand. Each file is written under a temporary name and renamed into place: a partition file
/// is complete or absent, and writing a day again replaces it whole.
public struct DayArchive: Sendable {
    /// One archived table: where its rows come from and the columns written.
    public struct Table: Sendable {
        /// The folder name, e.g. `transactions`.
        public var name: String
        /// The view read; it has an id column for rowid ranges and `day_number`.
        var view: String
        var idColumn: String
        /// The raw tables whose `file_days` ranges hold the day's rows (with a `kind` filter for
        /// the union of terminal events).
        var sources: [(table: String, kind: String?)]
        /// Column names and DuckDB types, in file order.
        public var columns: [(name: String, type: String)]
    }

    public static let tables: [Table] = [
        Table(
            name: "transactions", view: "transaction_rows", idColumn: "txn_id", sources: [("terminal_txns", nil)],
            columns: [
                ("tid", "VARCHAR"), ("ts", "TIMESTAMP"), ("type", "VARCHAR"), ("stan", "VARCHAR"), ("amount", "BIGINT"),
                ("currency", "BIGINT"), ("rc", "VARCHAR"), ("disp", "VARCHAR"), ("latency_ms", "BIGINT"), ("brand", "VARCHAR"),
                ("model", "VARCHAR"), ("channel", "VARCHAR"), ("agent", "VARCHAR"), ("fee_tier", "VARCHAR"), ("region", "VARCHAR"),
                ("mcc", "VARCHAR"), ("firmware", "VARCHAR"), ("app_version", "VARCHAR"), ("code_table", "VARCHAR"),
                ("acquirer", "VARCHAR"), ("net_type", "VARCHAR"), ("rssi_band", "VARCHAR"), ("net_event_60s", "VARCHAR"),
                ("entry", "VARCHAR"), ("txn_type", "VARCHAR"), ("hour", "VARCHAR"), ("outcome", "VARCHAR"), ("cause", "VARCHAR"),
                ("acquirer_rc", "VARCHAR"), ("file", "VARCHAR"), ("line", "BIGINT"), ("err", "VARCHAR"),
            ]),
        Table(
            name: "acquirer_messages", view: "archive_acquirer_messages", idColumn: "id", sources: [("acquirer_msgs", nil)],
            columns: [
                ("ts", "TIMESTAMP"), ("realm", "VARCHAR"), ("direction", "VARCHAR"), ("mti", "VARCHAR"), ("stan", "VARCHAR"),
                ("rc", "VARCHAR"), ("tid", "VARCHAR"), ("mid", "VARCHAR"), ("amount", "BIGINT"), ("currency", "VARCHAR"),
                ("proc_code", "VARCHAR"), ("rrn", "VARCHAR"), ("local_time", "VARCHAR"), ("local_date", "VARCHAR"), ("pan", "VARCHAR"),
                ("lifespan_ms", "BIGINT"), ("matched", "VARCHAR"), ("file", "VARCHAR"), ("line", "BIGINT"),
            ]),
        Table(
            name: "network_events", view: "archive_network_events", idColumn: "id", sources: [("net_events", nil)],
            columns: [
                ("source", "VARCHAR"), ("tid", "VARCHAR"), ("realm", "VARCHAR"), ("ts", "TIMESTAMP"), ("state", "VARCHAR"),
                ("net_type", "VARCHAR"), ("rssi", "BIGINT"), ("reason", "VARCHAR"), ("file", "VARCHAR"), ("line", "BIGINT"),
            ]),
        Table(
            name: "terminal_events", view: "archive_terminal_events", idColumn: "id",
            sources: [("terminal_boots", "boot"), ("firmware_updates", "fw_update"), ("terminal_signins", "signin"), ("terminal_errors", "error")],
            columns: [
                ("kind", "VARCHAR"), ("ts", "TIMESTAMP"), ("tid", "VARCHAR"), ("firmware", "VARCHAR"), ("app_version", "VARCHAR"),
                ("code_table", "VARCHAR"), ("from_firmware", "VARCHAR"), ("to_firmware", "VARCHAR"), ("succeeded", "BIGINT"),
                ("rc", "VARCHAR"), ("err", "VARCHAR"), ("message", "VARCHAR"), ("file", "VARCHAR"), ("line", "BIGINT"),
            ]),
    ]

    /// Rejected lines are archived with their file, on the last day of the file's rows.
    public static let rejectColumns: [(name: String, type: String)] = [
        ("file", "VARCHAR"), ("line", "BIGINT"), ("reason", "VARCHAR"), ("text", "VARCHAR"),
    ]

    /// The archive's folder.
    public let root: String

    /// An archive in `root`. Files get the modes the process's umask allows (the command line
    /// sets it: owner-only unless `--group-readable`).
    public init(root: String) {
        self.root = root
    }

    /// Rows written per table.
    public typealias Counts = [String: Int]

    /// Writes the archive of `day`: one partition per table (an empty table writes an empty
    /// partition file, so that the day is seen as archived), and the rejected lines of the files
    /// listed in `rejectFiles`. Returns the rows written per table.
    @discardableResult
    public func write(day: Int64, database: Database, rejectFiles: [Int64] = []) throws -> Counts {
        var counts: Counts = [:]
        let date = LocalDay.text(day)
        for table in Self.tables {
            try writeSchema(name: table.name, columns: table.columns)
            let writer = try partition(table.name, date: date, columns: table.columns)
            var rows = 0
            let names = table.columns.map(\.name).joined(separator: ", ")
            for source in table.sources {
                let kindFilter = source.kind.map { " AND kind = '\($0)'" } ?? ""
                let statement = try database.prepare(
                    "SELECT \(names) FROM \(table.view) WHERE \(table.idColumn) BETWEEN ?1 AND ?2 AND day_number = ?3\(kindFilter)")
                for range in try RangeReader.ranges(database, table: source.table, day: day) {
                    statement.bind(range.first, at: 1)
                    statement.bind(range.last, at: 2)
                    statement.bind(day, at: 3)
                    rows += try copyRows(statement, columns: table.columns.count, to: writer)
                    statement.reset()
                }
            }
            try writer.finish()
            counts[table.name] = rows
        }
        try writeSchema(name: "rejects", columns: Self.rejectColumns)
        let writer = try partition("rejects", date: date, columns: Self.rejectColumns)
        var rows = 0
        let rejects = try database.prepare("SELECT file, line, reason, text FROM archive_rejects WHERE file_id = ? ORDER BY line")
        for file in rejectFiles {
            rejects.bind(file, at: 1)
            rows += try copyRows(rejects, columns: 4, to: writer)
            rejects.reset()
        }
        try writer.finish()
        counts["rejects"] = rows
        return counts
    }

    private func partition(_ table: String, date: String, columns: [(name: String, type: String)]) throws -> GzipFileWriter {
        let folder = "\(root)/\(table)/day=\(date)"
        try FileOutput.makeDirectories(folder)
        let writer = try GzipFileWriter(path: folder + "/part-0.csv.gz")
        try writer.write(TableRenderer.csvLine(columns.map(\.name)))
        return writer
    }

    private func copyRows(_ statement: Statement, columns: Int, to writer: GzipFileWriter) throws -> Int {
        var rows = 0
        var chunk = ""
        var cells = [String?](repeating: nil, count: columns)
        while try statement.step() {
            for c in 0..<columns { cells[c] = statement.text(c) }
            chunk += TableRenderer.csvLine(cells)
            rows += 1
            if chunk.utf8.count > 1 << 20 {
                try writer.write(chunk)
                chunk = ""
            }
        }
        if !chunk.isEmpty { try writer.write(chunk) }
        return rows
    }

    /// `ROOT/TABLE/_schema.json`: the columns and types, the partition column and the format.
    private func writeSchema(name: String, columns: [(name: String, type: String)]) throws {
        let folder = "\(root)/\(name)"
        try FileOutput.makeDirectories(folder)
        let schema = JSONValue.object([
            ("table", .string(name)),
            ("format", .string("csv.gz: RFC 4180, UTF-8, header row, CRLF")),
            ("partitioned_by", .array([.object([("name", .string("day")), ("type", .string("DATE"))])])),
            ("layout", .string("\(name)/day=YYYY-MM-DD/part-0.csv.gz")),
            ("columns", .array(columns.map { .object([("name", .string($0.name)), ("type", .string($0.type))]) })),
        ])
        try FileOutput.writeAtomically(schema.rendered(), to: folder + "/_schema.json")
    }
}
