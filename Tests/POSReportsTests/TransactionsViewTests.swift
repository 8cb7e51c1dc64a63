import Foundation
import POSAnalysis
import POSIngest
import POSReports
import POSSampleData
import POSStore
import Testing

/// A read-only query that reads columns of `transactions` kept in other tables (the analysis's
/// facts, the inventory's texts) goes through a temporary view on its connection that joins them
/// (docs/cli.md §4). It must give the stored view's rows, column for column, and join nothing the
/// query does not read.
@Suite("The transactions view as read-only queries see it", .serialized)
struct TransactionsViewTests {
    /// The view's columns a join can serve: the analysis's, then the inventory's.
    static let joinedColumns = [
        "firmware", "app_version", "code_table", "acquirer", "net_type", "acquirer_rc", "rssi_band", "net_event_60s", "outcome", "cause",
        "brand", "model", "channel", "agent", "fee_tier", "region", "mcc",
    ]

    /// Every row of `statement`, values as SQLite gives them, with the column names first.
    static func rows(_ statement: Statement) throws -> [[DatabaseValue]] {
        var rows = [(0..<statement.columnCount).map { DatabaseValue.text(statement.columnName($0)) }]
        while try statement.step() { rows.append((0..<statement.columnCount).map { statement.value($0) }) }
        return rows
    }

    /// Generated logs of two days: day 1 analysed, day 2 ingested after the analysis, so that its
    /// transactions have no facts yet, and one terminal gone from the inventory (the stored view's
    /// fallbacks).
    static func partlyAnalysedDatabase(_ folder: String) throws -> String {
        var config = SampleConfiguration()
        config.terminals = 120
        config.days = 2
        config.transactionsPerTerminalPerDay = 8
        let truth = try SampleGenerator(config).write(to: folder + "/logs")
        let path = folder + "/db.sqlite"
        let database = try Database(path: path)
        let ingester = Ingester(store: try IngestStore(database: database), options: ParseOptions())
        let day1 = truth.files.filter { !$0.path.contains("/") && !$0.path.contains("2026-11-21") }
        _ = try ingester.run(paths: day1.map { folder + "/logs/" + $0.path })
        var options = AnalysisOptions()
        options.network.permutations = 19
        _ = try Analysis.run(database: database, options: options)
        _ = try ingester.run(paths: [folder + "/logs"])
        try database.execute("DELETE FROM inventory WHERE tid = (SELECT tid FROM terminal_txns ORDER BY id LIMIT 1)")
        return path
    }

    @Test("every column of every row is the stored view's, with and without the analysis's facts")
    func sameRows() throws {
        let folder = try Fixture.temporaryFolder("posrca-transactions-view")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try Database(path: try Self.partlyAnalysedDatabase(folder), mode: .readOnly)
        let facts = try #require(try database.scalarInt("SELECT count(*) FROM txn_facts"))
        let transactions = try #require(try database.scalarInt("SELECT count(*) FROM terminal_txns"))
        #expect(facts > 1000 && transactions > facts, "\(facts) of \(transactions) transactions analysed")
        // The comparison is not vacuous: the analysed rows carry derived values, and some rows
        // without facts fall back to the inventory's firmware.
        #expect(try database.scalarInt("SELECT count(*) FROM main.transactions WHERE outcome IS NULL AND firmware <> 'unknown'")! > 0)
        #expect(try database.scalarInt("SELECT count(*) FROM main.transactions WHERE brand = 'unknown'")! > 0)
        for column in ["app_version", "code_table", "acquirer", "net_type", "acquirer_rc"] {
            #expect(try database.scalarInt("SELECT count(DISTINCT \(column)) FROM main.transactions")! > 1, "\(column)")
        }

        let ordered = "ORDER BY file, line"
        let everything = try Self.rows(database.prepareReadOnlyQuery("SELECT * FROM transactions \(ordered)"))
        #expect(everything == (try Self.rows(database.prepare("SELECT * FROM main.transactions \(ordered)"))))
        #expect(everything.count == Int(transactions) + 1)
        for column in Self.joinedColumns {
            let query = "SELECT \(column), count(*) FROM transactions GROUP BY \(column)"
            let stored = "SELECT \(column), count(*) FROM main.transactions GROUP BY \(column)"
            #expect(try Self.rows(database.prepareReadOnlyQuery(query)) == (try Self.rows(database.prepare(stored))), "\(column)")
            let mixed = "SELECT tid, \(column), brand, outcome FROM transactions WHERE \(column) IS NOT 'x' \(ordered)"
            let storedMixed = "SELECT tid, \(column), brand, outcome FROM main.transactions WHERE \(column) IS NOT 'x' \(ordered)"
            #expect(try Self.rows(database.prepareReadOnlyQuery(mixed)) == (try Self.rows(database.prepare(storedMixed))), "\(column)")
        }
    }

    /// The plan's lines.
    static func plan(_ database: Database, _ query: String) throws -> [String] {
        let statement = try database.prepareReadOnlyQuery("EXPLAIN QUERY PLAN " + query)
        var lines: [String] = []
        while try statement.step() { lines.append(statement.text(3) ?? "") }
        return lines
    }

