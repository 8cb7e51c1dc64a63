import POSFormats
import Testing

// jPOS 3 logs, in the form its default q2.log takes. No jPOS 3 log was found in public
// repositories, so these records are written from jPOS's source (github.com/jpos/jPOS, tags
// v3_0_0 and v3_0_1, and master at 3ff2951 for 3.0.2-SNAPSHOT); each builder names the code it
// follows. Only the shape is taken from the source: hosts, ports, times and ids are made up.
//
// What jPOS 3 writes to log/q2.log: `jpos/src/dist/deploy/00_logger.xml` gives its
// `DailyLogListener` no `<writer>`, so `SimpleLogListener.log` calls `LogEvent.dump`, the XML of
// jPOS 1 and 2 (`XmlLogWriter`'s structured `<log ts kind>` goes to standard output, and only
// with `-Dlog.xml=true`). New in 3.x: a `trace-id` attribute after `lifespan`, and audit records
// (`org.jpos.log.evt`) printed as text where jPOS 2 wrote elements.

/// `LogEvent.dumpHeader` (3.x): realm, `LocalDateTime` at, lifespan when over 0 ms, trace-id.
private func header(_ realm: String, at: String, lifespan: Int? = nil, traceId: String? = nil) -> String {
    "<log realm=\"\(realm)\" at=\"\(at)\"" + (lifespan.map { " lifespan=\"\($0)ms\"" } ?? "")
        + (traceId.map { " trace-id=\"\($0)\"" } ?? "") + ">"
}

/// `LogEvent.dump` of an event whose payload is one object printed by `ObjectTxtLogRenderer`
/// (3.0.1+: each line of `toString()` after the indentation; 3.0.0 printed `toString()` the same).
private func event(_ realm: String, at: String, lifespan: Int? = nil, traceId: String? = nil, tag: String, line: String) -> String {
    [header(realm, at: at, lifespan: lifespan, traceId: traceId), "  <\(tag)>", "    \(line)", "  </\(tag)>", "</log>"].joined(separator: "\n")
}

/// `SystemMonitor.generateSystemInfo` (3.0.1): realm `sysmon` (`deploy/99_sysmon.xml`), trace-id
/// the Q2 instance id, the `SysInfo` record printed by `SysInfoTxtLogRenderer` (keys padded to
/// the longest, `name-registrar`; lists as `  • ` lines), shortened.
private func systemMonitor301(at: String, zone: String) -> String {
    [
        header("sysmon", at: at, lifespan: 3, traceId: "6f1c0e2a9b7d4c35a8e2f0b1c2d3e4f5"),
        "  <info>",
        "    os-name        : Linux",
        "    java-version   : 21.0.6",
        "    encoding       : UTF-8",
        "    zone-info      : \(zone)",
        "    process-name   : 4242@acq-01",
        "    version        : jPOS 3.0.1 master/8c2d5a1 (2026-02-15 12:00:00 UTC)",
        "    uptime         : PT2.184S",
        "    load-average   : 0.41",
        "    name-registrar :",
        "      • KV[key=logger.Q2, value=org.jpos.util.Logger@1b2c3d4e]",
        "      • KV[key=channel.cup-channel, value=org.jpos.iso.channel.NACChannel@5e6f7a8b]",
        "  </info>",
        "</log>",
    ].joined(separator: "\n")
}

/// `BaseChannel.receive` (3.x) on an `IOException`: a `Disconnect` record (no `toString`, so
/// Java's record form) with `Caller.shortClassName` of the exception and `Caller.info()`.
private func disconnect(_ realm: String, at: String, host: String, port: Int, localPort: Int, exception: String, message: String) -> String {
    event(
        realm, at: at, lifespan: 30012, traceId: "0b6f3c1e5d2a4c7e9f1a2b3c4d5e6f70", tag: "receive",
        line:
            "Disconnect[host=\(host), remotePort=\(port), localPort=\(localPort), exception=\(exception) (o.j.i.BaseChannel.receive:871), message=\(message)]"
    )
}

/// `BaseChannel.send`/`receive` with an `ISOMsg` (`ISOMsg.dump`, unchanged since 2.x).
private func message(_ realm: String, at: String, direction: String, stan: String, pan: String = "6228480402564890018") -> String {
    [
        header(realm, at: at, lifespan: 2, traceId: "0b6f3c1e5d2a4c7e9f1a2b3c4d5e6f70"),
        "  <\(direction == "outgoing" ? "send" : "receive")>",
        "    <isomsg direction=\"\(direction)\">",
        "      <!-- org.jpos.iso.packager.GenericPackager[cfg/packager/cup.xml] -->",
        "      <field id=\"0\" value=\"0200\"/>",
        "      <field id=\"2\" value=\"\(pan)\"/>",
        "      <field id=\"3\" value=\"000000\"/>",
        "      <field id=\"4\" value=\"000000012500\"/>",
        "      <field id=\"11\" value=\"\(stan)\"/>",
        "      <field id=\"41\" value=\"29110001\"/>",
        "    </isomsg>",
        "  </\(direction == "outgoing" ? "send" : "receive")>",
        "</log>",
    ].joined(separator: "\n")
}

