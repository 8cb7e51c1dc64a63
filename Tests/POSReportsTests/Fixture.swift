import Foundation
import POSIngest
import POSStore

/// A small database whose every number the tests can work out by hand.
///
/// Hand-written logs are ingested for real (inventory, terminal log with network events and
/// rejected lines, an acquirer link event); what an analysis would derive (outcome, cause,
/// firmware, code table, realm, network window of each transaction; acquirer pairs; firmware
/// changes; an analysis run with its window and findings) is inserted directly, so the queries are
/// tested on known facts rather than on another pass's output. The daily aggregates the canned
/// queries read are then counted from those facts by `AggregateOracle` (SQL over the views), and
/// the day marks ingest left are cleared, as after an analysis.
///
/// Four terminals over two local days (+08:00), 16 transactions:
///
/// | tid | brand/model | channel/agent | fee tier | day 1 (stan) | day 2 (stan) |
/// |---|---|---|---|---|---|
/// | T1 | PAX A920 | official | standard | 1–4 approved, firmware A920_V1 | 5 approved, 6 unknown P1 (code_table_gap), A920_V2 |
/// | T2 | Landi A8 | third_party 汇联代理 | waived | 1, 3 approved, 2 unknown A7 (code_table_gap) | 4, 5 unknown Q1 (nonstandard), 6 timeout (late_response); net event, rssi <-105 |
/// | T3 | Landi A8 | third_party QuickPay | standard | 1 unknown O0 (garbled, host sent 05), 2 declined 05 | — |
/// | T4 | Newland ME31 | official | preferential | — | 1 approved, 2 declined A7 |
enum Fixture {
    static let day1 = "2026-11-20"
    static let day2 = "2026-11-21"
    static let cup = "cup-channel/10.1.2.3:5000"
    static let agentpay = "agentpay-switch/10.9.0.5:7001"

    /// What the analysis would have derived for one transaction.
    struct Facts {
        var outcome: String
        var cause: String?
        var acquirerRC: String?
        var firmware: String
        var app: String? = nil
        var codeTable: String
        var realm: String
        var rssiBand = ">=-85"
        var netEvent = "no"
    }

    static let inventory = """
        tid,mid,brand,model,channel,agent,fee_tier,region,firmware
        T1,898000000000001,PAX,A920,official,,standard,上海,A920_V1
        T2,898000000000002,Landi,A8,third_party,汇联代理,waived,乌鲁木齐,A8_OLD
        T3,898000000000003,Landi,A8,third_party,QuickPay,standard,北京,A8_OLD
        T4,898000000000004,Newland,ME31,official,,preferential,上海,ME31_X

        """

