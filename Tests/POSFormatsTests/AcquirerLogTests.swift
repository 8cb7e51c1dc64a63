import Foundation
import POSFormats
import Testing

/// The docs/formats.md §2 example.
private let formatsSectionTwoExample = """
    <logger class="org.jpos.q2.qbean.LoggerAdaptor">
    <log realm="cup-channel/10.1.2.3:5000" at="2026-11-20T08:16:00.210" lifespan="2290ms">
      <receive>
        <isomsg direction="incoming">
          <field id="0" value="0200"/>
          <field id="4" value="000000001250"/>
          <field id="11" value="000123"/>
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

@Suite("Acquirer log: the jpos-lagotto fixtures")
struct AcquirerLogFixtureTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var logElements: Int
        var messages: Int
        var linkEvents: Int
        var rejected: Int
        var skipped: [String: Int] = [:]
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        Expectation(file: "a-bunch.xml", logElements: 4, messages: 4, linkEvents: 0, rejected: 0),
        Expectation(file: "a-pair-uyst.xml", logElements: 3, messages: 2, linkEvents: 0, rejected: 0, skipped: ["#text": 1]),
        Expectation(file: "a-pair.xml", logElements: 3, messages: 2, linkEvents: 0, rejected: 0, skipped: ["#text": 1]),
        Expectation(file: "a-second-bunch.xml", logElements: 2, messages: 2, linkEvents: 0, rejected: 0),
        Expectation(file: "basic.xml", logElements: 2, messages: 1, linkEvents: 0, rejected: 0, skipped: ["#text": 1]),
        Expectation(file: "channel-birth.xml", logElements: 6, messages: 5, linkEvents: 1, rejected: 0),
        Expectation(file: "connection-reset.xml", logElements: 1, messages: 0, linkEvents: 1, rejected: 0),
        // A BeanShell error in `<error>` of realm `client-simulator`: an application exception.
        Expectation(file: "exception-with-bad-xml.xml", logElements: 1, messages: 0, linkEvents: 0, rejected: 0, skipped: ["error": 1]),
        Expectation(file: "exception.xml", logElements: 1, messages: 0, linkEvents: 1, rejected: 0),
        Expectation(file: "gzip.xml", logElements: 1, messages: 1, linkEvents: 0, rejected: 0),
        Expectation(file: "io-timeout.xml", logElements: 1, messages: 0, linkEvents: 1, rejected: 0),
        Expectation(file: "iso-exception.xml", logElements: 1, messages: 0, linkEvents: 1, rejected: 0),
        Expectation(file: "message-inception-garbage.xml", logElements: 3, messages: 1, linkEvents: 0, rejected: 2),
        Expectation(file: "one-entry.xml", logElements: 1, messages: 1, linkEvents: 0, rejected: 0),
        Expectation(file: "one-line-cdata.xml", logElements: 1, messages: 1, linkEvents: 0, rejected: 0),
        Expectation(file: "one.xml", logElements: 1, messages: 1, linkEvents: 0, rejected: 0),
        Expectation(file: "peer-disconnect-with-previous.xml", logElements: 3, messages: 2, linkEvents: 1, rejected: 0),
        Expectation(file: "peer-disconnect.xml", logElements: 1, messages: 0, linkEvents: 1, rejected: 0),
        Expectation(file: "pivot-set.xml", logElements: 6, messages: 6, linkEvents: 0, rejected: 0),
        Expectation(file: "pool-exhaustion.xml", logElements: 1, messages: 0, linkEvents: 0, rejected: 0, skipped: ["warn": 1]),
        Expectation(
            file: "q2.log", logElements: 170, messages: 56, linkEvents: 4, rejected: 0,
            skipped: [
                // `error` 10: nine, and the client simulator's BeanShell exception (no link event since issue 9).
                "abort": 12, "commit": 1, "debug": 13, "error": 10, "info": 39, "iso-server": 2,
                "jce-provider": 1, "local-master-keys": 1, "receive": 1, "trace": 30,
            ]),
        Expectation(file: "stale-connection.xml", logElements: 1, messages: 1, linkEvents: 1, rejected: 0),
        Expectation(file: "two.xml", logElements: 1, messages: 1, linkEvents: 0, rejected: 0),
        Expectation(file: "with-cdata.xml", logElements: 1, messages: 1, linkEvents: 0, rejected: 0),
        Expectation(file: "with-header.xml", logElements: 1, messages: 1, linkEvents: 0, rejected: 0),
    ]

    @Test("every fixture file is listed")
    func everyFixtureIsListed() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/jpos-lagotto")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "LICENSE.txt" }
        #expect(Set(files) == Set(Self.expectations.map(\.file)))
    }

    @Test("counts per fixture", arguments: expectations)
    func counts(_ expected: Expectation) throws {
        let result = scan(try fixture(expected.file))
        let s = result.statistics
        #expect(s.logElements == expected.logElements)
        #expect(s.messages == expected.messages)
        #expect(s.linkEvents == expected.linkEvents)
        #expect(s.rejected == expected.rejected)
        #expect(s.skipped == expected.skipped)
        #expect(result.messages.count == expected.messages)
        #expect(result.linkEvents.count == expected.linkEvents)
        #expect(result.rejections.count == expected.rejected)
        #expect(s.invalidUTF8 == 0)
    }

    @Test("a-bunch.xml: four messages, the 0210 for STAN 2 carries 01")
    func aBunch() throws {
        let messages = scan(try fixture("a-bunch.xml"), offset: 480).messages
        #expect(messages.map(\.mti) == ["0200", "0200", "0210", "0210"])
        #expect(messages.map(\.stan) == ["1", "2", "2", "1"])
        #expect(messages.map(\.direction) == [.send, .send, .receive, .receive])
        #expect(messages.map(\.amount) == [10001, 5000, nil, nil])
        #expect(messages.map(\.line) == [3, 15, 27, 42])
        let response = messages[2]
        #expect(response.responseCode == "01")
        #expect(response.realm == "some.channel/10.0.0.1:4322")
        #expect(response.lifespanMs == 10)
        // EST is -05:00 whatever the default offset.
        #expect(response.time == LoggedTime(utcMilliseconds: 1_416_805_204_892, offsetMinutes: -300))
        #expect(messages[0].lifespanMs == nil)
    }

    @Test("a-pair-uyst.xml: UYST time, lifespan, subfields of 48 are not fields")
    func aPairUYST() throws {
        let result = scan(try fixture("a-pair-uyst.xml"))
        let messages = result.messages
        #expect(messages.count == 2)
        #expect(messages[0].time == LoggedTime(utcMilliseconds: 1_416_794_403_292, offsetMinutes: -120))
        #expect(Timestamps.formatUTC(messages[0].time.utcMilliseconds) == "2014-11-24T02:00:03.292Z")
        #expect(messages[0].lifespanMs == 10005)
        #expect(messages[0].stan == "28928")
        #expect(messages[0].direction == .send)
        let expected: AcquirerMessage = {
            var m = AcquirerMessage(
                line: 14, realm: "some.channel/10.0.0.1:4321",
                time: LoggedTime(utcMilliseconds: 1_416_794_404_100, offsetMinutes: -120), lifespanMs: 1000, direction: .receive)
            m.mti = "0810"
            m.stan = "28928"
            return m
        }()
        #expect(messages[1] == expected)
    }

    @Test("message-inception-garbage.xml: interleaved elements rejected, the last one taken")
    func messageInceptionGarbage() throws {
        let result = scan(try fixture("message-inception-garbage.xml"))
        let rejections = result.rejections
        try #require(rejections.count == 2)
        #expect(rejections[0].line == 1)
        #expect(rejections[0].reason == "log element inside log element")
        #expect(rejections[0].text.hasPrefix("<log realm=\"remoteStub.channel/127.0.0.1:45115\""))
        #expect(rejections[0].text.hasSuffix("<field id=\"0\" value=\"2804\"/>"))
        #expect(rejections[1].line == 5)
        #expect(rejections[1].reason == "malformed log element: mismatched </isomsg>")
        #expect(rejections[1].text.hasPrefix("<log realm=\"remoteLink.channel\""))
        // Everything up to the next <log is kept with the rejection: nothing is lost silently.
        #expect(rejections[1].text.contains("org.jpos.iso.ISOException: unconnected ISOChannel"))
        #expect(rejections[1].text.hasSuffix("</receive>\n        </log>"))
        let messages = result.messages
        try #require(messages.count == 1)
        #expect(messages[0].line == 23)
        #expect(messages[0].mti == "2814")
        #expect(messages[0].stan == "127")
        #expect(messages[0].direction == .send)
        #expect(result.entries.map { if case .rejected = $0 { "r" } else { "m" } } == ["r", "r", "m"])
    }

    @Test("q2.log: messages, link events and values")
    func q2() throws {
        let result = scan(try fixture("q2.log"))
        let messages = result.messages
        #expect(messages.filter { $0.direction == .send }.count == 28)
        #expect(messages.filter { $0.direction == .receive }.count == 28)
        // The BeanShell `<exception>` in the client simulator's `<error>` (line 5479) is an
        // application error, not a link event (issue 9): skipped as `error`.
        #expect(result.linkEvents.map(\.kind) == ["connect", "session-start", "peer-disconnect", "session-end"])
        #expect(result.linkEvents.map(\.detail) == ["127.0.0.1:9001", nil, nil, nil])
        let connect = result.linkEvents[0]
        #expect(connect.line == 145)
        #expect(connect.realm == "channel/127.0.0.1:9001")
        #expect(connect.time == LoggedTime(utcMilliseconds: 1_418_922_760_043, offsetMinutes: -120))
        #expect(result.linkEvents.map(\.line) == [145, 155, 5544, 5557])

        // The echo: field 2 of subfield 113 is not the PAN.
        let echo = try #require(messages.first)
        #expect(echo.line == 273)
        #expect(echo.mti == "2800")
        #expect(echo.stan == "000000000001")
        #expect(echo.localTime == "20141218151240")
        #expect(echo.localDate == "1218")
        #expect(echo.maskedPAN == nil)

        // The first 2100: PAN masked, field 4 from the top level (not subfield 43.4 "Montevideo").
        let auth = try #require(messages.first { $0.line == 347 })
        #expect(auth.mti == "2100")
        #expect(auth.maskedPAN == "600933******0021")
        #expect(auth.processingCode == "300000")
        #expect(auth.amount == 8_582_000_000_000_000)
        #expect(auth.rrn == "180312760317")
        #expect(auth.tid == "29110001")
        #expect(auth.mid == "001001")
        #expect(auth.responseCode == nil)

        // The 2110 answer: padded field 41 trimmed, a decimal amount is no amount, 4-character code.
        let answer = try #require(messages.first { $0.line == 411 })
        #expect(answer.mti == "2110")
        #expect(answer.direction == .send)
        #expect(answer.tid == "29110001")
        #expect(answer.amount == nil)
        #expect(answer.responseCode == "1011")
        #expect(answer.lifespanMs == 1)
        // Every PAN the file holds is masked; the isomsg inside <abort> yields nothing.
        #expect(!result.allText.contains("6009330000000021"))
        #expect(result.statistics.maskedPANs == messages.filter { $0.maskedPAN != nil }.count)
    }

    @Test("link event details: text collapsed, name attribute first, at most 200 characters")
    func linkDetails() throws {
        #expect(scan(try fixture("connection-reset.xml")).linkEvents.map(\.detail) == ["Connection reset"])
        #expect(scan(try fixture("exception.xml")).linkEvents.map(\.detail) == ["Remote host closed connection during handshake"])
        #expect(scan(try fixture("io-timeout.xml")).linkEvents.map(\.detail) == [nil])
        let iso = try #require(scan(try fixture("iso-exception.xml")).linkEvents.first)
        #expect(iso.kind == "iso-exception")
        let full =
            "unconnected ISOChannel org.jpos.iso.ISOException: unconnected ISOChannel at "
            + "org.jpos.iso.BaseChannel.receive(BaseChannel.java:662) at org.jpos.iso.ISOServer$Session.run(ISOServer.java:155) "
            + "at org.jpos.util.ThreadPool$PooledThread.run(ThreadPool.java:72)"
        #expect(iso.detail == String(full.prefix(200)))
        #expect(iso.detail?.count == 200)

        let stale = scan(try fixture("stale-connection.xml"))
        #expect(stale.entries.count == 2)
        #expect(stale.messages.first?.mti == "0800")
        #expect(stale.linkEvents.first?.kind == "stale-connection")
        #expect(stale.linkEvents.first?.detail == "Disconnecting 10.0.0.1:4242")
    }

    @Test("CDATA and nested isomsg fixtures: subfields 48.2 and 48.3 are not fields 2 and 3")
    func subfieldsAreNotFields() throws {
        for file in ["one-line-cdata.xml", "with-cdata.xml"] {
            let message = try #require(scan(try fixture(file)).messages.first)
            #expect(message.mti == "0800")
            #expect(message.maskedPAN == nil)
            #expect(message.processingCode == nil)
            #expect(message.time.offsetMinutes == -300)
            #expect(message.time.utcMilliseconds % 1000 == 43)  // `2014.43` is 43 ms
        }
    }

    @Test("with-header.xml: a <header> in the receive is neither a field nor skipped")
    func withHeader() throws {
        let result = scan(try fixture("with-header.xml"))
        #expect(result.messages.first?.mti == "0800")
        #expect(result.statistics.skipped.isEmpty)
    }
}

@Suite("Acquirer log: layout")
struct AcquirerLogLayoutTests {
    @Test("the formats.md example: request, response P1, peer-disconnect")
    func formatsExample() {
        let result = scan(formatsSectionTwoExample)
        var request = AcquirerMessage(
            line: 2, realm: "cup-channel/10.1.2.3:5000", time: LoggedTime(utcMilliseconds: 1_795_133_760_210, offsetMinutes: 480),
            lifespanMs: 2290, direction: .receive)
        request.mti = "0200"
        request.amount = 1250
        request.stan = "000123"
        request.tid = "20481234"
        request.mid = "898310048161234"
        var response = AcquirerMessage(
            line: 13, realm: "cup-channel/10.1.2.3:5000", time: LoggedTime(utcMilliseconds: 1_795_133_762_480, offsetMinutes: 480),
            lifespanMs: nil, direction: .send)
        response.mti = "0210"
        response.stan = "000123"
        response.rrn = "632011234567"
        response.responseCode = "P1"
        response.tid = "20481234"
        let disconnect = AcquirerLinkEvent(
            line: 24, realm: "cup-channel/10.1.2.3:5000", time: LoggedTime(utcMilliseconds: 1_795_133_850_000, offsetMinutes: 480),
            kind: "peer-disconnect", detail: "Connection reset")
        #expect(result.entries == [.message(request), .message(response), .linkEvent(disconnect)])
        #expect(result.statistics.logElements == 3)
        #expect(result.statistics.skipped.isEmpty)
    }

    @Test("the same log written one element per line, and several on one line")
    func oneLine() {
        let reference = scan(formatsSectionTwoExample)
        let elements = formatsSectionTwoExample.components(separatedBy: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined()
            .replacingOccurrences(of: "</log>", with: "</log>\n")
        let perLine = scan(elements)
        #expect(perLine.messages.map(\.line) == [1, 2])
        #expect(perLine.messages.map(\.responseCode) == [nil, "P1"])
        #expect(perLine.linkEvents.map(\.line) == [3])
        let oneLine = scan(elements.replacingOccurrences(of: "\n", with: ""))
        #expect(oneLine.entries.count == 3)
        #expect(oneLine.messages.map(\.line) == [1, 1])
        #expect(oneLine.messages.map(\.stan) == reference.messages.map(\.stan))
        #expect(oneLine.messages.map(\.mid) == reference.messages.map(\.mid))
        #expect(oneLine.linkEvents.map(\.detail) == ["Connection reset"])
        #expect(oneLine.statistics == perLine.statistics)
    }

    @Test("tags and attribute values that span lines, CRLF line ends")
    func spanningTags() {
        let text =
            "<log\r\n  realm=\"cup\"\r\n  at=\"2026-11-20T08:16:00.210\"\r\n  lifespan=\"5 ms\"><send><isomsg\r\n  ><field\r\n"
            + " id=\"0\"\r\n value=\"0200\"/><field id=\"11\" value=\"0001\"\r\n/></isomsg\r\n></send></log\r\n>\r\n"
        let result = scan(text)
        #expect(result.rejections == [])
        let message = result.messages.first
        #expect(message?.line == 1)
        #expect(message?.mti == "0200")
        #expect(message?.stan == "0001")
        #expect(message?.lifespanMs == 5)
        #expect(result.statistics.logElements == 1)
    }

    @Test("what lies between elements: only non-blank text counts")
    func between() {
        let text = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE logger [ <!ENTITY x "y"> ]>
            <logger class="org.jpos.util.DailyLogListener">
            <!-- rotated
            <log realm="in a comment" at="nonsense"> -->
            stray text
            \(logStart())<info>x</info></log> more stray
            continued stray
            </logger>
            trailing
            """
        let result = scan(text)
        #expect(result.statistics.logElements == 1)
        #expect(result.statistics.rejected == 0)
        #expect(result.statistics.skipped == ["#text": 3, "info": 1])
    }

    @Test("a byte order mark counts for nothing")
    func byteOrderMark() {
        let result = scan([0xEF, 0xBB, 0xBF] + Array("\(logStart())<info/></log>".utf8))
        #expect(result.statistics.skipped == ["info": 1])
        #expect(result.statistics.logElements == 1)
    }

    @Test("skipped children, text, comments and CDATA directly in <log>")
    func skippedInLog() {
        let text = """
            \(logStart())
              free text
              <!-- a comment --><![CDATA[data]]><?pi x?>
              <info>a < b, x.<init>(Foo.java:1)</info>
              <trace/><receive/><send><header>1</header></send>
              <abort><context><isomsg><field id="0" value="0200"/></isomsg></context></abort>
              more text
            </log>
            """
        let result = scan(text)
        #expect(result.rejections == [])
        #expect(
            result.statistics.skipped == [
                "#text": 2, "#comment": 1, "#cdata": 1, "#pi": 1, "info": 1, "trace": 1, "receive": 1, "send": 1, "abort": 1,
            ])
        #expect(result.statistics.messages == 0)
    }

    @Test("a log that yields a message and link events; nested link events are one; a <warn>'s exception is not one")
    func linkEventsAnywhere() {
        let text = """
            \(logStart())
            <receive>
              <isomsg><field id="0" value="0800"/><peer-disconnect>inside isomsg</peer-disconnect></isomsg>
              <io-timeout/>
            </receive>
            <session-error><iso-exception>outer <iso-exception>inner</iso-exception> tail</iso-exception></session-error>
            <warn><exception name="Connection refused">java.net.ConnectException
              at java.net.Socket.&lt;init&gt;(Socket.java:434)
              at java.net.Socket.<init>(Socket.java:211)</exception></warn>
            </log>
            """
        let result = scan(text)
        #expect(result.rejections == [])
        #expect(result.messages.map(\.mti) == ["0800"])
        #expect(result.linkEvents.map(\.kind) == ["io-timeout", "iso-exception"])
        #expect(result.linkEvents.map(\.detail) == [nil, "outer inner tail"])
        #expect(result.linkEvents.allSatisfy { $0.line == 1 && $0.realm == "cup-channel/10.1.2.3:5000" })
        // ChannelAdaptor's `<warn>` repeats what the channel logged: application content.
        #expect(result.statistics.skipped == ["warn": 1])
        #expect(result.statistics.linkEvents == 2)
    }

    @Test("a stack trace with <init>( in a link event is text")
    func stackFrames() {
        let text = """
            \(logStart())<connect>
            java.net.ConnectException: Connection refused
              at java.net.Socket.<init>(Socket.java:434)
              at Foo.<clinit>(Foo.java:1)
            </connect></log>
            """
        let result = scan(text)
        #expect(result.rejections == [])
        #expect(
            result.linkEvents.first?.detail
                == "java.net.ConnectException: Connection refused at java.net.Socket.<init>(Socket.java:434) at Foo.<clinit>(Foo.java:1)")
    }
}