@Suite("jPOS 3 logs: the default q2.log, from jPOS's source")
struct AcquirerLogJPOS3Tests {
    static let channel = "cup-channel/10.1.2.3:5000"

    @Test("a jPOS 3.0.1 q2.log: trace-id headers, SystemMonitor's zone-info, messages and a Disconnect record")
    func wholeFile() throws {
        let text = [
            // `DailyLogListener.openLogFile` without a writer.
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<logger class=\"org.jpos.util.DailyLogListener\">",
            systemMonitor301(at: "2026-03-02T10:15:00.000127", zone: "Africa/Nairobi (East Africa Time) +03:00 []"),
            message(Self.channel, at: "2026-03-02T10:15:30.123456", direction: "outgoing", stan: "000117"),
            // `BaseChannel.setUsable` (3.x): an application element, skipped.
            "<log realm=\"\(Self.channel)\" at=\"2026-03-02T10:16:02.004\">\n  <usable>\n    false\n  </usable>\n</log>",
            disconnect(
                Self.channel, at: "2026-03-02T10:16:02.004511", host: "10.1.2.3", port: 5000, localPort: 51514,
                exception: "j.i.EOFException", message: "null"),
            "</logger>",
        ].joined(separator: "\n")
        let result = scan(text, offset: 480)
        #expect(result.rejections == [])
        #expect(result.statistics.jvmTimeZone == "Africa/Nairobi")
        #expect(result.statistics.zoneWarning == nil)
        let sent = try #require(result.messages.first)
        #expect(sent.time == LoggedTime(utcMilliseconds: 1_772_435_730_123, offsetMinutes: 180))
        #expect(sent.lifespanMs == 2)
        #expect(sent.stan == "000117")
        #expect(sent.maskedPAN == "622848*********0018")
        #expect(
            result.linkEvents == [
                AcquirerLinkEvent(
                    line: 36, realm: Self.channel, time: LoggedTime(utcMilliseconds: 1_772_435_762_004, offsetMinutes: 180),
                    kind: "peer-disconnect",
                    detail:
                        "Disconnect[host=10.1.2.3, remotePort=5000, localPort=51514, exception=j.i.EOFException (o.j.i.BaseChannel.receive:871), message=null]"
                )
            ])
        #expect(result.statistics.skipped == ["info": 1, "usable": 1])
        #expect(!result.allText.contains("6228480402564890018"))
    }

    struct DisconnectCase: Sendable, CustomTestStringConvertible {
        let exception: String
        let message: String
        let kind: String
        var testDescription: String { exception }
    }

    /// The exception classes `BaseChannel.receive` meets, named as jPOS 2 named the same failure
    /// (`<peer-disconnect/>` for EOF, `<peer-disconnect>reason</peer-disconnect>` for a socket
    /// error, `<io-timeout/>` for a timeout, `<exception>` for any other `IOException`).
    @Test(
        "Disconnect records are link events named as in jPOS 2",
        arguments: [
            DisconnectCase(exception: "j.i.EOFException", message: "null", kind: "peer-disconnect"),
            DisconnectCase(exception: "j.n.SocketException", message: "Connection reset", kind: "peer-disconnect"),
            DisconnectCase(exception: "j.n.SocketTimeoutException", message: "Read timed out", kind: "io-timeout"),
            DisconnectCase(exception: "j.i.InterruptedIOException", message: "null", kind: "io-timeout"),
            DisconnectCase(exception: "j.i.IOException", message: "unconnected ISOChannel", kind: "exception"),
            DisconnectCase(exception: "j.n.s.SSLException", message: "Tag mismatch", kind: "exception"),
        ])
    func disconnectKinds(_ c: DisconnectCase) throws {
        let result = scan(
            disconnect(
                Self.channel, at: "2026-03-02T10:16:02.004511", host: "10.1.2.3", port: 5000, localPort: 51514,
                exception: c.exception, message: c.message))
        #expect(result.rejections == [])
        let event = try #require(result.linkEvents.first)
        #expect(result.linkEvents.count == 1)
        #expect(event.kind == c.kind)
        #expect(event.realm == Self.channel)
        #expect(event.detail?.hasPrefix("Disconnect[host=10.1.2.3, remotePort=5000") == true)
        #expect(result.statistics.skipped == [:])
    }

    @Test("ISOServer's session-warning repeating the channel's Disconnect is taken once")
    func sessionWarningOnce() {
        let server = "xml-server-8000"
        let text = [
            disconnect(
                "\(server)/10.9.8.7:51514", at: "2026-03-02T10:16:02.004511", host: "10.9.8.7", port: 51514, localPort: 8000,
                exception: "j.n.SocketException", message: "Connection reset"),
            // `ISOServer.Session.run` (3.x): `new LogEvent(this, "session-warning", e)` for a
            // `SocketException`, the throwable printed by `LogEvent.dump`.
            header("\(server).server.session/10.9.8.7:51514", at: "2026-03-02T10:16:02.006102"),
            "  <session-warning>",
            "    <exception name=\"Connection reset\">",
            "    java.net.SocketException: Connection reset",
            "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:318)",
            "\tat org.jpos.iso.BaseChannel.receive(BaseChannel.java:833)",
            "    </exception>",
            "  </session-warning>",
            "</log>",
            // `ISOServer.Session.run`: `new LogEvent().withSource(this)…add(new SessionEnd(…))`,
            // tag `info`, a record without `toString`.
            event(
                "\(server).server.session/10.9.8.7:51514", at: "2026-03-02T10:16:02.007", traceId: "9c1d2e3f405162738495a6b7c8d9e0f1",
                tag: "info", line: "SessionEnd[connections=0, permits=100, info=Socket[addr=/10.9.8.7,port=51514,localport=8000]]"),
        ].joined(separator: "\n")
        let result = scan(text)
        #expect(result.rejections == [])
        #expect(result.linkEvents.map(\.kind) == ["peer-disconnect", "session-end"])
        #expect(result.linkEvents.last?.detail == "SessionEnd[connections=0, permits=100, info=Socket[addr=/10.9.8.7,port=51514,localport=8000]]")
        #expect(result.statistics.skipped == ["session-warning": 1])
        #expect(result.statistics.linkEvents == 2)
    }

    @Test("connect records (BaseChannel.newSocket): success and refusal are connect events")
    func connectRecords() {
        // `Connect` has its own `toString` (3.0.0 on): `Connect{host='…', remotePort=…, localPort=…}`,
        // with `error='host:port ShortClass (caller)'` when the connection failed.
        let text = [
            event(
                Self.channel, at: "2026-03-02T10:14:59.901", lifespan: 12, traceId: "0b6f3c1e5d2a4c7e9f1a2b3c4d5e6f70", tag: "connect",
                line: "Connect{host='10.1.2.3', remotePort=5000, localPort=51514}"),
            event(
                "cup-channel", at: "2026-03-02T10:20:01.5", lifespan: 1003, traceId: "77aa88bb99cc00dd11ee22ff33aa44bb", tag: "connect",
                line:
                    "Connect{host='10.1.2.3', remotePort=5000, localPort=0, error='10.1.2.3:5000 j.n.ConnectException (o.j.i.BaseChannel.connect:447)'}"
            ),
        ].joined(separator: "\n")
        let result = scan(text)
        #expect(result.rejections == [])
        #expect(result.linkEvents.map(\.kind) == ["connect", "connect"])
        #expect(
            result.linkEvents.map(\.detail) == [
                "Connect{host='10.1.2.3', remotePort=5000, localPort=51514}",
                "Connect{host='10.1.2.3', remotePort=5000, localPort=0, error='10.1.2.3:5000 j.n.ConnectException (o.j.i.BaseChannel.connect:447)'}",
            ])
    }

    @Test("SystemMonitor of jPOS 3.0.0: the SysInfo record on one line states the zone")
    func systemMonitor300() throws {
        // 3.0.0's `LogEvent.dump` printed `o.toString()` for other objects, and `SysInfo` had no
        // text renderer yet: Java's record form, component names (`zoneInfo=`), shortened here.
        let sysInfo =
            "SysInfo[osName=Linux, osVersion=6.8.0-45-generic, javaVersion=21.0.5, javaVendor=Eclipse Adoptium, aes=secure, "
            + "host=acq-01, userName=jpos, cwd=/opt/jpos, watchService=sun.nio.fs.LinuxWatchService, environment=default, "
            + "args=-Xmx1G,-Duser.timezone=America/Sao_Paulo, encoding=UTF-8, "
            + "zoneInfo=America/Sao_Paulo (Brasilia Standard Time) -03:00 [], processName=4242@acq-01, freeSpace=20 GB, "
            + "usableSpace=18 GB, version=jPOS 3.0.0 master/4e1a9f2, instance=6f1c0e2a-9b7d-4c35-a8e2-f0b1c2d3e4f5, uptime=PT1.2S, "
            + "loadAverage=0.41, processors=4, drift=0, nameRegistrarEntries=[KV[key=logger.Q2, value=org.jpos.util.Logger@1b2c3d4e]], "
            + "threads=[], scripts=[]]"
        let text = [
            event("sysmon", at: "2026-01-10T08:59:58.250", lifespan: 5, traceId: "6f1c0e2a9b7d4c35a8e2f0b1c2d3e4f5", tag: "info", line: sysInfo),
            message(Self.channel, at: "2026-01-10T09:00:00.5", direction: "incoming", stan: "000118"),
        ].joined(separator: "\n")
        let result = scan(text, offset: 480)
        #expect(result.rejections == [])
        #expect(result.statistics.jvmTimeZone == "America/Sao_Paulo")
        #expect(result.statistics.jvmTimeZoneStatedOffsetMinutes == -180)
        #expect(result.messages.first?.time == LoggedTime(utcMilliseconds: 1_768_046_400_500, offsetMinutes: -180))
        #expect(result.statistics.skipped == ["info": 1])
    }

    @Test("records are recognised at the start of a line only, and only where jPOS puts them")
    func recordsInPlace() {
        let text = [
            // In a ChannelAdaptor `<warn>`: application content.
            event(
                "org.jpos.q2.iso.ChannelAdaptor", at: "2026-03-02T10:16:02.1", tag: "warn",
                line:
                    "Disconnect[host=10.1.2.3, remotePort=5000, localPort=51514, exception=j.i.EOFException (o.j.i.BaseChannel.receive:871), message=null]"
            ),
            // Mentioned inside a line of text: not a record.
            event(Self.channel, at: "2026-03-02T10:16:02.2", tag: "receive", line: "see Disconnect[host=10.1.2.3]"),
            // A session record in a `<receive>` or a Disconnect in an `<info>`: not where jPOS writes them.
            event(Self.channel, at: "2026-03-02T10:16:02.3", tag: "receive", line: "SessionEnd[connections=0, permits=100, info=x]"),
            event(
                Self.channel, at: "2026-03-02T10:16:02.4", tag: "info",
                line: "Disconnect[host=10.1.2.3, remotePort=5000, localPort=51514, exception=j.i.EOFException (x), message=null]"),
        ].joined(separator: "\n")
        let result = scan(text)
        #expect(result.rejections == [])
        #expect(result.linkEvents == [])
        #expect(result.statistics.skipped == ["warn": 1, "receive": 2, "info": 1])
    }

    @Test("a card number in a Disconnect message is masked")
    func maskedDetail() throws {
        let result = scan(
            disconnect(
                Self.channel, at: "2026-03-02T10:16:02.004511", host: "10.1.2.3", port: 5000, localPort: 51514,
                exception: "j.i.IOException", message: "bad track 4111111111111111"))
        let event = try #require(result.linkEvents.first)
        #expect(event.detail?.hasSuffix("message=bad track 411111******1111]") == true)
        #expect(result.statistics.maskedPANs == 1)
        #expect(!result.allText.contains("4111111111111111"))
    }

    @Test("jPOS 3's structured XML (XmlLogWriter, not the default) is rejected with a reason saying so")
    func structuredXML() throws {
        // `LogEventXmlLogRenderer`: Jackson's XmlMapper on `LogEvt` (`@JacksonXmlRootElement(localName
        // = "log")`, attributes `ts` (an `Instant`), `kind`, `lifespan`; `tags` holding `realm` and
        // `trace-id`; the payload after it). Reconstructed from the annotations, not from output.
        let text = [
            "<log ts=\"2026-03-02T07:16:02.004511Z\" kind=\"receive\" lifespan=\"30012\">",
            "  <tags>",
            "    <realm>cup-channel/10.1.2.3:5000</realm>",
            "    <trace-id>0b6f3c1e5d2a4c7e9f1a2b3c4d5e6f70</trace-id>",
            "  </tags>",
            "  <payload t=\"msg\">",
            "    <m>&lt;isomsg direction=\"incoming\"&gt;…&lt;/isomsg&gt;</m>",
            "  </payload>",
            "</log>",
        ].joined(separator: "\n")
        let result = scan(text)
        let rejection = try #require(result.rejections.first)
        #expect(rejection.reason == "jPOS 3 structured XML (XmlLogWriter) is not read: log it with the default writer")
        #expect(rejection.line == 1)
        #expect(result.messages.isEmpty)
    }
}
