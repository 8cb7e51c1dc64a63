import CZlib
import Foundation
import POSIngest
import POSStore
import Testing

// Issue 5, part 2: hostile and broken input. Each case ends with a clear message (a reject reason,
// a file status and detail, a discovery problem) and nothing else of the input is lost.

/// Writes raw bytes (which need not be UTF-8) to `inbox/name`.
@discardableResult
func writeBytes(_ scratch: Scratch, _ name: String, _ bytes: [UInt8]) throws -> String {
    let path = scratch.inbox + "/" + name
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// The acquirer messages as stored, in file order: line, realm, MTI, STAN, processing code, RC, TID.
let storedMessages = """
    SELECT m.line, realm.value, mti.value, m.stan_text, proc.value, rc.value, tid.value
    FROM acquirer_msgs AS m
    LEFT JOIN dictionary AS realm ON realm.id = m.realm
    LEFT JOIN dictionary AS mti ON mti.id = m.mti
    LEFT JOIN dictionary AS proc ON proc.id = m.proc_code
    LEFT JOIN dictionary AS rc ON rc.id = m.rc
    LEFT JOIN dictionary AS tid ON tid.id = m.tid
    ORDER BY m.id
    """

/// One logfmt transaction line with the given STAN.
func txnLine(_ stan: Int, tid: String = "20481234") -> String {
    "ts=2026-11-20T08:00:\(String(format: "%02d", stan % 60))Z tid=\(tid) ev=txn type=sale stan=\(String(format: "%06d", stan)) amt=\(stan * 10) cur=156 rc=00 disp=approved lat_ms=900"
}

/// A well-formed jPOS `<log>` element holding one response with the given STAN (9 lines).
func acquirerElement(stan: String, rc: String = "00", realm: String = "cup-channel") -> String {
    """
    <log realm="\(realm)" at="2026-11-20T08:16:00.210">
      <send>
        <isomsg direction="outgoing">
          <field id="0" value="0210"/>
          <field id="11" value="\(stan)"/>
          <field id="39" value="\(rc)"/>
        </isomsg>
      </send>
    </log>

    """
}

@Suite("Hostile input: long lines, missing newlines, NULs, bad UTF-8, GBK", .serialized)
struct HostileLineTests {
    static let tenMegabytes = 10 << 20

    @Test("a 10 MB terminal-log line is rejected with its length; the lines around it are in")
    func tenMegabyteTerminalLine() throws {
        let scratch = Scratch()
        let long = "ts=2026-11-20T08:00:01Z tid=20481234 ev=error err=X msg=" + String(repeating: "A", count: Self.tenMegabytes)
        try scratch.write("day.log", [txnLine(1), long, txnLine(3)].joined(separator: "\n") + "\n")
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .ok)
        #expect(file.lines == 3)
        #expect(file.rows == 2)
        #expect(file.rejectReasons == ["line longer than 1048576 bytes": 1])
        #expect(report.exitCode == 1)
        let expectedText = String(long.prefix(4096)) + "…[\(long.utf8.count) bytes in all]"
        #expect(try scratch.query("SELECT line, reason, text FROM rejects") == [["2", "line longer than 1048576 bytes", expectedText]])
        #expect(try scratch.query("SELECT stan FROM transactions ORDER BY stan") == [["000001"], ["000003"]])
    }

    @Test("a 10 MB line inside an acquirer <log> drops that line only: the message and the next element are in")
    func tenMegabyteAcquirerLine() throws {
        let scratch = Scratch()
        var text = acquirerElement(stan: "000001")
        text += """
            <log realm="cup-channel" at="2026-11-20T08:16:01.000">
              <send>
                <isomsg direction="outgoing">
                  <field id="0" value="0210"/>
                  <field id="48" value="\(String(repeating: "B", count: Self.tenMegabytes))"/>
                  <field id="11" value="000002"/>
                  <field id="39" value="05"/>
                </isomsg>
              </send>
            </log>

            """
        text += acquirerElement(stan: "000003")
        try scratch.write("cup.xml", text)
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.kind == "acquirer_log")
        #expect(file.status == .ok)
        #expect(file.rows == 3)
        #expect(file.rejectReasons == ["line longer than 1048576 bytes": 1])
        #expect(try scratch.query("SELECT line, reason FROM rejects") == [["14", "line longer than 1048576 bytes"]])
        #expect(
            try scratch.query(storedMessages).map { [$0[0], $0[3], $0[5]] } == [
                ["1", "000001", "00"], ["10", "000002", "05"], ["20", "000003", "00"],
            ])
    }

    @Test("a 10 MB inventory line is rejected with its length; the other rows are in")
    func tenMegabyteCSVLine() throws {
        let scratch = Scratch()
        let long = "20481299,,PAX,A920,official,\(String(repeating: "C", count: Self.tenMegabytes)),standard,,,,"
        try scratch.write(
            "inventory.csv",
            [
                "tid,mid,brand,model,channel,agent,fee_tier,fee_rate,region,mcc,firmware",
                "20481234,,PAX,A920,official,,standard,,,,", long, "20481235,,Landi,A8,official,,standard,,,,",
            ].joined(separator: "\n") + "\n")
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.kind == "inventory")
        #expect(file.rows == 2)
        #expect(file.rejectReasons == ["line longer than 1048576 bytes": 1])
        #expect(try scratch.query("SELECT line, text FROM rejects") == [["3", String(long.prefix(4096)) + "…[\(long.utf8.count) bytes in all]"]])
        #expect(try scratch.query("SELECT d.value FROM inventory i JOIN dictionary d ON d.id = i.tid ORDER BY 1") == [["20481234"], ["20481235"]])
    }

    @Test("digits cut by the 4 KiB limit of an overlong line are starred: no card number prefix survives")
    func overlongCutInsideACardNumber() throws {
        let scratch = Scratch()
        let head = "ts=2026-11-20T08:00:01Z tid=20481234 ev=error err=X msg="
        // 6011000990139424 passes Luhn; its first 10 digits end exactly at the 4096-byte cut.
        let padding = String(repeating: "x", count: 4096 - head.utf8.count - 10)
        let long = head + padding + "6011000990139424" + String(repeating: "y", count: 2 << 20)
        try scratch.write("day.log", long + "\n" + txnLine(2) + "\n")
        let report = try scratch.ingest()
        #expect(report.files.first?.rows == 1)
        let text = try #require(try scratch.query("SELECT text FROM rejects").first?.first ?? nil)
        #expect(text == head + padding + "**********…[\(long.utf8.count) bytes in all]")
        #expect(!text.contains("6011000990"))
    }

    @Test("a file that is one line without a newline: its line is read, for every kind")
    func oneLineWithoutNewline() throws {
        let scratch = Scratch()
        try scratch.write("a.log", "ts=2026-11-20T08:00:00Z tid=20481234 ev=boot fw=A920_V1 app=epos-1 ctab=CUP2015")
        let oneLineXML =
            acquirerElement(stan: "000001").replacingOccurrences(of: "\n", with: "")
            + acquirerElement(stan: "000002").replacingOccurrences(of: "\n", with: "")
        try scratch.write("b.xml", oneLineXML)
        try scratch.write("c.csv", "code,meaning,scope\nQ7,private,*")
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.ok, .ok, .ok])
        #expect(report.files.map(\.kind) == ["terminal_log", "acquirer_log", "catalogue"])
        #expect(report.files.map(\.lines) == [1, 1, 2])
        #expect(report.files.map(\.rows) == [1, 2, 1])
        #expect(report.exitCode == 0)
        #expect(try scratch.query("SELECT d.value FROM terminal_boots b JOIN dictionary d ON d.id = b.firmware") == [["A920_V1"]])
        #expect(try scratch.query(storedMessages).map { $0[3] } == ["000001", "000002"])
        #expect(try scratch.query("SELECT code, meaning FROM catalogue_entries") == [["Q7", "private"]])
    }

    @Test("a file that is one 3 MB line without a newline is rejected whole with its length")
    func oneHugeLineWithoutNewline() throws {
        let scratch = Scratch()
        let line = "ts=2026-11-20T08:00:00Z tid=20481234 ev=error msg=" + String(repeating: "z", count: 3_000_000)
        try scratch.write("a.log", line)
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        // Nothing of it could be read: it fails (issue 9), naming the reason.
        #expect(file.status == .failed)
        #expect(
            file.detail?.hasPrefix("nothing could be read: 1 of 1 records rejected, 1 as line longer than 1048576 bytes, e.g. line 1: ts=2026")
                == true)
        #expect(report.exitCode == 2)
        // With a line that can be read after it, the file goes in and the long line is a reject.
        try scratch.write("a.log", line + "\nts=2026-11-20T08:00:01Z tid=20481234 ev=signin rc=00\n")
        let again = try #require(try scratch.ingest().files.first)
        #expect(again.status == .ok)
        #expect(again.lines == 2)
        #expect(again.rows == 1)
        let suffix = "…[\(line.utf8.count) bytes in all]"
        #expect(
            try scratch.query("SELECT line, reason, substr(text, -30) FROM rejects") == [
                ["1", "line longer than 1048576 bytes", String(repeating: "z", count: 30 - suffix.count) + suffix]
            ])
    }

    @Test("NUL bytes become U+FFFD and are counted; a NUL-padded tail is a rejected line, the rest is in")
    func nulBytes() throws {
        let scratch = Scratch()
        var bytes = Array((txnLine(1) + "\n").utf8)
        bytes += Array("ts=2026-11-20T08:00:02Z tid=20481234 ev=error err=E msg=\"a".utf8) + [0] + Array("b\"\n".utf8)
        bytes += [UInt8](repeating: 0, count: 4096) + [0x0A]
        bytes += Array("ts=2026-11-20T08:00:04Z".utf8) + [0, 0] + Array(" tid=20481234 ev=boot\n".utf8)
        bytes += Array((txnLine(5) + "\n").utf8)
        // A crashed terminal's pre-allocated file: the tail is NULs without a line end.
        bytes += [UInt8](repeating: 0, count: 1000)
        try writeBytes(scratch, "day.log", bytes)
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .ok)
        #expect(file.lines == 6)
        #expect(file.rows == 3)
        #expect(file.rejectReasons == ["missing key ts": 2, "bad ts": 1])
        #expect(file.invalidUTF8 == 1 + 4096 + 2 + 1000)
        #expect(try scratch.query("SELECT message FROM terminal_errors") == [["a\u{FFFD}b"]])
        #expect(
            try scratch.query("SELECT line, reason, length(text) FROM rejects ORDER BY line") == [
                ["3", "missing key ts", "4096"], ["4", "bad ts", String("ts=2026-11-20T08:00:04Z".count + 2 + " tid=20481234 ev=boot".count)],
                ["6", "missing key ts", "1000"],
            ])
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines WHERE instr(text, char(0)) > 0") == 0)
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines WHERE text = '' OR text IS NULL") == 0)
    }

    @Test("invalid UTF-8 is replaced by U+FFFD and counted, in logfmt values, CSV cells and XML values")
    func invalidUTF8() throws {
        let scratch = Scratch()
        var log = Array("ts=2026-11-20T08:00:01Z tid=20481234 ev=error err=E msg=\"".utf8) + [0xFF, 0xFE] + Array("ok\"\n".utf8)
        log += Array("ts=2026-11-20T08:00:02Z tid=20481234 ev=txn type=sale stan=000002 rc=".utf8) + [0xC3] + Array(" disp=unknown\n".utf8)
        log += Array("ts=2026-11-20T08:00:03Z tid=2048".utf8) + [0xE4, 0xB8] + Array(" ev=boot\n".utf8)
        try writeBytes(scratch, "a.log", log)
        var csv = Array("tid,brand,channel,fee_tier,region\n20481234,PAX,official,standard,".utf8) + [0xE4, 0xB8, 0x41] + [0x0A]
        csv += Array("20481235,PAX,official,standard,ok\n".utf8)
        try writeBytes(scratch, "b.csv", csv)
        var xml = Array(acquirerElement(stan: "000001").utf8)
        xml = Array(String(decoding: xml, as: UTF8.self).replacingOccurrences(of: "value=\"00\"", with: "value=\"@@\"").utf8)
        let at = xml.firstIndex(of: UInt8(ascii: "@"))!
        xml.replaceSubrange(at..<(at + 2), with: [0xC3, 0x28])
        try writeBytes(scratch, "c.xml", xml)
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.ok, .ok, .ok])
        // msg: 2, rc: 1, and the tid line is rejected (its text keeps the 2-byte prefix as one U+FFFD).
        #expect(report.files.map(\.invalidUTF8) == [4, 1, 1])
        #expect(report.files[0].rejectReasons == ["bad tid": 1])
        #expect(try scratch.query("SELECT message FROM terminal_errors") == [["\u{FFFD}\u{FFFD}ok"]])
        #expect(try scratch.query("SELECT rc FROM transactions") == [["\u{FFFD}"]])
        #expect(try scratch.query("SELECT text FROM rejects WHERE file LIKE '%a.log'") == [["ts=2026-11-20T08:00:03Z tid=2048\u{FFFD} ev=boot"]])
        #expect(try scratch.query("SELECT d.value FROM inventory i JOIN dictionary d ON d.id = i.region ORDER BY i.line") == [["\u{FFFD}A"], ["ok"]])
        #expect(try scratch.query(storedMessages).map { $0[5] } == ["\u{FFFD}("])
    }

    @Test("GBK merchant names (inventory cells, a logfmt msg) are kept as U+FFFD-repaired text and counted")
    func gbkMerchantNames() throws {
        let scratch = Scratch()
        // 鑫通支付 and 上海 in GBK; 商户 in GBK in a message. Decoded as UTF-8 by hand (maximal
        // subparts): F6 bad lead, CE without continuation, CD A8 = U+0368, D6 A7 = U+05A7, B8 and B6
        // stray continuations; C9 without continuation, CF BA = U+03FA, A3 stray; C9, CC BB = U+033B, A7.
        let agent: [UInt8] = [0xF6, 0xCE, 0xCD, 0xA8, 0xD6, 0xA7, 0xB8, 0xB6]
        let region: [UInt8] = [0xC9, 0xCF, 0xBA, 0xA3]
        let merchant: [UInt8] = [0xC9, 0xCC, 0xBB, 0xA7]
        var csv = Array("tid,mid,brand,model,channel,agent,fee_tier,fee_rate,region,mcc,firmware\n".utf8)
        csv += Array("20481234,898310048161234,PAX,A920,third_party,".utf8) + agent + Array(",waived,0.00,".utf8) + region + Array(",5411,\n".utf8)
        csv += Array("20481235,898310048161235,Landi,A8,official,,standard,0.38,".utf8) + region + Array(",5812,\n".utf8)
        try writeBytes(scratch, "inventory.csv", csv)
        var log = Array("ts=2026-11-20T09:05:00+08:00 tid=20481234 ev=error err=MAC_FAIL msg=\"".utf8) + merchant + Array(" MAC\"\n".utf8)
        log += Array("ts=2026-11-20T09:06:00+08:00 tid=20481234 ev=error err=X msg=".utf8) + merchant + [0x0A]
        log += Array((txnLine(7) + "\n").utf8)
        try writeBytes(scratch, "day.log", log)
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.ok, .ok])
        #expect(report.exitCode == 0)
        let byKind = Dictionary(uniqueKeysWithValues: report.files.map { ($0.kind ?? "", $0) })
        #expect(byKind["inventory"]?.rows == 2)
        #expect(byKind["inventory"]?.invalidUTF8 == 4 + 2 + 2)
        #expect(byKind["terminal_log"]?.rows == 3)
        #expect(byKind["terminal_log"]?.invalidUTF8 == 2 + 2)
        let agentText = "\u{FFFD}\u{FFFD}\u{0368}\u{05A7}\u{FFFD}\u{FFFD}"
        let regionText = "\u{FFFD}\u{03FA}\u{FFFD}"
        let merchantText = "\u{FFFD}\u{033B}\u{FFFD}"
        #expect(
            try scratch.query(
                """
                SELECT tid.value, agent.value, region.value FROM inventory i JOIN dictionary tid ON tid.id = i.tid
                LEFT JOIN dictionary agent ON agent.id = i.agent JOIN dictionary region ON region.id = i.region ORDER BY i.line
                """) == [["20481234", agentText, regionText], ["20481235", nil, regionText]])
        #expect(try scratch.query("SELECT message FROM terminal_errors ORDER BY line") == [[merchantText + " MAC"], [merchantText]])
        // The transaction still joins its terminal's inventory row.
        #expect(try scratch.query("SELECT agent, region FROM transactions") == [[agentText, regionText]])
    }
}