@Suite("Acquirer log: values")
struct AcquirerLogValueTests {
    private func message(_ fields: String, head: String = logStart()) -> (AcquirerMessage?, Scan) {
        let result = scan("\(head)<send><isomsg>\(fields)</isomsg></send></log>")
        return (result.messages.first, result)
    }

    @Test("entities and character references are decoded")
    func entities() {
        let (m, result) = message("<field id=\"0\" value=\"A&amp;B &lt;x&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#x1F4B3;\"/>")
        #expect(m?.mti == "A&B <x> \"q\" 's' AB💳")
        #expect(result.statistics.invalidUTF8 == 0)
    }

    @Test("&#0;, surrogates and out-of-range references become U+FFFD and are counted")
    func invalidReferences() {
        let (m, result) = message("<field id=\"49\" value=\"8&#0;4&#xD800;0&#1114112;\"/><field id=\"3\" value=\"&#99999999999999999999;\"/>")
        #expect(m?.currency == "8\u{FFFD}4\u{FFFD}0\u{FFFD}")
        #expect(m?.processingCode == "\u{FFFD}")
        #expect(result.statistics.invalidUTF8 == 4)
    }

    @Test("an undefined entity or a lone ampersand is kept as written")
    func undefinedEntity() {
        let (m, _) = message("<field id=\"0\" value=\"&foo; &amp &#; &#x; a&b\"/>")
        #expect(m?.mti == "&foo; &amp &#; &#x; a&b")
    }

