import Foundation
import POSIngest
import POSStore
import Testing

/// A scratch folder with a database, removed when the test ends.
final class Scratch {
    let root: String
    var db: String { root + "/test.sqlite" }
    var inbox: String { root + "/inbox" }

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = NSTemporaryDirectory() + "posrca-ingest-\(safe)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: root + "/inbox", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `text` to `inbox/name`, gzip-compressed with the system gzip when `gzip` is true.
    @discardableResult
    func write(_ name: String, _ text: String, gzip: Bool = false) throws -> String {
        let path = inbox + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if gzip {
            let plain = path + ".plain"
            try text.write(toFile: plain, atomically: true, encoding: .utf8)
            try run("/bin/sh", ["-c", "gzip -c '\(plain)' > '\(path)' && rm '\(plain)'"])
        } else {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return path
    }

    func ingest(_ paths: [String]? = nil, options: ParseOptions = ParseOptions()) throws -> IngestReport {
        let store = try IngestStore(database: Database(path: db))
        let ingester = Ingester(store: store, options: options)
        return try ingester.run(paths: paths ?? [inbox])
    }

    func query(_ sql: String) throws -> [[String?]] {
        let database = try Database(path: db, mode: .readOnly)
        let statement = try database.prepare(sql)
        var rows: [[String?]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.text($0) })
        }
        return rows
    }

    func count(_ sql: String) throws -> Int {
        Int(try query(sql).first?.first.flatMap { $0 }.flatMap(Int.init) ?? -1)
    }
}

@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

let terminalLog = """
    ts=2026-11-20T08:15:02.123+08:00 tid=20481234 ev=boot fw=A920_PayDroid_V02.3.15 app=epos-4.2.0 ctab=CUP2015
    ts=2026-11-20T08:15:40.010+08:00 tid=20481234 ev=net state=weak type=4g rssi=-109
    ts=2026-11-20T08:16:02.500+08:00 tid=20481234 ev=txn type=sale stan=000123 batch=000042 amt=1250 cur=156 rc=P1 disp=unknown lat_ms=2310 entry=chip pan=6228480402564890018
    ts=2026-11-20T08:17:11.000+08:00 tid=20481234 ev=txn type=sale stan=000124 batch=000042 amt=990 cur=156 disp=timeout lat_ms=60000 err=TCP_TIMEOUT
    ts=2026-11-20T08:17:13.000+08:00 tid=20481234 ev=txn type=reversal stan=000124 batch=000042 amt=990 cur=156 rc=00 disp=approved reason=98
    ts=2026-11-20T09:00:00.000+08:00 tid=20481234 ev=fw_update from=A920_PayDroid_V02.3.15 to=A920_PayDroid_V02.3.16 result=ok
    ts=2026-11-20T09:05:00.000+08:00 tid=20481234 ev=error err=MAC_FAIL msg="MAC校验失败"
    ts=2026-11-20T09:06:00.000+08:00 tid=20481234 ev=heartbeat
    ts=2026-11-20T09:07:00.000+08:00 tid=20481234 ev=txn amt=12.50 pan=4111111111111111
    tid=20481234 ev=txn

    """

let acquirerLog = """
    <logger class="org.jpos.q2.qbean.LoggerAdaptor">
    <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:16:00.210" lifespan="2290ms">
      <receive>
        <isomsg direction="incoming">
          <field id="0" value="0200"/>
          <field id="2" value="6228480402564890018"/>
          <field id="4" value="000000001250"/>
          <field id="11" value="000123"/>
          <field id="35" value="6228480402564890018=25121010000012345678"/>
          <field id="41" value="20481234"/>
          <field id="42" value="898310048161234"/>
        </isomsg>
      </receive>
    </log>
    <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:16:02.480">
      <send>
        <isomsg direction="outgoing">
          <field id="0" value="0210"/>
          <field id="11" value="000123"/>
          <field id="37" value="632011234567"/>
          <field id="39" value="P1"/>
          <field id="41" value="20481234"/>
        </isomsg>
      </send>
    </log>
    <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:17:30.000">
      <receive><peer-disconnect>Connection reset</peer-disconnect></receive>
    </log>

    """

let inventory = """
    tid,mid,brand,model,channel,agent,fee_tier,fee_rate,region,mcc,firmware
    20481234,898310048161234,PAX,A920,third_party,鑫通支付,waived,0.00,上海,5411,A920_PayDroid_V02.3.14
    20481235,898310048161235,Landi,A8,official,,standard,0.38,北京,5812,
    ,898310048161236,Landi,A8,official,,standard,0.38,北京,5812,

    """