    /// Line numbers matter: the reject test checks them (lines 3, 10 and 11 are rejected).
    static let terminalLog = """
        ts=2026-11-20T08:00:00.000+08:00 tid=T1 ev=boot fw=A920_V1 app=epos-1 ctab=CUP2015
        ts=2026-11-20T09:00:00.000+08:00 tid=T1 ev=net state=down type=4g rssi=-80
        ts=2026-11-20T09:00:05.000+08:00 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved
        ts=2026-11-20T09:00:10.000+08:00 tid=T1 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved lat_ms=800
        ts=2026-11-20T09:30:00.000+08:00 tid=T1 ev=txn type=sale stan=000002 amt=100 cur=156 rc=00 disp=approved lat_ms=800
        ts=2026-11-20T10:30:00.000+08:00 tid=T1 ev=txn type=sale stan=000003 amt=100 cur=156 rc=00 disp=approved lat_ms=800
        ts=2026-11-20T13:00:00.000+08:00 tid=T1 ev=txn type=sale stan=000004 amt=100 cur=156 rc=00 disp=approved lat_ms=800
        ts=2026-11-21T00:00:00.000+08:00 tid=T1 ev=fw_update from=A920_V1 to=A920_V2 result=ok
        ts=2026-11-21T09:00:00.000+08:00 tid=T1 ev=txn type=sale stan=000005 amt=100 cur=156 rc=00 disp=approved lat_ms=800
        ts=2026-11-21T09:10:00.000+08:00 tid=T1 ev=txn type=sale stan=000006 amt=oops cur=156 rc=P1 disp=unknown
        ts=2026-11-21T09:10:01.000+08:00 tid=T1 ev=txn type=sale stan=000006 amt=xx cur=156 rc=P1 disp=unknown
        ts=2026-11-21T09:20:00.000+08:00 tid=T1 ev=txn type=sale stan=000006 amt=100 cur=156 rc=P1 disp=unknown lat_ms=900
        ts=2026-11-20T09:45:00.000+08:00 tid=T2 ev=txn type=sale stan=000001 amt=200 cur=156 rc=00 disp=approved lat_ms=700
        ts=2026-11-20T12:00:00.000+08:00 tid=T2 ev=txn type=sale stan=000002 amt=200 cur=156 rc=A7 disp=unknown lat_ms=700
        ts=2026-11-20T14:00:00.000+08:00 tid=T2 ev=txn type=sale stan=000003 amt=200 cur=156 rc=00 disp=approved lat_ms=700
        ts=2026-11-21T10:00:00.000+08:00 tid=T2 ev=net state=weak type=2g rssi=-109
        ts=2026-11-21T10:00:30.000+08:00 tid=T2 ev=txn type=sale stan=000004 amt=200 cur=156 rc=Q1 disp=unknown lat_ms=700
        ts=2026-11-21T10:00:50.000+08:00 tid=T2 ev=txn type=sale stan=000005 amt=200 cur=156 rc=Q1 disp=unknown lat_ms=700
        ts=2026-11-21T10:05:00.000+08:00 tid=T2 ev=txn type=sale stan=000006 amt=200 cur=156 disp=timeout lat_ms=60000 err=TCP_TIMEOUT
        ts=2026-11-20T11:00:20.000+08:00 tid=T3 ev=txn type=sale stan=000001 amt=300 cur=156 rc=O0 disp=unknown lat_ms=900
        ts=2026-11-20T15:00:00.000+08:00 tid=T3 ev=txn type=sale stan=000002 amt=300 cur=156 rc=05 disp=declined lat_ms=900
        ts=2026-11-21T16:00:00.000+08:00 tid=T4 ev=txn type=sale stan=000001 amt=400 cur=156 rc=00 disp=approved lat_ms=600
        ts=2026-11-21T16:30:00.000+08:00 tid=T4 ev=txn type=sale stan=000002 amt=400 cur=156 rc=A7 disp=declined lat_ms=600

        """

    static let acquirerLog = """
        <logger class="org.jpos.q2.qbean.LoggerAdaptor">
        <log realm="\(agentpay)" at="2026-11-20T11:00:00.000">
          <receive><peer-disconnect>Connection reset</peer-disconnect></receive>
        </log>
        </logger>

        """