    @Test("invalid UTF-8 bytes are replaced and counted")
    func invalidUTF8() {
        let bytes =
            Array("\(logStart())<send><isomsg><field id=\"0\" value=\"02".utf8) + [0xFF, 0xC3]
            + Array("\"/></isomsg></send></log>".utf8)
        let result = scan(bytes)
        #expect(result.messages.first?.mti == "02\u{FFFD}\u{FFFD}")
        #expect(result.statistics.invalidUTF8 == 2)
    }

    @Test("a field written as CDATA or text content takes its content")
    func contentFields() {
        let (m, result) = message(
            """
            <field id="0"><![CDATA[0200]]></field>
            <field id="2">
              <![CDATA[4111111111111111]]>
            </field>
            <field id="39">0<!-- comment -->5</field>
            <field id="49">&#56;58</field>
            """)
        #expect(m?.mti == "0200")
        #expect(m?.maskedPAN == "411111******1111")
        #expect(m?.responseCode == "05")
        #expect(m?.currency == "858")
        #expect(result.statistics.maskedPANs == 1)
    }

    @Test("single-quoted attributes")
    func singleQuotes() {
        let (m, _) = message(
            "<field id='11' value='000123'/><field id = '39' value = 'it\"s'/>",
            head: "<log realm='cup' at='2026-11-20T08:16:00.210' lifespan='7'>")
        #expect(m?.stan == "000123")
        #expect(m?.responseCode == "it\"s")
        #expect(m?.realm == "cup")
        #expect(m?.lifespanMs == 7)
    }