    @Test("a query joins the facts and the texts it reads and nothing else, one query after another on one connection")
    func joinsWhatTheQueryReads() throws {
        let database = try fixture()
        let firmware = try Self.plan(database, "SELECT firmware, count(*) FROM transactions GROUP BY firmware")
        #expect(firmware.contains { $0.hasPrefix("SEARCH x USING INTEGER PRIMARY KEY") && $0.hasSuffix("LEFT-JOIN") }, "\(firmware)")
        #expect(firmware.contains { $0.hasPrefix("SEARCH d_firmware") }, "\(firmware)")
        #expect(!firmware.contains { $0.contains("d_acquirer") || $0.contains("d_code_table") }, "\(firmware)")

        #expect(!firmware.contains { $0.hasPrefix("SEARCH i ") }, "\(firmware)")

        // An inventory attribute joins the transactions to the inventory's texts only.
        let brand = try Self.plan(database, "SELECT brand, count(*) FROM transactions GROUP BY brand")
        #expect(brand.contains { $0.hasPrefix("SEARCH i USING INTEGER PRIMARY KEY") && $0.hasSuffix("LEFT-JOIN") }, "\(brand)")
        #expect(!brand.contains { $0.hasPrefix("SEARCH x ") || $0.contains("d_") || $0.contains("CORRELATED") }, "\(brand)")

        // A column of the transaction's own row joins nothing, nor does a count of the rows.
        for query in ["SELECT rc, day, count(*) FROM transactions GROUP BY 1, 2", "SELECT count(*) FROM transactions"] {
            _ = try Self.plan(database, "SELECT brand, count(*) FROM transactions GROUP BY brand")
            let plan = try Self.plan(database, query)
            #expect(!plan.contains { $0.contains("LEFT-JOIN") || $0.hasPrefix("SEARCH x ") || $0.hasPrefix("SEARCH i ") }, "\(query): \(plan)")
        }

        let acquirer = try Self.plan(database, "SELECT acquirer, outcome, count(*) FROM transactions GROUP BY 1, 2")
        #expect(acquirer.contains { $0.hasPrefix("SEARCH d_acquirer") }, "\(acquirer)")
        #expect(!acquirer.contains { $0.contains("d_firmware") }, "\(acquirer)")
        // Outcome is a column of the joined facts: no lookup of its own.
        #expect(!acquirer.contains { $0.contains("CORRELATED") }, "\(acquirer)")

        // The connection is as read-only as before, and still refuses writes.
        #expect(try database.scalarInt("PRAGMA query_only") == 1)
        #expect(throws: DatabaseError.self) { try database.prepareReadOnlyQuery("CREATE TEMP VIEW v AS SELECT 1") }
        #expect(throws: DatabaseError.self) { try database.prepareReadOnlyQuery("DELETE FROM terminal_txns") }
    }

    @Test("a database whose views the joins do not fit is read through its own view")
    func otherViews() throws {
        let folder = try Fixture.temporaryFolder("posrca-transactions-view-other")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/other.sqlite"
        try Database(path: path).execute(
            """
            CREATE TABLE t(a TEXT, b TEXT);
            INSERT INTO t VALUES ('F1', 'unknown'), ('F2', 'approved'), ('F2', 'unknown');
            CREATE VIEW transactions AS SELECT a AS firmware, b AS outcome, 'PAX' AS brand FROM t;
            """)
        let database = try Database(path: path, mode: .readOnly)
        let query = "SELECT firmware, outcome, count(*) FROM transactions GROUP BY 1, 2"
        #expect(
            try Self.rows(database.prepareReadOnlyQuery(query)) == [
                [.text("firmware"), .text("outcome"), .text("count(*)")],
                [.text("F1"), .text("unknown"), .integer(1)],
                [.text("F2"), .text("approved"), .integer(1)],
                [.text("F2"), .text("unknown"), .integer(1)],
            ])
        #expect(try database.scalarInt("SELECT count(*) FROM sqlite_temp_master") == 0)
    }

    @Test("the fixture's known facts read the same through the joins")
    func fixtureFacts() throws {
        let database = try fixture()
        let query = "SELECT tid, stan, firmware, code_table, acquirer, acquirer_rc, outcome, cause FROM transactions ORDER BY tid, ts"
        let stored = query.replacingOccurrences(of: "FROM transactions", with: "FROM main.transactions")
        let rows = try Self.rows(database.prepareReadOnlyQuery(query))
        #expect(rows == (try Self.rows(database.prepare(stored))))
        #expect(rows.count == 1 + 16)
        // T1's sixth transaction ran the firmware it upgraded to, unknown for want of a code.
        let t1 = rows.first { $0[0] == .text("T1") && $0[1] == .text("000006") }
        #expect(
            t1 == [
                .text("T1"), .text("000006"), .text("A920_V2"), .text("CUP2015"), .text(Fixture.cup), .text("P1"), .text("unknown"),
                .text("code_table_gap"),
            ])
    }
}
