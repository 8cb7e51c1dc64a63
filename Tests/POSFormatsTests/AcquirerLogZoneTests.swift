import POSFormats
import Testing

/// A SystemMonitor block as jPOS 2.1 writes it (danilomauricio/authorizationSwitch q2.log,
/// lines 10–60, shortened), stating `zoneLine`.
private func systemMonitor(at: String, zoneLine: String = "         timezone: America/Sao_Paulo (Horário de Brasília) -03:00") -> String {
    """
    <log realm="org.jpos.q2.qbean.SystemMonitor" at="\(at)">
      <info>
                   OS: Mac OS X (10.16)
                 Java: 1.8.0_292 (Azul Systems, Inc.)
          environment: default
             encoding: UTF-8
    \(zoneLine)
           rule: TransitionRule[Gap -03:00 to -02:00, SUNDAY on or after NOVEMBER 1 at 00:00 WALL, standard offset -03:00]
            clock: 1657755660 2022-07-13T23:41:00.632Z
        thread count: 25
      </info>
    </log>
    """
}

private func message(at: String, stan: String) -> String {
    "<log realm=\"adq-channel-05/127.0.0.1:49468\" at=\"\(at)\" lifespan=\"7ms\">\n  <receive>\n    <isomsg direction=\"incoming\">\n      <field id=\"0\" value=\"0100\"/>\n      <field id=\"11\" value=\"\(stan)\"/>\n    </isomsg>\n  </receive>\n</log>"
}