    @Test("only the direct fields of the message isomsg count")
    func nestedIsomsg() {
        let (m, _) = message(
            """
            <field id="0" value="0200"/>
            <isomsg id="127"><field id="2" value="5555555555554444"/><field id="4" value="99"/>
              <isomsg id="3"><field id="39" value="XX"/></isomsg></isomsg>
            <field id="4" value="000000001250"/>
            """)
        #expect(m?.mti == "0200")
        #expect(m?.maskedPAN == nil)
        #expect(m?.amount == 1250)
        #expect(m?.responseCode == nil)
    }

    @Test("field 2 is masked whatever its Luhn check; a Luhn-valid number in 3 or 39 is masked, in 11, 37, 41, 42 kept")
    func masking() {
        let (m, result) = message(
            """
            <field id="2" value="6228480000000001235"/>
            <field id="3" value="4111111111111111"/>
            <field id="39" value="5555555555554444"/>
            <field id="11" value="4111111111111111"/>
            <field id="37" value="4111111111111111"/>
            <field id="41" value="4111111111111111"/>
            <field id="42" value="4111111111111111"/>
            """)
        #expect(m?.maskedPAN == "622848*********1235")
        #expect(m?.processingCode == "411111******1111")
        #expect(m?.responseCode == "555555******4444")
        #expect(m?.stan == "4111111111111111")
        #expect(m?.rrn == "4111111111111111")
        #expect(m?.tid == "4111111111111111")
        #expect(m?.mid == "4111111111111111")
        #expect(result.statistics.maskedPANs == 3)
    }