@Suite("Hostile input: jPOS XML that never closes, nests too deep, or plays entity tricks", .serialized)
struct HostileXMLTests {
    @Test("a <log> that never closes in a large file is rejected at its line once past 4 MiB; the element after it is read")
    func unclosedLogInALargeFile() throws {
        let scratch = Scratch()
        var text = acquirerElement(stan: "000001")
        text += "<log realm=\"cup-channel\" at=\"2026-11-20T08:16:01.000\">\n  <receive>\n    <isomsg direction=\"incoming\">\n"
        let filler = "      <field id=\"48\" value=\"0123456789abcdef0123456789abcdef\"/>\n"
        let fillerLines = 200_000  // about 12 MB, three times the element limit
        text += String(repeating: filler, count: fillerLines)
        text += acquirerElement(stan: "000003")
        try scratch.write("cup.xml", text)
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .ok)
        #expect(file.rows == 2)
        #expect(file.rejectReasons == ["log element larger than 4194304 bytes": 1])
        let reject = try #require(try scratch.query("SELECT line, text FROM rejects").first)
        #expect(reject[0] == "10")
        #expect(reject[1]?.hasPrefix("<log realm=\"cup-channel\" at=\"2026-11-20T08:16:01.000\">\n  <receive>") == true)
        #expect((reject[1]?.utf8.count ?? 0) <= 65536 + 40)
        #expect(try scratch.query(storedMessages).map { [$0[0], $0[3]] } == [["1", "000001"], [String(13 + fillerLines), "000003"]])
    }

    @Test("a <log> still open at the end of the file is rejected; what came before is in")
    func unclosedLogAtEndOfFile() throws {
        let scratch = Scratch()
        try scratch.write("cup.xml", acquirerElement(stan: "000001") + "<log realm=\"x\" at=\"2026-11-20T08:16:01.000\">\n  <receive>\n")
        let report = try scratch.ingest()
        #expect(report.files.first?.rows == 1)
        #expect(
            try scratch.query("SELECT line, reason, text FROM rejects") == [
                ["10", "log element not closed at end of file", "<log realm=\"x\" at=\"2026-11-20T08:16:01.000\">\n  <receive>"]
            ])
    }

    @Test("isomsg nested 100,000 deep is rejected for its depth; nested subfields of a normal message are not top-level fields")
    func deeplyNestedIsomsg() throws {
        let scratch = Scratch()
        let depth = 100_000
        var text = acquirerElement(stan: "000001")
        text += "<log realm=\"cup-channel\" at=\"2026-11-20T08:16:01.000\">\n<send>\n"
        text +=
            String(repeating: "<isomsg id=\"127\">\n", count: depth) + "<field id=\"11\" value=\"999999\"/>\n"
            + String(repeating: "</isomsg>\n", count: depth)
        text += "</send>\n</log>\n"
        // A real message with subfields three deep: only its direct fields count.
        text += """
            <log realm="cup-channel" at="2026-11-20T08:16:02.000">
              <receive>
                <isomsg direction="incoming">
                  <field id="0" value="0200"/>
                  <isomsg id="127">
                    <field id="11" value="111111"/>
                    <isomsg id="2">
                      <field id="39" value="ZZ"/>
                      <isomsg id="3"><field id="41" value="NESTED"/></isomsg>
                    </isomsg>
                  </isomsg>
                  <field id="11" value="000003"/>
                  <field id="41" value="20481234"/>
                </isomsg>
              </receive>
            </log>

            """
        try scratch.write("cup.xml", text)
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .ok)
        #expect(file.rows == 2)
        #expect(file.rejectReasons == ["malformed log element: nesting deeper than 64": 1])
        #expect(try scratch.query("SELECT line FROM rejects") == [["10"]])
        #expect(
            try scratch.query(storedMessages) == [
                ["1", "cup-channel", "0210", "000001", nil, "00", nil],
                [String(10 + 2 + 2 * depth + 1 + 2), "cup-channel", "0200", "000003", nil, nil, "20481234"],
            ])
    }

    @Test("entity tricks: &#0;, bad references and undefined entities are never expanded; a DOCTYPE's entities are not either")
    func entityTricks() throws {
        let scratch = Scratch()
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE logger [
              <!ENTITY xxe SYSTEM "file:///etc/passwd">
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            <logger class="org.jpos.q2.qbean.LoggerAdaptor">
            <log realm="r&amp;d&#47;&#x41;" at="2026-11-20T08:16:00.210">
              <send><isomsg direction="outgoing">
                <field id="0" value="0210"/>
                <field id="11" value="000001"/>
                <field id="3" value="&xxe;"/>
                <field id="39" value="&lol3;"/>
              </isomsg></send>
            </log>
            <log realm="r" at="2026-11-20T08:16:01.000">
              <send><isomsg direction="outgoing">
                <field id="0" value="0210"/>
                <field id="11" value="000002"/>
                <field id="3" value="&#x110000;&#xD800;&#65;&#x42;&lt;&gt;&quot;&apos;&amp;&amp;lt;"/>
                <field id="39" value="&#0;"/>
                <field id="41" value="T&#0;1"/>
              </isomsg></send>
            </log>
            <log realm="r" at="2026-11-20T08:16:02.000">
              <send><isomsg direction="outgoing">
                <field id="0" value="0210"/>
                <field id="11" value="000003"/>
                <field id="39" value="&#60;log realm=&quot;x&quot; at=&quot;2026-11-20T08:16:00&quot;&#62;"/>
              </isomsg></send>
            </log>
            <log realm="r" at="2026-11-20T08:16:03.000">
              <receive><peer-disconnect>&foo; &#0; &xxe; &#9999999999;</peer-disconnect></receive>
            </log>
            </logger>

            """
        try scratch.write("cup.xml", text)
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .ok)
        #expect(file.rows == 4)
        #expect(file.rejects == 0)
        // &#x110000;, &#xD800;, three &#0; and &#9999999999; become U+FFFD.
        #expect(file.invalidUTF8 == 6)
        #expect(
            try scratch.query(storedMessages) == [
                ["9", "r&d/A", "0210", "000001", "&xxe;", "&lol3;", nil],
                ["17", "r", "0210", "000002", "\u{FFFD}\u{FFFD}AB<>\"'&&lt;", "\u{FFFD}", "T\u{FFFD}1"],
                ["26", "r", "0210", "000003", nil, "<log realm=\"x\" at=\"2026-11-20T08:16:00\">", nil],
            ])
        #expect(try scratch.query("SELECT reason FROM net_events WHERE source = 'acquirer'") == [["&foo; \u{FFFD} &xxe; \u{FFFD}"]])
        #expect(try scratch.count("SELECT count(*) FROM dictionary WHERE value LIKE '%lollol%' OR value LIKE '%root:%'") == 0)
    }
}

@Suite("Hostile input: gzip bombs, misnamed, empty and looping inputs", .serialized)
struct HostileFileTests {
    /// Writes a gzip file that inflates to `members` × `memberBytes` zero bytes: one deflated
    /// member, repeated (a multi-member gzip, as `pigz` writes), so that building it stays cheap.
    static func writeZeroBomb(to path: String, memberBytes: Int = 64 << 20, members: Int = 16) throws -> Int {
        var stream = z_stream()
        guard deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { deflateEnd(&stream) }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var member: [UInt8] = []
        var out = [UInt8](repeating: 0, count: 1 << 16)
        var fed = 0
        while true {
            let last = fed + zeros.count >= memberBytes
            try zeros.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
                stream.avail_in = uInt(min(zeros.count, memberBytes - fed))
                repeat {
                    let status = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
                        stream.next_out = buffer.baseAddress!
                        stream.avail_out = uInt(buffer.count)
                        return deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                    }
                    guard status != Z_STREAM_ERROR else { throw CocoaError(.fileWriteUnknown) }
                    member += out[0..<(out.count - Int(stream.avail_out))]
                } while stream.avail_out == 0
            }
            fed += min(zeros.count, memberBytes - fed)
            if last { break }
        }
        var file = Data()
        for _ in 0..<members { file.append(contentsOf: member) }
        try file.write(to: URL(fileURLWithPath: path))
        return file.count
    }

    @Test("a gzip bomb (1 GiB of zeros in 1 MB) fails with the likely-gzip-bomb reason; the other files go in")
    func gzipBomb() throws {
        let scratch = Scratch()
        let path = scratch.inbox + "/b-bomb.log.gz"
        let size = try Self.writeZeroBomb(to: path)
        #expect(size < 1_200_000)
        try scratch.write("a-day.log", txnLine(1) + "\n")
        try scratch.write("c-day.log", txnLine(3) + "\n")
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.ok, .failed, .ok])
        let bomb = report.files[1]
        #expect(bomb.path == path)
        let detail = try #require(bomb.detail)
        #expect(detail.hasPrefix("\(path): decompresses to more than 200 times its size ("))
        #expect(detail.hasSuffix("stopped as a likely gzip bomb; raise --max-inflate-ratio if the file is genuine"))
        #expect(report.exitCode == 2)
        #expect(try scratch.query("SELECT status, rows, error FROM files WHERE path = '\(path)'") == [["failed", "0", detail]])
        #expect(try scratch.query("SELECT stan FROM transactions ORDER BY stan") == [["000001"], ["000003"]])
    }

    @Test("a file is read as what it holds, not what its name says")
    func misnamedFiles() throws {
        let scratch = Scratch()
        try scratch.write("inventory.csv.gz", "tid,brand,channel,fee_tier\n20481234,PAX,official,standard\n")
        try scratch.write("terminal.csv", txnLine(1) + "\n" + txnLine(2) + "\n", gzip: true)
        try scratch.write("acquirer.log", acquirerElement(stan: "000001"))
        try scratch.write("terminal.xml", txnLine(3) + "\n")
        // A JPEG's first bytes, named as a log: three lines, each rejected, nothing stored from it.
        try writeBytes(
            scratch, "photo.log",
            [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x0A, 0x3D, 0x01, 0x02, 0x0A, 0x7F, 0x45, 0x4C, 0x46, 0x0A])
        let report = try scratch.ingest()
        let byName = Dictionary(uniqueKeysWithValues: report.files.map { (($0.path as NSString).lastPathComponent, $0) })
        #expect(byName["inventory.csv.gz"]?.kind == "inventory")
        #expect(byName["inventory.csv.gz"]?.rows == 1)
        #expect(byName["terminal.csv"]?.kind == "terminal_log")
        #expect(byName["terminal.csv"]?.rows == 2)
        #expect(byName["acquirer.log"]?.kind == "acquirer_log")
        #expect(byName["acquirer.log"]?.rows == 1)
        #expect(byName["terminal.xml"]?.kind == "terminal_log")
        #expect(byName["terminal.xml"]?.rows == 1)
        #expect(byName["photo.log"]?.kind == "terminal_log")
        // Nothing of it could be read: failed (issue 9), naming the leading reason and an example.
        #expect(byName["photo.log"]?.status == .failed)
        #expect(byName["photo.log"]?.rows == 0)
        #expect(byName["photo.log"]?.detail?.hasPrefix("nothing could be read: 3 of 3 records rejected, 2 as missing key ts, e.g. line 1: ") == true)
        #expect(
            try scratch.query(
                "SELECT path, compression FROM input_files WHERE path LIKE '%terminal.csv' OR path LIKE '%inventory.csv.gz' ORDER BY path") == [
                    [scratch.inbox + "/inventory.csv.gz", "none"], [scratch.inbox + "/terminal.csv", "gzip"],
                ])
    }

    @Test("an empty file is taken as an empty log: status ok, no rows, nothing rejected")
    func emptyFiles() throws {
        let scratch = Scratch()
        try writeBytes(scratch, "a-empty.log", [])
        try scratch.write("b-empty.log.gz", "", gzip: true)
        try scratch.write("c-blank.log", "\n\n   \n\t\n")
        let report = try scratch.ingest()
        // The gzip of nothing has the empty file's content (the ledger knows content after
        // decompression): a recorded duplicate, not a failure.
        #expect(report.files.map(\.status) == [.ok, .skippedDuplicate, .ok])
        #expect(report.files[1].detail == "same content as \(scratch.inbox)/a-empty.log")
        #expect(report.files.map(\.lines) == [0, 0, 4])
        #expect(report.files.map(\.rows) == [0, 0, 0])
        #expect(report.rejects == 0)
        #expect(report.exitCode == 0)
        let gzipBytes = try #require(try FileManager.default.attributesOfItem(atPath: scratch.inbox + "/b-empty.log.gz")[.size] as? Int)
        #expect(
            try scratch.query("SELECT kind, compression, bytes, status FROM input_files ORDER BY path") == [
                ["terminal_log", "none", "0", "ok"], ["terminal_log", "gzip", String(gzipBytes), "skipped_duplicate"],
                ["terminal_log", "none", "8", "ok"],
            ])
        // A second empty file has the same content (SHA-256) as the first: a recorded duplicate.
        try writeBytes(scratch, "d-empty.log", [])
        let again = try scratch.ingest()
        #expect(again.files.last?.status == .skippedDuplicate)
        #expect(again.files.last?.detail == "same content as \(scratch.inbox)/a-empty.log")
    }

    @Test("folder loops through symbolic links are reported and skipped; every file is read once")
    func symbolicLinkLoops() throws {
        let scratch = Scratch()
        try scratch.write("x.log", txnLine(1) + "\n")
        try scratch.write("sub/y.log", txnLine(2) + "\n")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: scratch.inbox + "/sub/loop", withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: scratch.inbox + "/alias", withDestinationPath: "sub")
        try fm.createSymbolicLink(atPath: scratch.inbox + "/l1", withDestinationPath: "l2")
        try fm.createSymbolicLink(atPath: scratch.inbox + "/l2", withDestinationPath: "l1")
        let report = try scratch.ingest()
        // Names are walked in byte order: alias (= sub) comes first, so y.log is read through it.
        #expect(report.files.map(\.path) == [scratch.inbox + "/alias/y.log", scratch.inbox + "/x.log"])
        #expect(report.files.map(\.status) == [.ok, .ok])
        #expect(
            report.skippedLoops == [
                scratch.inbox + "/alias/loop: folder loop through a symbolic link: skipped",
                scratch.inbox + "/l1: Too many levels of symbolic links",
                scratch.inbox + "/l2: Too many levels of symbolic links",
                scratch.inbox + "/sub/loop: folder loop through a symbolic link: skipped",
            ])
        #expect(report.problems.isEmpty)
        // Reported and skipped, nothing lost: "done, but" (1), not a failure (2).
        #expect(report.exitCode == 1)
        #expect(try scratch.query("SELECT stan FROM transactions ORDER BY stan") == [["000001"], ["000002"]])
    }
}
