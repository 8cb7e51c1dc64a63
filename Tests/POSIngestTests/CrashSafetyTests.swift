import Foundation
import POSIngest
import POSSampleData
import POSStore
import Synchronization
import Testing

// Issue 5, part 3 (the parts that need no process to kill; the SIGKILL loop runs the real binary
// in posrcaTests): a full disk fails a file cleanly with the reason, whatever the point it fills
// at, and the next run ends with exactly the rows of a clean run. Part 6 at the store's level:
// two writers on one database.

/// Tables holding rows that came from a file (each row carries `file_id`).
let fileRowTables = [
    "terminal_txns", "terminal_boots", "firmware_updates", "terminal_signins", "terminal_errors", "net_events", "acquirer_msgs",
    "inventory", "catalogue_entries", "rejected_lines",
]

/// What a database holds, file by file: for each ledger path (relative to the inbox) its status,
/// its recorded rows and rejects, and the rows each table really holds for it. Two databases with
/// the same snapshot hold the same files whole.
struct StoreSnapshot: Equatable, CustomStringConvertible {
    /// path → "status rows/rejects table:n …"
    var files: [String: String]
    /// Rows whose `file_id` names no ledger row (a half-written file would leave some).
    var orphans: Int
    var tableCounts: [String: Int]
    /// Every transaction as the view shows it, in file and line order.
    var transactions: [[String?]]

    var description: String {
        files.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n") + "\norphans: \(orphans)"
    }

    init(_ scratch: Scratch) throws {
        let perTable = fileRowTables.map { "SELECT file_id, '\($0)' AS name, count(*) AS n FROM \($0) GROUP BY file_id" }.joined(
            separator: " UNION ALL ")
        var files: [String: String] = [:]
        for row in try scratch.query("SELECT id, path, status, rows, rejects FROM input_files ORDER BY id") {
            let counts = try scratch.query("SELECT name, n FROM (\(perTable)) WHERE file_id = \(row[0]!) ORDER BY name")
            let text = "\(row[2]!) \(row[3]!)/\(row[4]!) " + counts.map { "\($0[0]!):\($0[1]!)" }.joined(separator: " ")
            let path = Self.relative(row[1]!, to: scratch.inbox)
            #expect(files[path] == nil, "two ledger rows for \(path)")
            files[path] = text
        }
        self.files = files
        orphans = try scratch.count("SELECT count(*) FROM (\(perTable)) WHERE file_id NOT IN (SELECT id FROM input_files)")
        var tableCounts: [String: Int] = [:]
        for table in fileRowTables + ["dictionary", "input_files"] {
            tableCounts[table] = try scratch.count("SELECT count(*) FROM \(table)")
        }
        self.tableCounts = tableCounts
        transactions = try scratch.query(
            """
            SELECT tid, ts, type, stan, amount, currency, rc, disp, latency_ms, brand, agent, region, file, line
            FROM transactions ORDER BY file, line
            """
        ).map { row in row.enumerated().map { $0.offset == 12 ? $0.element.map { Self.relative($0, to: scratch.inbox) } : $0.element } }
    }

    static func relative(_ path: String, to folder: String) -> String {
        path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
    }

    /// Where two transaction lists first differ, for a short failure message.
    static func firstDifference(_ a: [[String?]], _ b: [[String?]]) -> String {
        guard let index = a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) else { return "counts \(a.count) and \(b.count)" }
        return "row \(index): \(a[index].map { $0 ?? "NULL" }) against \(b[index].map { $0 ?? "NULL" })"
    }
}

/// A small generated data set without the duplicate file (which of two equal files lands first
/// would depend on history, and the comparisons below are exact).
func writeCrashCorpus(to folder: String) throws -> GroundTruth {
    var config = SampleConfiguration()
    config.terminals = 60
    config.days = 2
    config.transactionsPerTerminalPerDay = 12
    config.faults.remove(.duplicateFile)
    return try SampleGenerator(config).write(to: folder)
}