    @Test("fields 41 and 42 lose padding blanks and NULs")
    func padding() {
        let (m, result) = message(
            """
            <field id="41" value="  20481234&#0;&#0;"/>
            <field id="42" value="898310048161234   "/>
            <field id="49" value=" 156 "/>
            """)
        #expect(m?.tid == "20481234")
        #expect(m?.mid == "898310048161234")
        #expect(m?.currency == " 156 ")
        #expect(result.statistics.invalidUTF8 == 0)
    }

    @Test("an empty value is nil; a non-digit amount is nil")
    func emptyValues() {
        let (m, _) = message("<field id=\"0\" value=\"\"/><field id=\"41\" value=\"   \"/><field id=\"4\" value=\"12.50\"/>")
        #expect(m?.mti == nil)
        #expect(m?.tid == nil)
        #expect(m?.amount == nil)
    }

    @Test("track data and PIN blocks are never kept, not even in reject texts")
    func trackData() {
        let secret = """
            <field id="2" value="4111111111111111"/>
            <field id="35" value="4111111111111111=25121011000012345678"/>
            <field id="45" value="B4111111111111111^DOE/JOHN^2512101"/>
            <field id="52" value="1A2B3C4D5E6F7A8B"/>
            <field id='35'><![CDATA[4111111111111111D2512101]]></field>
            """
        let taken = scan("\(logStart())<send><isomsg>\(secret)</isomsg></send></log>")
        #expect(taken.messages.first?.maskedPAN == "411111******1111")
        // The same, never closed: rejected at end of file with the values removed.
        let unclosed = scan("\(logStart())\n<send><isomsg>\n\(secret)\n<field id=\"52\" value=\"FFFF")
        let rejection = unclosed.rejections.first
        #expect(rejection?.reason == "log element not closed at end of file")
        #expect(rejection?.text.contains("<field id=\"35\" value=\"[removed]\"/>") == true)
        #expect(rejection?.text.contains("<field id='35'>[removed]</field>") == true)
        #expect(rejection?.text.hasSuffix("<field id=\"52\" value=\"[removed]") == true)
        #expect(rejection?.text.contains("<field id=\"2\" value=\"411111******1111\"/>") == true)
        #expect(unclosed.statistics.maskedPANs == 1)
        for result in [taken, unclosed] {
            for fragment in ["=2512", "D2512", "DOE/JOHN", "1A2B3C4D5E6F7A8B", "FFFF", "4111111111111111"] {
                #expect(!result.allText.contains(fragment), "\(fragment) leaked")
            }
        }
    }
}

@Suite("Acquirer log: headers")
struct AcquirerLogHeaderTests {
    @Test(
        "lifespan forms",
        arguments: [
            ("10005ms", Int64(10005)), ("10005 ms", 10005), ("10005", 10005), (" 7 MS ", 7), ("abc", nil), ("ms", nil), ("12s", nil),
        ] as [(String, Int64?)])
    func lifespan(_ written: String, _ expected: Int64?) {
        let result = scan("<log realm=\"r\" at=\"2026-11-20T08:16:00.210\" lifespan=\"\(written)\"><send><isomsg/></send></log>")
        #expect(result.messages.count == 1)
        #expect(result.messages.first?.lifespanMs == expected)
    }

