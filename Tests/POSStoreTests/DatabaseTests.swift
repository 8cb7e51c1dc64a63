import Foundation
import POSStore
import Testing

private func temporaryDatabase(_ name: String = #function) throws -> (Database, String) {
    let path = NSTemporaryDirectory() + "posrca-store-\(name.filter(\.isLetter))-\(getpid()).sqlite"
    for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    return (try Database(path: path), path)
}

@Suite("SQLite store")
struct DatabaseTests {
    @Test("errors carry SQLite's code, its message and the statement")
    func errorsCarryContext() throws {
        let (db, _) = try temporaryDatabase()
        do {
            try db.execute("SELECT * FROM no_such_table")
            Issue.record("no error")
        } catch let error as DatabaseError {
            #expect(error.resultCode == .error)
            #expect(error.extendedResultCode.rawValue == 1)
            #expect(error.description.contains("no such table: no_such_table"))
            #expect(error.description.contains("while executing `SELECT * FROM no_such_table`"))
        }
    }

    @Test("errors match by result code: primary with ==, extended ones within their primary in patterns")
    func resultCodes() throws {
        let (db, path) = try temporaryDatabase()
        try db.execute("CREATE TABLE t(a INTEGER UNIQUE); INSERT INTO t VALUES (1)")
        do {
            try db.execute("INSERT INTO t VALUES (1)")
            Issue.record("no error")
        } catch let error as DatabaseError where error.resultCode == .constraint {
            #expect(error.extendedResultCode == .constraintUnique)
            #expect(error.extendedResultCode != .constraint)
            switch error.extendedResultCode {
            case .constraintNotNull: Issue.record("matched another extended code")
            case .constraint: break
            default: Issue.record("a primary pattern did not match its extended code")
            }
        }
        #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO t VALUES (1)") }
        do {
            try db.execute("INSERT INTO t VALUES (1)")
        } catch ResultCode.constraintUnique {
            // `catch` with an extended code.
        }

        // A second connection that cannot wait for the write lock gets SQLITE_BUSY.
        try db.execute("BEGIN IMMEDIATE")
        defer { try? db.execute("ROLLBACK") }
        let other = try Database(path: path, busyTimeoutMilliseconds: 0)
        do {
            try other.execute("BEGIN IMMEDIATE")
            Issue.record("took the write lock twice")
        } catch let error as DatabaseError where error.resultCode == .busy {
            #expect(ResultCode.busy ~= error.extendedResultCode)
            #expect(error.description.hasPrefix("SQLite error \(error.extendedResultCode.rawValue): database is locked"))
        }
        #expect(ResultCode.busyTimeout.primaryResultCode == .busy && !ResultCode.busyTimeout.isPrimary && ResultCode.busy.isPrimary)
        #expect(ResultCode.constraintUnique.rawValue == 2067 && ResultCode.busyTimeout.rawValue == 773)
    }

    @Test("the schema installs every stable view, and a second open changes nothing")
    func schemaViews() throws {
        let (db, path) = try temporaryDatabase()
        _ = try IngestStore(database: db)
        let views = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
        var names: [String] = []
        while try views.step() { names.append(views.text(0) ?? "") }
        // The stable views, the internal ones the archive reads (archive_*, transaction_rows) and
        // the one the inventory_texts triggers copy from (inventory_text_rows).
        let expected = [
            "acquirer_messages", "analysis_history", "archive_acquirer_messages", "archive_network_events", "archive_rejects",
            "archive_terminal_events", "code_gap_tests", "code_gaps", "daily_acquirer", "daily_acquirer_lifespans",
            "daily_code_terminals", "daily_codes", "daily_network", "daily_network_windows", "daily_outcomes", "daily_profile_rates",
            "daily_profiles", "daily_software", "daily_terminal_causes", "daily_terminals", "files", "finding_terminals", "findings",
            "findings_history", "firmware_history", "inventory_text_rows", "network_events", "rejects",
            "transaction_rows", "transactions",
        ]
        #expect(names == expected)
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try db.scalarInt("PRAGMA user_version") == Schema.version)
        _ = try IngestStore(database: Database(path: path))
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'view'") == Int64(expected.count))
    }

    @Test("a read-only connection refuses to write")
    func readOnly() throws {
        let (db, path) = try temporaryDatabase()
        _ = try IngestStore(database: db)
        let reader = try Database(path: path, mode: .readOnly)
        #expect(throws: DatabaseError.self) { try reader.execute("DELETE FROM input_files") }
        #expect(throws: DatabaseError.self) { try reader.execute("CREATE TABLE x(a)") }
        #expect(try reader.prepare("SELECT 1").isReadOnly)
        #expect(try !db.prepare("DELETE FROM input_files").isReadOnly)
    }

    @Test("a newer schema is refused with a message that says so")
    func newerSchema() throws {
        let (db, path) = try temporaryDatabase()
        try db.execute("PRAGMA user_version = 99")
        do {
            _ = try IngestStore(database: Database(path: path))
            Issue.record("opened a newer schema")
        } catch let error as DatabaseError {
            #expect(error.message.contains("newer posrca"))
        }
    }

    @Test("text binds round-trip: Chinese, tabs, quotes, the empty string")
    func bindText() throws {
        let (db, _) = try temporaryDatabase()
        try db.execute("CREATE TABLE t(v TEXT)")
        let insert = try db.prepare("INSERT INTO t(v) VALUES (?)")
        let values = ["MAC校验失败", "tab\there", "", "a\"b'c"]
        for value in values {
            insert.bind(value, at: 1)
            try insert.run()
        }
        let read = try db.prepare("SELECT v FROM t ORDER BY rowid")
        var readBack: [String?] = []
        while try read.step() { readBack.append(read.text(0)) }
        #expect(readBack == values)
    }
}
