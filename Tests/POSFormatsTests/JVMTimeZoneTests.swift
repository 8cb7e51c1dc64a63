import POSFormats
import Testing

// Expected instants were computed with Python's zoneinfo (tz database 2024+), not with the code
// under test. Local times are milliseconds since 1970-01-01T00:00 read as if UTC.

/// Milliseconds of a local date and clock read as if UTC.
private func local(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Int64 {
    (Int64(Timestamps.daysFromCivil(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1000
}

@Suite("JVM time zone: what SystemMonitor states")
struct JVMTimeZoneStatementTests {
    struct Statement: CustomTestStringConvertible, Sendable {
        let text: String
        let identifier: String
        let offset: Int?
        let source: String
        var testDescription: String { source }
    }

    /// Lines as SystemMonitor printed them, verbatim (the projects of docs/notes-real-logs.md), and
    /// the forms jPOS's source prints (`SystemMonitor.java` 2015-09-23, `SysInfoTxtLogRenderer`,
    /// the XML renderer of `SysInfo`).
    @Test(
        "SystemMonitor zone lines",
        arguments: [
            Statement(
                text: "         timezone: America/Sao_Paulo (Horário de Brasília) -03:00", identifier: "America/Sao_Paulo", offset: -180,
                source: "danilomauricio/authorizationSwitch q2.log:25 (jPOS 2.1, Portuguese display name)"),
            Statement(
                text: "         timezone: Asia/Tehran (Iran Time) +04:30", identifier: "Asia/Tehran", offset: 270,
                source: "Maulid-Abdullahi/jpos-demo q2.log:77"),
            Statement(
                text: "     timezone: Africa/Casablanca (Heure d'Europe de l'Ouest) +01:00", identifier: "Africa/Casablanca", offset: 60,
                source: "elkhaddi/jposServer q2.log:65 (French display name with apostrophes)"),
            Statement(
                text: "         timezone: America/Asuncion (hora de Paraguay) -03:00", identifier: "America/Asuncion", offset: -180,
                source: "rcandiabepsa/jpos-gateway q2.log:58"),
            Statement(
                text: "     timezone: Asia/Jakarta (West Indonesia Time) +07:00", identifier: "Asia/Jakarta", offset: 420,
                source: "didikhari/nacadev-jpos-ee q2.log:71"),
            Statement(
                text: "     timezone: America/Sao_Paulo (Brasilia Time) GMT OFFSET -3", identifier: "America/Sao_Paulo", offset: -180,
                source: "jPOS SystemMonitor.java, commit 525b8d0 (2015-09-23)"),
            Statement(
                text: "zone-info          : America/Sao_Paulo (Brasilia Standard Time) -03:00 []", identifier: "America/Sao_Paulo", offset: -180,
                source: "jPOS 3.x SysInfoTxtLogRenderer"),
            Statement(
                text: "<zone-info>Europe/Paris (Central European Standard Time) +01:00 [TransitionRule[…]]</zone-info>",
                identifier: "Europe/Paris", offset: 60, source: "jPOS 3.x SysInfo rendered as XML"),
            Statement(
                text:
                    "    SysInfo[osName=Linux, args=-Duser.timezone=Asia/Jakarta, encoding=UTF-8, zoneInfo=Asia/Jakarta (Western Indonesia Time) +07:00 [], processName=1@h]",
                identifier: "Asia/Jakarta", offset: 420,
                source: "jPOS 3.0.0 SysInfo record (Java's record toString); the -D argument is not the statement"),
            Statement(
                text:
                    "    zone-info      : Europe/Berlin (Central European Standard Time) +01:00 [TransitionRule[Gap +01:00 to +02:00, SUNDAY on or after MARCH 25 at 01:00 UTC, standard offset +01:00]] Transition[Gap at 2026-03-29T02:00+01:00 to +02:00]",
                identifier: "Europe/Berlin", offset: 60, source: "jPOS 3.0.1 SysInfoTxtLogRenderer, a zone with DST and its next transition"),
            Statement(text: "     timezone: UTC (Coordinated Universal Time) Z", identifier: "UTC", offset: 0, source: "UTC JVM"),
            Statement(text: "     timezone: GMT+08:00 (GMT+08:00) +08:00", identifier: "GMT+08:00", offset: 480, source: "custom zone"),
        ])
    func statements(_ s: Statement) throws {
        let block =
            "<log realm=\"org.jpos.q2.qbean.SystemMonitor\" at=\"2022-07-13T20:41:00.632\">\n  <info>\n           OS: Linux\n\(s.text)\n    watch service: x\n  </info>\n</log>"
        let zone = try #require(JVMTimeZone.stated(in: block))
        #expect(zone.identifier == s.identifier)
        #expect(zone.statedOffsetMinutes == s.offset)
    }

    @Test(
        "text that names no zone",
        arguments: [
            "  <info>\n    Starting SystemMonitor\n  </info>",
            "         timezone: ",
            "the timezone is wrong",
            "zone-info is",
            "",
        ])
    func noStatement(_ text: String) {
        #expect(JVMTimeZone.stated(in: text) == nil)
    }
}

@Suite("JVM time zone: offsets with daylight saving time")
struct JVMTimeZoneOffsetTests {
    @Test(
        "region zones follow the tz database",
        arguments: [
            // São Paulo: summer time until 2019, none since.
            ("America/Sao_Paulo", local(2014, 12, 18, 15, 12), -120),
            ("America/Sao_Paulo", local(2014, 7, 18, 15, 12), -180),
            ("America/Sao_Paulo", local(2022, 12, 18, 15, 12), -180),
            // Tehran: +04:30 in summer until 2022.
            ("Asia/Tehran", local(2019, 9, 2, 16, 51), 270),
            ("Asia/Tehran", local(2023, 9, 2, 16, 51), 210),
            // Berlin: CET and CEST, both sides of the 2024-03-31 change at 02:00 local.
            ("Europe/Berlin", local(2024, 3, 31, 1, 59), 60),
            ("Europe/Berlin", local(2024, 3, 31, 3, 0), 120),
            ("Europe/Berlin", local(2024, 10, 27, 4, 0), 60),
            ("America/Chicago", local(2014, 7, 10, 18, 46), -300),
            ("America/Chicago", local(2014, 12, 10, 18, 46), -360),
            ("Asia/Kolkata", local(2020, 10, 8, 17, 14), 330),
            ("Australia/Sydney", local(2021, 1, 5, 10, 0), 660),
            ("Africa/Nairobi", local(2020, 10, 8, 17, 14), 180),
        ])
    func regions(identifier: String, localTime: Int64, minutes: Int) throws {
        var zone = try #require(JVMTimeZone(identifier: identifier, statedOffsetMinutes: nil))
        #expect(zone.followsDaylightSaving)
        #expect(zone.offsetMinutes(forLocalMilliseconds: localTime) == minutes)
    }

    @Test("a run of times across a change reads each at its offset (the cache follows)")
    func acrossAChange() throws {
        var zone = try #require(JVMTimeZone(identifier: "Europe/Berlin", statedOffsetMinutes: 60))
        var offsets: [Int] = []
        for hour in [0, 1, 3, 4, 12] { offsets.append(zone.offsetMinutes(forLocalMilliseconds: local(2024, 3, 31, hour, 30))) }
        #expect(offsets == [60, 60, 120, 120, 120])
        // Back in time: the cache does not answer for an earlier instant.
        #expect(zone.offsetMinutes(forLocalMilliseconds: local(2024, 1, 1, 12, 0)) == 60)
    }

    @Test("fixed identifiers", arguments: [("UTC", 0), ("GMT", 0), ("Etc/UTC", 0), ("GMT+08:00", 480), ("+05:30", 330), ("UTC-03:00", -180)])
    func fixed(identifier: String, minutes: Int) throws {
        var zone = try #require(JVMTimeZone(identifier: identifier, statedOffsetMinutes: nil))
        #expect(zone.isFixedOffset)
        #expect(zone.offsetMinutes(forLocalMilliseconds: local(2024, 7, 1, 12, 0)) == minutes)
    }

    @Test("an identifier the tz database lacks: the stated offset stands in, without DST")
    func unknownIdentifier() throws {
        var zone = try #require(JVMTimeZone(identifier: "Mars/Olympus_Mons", statedOffsetMinutes: -180))
        #expect(!zone.followsDaylightSaving)
        #expect(!zone.isFixedOffset)
        #expect(zone.offsetMinutes(forLocalMilliseconds: local(2024, 1, 1, 0, 0)) == -180)
        #expect(JVMTimeZone(identifier: "Mars/Olympus_Mons", statedOffsetMinutes: nil) == nil)
    }
}

@Suite("Zone options: --acquirer-tz and --terminal-tz")
struct ZoneOptionTests {
    @Test(
        "offsets are fixed zones",
        arguments: [("+08:00", 480), ("-0300", -180), ("+8", 480), ("Z", 0), ("UTC", 0), ("GMT+05:30", 330), ("+05:45", 345)])
    func offsets(text: String, minutes: Int) throws {
        var zone = try #require(JVMTimeZone(option: text))
        #expect(zone.isFixedOffset)
        #expect(!zone.followsDaylightSaving)
        #expect(zone.offsetMinutes(forLocalMilliseconds: local(2025, 7, 1, 12, 0)) == minutes)
    }

    @Test(
        "tz database zones follow daylight saving time",
        arguments: [
            ("America/Sao_Paulo", local(2014, 12, 18, 15, 12), -120),
            ("America/Sao_Paulo", local(2025, 12, 18, 15, 12), -180),
            ("Asia/Shanghai", local(2025, 7, 1, 12, 0), 480),
            ("Africa/Nairobi", local(2025, 7, 1, 12, 0), 180),
            ("America/Chicago", local(2025, 7, 1, 12, 0), -300),
            ("America/Chicago", local(2025, 12, 1, 12, 0), -360),
            ("Etc/GMT-8", local(2025, 7, 1, 12, 0), 480),
        ])
    func regions(text: String, localTime: Int64, minutes: Int) throws {
        var zone = try #require(JVMTimeZone(option: text))
        #expect(zone.identifier == text)
        #expect(zone.followsDaylightSaving)
        #expect(zone.displayName == text)
        #expect(zone.offsetMinutes(forLocalMilliseconds: localTime) == minutes)
    }

    @Test(
        "anything else is refused",
        arguments: [
            "", "CST", "PRC", "EST5EDT", "+25:00", "8", "Asia/Nowhere", "asia", "Asia//Shanghai", "/etc/passwd",
            "../../etc/passwd", "Asia/../Shanghai", "America/Sao Paulo", "Asia/Shanghai\n", "+08:00x",
        ])
    func refused(text: String) {
        #expect(JVMTimeZone(option: text) == nil)
    }

    @Test("a fixed offset names itself as UTC±hh:mm")
    func displayName() {
        #expect(JVMTimeZone(offsetMinutes: -330).displayName == "UTC-05:30")
        #expect(JVMTimeZone(offsetMinutes: 480).identifier == "+08:00")
        #expect(JVMTimeZone(option: "GMT+8")?.displayName == "UTC+08:00")
    }
}