    @Test(
        "at forms",
        arguments: [
            ("2026-11-20T08:16:00.210", Int64(1_795_133_760_210), Int16(480)),
            ("2026-11-20T08:16:00.210+05:30", 1_795_142_760_210, 330),
            ("2026-11-20T00:16:00Z", 1_795_133_760_000, 0),
            ("Thu Nov 20 08:16:00 CST 2026.210", 1_795_133_760_210, 480),
            ("Thu Nov 20 08:16:00 UYT 2026.5", 1_795_173_360_005, -180),
        ] as [(String, Int64, Int16)])
    func at(_ written: String, _ utc: Int64, _ offset: Int16) {
        let result = scan("<log realm=\"r\" at=\"\(written)\"><session-start/></log>", offset: 480)
        #expect(result.linkEvents.first?.time == LoggedTime(utcMilliseconds: utc, offsetMinutes: offset))
    }

    @Test(
        "a missing realm, a missing or bad at: the element is rejected",
        arguments: [
            ("<log at=\"2026-11-20T08:16:00.210\">", "missing realm attribute"),
            ("<log realm=\"\" at=\"2026-11-20T08:16:00.210\">", "missing realm attribute"),
            ("<log realm=\"r\">", "missing at attribute"),
            ("<log realm=\"r\" at=\"2026-13-20T08:16:00.210\">", "bad at attribute"),
            ("<log realm=\"r\" at=\"yesterday\">", "bad at attribute"),
        ])
    func badHeader(_ start: String, _ reason: String) {
        let text = "\(start)\n<receive><isomsg><field id=\"0\" value=\"0200\"/></isomsg></receive>\n<info/>\n</log>\n\(logStart())<io-timeout/></log>"
        let result = scan(text)
        #expect(result.rejections.map(\.reason) == [reason])
        #expect(result.rejections.first?.line == 1)
        #expect(result.rejections.first?.text == "\(start)\n<receive><isomsg><field id=\"0\" value=\"0200\"/></isomsg></receive>\n<info/>\n</log>")
        #expect(result.messages.isEmpty)
        #expect(result.linkEvents.map(\.line) == [5])
        #expect(result.statistics.messages == 0)
        #expect(result.statistics.skipped.isEmpty)
        #expect(result.statistics.logElements == 2)
    }
}

@Suite("Acquirer log: malformed elements and resynchronisation")
struct AcquirerLogMalformedTests {
    private static let next = "\(logStart(at: "2026-11-20T09:00:00.000"))<send><isomsg><field id=\"0\" value=\"0800\"/></isomsg></send></log>"

    @Test(
        "malformed elements are rejected with their line and reading resumes at the next <log",
        arguments: [
            ("<send><isomsg></send>", "malformed log element: mismatched </send>"),
            ("<send><field id=\"0\" value=\"1\"\n<info/>", "malformed log element: unterminated <field> tag"),
            ("<send><field id=\"0\" value=\"1\n  <info/>\"/>", "malformed log element: unterminated attribute in <field>"),
            ("<send><field id=0/>", "malformed log element: bad attribute in <field>"),
            ("<send><field id=\"0\" value x/>", "malformed log element: bad attribute in <field>"),
            ("<send></send x>", "malformed log element: unterminated end tag </send"),
            ("<info></log>", "malformed log element: mismatched </log>"),
        ])
    func malformed(_ body: String, _ reason: String) {
        let text = "\(logStart())\n\(body)\ngarbage after\n</log>\n\(Self.next)"
        let result = scan(text)
        #expect(result.rejections.map(\.reason) == [reason])
        #expect(result.rejections.first?.line == 1)
        #expect(result.rejections.first?.text == "\(logStart())\n\(body)\ngarbage after\n</log>")
        #expect(result.messages.map(\.mti) == ["0800"])
        #expect(result.messages.first?.line == 5 + body.filter { $0 == "\n" }.count)
        #expect(result.statistics.logElements == 2)
        #expect(result.statistics.skipped.isEmpty)
    }

    @Test("a <log start tag inside an attribute value or comment is interleaved output")
    func interleavedAnywhere() {
        let inValue = scan("\(logStart())<send><isomsg><field id=\"0\" value=\"02\(Self.next)\"/></isomsg></send></log>")
        #expect(inValue.rejections.map(\.reason) == ["log element inside log element"])
        #expect(inValue.rejections.first?.text == "\(logStart())<send><isomsg><field id=\"0\" value=\"02")
        #expect(inValue.messages.map(\.mti) == ["0800"])

        let inComment = scan("\(logStart())<!-- a\nb\n\(Self.next)\n-->")
        #expect(inComment.rejections.map(\.reason) == ["log element inside log element"])
        #expect(inComment.rejections.first?.text == "\(logStart())<!-- a\nb")
        #expect(inComment.messages.map(\.line) == [3])
        // The `-->` after the taken element is stray text between elements.
        #expect(inComment.statistics.skipped == ["#text": 1])
    }

    @Test("a malformed <log> start tag, an empty <log/>, a tag left open between elements")
    func startTags() {
        let result = scan(
            """
            <log realm=cup at="2026-11-20T08:16:00.210"><io-timeout/></log>
            <log realm="cup" at="2026-11-20T08:16:00.210"/>
            <logger class="org.jpos.util.DailyLogListener"
            \(Self.next)
            """)
        #expect(result.rejections.map(\.reason) == ["malformed log element: bad attribute in <log>"])
        #expect(result.rejections.map(\.text) == ["<log realm=cup at=\"2026-11-20T08:16:00.210\"><io-timeout/></log>"])
        #expect(result.linkEvents.isEmpty)
        #expect(result.messages.map(\.line) == [4])
        #expect(result.statistics.logElements == 3)
        #expect(result.statistics.skipped.isEmpty)
    }