@Suite("Acquirer log: the JVM zone from SystemMonitor")
struct AcquirerLogZoneTests {
    @Test("times before and after the SystemMonitor block are read in the zone it states")
    func zoneAppliesBackAndForth() {
        let text = [
            "<logger class=\"org.jpos.q2.qbean.LoggerAdaptor\">",
            message(at: "2022-07-13T20:40:59.001", stan: "1"),
            "<log realm=\"Q2.system\" at=\"2022-07-13T20:41:00\">\n  <info>deploy</info>\n</log>",
            "<log realm=\"x\" at=\"2022-07-13T20:41:00.5\">\n  <no-such-thing\n</log>",
            systemMonitor(at: "2022-07-13T20:41:00.632"),
            message(at: "2022-07-13T20:41:19.152", stan: "383709"),
            "</logger>",
        ].joined(separator: "\n")
        let result = scan(text, offset: 480)
        // 2022-07-13T20:41:19.152-03:00 is 23:41:19.152Z.
        #expect(
            result.messages.map(\.time) == [
                LoggedTime(utcMilliseconds: 1_657_755_659_001, offsetMinutes: -180),
                LoggedTime(utcMilliseconds: 1_657_755_679_152, offsetMinutes: -180),
            ])
        #expect(result.statistics.jvmTimeZone == "America/Sao_Paulo")
        #expect(result.statistics.jvmTimeZoneLine == 16)
        #expect(result.statistics.assumedZoneTimes == 0)
        #expect(result.statistics.zoneWarning == nil)
        // Held entries keep their document order, rejections included.
        #expect(result.entries.count == 3)
        if case .rejected(let rejection) = result.entries[1] {
            #expect(rejection.line == 13)
        } else {
            Issue.record("second entry is \(result.entries[1])")
        }
    }

    @Test("no zone stated: times without one take --acquirer-tz and the file is warned")
    func noZoneStated() {
        let text = message(at: "2022-07-15T10:50", stan: "1") + "\n" + message(at: "2022-07-15T10:50:01.5", stan: "2")
        let result = scan(text, offset: 480)
        #expect(result.messages.map(\.time.offsetMinutes) == [480, 480])
        #expect(result.messages.first?.time.utcMilliseconds == 1_657_853_400_000)
        #expect(result.statistics.assumedZoneTimes == 2)
        #expect(
            result.statistics.zoneWarning
                == "2 times without a zone read at UTC+08:00 (--acquirer-tz): the log states no JVM time zone (SystemMonitor)")
        #expect(result.statistics.jvmTimeZone == nil)
    }

    @Test("--acquirer-tz naming a tz database zone: each time takes the offset in force then, and the warning names the zone")
    func namedDefaultZone() throws {
        let chicago = try #require(JVMTimeZone(option: "America/Chicago"))
        // July (CDT, -05:00), December (CST, -06:00), and the hour repeated on 2025-11-02, where
        // the offset in force before the change is taken. Instants computed with Python's zoneinfo.
        let text = [
            message(at: "2025-07-01T12:00", stan: "1"),
            message(at: "2025-12-01T12:00", stan: "2"),
            message(at: "2025-11-02T01:30", stan: "3"),
        ].joined(separator: "\n")
        let result = scan(text, defaultZone: chicago)
        #expect(
            result.messages.map(\.time) == [
                LoggedTime(utcMilliseconds: 1_751_389_200_000, offsetMinutes: -300),
                LoggedTime(utcMilliseconds: 1_764_612_000_000, offsetMinutes: -360),
                LoggedTime(utcMilliseconds: 1_762_065_000_000, offsetMinutes: -300),
            ])
        #expect(result.statistics.assumedZoneTimes == 3)
        #expect(
            result.statistics.zoneWarning
                == "3 times without a zone read in America/Chicago (--acquirer-tz): the log states no JVM time zone (SystemMonitor)")
    }

    @Test("an offset or an unambiguous abbreviation needs no zone and no warning")
    func ownOffsets() {
        let text = message(at: "Thu Oct 08 17:14:12.659 EAT 2020", stan: "1") + "\n" + message(at: "2022-07-15T10:50Z", stan: "2")
        let result = scan(text, offset: 480)
        #expect(result.messages.map(\.time.offsetMinutes) == [180, 0])
        #expect(result.statistics.assumedZoneTimes == 0)
        #expect(result.statistics.zoneWarning == nil)
    }

    @Test("an ambiguous abbreviation takes the stated zone, daylight saving time included")
    func ambiguousAbbreviationTakesTheZone() {
        let zoneLine = "     timezone: America/Chicago (Central Standard Time) -06:00"
        let text = [
            systemMonitor(at: "Thu Jul 10 18:46:37 CDT 2014.421", zoneLine: zoneLine),
            message(at: "Wed Dec 10 13:56:26 CST 2014.13", stan: "1"),
            message(at: "Thu Jul 10 18:46:40 CST 2014.5", stan: "2"),
        ].joined(separator: "\n")
        let result = scan(text, offset: 480)
        #expect(result.messages.map(\.time.offsetMinutes) == [-360, -300])
        #expect(result.statistics.zoneWarning == nil)
    }

    @Test("a zone the tz database lacks: its stated offset, and a warning that DST is not followed")
    func unknownZone() {
        let text =
            systemMonitor(at: "2022-07-13T20:41:00.632", zoneLine: "     timezone: Mars/Olympus_Mons (Mars Time) -03:00")
            + "\n" + message(at: "2022-07-13T20:41:19.152", stan: "1")
        let result = scan(text, offset: 480)
        #expect(result.messages.map(\.time.offsetMinutes) == [-180])
        #expect(
            result.statistics.zoneWarning
                == "JVM zone Mars/Olympus_Mons is not in this system's tz database: read at UTC-03:00, daylight saving time not followed")
    }

    @Test("held entries are bounded: past the limit they and the rest go out at --acquirer-tz until the zone is stated")
    func holdLimit() {
        var text = ""
        let count = AcquirerLogScanner.holdLimit + 10
        for _ in 0..<count { text += "<log realm=\"c\" at=\"2022-07-13T20:00:00\"><io-timeout/></log>\n" }
        text += systemMonitor(at: "2022-07-13T21:00:00") + "\n<log realm=\"c\" at=\"2022-07-13T22:00:00\"><io-timeout/></log>\n"
        let result = scan(text, offset: 480)
        let offsets = result.linkEvents.map(\.time.offsetMinutes)
        #expect(offsets.count == count + 1)
        #expect(offsets.prefix(count).allSatisfy { $0 == 480 })
        #expect(offsets.last == -180)
        #expect(result.statistics.assumedZoneTimes == count)
        #expect(
            result.statistics.zoneWarning
                == "\(count) times without a zone read at UTC+08:00 (--acquirer-tz): the JVM zone America/Sao_Paulo is stated only at line \(count + 1)"
        )
    }
}
