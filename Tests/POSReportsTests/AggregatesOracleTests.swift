import Foundation
import POSAnalysis
import POSIngest
import POSReports
import POSSampleData
import POSStore
import Testing

/// The daily aggregates a real analysis writes (`POSAnalysis.DailyAggregates`, counted from day
/// snapshots) against `AggregateOracle` (SQL over the `transactions`, `acquirer_messages` and
/// `network_events` views of the same database): every `daily_*` view must hold the same rows.
@Suite("Daily aggregates against the SQL oracle", .serialized)
struct AggregatesOracleTests {
    /// Every daily view, in the schema's order.
    static let views = [
        "daily_outcomes", "daily_terminals", "daily_terminal_causes", "daily_profiles", "daily_profile_rates", "daily_software",
        "daily_network", "daily_codes", "daily_code_terminals", "daily_network_windows", "daily_acquirer", "daily_acquirer_lifespans",
    ]

    /// A view's rows as text, sorted (the views have no order of their own).
    static func rows(_ database: Database, _ view: String) throws -> [[String?]] {
        let statement = try database.prepare("SELECT * FROM \(view)")
        var rows: [[String?]] = []
        while try statement.step() { rows.append((0..<statement.columnCount).map { statement.text($0) }) }
        return rows.sorted { $0.map { $0 ?? "\u{0}NULL" }.lexicographicallyPrecedes($1.map { $0 ?? "\u{0}NULL" }) }
    }

    /// Rows only production has and rows only the oracle has, per view with any.
    struct Difference: Equatable, CustomStringConvertible {
        var production: [[String?]] = []
        var oracle: [[String?]] = []
        var isEmpty: Bool { production.isEmpty && oracle.isEmpty }
        var description: String {
            func show(_ rows: [[String?]]) -> String {
                rows.map { "(" + $0.map { $0 ?? "NULL" }.joined(separator: ", ") + ")" }.joined(separator: " ")
            }
            return "only production: \(show(production)); only oracle: \(show(oracle))"
        }
    }