    @Test("a <log> that never closes is rejected at end of file")
    func neverCloses() {
        let result = scan("<logger>\n\(logStart())\n<send>\n<isomsg>\n<field id=\"0\" value=\"0200\"/>\n")
        #expect(
            result.rejections == [
                Rejection(
                    line: 2, reason: "log element not closed at end of file",
                    text: "\(logStart())\n<send>\n<isomsg>\n<field id=\"0\" value=\"0200\"/>")
            ])
        #expect(result.emittedAt == [0])
        #expect(result.messages.isEmpty)
    }

    @Test("nesting deeper than maxDepth is malformed")
    func depth() {
        let deep = "\(logStart())<a><b><c></c></b></a></log>\n\(logStart())<a><b><c><d/></c></b></a></log>\n\(Self.next)"
        let result = scan(deep, maxDepth: 4)
        #expect(result.rejections.map(\.reason) == ["malformed log element: nesting deeper than 4"])
        #expect(result.rejections.first?.line == 2)
        #expect(result.statistics.skipped == ["a": 1])
        #expect(result.messages.map(\.line) == [3])
        #expect(scan(deep, maxDepth: 5).rejections.isEmpty)
    }

    @Test("an element of exactly maxElementBytes is taken, one byte more is rejected")
    func sizeBoundary() {
        let element = "\(logStart())<info>\(String(repeating: "x", count: 100))</info></log>"
        let size = element.utf8.count
        #expect(scan(element, maxElementBytes: size).statistics.skipped == ["info": 1])
        let over = scan(element, maxElementBytes: size - 1)
        #expect(over.rejections.map(\.reason) == ["log element larger than \(size - 1) bytes"])
        #expect(over.rejections.first?.text == element)
        #expect(over.statistics.skipped.isEmpty)
    }

    @Test("an element past maxElementBytes is rejected at once, the rest skipped until the next <log")
    func oversizeThenResync() {
        var lines = [logStart(), "<info>"]
        lines += (1...2000).map { "line \($0) of a log element that never closes, card 4111111111111111" }
        lines += ["</info>", "</log>", "stray", Self.next]
        let result = scan(lines.joined(separator: "\n"), maxElementBytes: 4096)
        let rejection = result.rejections.first
        #expect(result.rejections.count == 1)
        #expect(rejection?.reason == "log element larger than 4096 bytes")
        #expect(rejection?.line == 1)
        #expect((rejection?.text.utf8.count ?? 0) <= 4097)
        #expect(rejection?.text.contains("4111111111111111") == false)
        // A card number cut at the limit leaves no digits to read.
        #expect(rejection?.text.last.map { !$0.isNumber } == true)
        // Emitted while reading the line that crossed the limit, not at the end.
        #expect(result.emittedAt.first.map { $0 > 30 && $0 < 80 } == true)
        #expect(result.messages.map(\.line) == [2006])
        #expect(result.statistics.logElements == 2)
        #expect(result.statistics.skipped.isEmpty)
        #expect(result.statistics.maskedPANs == result.rejections[0].text.components(separatedBy: "411111******1111").count - 1)
    }

    @Test("a malformed element's text is buffered at most to maxElementBytes while waiting for the next <log")
    func malformedLongSkip() {
        var lines = [logStart(), "<a></b>"]
        lines += (1...500).map { "garbage line \($0) .........................................." }
        lines.append(Self.next)
        let result = scan(lines.joined(separator: "\n"), maxElementBytes: 2048)
        #expect(result.rejections.count == 1)
        #expect(result.rejections.first?.reason == "malformed log element: mismatched </b>")
        #expect((result.rejections.first?.text.utf8.count ?? 0) <= 2048)
        #expect(result.emittedAt.first.map { $0 < 60 } == true)
        #expect(result.messages.map(\.line) == [503])
    }

    @Test("a very long line inside an element is read in pieces")
    func longLine() {
        let long = String(repeating: "y", count: 10_000)
        let taken = scan("\(logStart())<info>\(long)</info><io-timeout/></log>\(Self.next)", maxElementBytes: 20_000)
        #expect(taken.linkEvents.count == 1)
        #expect(taken.messages.count == 1)
        let cut = scan("\(logStart())<info>\(long)</info><io-timeout/></log>x\(Self.next)", maxElementBytes: 5000)
        #expect(cut.rejections.map(\.reason) == ["log element larger than 5000 bytes"])
        #expect(cut.rejections.first.map { $0.text.utf8.count <= 5001 } == true)
        #expect(cut.messages.map(\.mti) == ["0800"])
        #expect(cut.linkEvents.isEmpty)
    }

    @Test("a scanner is a value: a copy reads on independently")
    func copies() {
        var first = AcquirerLogScanner(defaultOffsetMinutes: 0)
        var found: [AcquirerLogEntry] = []
        func feed(_ scanner: inout AcquirerLogScanner, _ text: String, _ number: Int) {
            var text = text
            text.withUTF8 { scanner.consume(line: UnsafeRawBufferPointer($0), number: number) { found.append($0) } }
        }
        feed(&first, logStart(), 1)
        feed(&first, "<send><isomsg><field id=\"0\"", 2)
        var second = first
        feed(&first, " value=\"0200\"/></isomsg></send></log>", 3)
        feed(&second, " value=\"0210\"/></isomsg></send></log>", 3)
        // Times without a zone are held until the log states one or ends.
        first.finish { found.append($0) }
        second.finish { found.append($0) }
        let mtis = found.compactMap { if case .message(let m) = $0 { m.mti } else { nil } }
        #expect(mtis == ["0200", "0210"])
    }
}

@Suite("Acquirer log: throughput")
struct AcquirerLogThroughputTests {
    /// Run by hand: `POSRCA_BENCH=1 swift test -c release --filter AcquirerLogThroughputTests`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["POSRCA_BENCH"] != nil))
    func throughput() throws {
        let q2 = try fixture("q2.log")
        let example = Array(formatsSectionTwoExample.utf8) + [0x0A]
        var input: [UInt8] = []
        while input.count < 200 << 20 {
            input += q2
            for _ in 0..<40 { input += example }
        }
        let clock = ContinuousClock()
        var result = Scan()
        let elapsed = clock.measure { result = scan(input) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "acquirer log: \(input.count >> 20) MiB in \(seconds) s = \(Double(input.count) / seconds / 1e6) MB/s, \(result.statistics.logElements) elements"
        )
        #expect(result.statistics.rejected == 0)
    }
}