    /// Facts by (tid, stan).
    static let facts: [String: Facts] = {
        var f: [String: Facts] = [:]
        for stan in 1...4 { f["T1/\(stan)"] = Facts(outcome: "approved", firmware: "A920_V1", app: "epos-1", codeTable: "CUP2015", realm: cup) }
        f["T1/5"] = Facts(outcome: "approved", firmware: "A920_V2", app: "epos-1", codeTable: "CUP2015", realm: cup)
        f["T1/6"] = Facts(
            outcome: "unknown", cause: "code_table_gap", acquirerRC: "P1", firmware: "A920_V2", app: "epos-1", codeTable: "CUP2015", realm: cup)
        f["T2/1"] = Facts(outcome: "approved", firmware: "A8_OLD", codeTable: "CUP2010", realm: agentpay)
        f["T2/2"] = Facts(outcome: "unknown", cause: "code_table_gap", acquirerRC: "A7", firmware: "A8_OLD", codeTable: "CUP2010", realm: agentpay)
        f["T2/3"] = Facts(outcome: "approved", firmware: "A8_OLD", codeTable: "CUP2010", realm: agentpay)
        f["T2/4"] = Facts(
            outcome: "unknown", cause: "nonstandard_code", acquirerRC: "Q1", firmware: "A8_OLD", codeTable: "CUP2010", realm: agentpay,
            rssiBand: "<-105", netEvent: "yes")
        f["T2/5"] = Facts(
            outcome: "unknown", cause: "nonstandard_code", acquirerRC: "Q1", firmware: "A8_OLD", codeTable: "CUP2010", realm: agentpay,
            rssiBand: "<-105", netEvent: "yes")
        f["T2/6"] = Facts(
            outcome: "timeout", cause: "late_response", acquirerRC: "00", firmware: "A8_OLD", codeTable: "CUP2010", realm: agentpay,
            rssiBand: "<-105", netEvent: "yes")
        f["T3/1"] = Facts(outcome: "unknown", cause: "garbled_response", acquirerRC: "05", firmware: "A8_OLD", codeTable: "CUP2010", realm: agentpay)
        f["T3/2"] = Facts(outcome: "declined", acquirerRC: "05", firmware: "A8_OLD", codeTable: "CUP2010", realm: agentpay)
        f["T4/1"] = Facts(outcome: "approved", firmware: "ME31_X", codeTable: "CUP2015", realm: cup)
        f["T4/2"] = Facts(outcome: "declined", acquirerRC: "A7", firmware: "ME31_X", codeTable: "CUP2015", realm: cup)
        return f
    }()

    /// UTC milliseconds of a local (+08:00) time `2026-11-DDTHH:MM:SS`.
    static func ms(_ day: Int, _ hour: Int, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
        // 2026-11-20T00:00:00Z is 1_795_132_800 s after the epoch.
        let base: Int64 = 1_795_132_800_000
        return base + Int64(day - 20) * 86_400_000 + Int64(hour - 8) * 3_600_000 + Int64(minute) * 60_000 + Int64(second) * 1000
    }

    /// The path of the fixture database, built once per test process.
    static let path: String = {
        do { return try build() } catch { fatalError("cannot build the fixture database: \(error)") }
    }()

    static func build() throws -> String {
        let folder = try temporaryFolder("posrca-reports-fixture")
        let inputs = folder + "/inputs"
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        try inventory.write(toFile: inputs + "/inventory.csv", atomically: true, encoding: .utf8)
        try terminalLog.write(toFile: inputs + "/terminal.log", atomically: true, encoding: .utf8)
        try acquirerLog.write(toFile: inputs + "/acquirer.xml", atomically: true, encoding: .utf8)
        let path = folder + "/fixture.sqlite"
        let store = try IngestStore(database: Database(path: path))
        _ = try Ingester(store: store, options: ParseOptions()).run(paths: [inputs])
        try derive(store.database)
        return path
    }