@Suite("Crash safety: a full disk fails the file it fills on, cleanly, at any point", .serialized)
struct DiskFullTests {
    @Test("at 12 fill levels the file that fills fails with the reason, no file is half in, and the next run ends as a clean run")
    func diskFullAtEveryPoint() throws {
        let clean = Scratch("diskfull-clean")
        _ = try writeCrashCorpus(to: clean.inbox)
        let cleanReport = try clean.ingest()
        #expect(cleanReport.files.allSatisfy { $0.status == .ok || $0.status == .truncated })
        let expected = try StoreSnapshot(clean)
        #expect(expected.orphans == 0)
        #expect((expected.tableCounts["terminal_txns"] ?? 0) > 1000)
        let finalPages = try #require(try Database(path: clean.db, mode: .readOnly).scalarInt("PRAGMA page_count"))

        let levels = 12
        var failuresSeen = 0
        for level in 0..<levels {
            let scratch = Scratch("diskfull-\(level)")
            try FileManager.default.removeItem(atPath: scratch.inbox)
            try FileManager.default.copyItem(atPath: clean.inbox, toPath: scratch.inbox)
            // The schema alone, then a cap between it and the full size: each level fills at another point.
            let store = try IngestStore(database: Database(path: scratch.db))
            let base = try #require(try store.database.scalarInt("PRAGMA page_count"))
            let cap = base + (finalPages - base) * Int64(level) / Int64(levels)
            try store.database.execute("PRAGMA max_page_count = \(cap)")
            let report = try Ingester(store: store, options: ParseOptions()).run(paths: [scratch.inbox])
            let failed = report.files.filter { $0.status == .failed }
            failuresSeen += failed.count
            #expect(!failed.isEmpty, "level \(level): nothing filled the database (cap \(cap) of \(finalPages) pages)")
            #expect(report.exitCode == 2)
            for file in failed {
                #expect(file.detail?.contains("database or disk is full") == true, "level \(level): \(file.path): \(file.detail ?? "no detail")")
                #expect(file.rows == 0)
            }
            #expect(try scratch.query("PRAGMA integrity_check") == [["ok"]], "level \(level)")
            // Every file the ledger has as in holds exactly the rows it holds after a clean run.
            let partial = try StoreSnapshot(scratch)
            #expect(partial.orphans == 0, "level \(level)")
            for (path, state) in partial.files {
                if state.hasPrefix("ok ") || state.hasPrefix("truncated ") {
                    #expect(state == expected.files[path], "level \(level): \(path)")
                } else {
                    #expect(state == "failed 0/0 ", "level \(level): \(path)")
                }
            }

            // The disk has room again: the next run completes the work.
            let rerun = try scratch.ingest()
            #expect(!rerun.files.contains { $0.status == .failed }, "level \(level)")
            let after = try StoreSnapshot(scratch)
            #expect(after.files == expected.files, "level \(level):\n\(after)\n---\n\(expected)")
            #expect(after.tableCounts == expected.tableCounts, "level \(level)")
            #expect(
                after.transactions == expected.transactions,
                "level \(level): \(StoreSnapshot.firstDifference(after.transactions, expected.transactions))")
        }
        #expect(failuresSeen >= levels)
    }
}

@Suite("Two writers on one database", .serialized)
struct SharedDatabaseWriterTests {
    @Test("a value another ingest added after this store loaded its dictionary is reused, not a UNIQUE failure")
    func dictionaryShared() throws {
        let scratch = Scratch()
        let first = try scratch.write("a/day.log", txnLine(1, tid: "T-SHARED") + "\n")
        let second = try scratch.write("b/day.log", txnLine(2, tid: "T-SHARED") + "\n" + txnLine(3, tid: "T-OTHER") + "\n")
        // Store A opens first and loads the (empty) dictionary; B then adds T-SHARED and commits.
        let storeA = try IngestStore(database: Database(path: scratch.db))
        let storeB = try IngestStore(database: Database(path: scratch.db))
        let reportB = try Ingester(store: storeB, options: ParseOptions()).run(paths: [first])
        #expect(reportB.files.map(\.status) == [.ok])
        let reportA = try Ingester(store: storeA, options: ParseOptions()).run(paths: [second])
        #expect(reportA.files.map(\.status) == [.ok], "\(reportA.files.map { $0.detail ?? "" })")
        #expect(reportA.rows == 2)
        #expect(try scratch.count("SELECT count(*) FROM dictionary WHERE value = 'T-SHARED'") == 1)
        #expect(
            try scratch.query("SELECT tid, stan FROM transactions ORDER BY stan") == [
                ["T-SHARED", "000001"], ["T-SHARED", "000002"], ["T-OTHER", "000003"],
            ])
        // A rolled-back file forgets only its own values: T-SHARED (B's) stays known to A.
        try storeA.beginFile(path: "/nowhere")
        storeA.rollbackFile()
        let third = try scratch.write("c/day.log", txnLine(4, tid: "T-SHARED") + "\n")
        #expect(try Ingester(store: storeA, options: ParseOptions()).run(paths: [third]).files.map(\.status) == [.ok])
        #expect(try scratch.count("SELECT count(*) FROM transactions WHERE tid = 'T-SHARED'") == 3)
    }

    /// A flag one thread raises and another reads.
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func raise() { value.store(true, ordering: .sequentiallyConsistent) }
        var isRaised: Bool { value.load(ordering: .sequentiallyConsistent) }
    }

    /// A connection used from one other thread only.
    /// Unchecked: the test's thread sets the connection up before it starts the other thread, and
    /// does not use it after.
    final class Holder: @unchecked Sendable {
        let database: Database
        init(_ database: Database) { self.database = database }
    }

    @Test("opening a new database while another connection writes it waits to switch to WAL instead of failing 'database is locked'")
    func walSwitchWaits() throws {
        let scratch = Scratch()
        // A writer holding RESERVED makes SQLite answer the journal-mode switch with SQLITE_BUSY at
        // once, without calling the busy handler (it could deadlock): the case of two ingests that
        // open one new database together.
        let writer = Holder(try Database(path: scratch.db))
        try writer.database.execute("CREATE TABLE early(x); BEGIN IMMEDIATE; INSERT INTO early VALUES (1);")
        #expect(writer.database.inTransaction)
        // Set just before the writer commits: the open can only finish after it, having waited.
        let committing = Flag()
        let release = Thread {
            usleep(300_000)
            committing.raise()
            try? writer.database.execute("COMMIT")
        }
        release.start()
        let store = try IngestStore(database: Database(path: scratch.db))
        #expect(committing.isRaised, "the open finished while the writer still held the database")
        #expect(try store.database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try store.database.scalarInt("PRAGMA user_version") == Schema.version)
    }
}