@Suite("Acquirer log: what is a link event")
struct AcquirerLogLinkClassificationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let realm: String
        let body: String
        let kinds: [String]
        let skipped: [String: Int]
        var testDescription: String { name }
    }

    /// The bodies are the forms jPOS's source writes (BaseChannel.connect/receive/disconnect,
    /// ISOServer.Session.run); the realms are of the shapes seen in real logs.
    @Test(
        "by element, container and realm",
        arguments: [
            Case(
                name: "BaseChannel.disconnect", realm: "cup-channel", body: "<disconnect>10.1.2.3:5000</disconnect>",
                kinds: ["disconnect"], skipped: [:]),
            Case(
                name: "BaseChannel.connect refused", realm: "cup-channel", body: "<connection-refused>10.1.2.3:5000</connection-refused>",
                kinds: ["connection-refused"], skipped: [:]),
            Case(
                name: "IOException in receive, channel realm", realm: "channel/10.1.2.3:5000",
                body: "<receive><exception name=\"Stream closed\">java.io.IOException: Stream closed</exception></receive>",
                kinds: ["exception"], skipped: [:]),
            Case(
                name: "socket failure in receive, realm named freely", realm: "visa",
                body: "<receive><exception name=\"Connection reset\">java.net.SocketException: Connection reset</exception></receive>",
                kinds: ["exception"], skipped: [:]),
            Case(
                name: "exception directly in <log>, mux realm", realm: "jcard-mux",
                body: "<exception name=\"x\">org.jpos.iso.ISOException: unhandled</exception>", kinds: ["exception"], skipped: [:]),
            Case(
                name: "application exception in a send, application realm", realm: "client-simulator",
                body: "<send><exception name=\"null\">java.lang.NullPointerException</exception></send>",
                kinds: [], skipped: ["send": 1]),
            Case(
                name: "NullPointerException of a participant", realm: "txnmgr-main",
                body: "<warn>PREPARE: 1<exception name=\"null\">java.lang.NullPointerException</exception></warn>",
                kinds: [], skipped: ["warn": 1]),
            Case(
                name: "socket words inside <warn> stay application content", realm: "org.jpos.q2.iso.ChannelAdaptor",
                body: "<warn>channel-receiver-x<exception name=\"Connection reset\">java.net.SocketException</exception></warn>",
                kinds: [], skipped: ["warn": 1]),
            Case(
                name: "link elements inside <info> are not link events", realm: "channel/10.1.2.3:5000",
                body: "<info><peer-disconnect/><io-timeout/></info>", kinds: [], skipped: ["info": 1]),
            Case(
                name: "session-warning of ISOServer", realm: "server.session/10.1.2.3:5000",
                body: "<session-warning><exception name=\"Broken pipe\">java.net.SocketException: Broken pipe</exception></session-warning>",
                kinds: ["exception"], skipped: [:]),
        ])
    func classification(_ c: Case) {
        let result = scan("<log realm=\"\(c.realm)\" at=\"2026-11-20T08:16:00.210\" trace-id=\"4f2a\">\(c.body)</log>")
        #expect(result.rejections == [])
        #expect(result.linkEvents.map(\.kind) == c.kinds)
        #expect(result.statistics.linkEvents == c.kinds.count)
        #expect(result.statistics.skipped == c.skipped)
    }

    @Test("a session error is another link event when the channel logged none, or another detail, or long after")
    func sessionErrorsKeptWhenNotEchoes() {
        let channel =
            "<log realm=\"channel/10.1.2.3:5000\" at=\"2026-11-20T08:16:00.210\"><receive><iso-exception>Invalid message length</iso-exception></receive></log>"
        func session(_ at: String, _ text: String, peer: String = "10.1.2.3:5000") -> String {
            "<log realm=\"srv.server.session/\(peer)\" at=\"\(at)\"><session-error><iso-exception>\(text)</iso-exception></session-error></log>"
        }
        #expect(scan(channel + session("2026-11-20T08:16:00.230", "Invalid message length")).linkEvents.count == 1)
        #expect(scan(session("2026-11-20T08:16:00.230", "Invalid message length")).linkEvents.count == 1)
        #expect(scan(channel + session("2026-11-20T08:16:00.230", "unconnected ISOChannel")).linkEvents.count == 2)
        #expect(scan(channel + session("2026-11-20T08:16:05.000", "Invalid message length")).linkEvents.count == 2)
        #expect(scan(channel + session("2026-11-20T08:16:00.230", "Invalid message length", peer: "10.1.2.4:5000")).linkEvents.count == 2)
    }

    @Test("a hex dump in a link event's own text is masked before its whitespace collapses")
    func dumpInLinkDetail() throws {
        let data = Array("0200xxxx164111111111111111000000".utf8)
        let text =
            "<log realm=\"channel/10.1.2.3:5000\" at=\"2026-11-20T08:16:00.210\">\n  <receive>\n    <iso-exception>\n      bad\n    --- data ---\n"
            + jposHexdump(data, indent: "    ") + "    </iso-exception>\n  </receive>\n</log>"
        let result = scan(text)
        let detail = try #require(result.linkEvents.first?.detail)
        #expect(!detail.contains("4111111111111111"))
        #expect(!detail.contains("31 31 31 31 31 31 31 31  31 31"))
        #expect(detail.hasPrefix("bad --- data --- 0000 30 32 30 30"))
    }
}