    /// Inserts what `posrca analyze` would derive.
    static func derive(_ db: Database) throws {
        func id(_ text: String) throws -> Int64 {
            let insert = try db.prepare("INSERT OR IGNORE INTO dictionary(value) VALUES (?1)")
            insert.bind(text, at: 1)
            try insert.run()
            return try db.scalarInt("SELECT id FROM dictionary WHERE value = ?1", [.text(text)])!
        }
        try db.execute("BEGIN")
        let rows = try db.prepare("SELECT t.id, d.value, t.stan FROM terminal_txns t JOIN dictionary d ON d.id = t.tid")
        var txnID: [String: Int64] = [:]
        while try rows.step() { txnID["\(rows.text(1)!)/\(rows.int64(2))"] = rows.int64(0) }
        precondition(txnID.count == facts.count, "expected \(facts.count) ingested transactions, got \(txnID.count)")
        let insert = try db.prepare(
            """
            INSERT INTO txn_facts(txn_id, outcome, cause, acquirer_rc, firmware, code_table, realm, rssi_band, net_event_60s, app_version)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        for (key, fact) in facts {
            insert.bind(txnID[key]!, at: 1)
            insert.bind(fact.outcome, at: 2)
            insert.bind(fact.cause, at: 3)
            insert.bind(try fact.acquirerRC.map(id), at: 4)
            insert.bind(try id(fact.firmware), at: 5)
            insert.bind(try id(fact.codeTable), at: 6)
            insert.bind(try id(fact.realm), at: 7)
            insert.bind(fact.rssiBand, at: 8)
            insert.bind(fact.netEvent, at: 9)
            insert.bind(try fact.app.map(id), at: 10)
            try insert.run()
        }

        // Acquirer pairs: cup has one matched, one unmatched and late (40 s), one request never
        // answered; agentpay has one matched but late (35 s, the T2/6 timeout) and one response
        // without a request.
        // Each pair is one or two acquirer messages; matched pairs hang off their transaction's facts,
        // the others are listed in acquirer_pairs, as `posrca analyze` writes them.
        let acquirerFile = try db.scalarInt("SELECT id FROM input_files WHERE kind = 'acquirer_log'")!
        let message = try db.prepare(
            """
            INSERT INTO acquirer_msgs(file_id, line, ts, tz, realm, direction, mti, stan, rc, tid, lifespan_ms)
            VALUES (?1, 0, ?2, 480, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """)
        func addMessage(realm: String, tid: String, stan: Int64, at time: Int64, response: Bool, lifespan: Int64?) throws -> Int64 {
            message.bind(acquirerFile, at: 1)
            message.bind(time, at: 2)
            message.bind(try id(realm), at: 3)
            message.bind(response ? "send" : "receive", at: 4)
            message.bind(try id(response ? "0210" : "0200"), at: 5)
            message.bind(stan, at: 6)
            message.bind(response ? try id("00") : nil, at: 7)
            message.bind(try id(tid), at: 8)
            message.bind(lifespan, at: 9)
            try message.run()
            return db.lastInsertRowID
        }
        let link = try db.prepare("UPDATE txn_facts SET request_id = ?1, response_id = ?2 WHERE txn_id = ?3")
        // Unmatched pairs are kept by the local day of their first message and their terminal.
        let unmatched = try db.prepare("INSERT INTO acquirer_pairs(day, tid, request_id, response_id) VALUES (?1, ?2, ?3, ?4)")
        let pairs: [(String, String, Int64, Int64?, Int64?, Int64?, Int64?)] = [
            (cup, "T1", 1, ms(20, 9, 0, 9), ms(20, 9, 0, 9) + 500, 500, txnID["T1/1"]),
            (cup, "T1", 7, ms(20, 17), ms(20, 17) + 40_000, 40_000, nil),
            (cup, "T4", 9, ms(20, 18), nil, nil, nil),
            (agentpay, "T2", 6, ms(21, 10, 4, 59), ms(21, 10, 4, 59) + 35_000, 35_000, txnID["T2/6"]),
            (agentpay, "T3", 8, nil, ms(20, 19), nil, nil),
        ]
        for p in pairs {
            let request = try p.3.map { try addMessage(realm: p.0, tid: p.1, stan: p.2, at: $0, response: false, lifespan: nil) }
            let response = try p.4.map { try addMessage(realm: p.0, tid: p.1, stan: p.2, at: $0, response: true, lifespan: p.5) }
            if let txn = p.6 {
                link.bind(request, at: 1)
                link.bind(response, at: 2)
                link.bind(txn, at: 3)
                try link.run()
            } else {
                unmatched.bind(LocalDay.of(utcMilliseconds: p.3 ?? p.4!, offsetMinutes: 480), at: 1)
                unmatched.bind(try id(p.1), at: 2)
                unmatched.bind(request, at: 3)
                unmatched.bind(response, at: 4)
                try unmatched.run()
            }
        }

        // Firmware changes, one row where what a terminal runs changes: T1 boots on A920_V1 and
        // upgrades to A920_V2 at day 2 00:00 local (app and code table unchanged); T2, T3 and T4
        // booted before their first transaction (T3 rebooted at day 1 12:00 on the same software,
        // which is no change and has no row).
        let change = try db.prepare(
            """
            INSERT INTO firmware_changes(tid, ts, day, firmware, app_version, code_table) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        let changes: [(String, Int64, String, String?, String)] = [
            ("T1", ms(20, 8), "A920_V1", "epos-1", "CUP2015"),
            ("T1", ms(21, 0), "A920_V2", "epos-1", "CUP2015"),
            ("T2", ms(20, 7), "A8_OLD", nil, "CUP2010"),
            ("T3", ms(20, 7), "A8_OLD", nil, "CUP2010"),
            ("T4", ms(21, 7), "ME31_X", nil, "CUP2015"),
        ]
        for c in changes {
            change.bind(try id(c.0), at: 1)
            change.bind(c.1, at: 2)
            change.bind(LocalDay.of(utcMilliseconds: c.1, offsetMinutes: 480), at: 3)
            change.bind(try id(c.2), at: 4)
            change.bind(try c.3.map(id), at: 5)
            change.bind(try id(c.4), at: 6)
            try change.run()
        }

        // One analysis run whose window is the fixture's two days (the canned queries' date
        // defaults), with its two findings.
        try db.execute(
            """
            INSERT INTO analysis_runs(id, started_at, seconds, options, transactions, findings, window_since, window_until, uncovered_days, recomputed)
            VALUES (1, \(ms(22, 2)), 0.5, 'fixture', 16, 2, '\(day1)', '\(day2)', '', 6);
            INSERT INTO run_findings(run_id, rank, kind, pattern, outcome, n_txns, n_unknown, rate, rate_lo, rate_hi, baseline_rate,
                risk_ratio, rr_lo, rr_hi, p_value, q_value, excess_unknown, share_of_unknown, top_cause, top_codes, confounded_by, evidence)
            VALUES
            (1, 1, 'combination', 'brand=Landi&fee_tier=waived', 'unknown', 6, 3, 0.5, 0.1876, 0.8124, 0.2, 2.5, 1.6, 3.9, 0.01, 0.02,
             1.8, 0.6, 'nonstandard_code:0.67', 'Q1:2|A7:1', NULL, 'Landi terminals on the waived tier showed "unknown" in 3 of 6, a rate of 50%.'),
            (1, 2, 'firmware_change', 'firmware=A920_V1→A920_V2', 'unknown', 2, 1, 0.5, 0.0945, 0.9055, 0.0, 3.5, 1.2, 9.8, 0.04, 0.05,
             1.0, 0.2, 'code_table_gap:1.00', 'P1:1', 'channel', 'After the upgrade, 1 of 2, with a comma, and a
            line break.');
            INSERT INTO run_finding_terminals(run_id, rank, tid, brand, model, channel, agent, region, firmware, n, unknown)
            VALUES (1, 1, 'T2', 'Landi', 'A8', 'third_party', '汇联代理', '乌鲁木齐', 'A8_OLD', 6, 3),
                   (1, 2, 'T1', 'PAX', 'A920', 'official', '', '上海', 'A920_V2', 2, 1);
            """)
        // As after an analysis: nothing left to recompute, and the daily aggregates counted from the facts.
        try db.execute("DELETE FROM dirty_marks")
        try AggregateOracle.fill(db)
        // A truncated file with no rejected line still shows in the reject summary.
        try db.execute(
            """
            INSERT INTO input_files(path, sha256, kind, compression, bytes, lines, rows, rejects, status, error, ingested_at)
            VALUES ('late/terminal-cut.log.gz', 'abc', 'terminal_log', 'gzip', 10, 1, 0, 0, 'truncated', 'gzip stream ends early', 1795132800000);
            """)
        try db.execute("COMMIT")
    }

    /// A new empty folder under the system's temporary folder.
    static func temporaryFolder(_ prefix: String) throws -> String {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }
}