    /// Production's rows against the oracle's, computed in a transaction that is rolled back, so
    /// that the database keeps production's aggregates for the next night.
    static func compare(_ database: Database) throws -> [String: Difference] {
        var production: [String: [[String?]]] = [:]
        for view in views { production[view] = try rows(database, view) }
        try database.execute("BEGIN")
        var oracle: [String: [[String?]]] = [:]
        do {
            try AggregateOracle.fill(database)
            for view in views { oracle[view] = try rows(database, view) }
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
        try database.execute("ROLLBACK")
        var differences: [String: Difference] = [:]
        for view in views {
            // Multisets: a row counts as often as it appears.
            var counts: [[String?]: Int] = [:]
            for row in production[view]! { counts[row, default: 0] += 1 }
            for row in oracle[view]! { counts[row, default: 0] -= 1 }
            var difference = Difference()
            for (row, n) in counts where n != 0 {
                if n > 0 { difference.production += Array(repeating: row, count: n) } else { difference.oracle += Array(repeating: row, count: -n) }
            }
            difference.production.sort { $0.map { $0 ?? "" }.lexicographicallyPrecedes($1.map { $0 ?? "" }) }
            difference.oracle.sort { $0.map { $0 ?? "" }.lexicographicallyPrecedes($1.map { $0 ?? "" }) }
            if !difference.isEmpty { differences[view] = difference }
        }
        return differences
    }

    static func analyze(_ database: Database) throws -> AnalysisResult {
        var options = AnalysisOptions()
        options.network.permutations = 99
        let result = try Analysis.run(database: database, options: options)
        #expect(try database.scalarInt("SELECT count(*) FROM dirty_marks") == 0)
        return result
    }

    @Test("an incremental analysis of generated logs writes the oracle's aggregates, night after night")
    func generatedData() throws {
        let folder = try Fixture.temporaryFolder("posrca-oracle-generated")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = SampleConfiguration()
        config.terminals = 250
        config.days = 3
        config.transactionsPerTerminalPerDay = 8
        let truth = try SampleGenerator(config).write(to: folder + "/logs")
        let database = try Database(path: folder + "/db.sqlite")
        let ingester = Ingester(store: try IngestStore(database: database), options: ParseOptions())

        // Night 1: all of day 1, day 2's acquirer logs and all but one region's terminal logs of day 2.
        // Night 2: everything, so that day 2 is recomputed for some terminals only (the others'
        // blocks of its snapshot are kept) and day 3 is new.
        let day2 = "2026-11-21"
        let held = try #require(truth.files.filter { $0.kind == "terminal_log" && $0.path.contains(day2) }.map(\.path).max())
        let first = truth.files.filter { file in
            !file.path.contains("/") && file.path != held && !file.path.contains("2026-11-22")
        }
        #expect(first.count > 4 && first.count < truth.files.count)
        _ = try ingester.run(paths: first.map { folder + "/logs/" + $0.path })
        let night1 = try Self.analyze(database)
        #expect(night1.transactions > 0)
        let after1 = try Self.compare(database)
        #expect(after1.isEmpty, "after night 1: \(after1)")

        _ = try ingester.run(paths: [folder + "/logs"])
        let night2 = try Self.analyze(database)
        #expect(night2.recompute.days >= 2)
        // Day 2 was recomputed for the held region's terminals only, not whole.
        let laterTerminalDays = try database.scalarInt("SELECT count(*) FROM daily_terminals WHERE day >= '\(day2)'")!
        #expect(night2.recompute.terminalDays < laterTerminalDays)
        #expect(try database.scalarInt("SELECT count(DISTINCT day) FROM daily_outcomes") == 3)
        let after2 = try Self.compare(database)
        #expect(after2.isEmpty, "after night 2: \(after2)")

        // The comparison is not vacuous: every view has rows, acquirer link events fall in the
        // windows, and the terminals' clocks need correcting.
        for view in Self.views { #expect(try !Self.rows(database, view).isEmpty, "\(view) is empty") }
        #expect(try database.scalarInt("SELECT count(*) FROM daily_network_windows WHERE event LIKE 'acquirer %'")! > 0)
        #expect(try database.scalarInt("SELECT count(*) FROM daily_network_windows WHERE event LIKE 'terminal %'")! > 0)
        #expect(try database.scalarInt("SELECT count(*) FROM txn_facts WHERE abs(clock_offset_ms) >= 1000")! > 0)
    }

    // MARK: - Edges the generator rarely writes

    static let edgeRealm = "cup-channel/10.1.2.3:5000"

    static let edgeInventory = """
        tid,mid,brand,model,channel,agent,fee_tier,region,firmware
        80000001,898000000000011,PAX,A920,official,,standard,上海,F1
        80000002,898000000000012,Landi,A8,third_party,QuickPay,waived,北京,F2

        """

    /// 80000001's clock is 30 s behind the host's: its unknown at 10:00:20 is 5 s after the host's
    /// peer-disconnect of 10:00:45 once corrected, and 25 s before it by its own clock.
    /// 80000002 has a weak signal 40 s before its first transaction of the next day and exactly
    /// 300 s before its second; a down exactly 10 s before one transaction and another down at the
    /// very millisecond of the next (one kind, counted once); a timeout without a response code.
    static let edgeTerminalLog = """
        ts=2026-11-20T08:00:00.000+08:00 tid=80000001 ev=boot fw=F1 app=a1 ctab=CUP2015
        ts=2026-11-20T10:00:00.500+08:00 tid=80000001 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved lat_ms=500
        ts=2026-11-20T10:00:20.000+08:00 tid=80000001 ev=txn type=sale stan=000002 amt=100 cur=156 rc=O0 disp=unknown lat_ms=500
        ts=2026-11-20T23:59:30.000+08:00 tid=80000002 ev=net state=weak type=4g rssi=-90
        ts=2026-11-21T00:00:10.000+08:00 tid=80000002 ev=txn type=sale stan=000003 amt=200 cur=156 rc=00 disp=approved lat_ms=600
        ts=2026-11-21T00:04:30.000+08:00 tid=80000002 ev=txn type=sale stan=000004 amt=200 cur=156 rc=00 disp=approved lat_ms=600
        ts=2026-11-21T09:00:00.000+08:00 tid=80000002 ev=net state=down type=4g rssi=-80
        ts=2026-11-21T09:00:10.000+08:00 tid=80000002 ev=txn type=sale stan=000005 amt=200 cur=156 rc=Q1 disp=unknown lat_ms=600
        ts=2026-11-21T09:00:20.000+08:00 tid=80000002 ev=net state=down type=4g rssi=-80
        ts=2026-11-21T09:00:20.000+08:00 tid=80000002 ev=txn type=sale stan=000006 amt=200 cur=156 disp=timeout lat_ms=60000 err=TCP_TIMEOUT

        """

    /// One jPOS `<log>` entry holding an ISO message.
    static func message(_ at: String, _ direction: String, mti: String, stan: String, tid: String?, rc: String? = nil, lifespan: String? = nil)
        -> String
    {
        let tag = direction == "send" ? "send" : "receive"
        var fields = ["<field id=\"0\" value=\"\(mti)\"/>", "<field id=\"11\" value=\"\(stan)\"/>"]
        if let rc { fields.append("<field id=\"39\" value=\"\(rc)\"/>") }
        if let tid { fields.append("<field id=\"41\" value=\"\(tid)\"/>") }
        return """
            <log realm="\(edgeRealm)" at="\(at)"\(lifespan.map { " lifespan=\"\($0)\"" } ?? "")>
              <\(tag)>
                <isomsg direction="\(tag == "send" ? "outgoing" : "incoming")">
                  \(fields.joined(separator: "\n      "))
                </isomsg>
              </\(tag)>
            </log>

            """
    }

    /// An echo pair without a terminal; pairs with logged and computed lifespans (1 999 ms is 1 s);
    /// a pair whose request is before midnight and response after (the request's day owns it); a
    /// response without a request and a request without a response.
    static var edgeAcquirerLog: String {
        "<logger class=\"org.jpos.q2.qbean.LoggerAdaptor\">\n"
            + message("2026-11-20T07:00:00.000", "receive", mti: "0800", stan: "000100", tid: nil)
            + message("2026-11-20T07:00:00.004", "send", mti: "0810", stan: "000100", tid: nil, rc: "00")
            + message("2026-11-20T10:00:30.000", "receive", mti: "0200", stan: "000001", tid: "80000001", lifespan: "400ms")
            + message("2026-11-20T10:00:30.400", "send", mti: "0210", stan: "000001", tid: "80000001", rc: "00", lifespan: "400ms")
            + "<log realm=\"\(edgeRealm)\" at=\"2026-11-20T10:00:45.000\">\n  <receive><peer-disconnect>Connection reset</peer-disconnect></receive>\n</log>\n"
            + message("2026-11-20T10:00:49.500", "receive", mti: "0200", stan: "000002", tid: "80000001")
            + message("2026-11-20T10:00:50.000", "send", mti: "0210", stan: "000002", tid: "80000001", rc: "05")
            + message("2026-11-20T23:59:50.000", "receive", mti: "0200", stan: "000007", tid: "80000002")
            + message("2026-11-21T00:00:20.000", "send", mti: "0210", stan: "000007", tid: "80000002", rc: "00")
            + message("2026-11-21T00:00:09.500", "receive", mti: "0200", stan: "000003", tid: "80000002")
            + message("2026-11-21T00:00:10.000", "send", mti: "0210", stan: "000003", tid: "80000002", rc: "00")
            + message("2026-11-21T00:04:29.500", "receive", mti: "0200", stan: "000004", tid: "80000002", lifespan: "1999ms")
            + message("2026-11-21T00:04:31.499", "send", mti: "0210", stan: "000004", tid: "80000002", rc: "00", lifespan: "1999ms")
            + message("2026-11-21T09:00:09.500", "receive", mti: "0200", stan: "000005", tid: "80000002")
            + message("2026-11-21T09:00:10.000", "send", mti: "0210", stan: "000005", tid: "80000002", rc: "Q1")
            + message("2026-11-21T08:59:20.000", "receive", mti: "0200", stan: "000006", tid: "80000002")
            + message("2026-11-21T09:00:25.000", "send", mti: "0210", stan: "000006", tid: "80000002", rc: "00")
            + message("2026-11-21T12:00:00.000", "send", mti: "0210", stan: "000009", tid: "80000002", rc: "00")
            + message("2026-11-21T13:00:00.000", "receive", mti: "0200", stan: "000010", tid: "80000002")
            + "</logger>\n"
    }

    @Test("window edges, midnight, clock correction and computed lifespans")
    func handWrittenEdges() throws {
        let folder = try Fixture.temporaryFolder("posrca-oracle-edges")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/night1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/night2", withIntermediateDirectories: true)
        try Self.edgeInventory.write(toFile: folder + "/night1/inventory.csv", atomically: true, encoding: .utf8)
        try Self.edgeTerminalLog.write(toFile: folder + "/night1/terminal.log", atomically: true, encoding: .utf8)
        try Self.edgeAcquirerLog.write(toFile: folder + "/night1/acquirer.xml", atomically: true, encoding: .utf8)
        let database = try Database(path: folder + "/db.sqlite")
        let ingester = Ingester(store: try IngestStore(database: database), options: ParseOptions())
        _ = try ingester.run(paths: [folder + "/night1"])
        _ = try Self.analyze(database)

        // The facts the oracle starts from are those the data was written for.
        #expect(try database.scalarInt("SELECT count(*) FROM transactions WHERE outcome IS NOT NULL") == 6)
        #expect(try database.scalarInt("SELECT count(*) FROM txn_facts WHERE clock_offset_ms = 30000") == 2)
        #expect(try database.scalarInt("SELECT count(*) FROM acquirer_messages") == 10)
        #expect(try database.scalarInt("SELECT count(*) FROM acquirer_messages WHERE matched = 'yes'") == 6)

        // 80000002's weak signal at 23:59:30 counts in the windows of its 00:00:10 (40 s) and
        // 00:04:30 (300 s) transactions, though both days are recomputed in one batch.
        let differences = try Self.compare(database)
        for view in Self.views {
            #expect(differences[view] == nil, "\(view): \(differences[view]!)")
        }
        #expect(try database.scalarText("SELECT net_event_60s FROM transactions WHERE stan = '000003'") == "yes")

        // Night 2: one more transaction of 80000002 on day 2 marks (day 2, 80000002) alone. Its
        // recompute reads the weak signal as an event of the 300 s before the day, and production
        // then counts it as the oracle does.
        try "ts=2026-11-21T12:00:00.000+08:00 tid=80000002 ev=txn type=sale stan=000011 amt=200 cur=156 rc=00 disp=approved lat_ms=600\n"
            .write(toFile: folder + "/night2/terminal-late.log", atomically: true, encoding: .utf8)
        _ = try ingester.run(paths: [folder + "/night2"])
        #expect(try database.scalarInt("SELECT count(*) FROM dirty_marks") == 1)
        let night2 = try Self.analyze(database)
        #expect(night2.recompute.terminalDays == 1)
        let after = try Self.compare(database)
        #expect(after.isEmpty, "after night 2: \(after)")
        expectRows(
            ResultTable(
                columns: ["event", "transactions"],
                rows: try database.prepare(
                    """
                    SELECT event, transactions FROM daily_network_windows WHERE day = '2026-11-21' AND window_s = 300 ORDER BY event
                    """
                ).allRows()),
            [[.text(""), .int(1)], [.text("terminal down"), .int(2)], [.text("terminal weak"), .int(2)]])
    }
}

extension Statement {
    /// Every row as text.
    func allRows() throws -> [[String?]] {
        var rows: [[String?]] = []
        while try step() { rows.append((0..<columnCount).map { text($0) }) }
        return rows
    }
}