@Suite("Ingest: files into the database, end to end", .serialized)
struct IngestTests {
    @Test("a folder of every kind lands with the right rows, rejects and counts")
    func everyKind() throws {
        let scratch = Scratch()
        try scratch.write("terminal/day1.log.gz", terminalLog, gzip: true)
        try scratch.write("acquirer/cup.xml", acquirerLog)
        try scratch.write("inventory.csv", inventory)
        try scratch.write("codes.csv", "code,meaning,scope\nQ7,私有码 private,agentpay-switch\n")
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.ok, .ok, .ok, .ok])
        #expect(report.exitCode == 1)  // lines were rejected
        let byKind = Dictionary(uniqueKeysWithValues: report.files.map { ($0.kind ?? "", $0) })
        let terminal = try #require(byKind["terminal_log"])
        #expect(terminal.lines == 10)
        #expect(terminal.rows == 7)  // boot, net, 3 txns, fw_update, error
        #expect(terminal.rejects == 2)
        #expect(terminal.rejectReasons == ["bad integer amt": 1, "missing key ts": 1])
        #expect(terminal.ignoredEvents == 1)
        #expect(terminal.maskedPANs == 2)
        #expect(byKind["acquirer_log"]?.rows == 3)
        #expect(byKind["inventory"]?.rows == 2)
        #expect(byKind["inventory"]?.rejects == 1)
        #expect(byKind["catalogue"]?.rows == 1)

        #expect(
            try scratch.query("SELECT kind, status, lines, rows, rejects FROM files ORDER BY path") == [
                ["acquirer_log", "ok", "28", "3", "0"], ["catalogue", "ok", "2", "1", "0"],
                ["inventory", "ok", "4", "2", "1"], ["terminal_log", "ok", "10", "7", "2"],
            ])
        #expect(
            try scratch.query(
                "SELECT tid, ts, day, type, stan, amount, rc, disp, latency_ms, brand, channel, agent, fee_tier, region, firmware, hour FROM transactions ORDER BY ts"
            ) == [
                [
                    "20481234", "2026-11-20T00:16:02.500Z", "2026-11-20", "sale", "000123", "1250", "P1", "unknown", "2310", "PAX", "third_party",
                    "鑫通支付", "waived", "上海", "A920_PayDroid_V02.3.14", "08",
                ],
                [
                    "20481234", "2026-11-20T00:17:11.000Z", "2026-11-20", "sale", "000124", "990", nil, "timeout", "60000", "PAX", "third_party",
                    "鑫通支付", "waived", "上海", "A920_PayDroid_V02.3.14", "08",
                ],
                [
                    "20481234", "2026-11-20T00:17:13.000Z", "2026-11-20", "reversal", "000124", "990", "00", "approved", nil, "PAX", "third_party",
                    "鑫通支付", "waived", "上海", "A920_PayDroid_V02.3.14", "08",
                ],
            ])
        #expect(
            try scratch.query("SELECT line, reason FROM rejects WHERE file LIKE '%day1.log.gz' ORDER BY line") == [
                ["9", "bad integer amt"], ["10", "missing key ts"],
            ])
        #expect(
            try scratch.query("SELECT text FROM rejects WHERE line = 9") == [
                ["ts=2026-11-20T09:07:00.000+08:00 tid=20481234 ev=txn amt=12.50 pan=411111******1111"]
            ])
        #expect(try scratch.count("SELECT count(*) FROM acquirer_msgs WHERE pan = '622848*********0018'") == 1)
        #expect(try scratch.count("SELECT count(*) FROM net_events WHERE source = 'acquirer'") == 1)
        #expect(try scratch.count("SELECT value FROM file_counts WHERE name = 'ignored_event:heartbeat'") == 1)
    }

    @Test("a re-run ingests nothing new; the same content under another name is a recorded duplicate")
    func idempotence() throws {
        let scratch = Scratch()
        let original = try scratch.write("a/day1.log.gz", terminalLog, gzip: true)
        let first = try scratch.ingest()
        #expect(first.files.map(\.status) == [.ok])
        let rerun = try scratch.ingest()
        #expect(rerun.files.map(\.status) == [.unchanged])
        #expect(rerun.rows == 0)
        try FileManager.default.copyItem(atPath: original, toPath: scratch.inbox + "/b-copy.log.gz")
        let withCopy = try scratch.ingest()
        #expect(withCopy.files.map(\.status.rawValue).sorted() == ["skipped_duplicate", "unchanged"])
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns") == 3)
        #expect(
            try scratch.query("SELECT status, error FROM files WHERE path LIKE '%b-copy.log.gz'") == [
                ["skipped_duplicate", "same content as \(original)"]
            ])
        // Touching the file (same content, new time) is still nothing new.
        try run("/usr/bin/touch", ["-d", "2030-01-01", original])
        #expect(try scratch.ingest().files.map(\.status.rawValue).sorted() == ["skipped_duplicate", "unchanged"])
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns") == 3)
    }

    @Test("a file whose path, size and time match the ledger is skipped unread; --verify-unchanged hashes it and sees a same-size edit")
    func unchangedWithoutReading() throws {
        let scratch = Scratch()
        let path = try scratch.write("day1.log", terminalLog)
        #expect(try scratch.ingest().files.map(\.status) == [.ok])
        // The same number of bytes, one amount changed, the modification time put back.
        try run("/usr/bin/touch", ["-d", "2026-01-02 03:04:05.123456789", path])
        #expect(try scratch.ingest().files.map(\.status) == [.unchanged])
        let edited = terminalLog.replacingOccurrences(of: "amt=1250 ", with: "amt=9250 ")
        #expect(edited != terminalLog && edited.utf8.count == terminalLog.utf8.count)
        try scratch.write("day1.log", edited)
        try run("/usr/bin/touch", ["-d", "2026-01-02 03:04:05.123456789", path])
        #expect(try scratch.ingest().files.map(\.status) == [.unchanged], "the size and time are the ledger's: not read")
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns WHERE amount = 9250") == 0)

        let store = try IngestStore(database: Database(path: scratch.db))
        let ingester = Ingester(store: store, options: ParseOptions())
        ingester.verifyUnchanged = true
        let verified = try ingester.run(paths: [scratch.inbox])
        #expect(verified.files.map(\.status) == [.ok])
        #expect(verified.files.first?.replaced == true)
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns WHERE amount = 9250") == 1)
    }

    @Test("a path whose content changed replaces that file's rows")
    func replacement() throws {
        let scratch = Scratch()
        try scratch.write("day1.log", terminalLog)
        _ = try scratch.ingest()
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns") == 3)
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines") == 2)
        let shorter = terminalLog.split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"
        try scratch.write("day1.log", shorter)
        let report = try scratch.ingest()
        #expect(report.files.first?.replaced == true)
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns") == 1)
        #expect(try scratch.count("SELECT count(*) FROM terminal_boots") == 1)
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines") == 0)
        #expect(try scratch.count("SELECT count(*) FROM input_files") == 1)
    }

    @Test("inventory_texts follows the inventory: added, replaced, overridden by a later file, withdrawn, and refilled on a schema install")
    func inventoryTexts() throws {
        let scratch = Scratch()
        let joined = """
            SELECT i.tid, b.value, m.value, c.value, a.value, f.value, r.value, k.value, w.value FROM inventory AS i
            LEFT JOIN dictionary AS b ON b.id = i.brand LEFT JOIN dictionary AS m ON m.id = i.model
            LEFT JOIN dictionary AS c ON c.id = i.channel LEFT JOIN dictionary AS a ON a.id = i.agent
            LEFT JOIN dictionary AS f ON f.id = i.fee_tier LEFT JOIN dictionary AS r ON r.id = i.region
            LEFT JOIN dictionary AS k ON k.id = i.mcc LEFT JOIN dictionary AS w ON w.id = i.firmware ORDER BY i.tid
            """
        let texts = "SELECT tid, brand, model, channel, agent, fee_tier, region, mcc, firmware FROM inventory_texts ORDER BY tid"
        try scratch.write("inventory.csv", inventory)
        _ = try scratch.ingest()
        #expect(try scratch.count("SELECT count(*) FROM inventory_texts") == 2)
        #expect(try scratch.query(texts) == scratch.query(joined))
        #expect(
            try scratch.query("SELECT brand, firmware FROM inventory_texts ORDER BY tid") == [["PAX", "A920_PayDroid_V02.3.14"], ["Landi", nil]])

        // The same path with new content: one terminal changes brand, the other leaves.
        try scratch.write("inventory.csv", "tid,brand,channel,fee_tier\n20481234,Newland,official,standard\n")
        _ = try scratch.ingest()
        #expect(
            try scratch.query("SELECT brand, model, channel, agent, fee_tier, region, mcc, firmware FROM inventory_texts")
                == [["Newland", nil, "official", nil, "standard", nil, nil, nil]])
        #expect(try scratch.query(texts) == scratch.query(joined))
        // A later file overrides a terminal of the first.
        try scratch.write("inventory-2.csv", "tid,brand,channel,fee_tier\n20481234,Centerm,third_party,waived\n")
        _ = try scratch.ingest()
        #expect(try scratch.query("SELECT brand, channel, fee_tier FROM inventory_texts") == [["Centerm", "third_party", "waived"]])
        #expect(try scratch.query(texts) == scratch.query(joined))

        // A schema install (a new build's schema) fills it again from the inventory.
        let database = try Database(path: scratch.db)
        try database.execute("DELETE FROM inventory_texts; UPDATE meta SET value = 'older' WHERE key = 'schema_hash'")
        _ = try IngestStore(database: Database(path: scratch.db))
        #expect(try scratch.query(texts) == scratch.query(joined))
        #expect(try scratch.count("SELECT count(*) FROM inventory_texts") == 1)
    }

    @Test("a gzip cut short keeps its complete lines, marks the file truncated and exits 1")
    func truncated() throws {
        let scratch = Scratch()
        var big = ""
        for i in 0..<20000 {
            big +=
                "ts=2026-11-20T08:00:00Z tid=\(10_000_000 + i % 97) ev=txn type=sale stan=\(String(format: "%06d", i % 999_999)) amt=\(i) cur=156 rc=00 disp=approved lat_ms=\(i % 5000)\n"
        }
        let path = try scratch.write("big.log.gz", big, gzip: true)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .truncated)
        #expect(file.detail == "gzip stream ends early (unexpected end of file)")
        #expect(report.exitCode == 1)
        #expect(file.rejectReasons == ["incomplete line at truncation": 1])
        let rows = try scratch.count("SELECT count(*) FROM terminal_txns")
        #expect(rows > 5000 && rows < 20000)
        #expect(rows == file.lines - 1)
        // Every row is a complete line of the original, in order.
        #expect(try scratch.count("SELECT max(amount) FROM terminal_txns") == rows - 1)
        #expect(try scratch.query("SELECT status, error FROM files") == [["truncated", "gzip stream ends early (unexpected end of file)"]])
    }

    @Test("an inventory without a required column fails whole: no rows, exit 2")
    func badHeader() throws {
        let scratch = Scratch()
        try scratch.write("inventory.csv", "tid,brand,fee_tier\n1,PAX,standard\n")
        try scratch.write("day1.log", terminalLog)
        let report = try scratch.ingest()
        let failed = try #require(report.files.first { $0.status == .failed })
        #expect(failed.detail == "inventory header: missing column channel")
        #expect(report.exitCode == 2)
        #expect(try scratch.count("SELECT count(*) FROM inventory") == 0)
        #expect(
            try scratch.query("SELECT status, error FROM files WHERE kind = 'inventory'") == [["failed", "inventory header: missing column channel"]])
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns") == 3)
    }

    @Test("a file whose write fails (database full) leaves no row of it and the rest goes in")
    func atomicity() throws {
        let scratch = Scratch()
        try scratch.write("a-small.log", terminalLog)
        var big = ""
        for i in 0..<30000 {
            big +=
                "ts=2026-11-20T08:00:00Z tid=\(10_000_000 + i) ev=txn type=sale stan=000001 amt=\(i) cur=156 rc=00 disp=approved pan=622848******\(1000 + i % 9000)\n"
        }
        try scratch.write("b-big.log", big)
        try scratch.write("c-small.log", terminalLog.replacingOccurrences(of: "20481234", with: "20489999"))
        // Cap the database so the big file cannot fit.
        do {
            let store = try IngestStore(database: Database(path: scratch.db))
            let pages = try store.database.scalarInt("PRAGMA page_count") ?? 0
            try store.database.execute("PRAGMA max_page_count = \(pages + 120)")
            let report = try Ingester(store: store, options: ParseOptions()).run(paths: [scratch.inbox])
            #expect(report.files.map(\.status) == [.ok, .failed, .ok])
            #expect(report.files[1].detail?.contains("full") == true)
            #expect(report.exitCode == 2)
        }
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns") == 6)
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns t JOIN input_files f ON f.id = t.file_id WHERE f.path LIKE '%b-big.log'") == 0)
        #expect(try scratch.query("PRAGMA integrity_check") == [["ok"]])
    }

    @Test("no full card number from the input appears anywhere in the database files")
    func noFullPAN() throws {
        let scratch = Scratch()
        try scratch.write("day1.log.gz", terminalLog, gzip: true)
        try scratch.write("cup.xml", acquirerLog)
        try scratch.write("inventory.csv", inventory + "20481299,,PAX,A920,official,card 4111111111111111,standard,,,,\n")
        _ = try scratch.ingest()
        var bytes = Data()
        for suffix in ["", "-wal", "-shm", "-journal"] {
            if let data = FileManager.default.contents(atPath: scratch.db + suffix) { bytes.append(data) }
        }
        #expect(bytes.count > 10000)
        for pan in ["6228480402564890018", "4111111111111111", "25121010000012345678"] {
            #expect(bytes.range(of: Data(pan.utf8)) == nil, "\(pan) is in the database")
        }
        // The masked forms are there.
        #expect(bytes.range(of: Data("622848*********0018".utf8)) != nil)
    }
}
