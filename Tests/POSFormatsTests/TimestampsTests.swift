import POSFormats
import Testing

// Expected epoch milliseconds were computed with Python's datetime (UTC delta from 1970-01-01),
// not with the code under test.

@Suite("Timestamps: RFC 3339, Java dates, offsets")
struct TimestampsTests {
    struct RFC3339Case: CustomTestStringConvertible, Sendable {
        let text: String
        let utc: Int64?
        let offset: Int16
        var testDescription: String { text }

        init(_ text: String, _ utc: Int64?, offset: Int16 = 0) {
            self.text = text
            self.utc = utc
            self.offset = offset
        }
    }

    /// Default offset for text without one: +08:00, the terminals' default.
    static let china = 480

    @Test(arguments: [
        RFC3339Case("2026-11-20T08:15:02.123+08:00", 1_795_133_702_123, offset: 480),
        RFC3339Case("2026-11-20T00:15:02.123Z", 1_795_133_702_123, offset: 0),
        RFC3339Case("2026-11-20T00:15:02.123z", 1_795_133_702_123, offset: 0),
        RFC3339Case("2026-11-20T08:15:02.123-03:30", 1_795_175_102_123, offset: -210),
        RFC3339Case("2026-11-20T08:15:02.123+0800", 1_795_133_702_123, offset: 480),
        RFC3339Case("2026-11-20T08:15:02.123-0300", 1_795_173_302_123, offset: -180),
        RFC3339Case("2026-11-20T08:15:02.123+05:45", 1_795_141_802_123, offset: 345),
        // No offset: the default applies.
        RFC3339Case("2026-11-20T08:15:02.123", 1_795_133_702_123, offset: 480),
        RFC3339Case("2026-11-20T08:15:02", 1_795_133_702_000, offset: 480),
        RFC3339Case("2026-11-20T08:15:02+08:00", 1_795_133_702_000, offset: 480),
        // 1 to 9 fraction digits; past milliseconds they are dropped, not rounded.
        RFC3339Case("2026-11-20T08:15:02.1+08:00", 1_795_133_702_100, offset: 480),
        RFC3339Case("2026-11-20T08:15:02.12+08:00", 1_795_133_702_120, offset: 480),
        RFC3339Case("2026-11-20T08:15:02.123456+08:00", 1_795_133_702_123, offset: 480),
        RFC3339Case("2026-11-20T08:15:02.123999999+08:00", 1_795_133_702_123, offset: 480),
        RFC3339Case("2026-11-20T08:15:02,123+08:00", 1_795_133_702_123, offset: 480),
        RFC3339Case("2026-11-20 08:15:02.123+08:00", 1_795_133_702_123, offset: 480),
        RFC3339Case("2028-02-29T12:00:00Z", 1_835_438_400_000),
        RFC3339Case("2000-03-01T00:00:00Z", 951_868_800_000),
        RFC3339Case("1970-01-01T00:00:00Z", 0),
        RFC3339Case("1969-12-31T23:59:59.999Z", -1),
        RFC3339Case("2026-12-31T23:59:59.999Z", 1_798_761_599_999),
        // Not times.
        RFC3339Case("2026-02-29T00:00:00Z", nil),
        RFC3339Case("2026-04-31T00:00:00Z", nil),
        RFC3339Case("2026-13-01T00:00:00Z", nil),
        RFC3339Case("2026-00-01T00:00:00Z", nil),
        RFC3339Case("2026-11-00T00:00:00Z", nil),
        RFC3339Case("2026-11-20T24:00:00Z", nil),
        RFC3339Case("2026-11-20T23:60:00Z", nil),
        RFC3339Case("2026-11-20T08:15:02.123+08:00x", nil),
        RFC3339Case("2026-11-20T08:15:02.123Zjunk", nil),
        RFC3339Case("2026-11-20T08:15:02.+08:00", nil),
        RFC3339Case("2026-11-20T08:15:02.123+24:00", nil),
        RFC3339Case("2026-11-20T08:15:02.123+08:", nil),
        RFC3339Case("2026-11-20T08:15:02.123 ", nil),
        RFC3339Case("2026-11-20X08:15:02", nil),
        RFC3339Case("2026-11-20T08:15", nil),
        RFC3339Case("2026-11-20", nil),
        RFC3339Case("", nil),
        RFC3339Case("20261120T081502Z", nil),
    ])
    func parsesRFC3339(_ c: RFC3339Case) {
        let parsed = Timestamps.parseRFC3339(c.text, defaultOffsetMinutes: Self.china)
        if let utc = c.utc {
            #expect(parsed == LoggedTime(utcMilliseconds: utc, offsetMinutes: c.offset))
        } else {
            #expect(parsed == nil)
        }
    }

    @Test func defaultOffsetIsTheCallers() {
        #expect(
            Timestamps.parseRFC3339("2026-11-20T08:15:02.123", defaultOffsetMinutes: -180)
                == LoggedTime(utcMilliseconds: 1_795_173_302_123, offsetMinutes: -180))
    }

    @Test func leapSecondStaysInsideItsMinute() {
        // 23:59:60Z is kept as 23:59:59Z rather than rejected or rolled into the next day.
        #expect(
            Timestamps.parseRFC3339("2026-12-31T23:59:60.500Z", defaultOffsetMinutes: 0)
                == LoggedTime(utcMilliseconds: 1_798_761_599_500, offsetMinutes: 0))
    }

    struct JavaCase: CustomTestStringConvertible, Sendable {
        let text: String
        let utc: Int64?
        let offset: Int16
        var testDescription: String { text }
    }

    @Test(arguments: [
        // Montevideo summer time (tz database: −02:00 on 2014-12-18).
        JavaCase(text: "Thu Dec 18 15:12:37 UYST 2014.486", utc: 1_418_922_757_486, offset: -120),
        JavaCase(text: "Mon Nov 24 00:00:03 EST 2014.292", utc: 1_416_805_203_292, offset: -300),
        // jPOS appends millis % 1000 unpadded: ".13" is 13 ms.
        JavaCase(text: "Wed Dec 10 13:56:26 EST 2014.13", utc: 1_418_237_786_013, offset: -300),
        // CST is ambiguous (China, US Central, Cuba): the default (+08:00 here) decides.
        JavaCase(text: "Wed Dec 10 13:56:26 CST 2014.13", utc: 1_418_190_986_013, offset: 480),
        JavaCase(text: "Wed Dec 10 13:56:26 XYZT 2014.13", utc: 1_418_190_986_013, offset: 480),
        JavaCase(text: "Wed Dec 10 13:56:26 GMT+08:00 2014.130", utc: 1_418_190_986_130, offset: 480),
        JavaCase(text: "Wed Dec 10 13:56:26 GMT-03:00 2014.130", utc: 1_418_230_586_130, offset: -180),
        JavaCase(text: "Wed Dec 10 13:56:26 UTC 2014", utc: 1_418_219_786_000, offset: 0),
        JavaCase(text: "Wed Dec 10 13:56:26 EST 2014.1000", utc: nil, offset: 0),
        JavaCase(text: "Wed Dec 10 13:56:26 EST 2014.", utc: nil, offset: 0),
        JavaCase(text: "Wed Dec 32 13:56:26 EST 2014.1", utc: nil, offset: 0),
        JavaCase(text: "Wed Feb 29 13:56:26 EST 2014.1", utc: nil, offset: 0),
        JavaCase(text: "Wed Dex 10 13:56:26 EST 2014.1", utc: nil, offset: 0),
        JavaCase(text: "Wed Dec 10 24:56:26 EST 2014.1", utc: nil, offset: 0),
        JavaCase(text: "Wed Dec 10 13:56 EST 2014.1", utc: nil, offset: 0),
        JavaCase(text: "Wed Dec 10 13:56:26 EST", utc: nil, offset: 0),
        JavaCase(text: "Wed Dec 10 13:56:26 EST 2014.1 extra", utc: nil, offset: 0),
        JavaCase(text: "2014-12-10T13:56:26", utc: nil, offset: 0),
    ])
    func parsesJavaDates(_ c: JavaCase) {
        let parsed = Timestamps.parseJavaDate(c.text, defaultOffsetMinutes: Self.china)
        if let utc = c.utc {
            #expect(parsed == LoggedTime(utcMilliseconds: utc, offsetMinutes: c.offset))
        } else {
            #expect(parsed == nil)
        }
    }

    @Test(arguments: [
        ("+08:00", 480), ("+0800", 480), ("+08", 480), ("+8", 480), ("-03:30", -210), ("-0330", -210),
        ("+05:45", 345), ("+545", 345), ("-00:00", 0), ("Z", 0), ("UTC", 0), ("+23:59", 1439),
    ])
    func parsesOffsets(text: String, minutes: Int) {
        #expect(Timestamps.parseOffset(text) == minutes)
    }

    @Test(arguments: [
        "08:00", "+", "+24:00", "+08:60", "+123456", "+08:0a", "z", "", "GMT",
        "+0:800", "+08:00:", "+:0800", "+08::00", "+8:0",
    ])
    func rejectsBadOffsets(text: String) {
        #expect(Timestamps.parseOffset(text) == nil)
    }

    @Test(arguments: [("UYST", -120), ("EST", -300), ("JST", 540), ("GMT+08:00", 480), ("UTC-03:00", -180), ("GMT", 0)])
    func zoneOffsets(zone: String, minutes: Int) {
        #expect(Timestamps.zoneOffsetMinutes(zone) == minutes)
    }

    @Test(arguments: ["CST", "IST", "BST", "AST", "XYZ", "GMT+25:00"])
    func ambiguousOrUnknownZonesHaveNoOffset(zone: String) {
        #expect(Timestamps.zoneOffsetMinutes(zone) == nil)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(1_795_133_702_123), "2026-11-20T00:15:02.123Z"),
        (Int64(951_868_800_000), "2000-03-01T00:00:00.000Z"),
        (Int64(-86_400_000), "1969-12-31T00:00:00.000Z"),
        (Int64(-86_400_001), "1969-12-30T23:59:59.999Z"),
    ])
    func formatsUTC(utc: Int64, text: String) {
        #expect(Timestamps.formatUTC(utc) == text)
    }

    @Test func formatUTCRoundTripsThroughTheParser() {
        var utc: Int64 = -2_208_988_800_000  // 1900-01-01
        while utc < 4_102_444_800_000 {  // 2100-01-01
            let text = Timestamps.formatUTC(utc)
            #expect(Timestamps.parseRFC3339(text, defaultOffsetMinutes: 480) == LoggedTime(utcMilliseconds: utc, offsetMinutes: 0), "\(text)")
            utc += 86_399_997 * 7 + 13  // steps that land on every hour, minute and millisecond sooner or later
        }
    }

    @Test(arguments: [
        (1, 1, 1, -719_162), (1600, 2, 29, -135_081), (1900, 2, 28, -25_509), (1900, 3, 1, -25_508),
        (1970, 1, 1, 0), (2000, 2, 29, 11_016), (2026, 11, 20, 20_777), (2028, 2, 29, 21_243),
        (2400, 12, 31, 157_419), (9999, 12, 31, 2_932_896),
    ])
    func daysFromCivilMatchesPython(year: Int, month: Int, day: Int, days: Int) {
        #expect(Timestamps.daysFromCivil(year: year, month: month, day: day) == days)
        let civil = Timestamps.civilFromDays(days)
        #expect(civil.year == year && civil.month == month && civil.day == day)
    }

    @Test func civilAndDaysRoundTripOverFourCenturiesAndMore() {
        // 1600-03-01 … 2400-03-01 and past, through both century rules, day by day.
        var previous: (year: Int, month: Int, day: Int)?
        for days in -150_000...160_000 {
            let civil = Timestamps.civilFromDays(days)
            guard Timestamps.daysFromCivil(year: civil.year, month: civil.month, day: civil.day) == days else {
                Issue.record("round trip failed at \(days): \(civil)")
                return
            }
            if let previous {
                // The next day of `previous`, computed the slow way.
                let lengths = [
                    31, (previous.year % 4 == 0 && previous.year % 100 != 0) || previous.year % 400 == 0 ? 29 : 28,
                    31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
                ]
                var next = (year: previous.year, month: previous.month, day: previous.day + 1)
                if next.day > lengths[next.month - 1] { next = (next.year, next.month + 1, 1) }
                if next.month > 12 { next = (next.year + 1, 1, 1) }
                guard next == civil else {
                    Issue.record("day after \(previous) is \(civil)")
                    return
                }
            }
            previous = civil
        }
    }

    struct AcquirerCase: CustomTestStringConvertible, Sendable {
        let text: String
        let local: Int64?
        let offset: Int?
        let source: String
        var testDescription: String { text }

        init(_ text: String, _ local: Int64?, _ offset: Int?, _ source: String = "") {
            self.text = text
            self.local = local
            self.offset = offset
            self.source = source
        }
    }

    /// Every `at` form jPOS has written, as seen in real logs (the project named; docs/notes-real-logs.md
    /// gives its repository and commit) or in jPOS's source (`LogEvent.dumpHeader`, `RotateLogListener`).
    @Test(
        "jPOS at forms: local clock and the offset the text fixes",
        arguments: [
            // jPOS 2.0.4+: LocalDateTime.toString(): no seconds when they are zero, 3/6/9 fraction digits.
            AcquirerCase("2022-07-15T10:50", 1_657_882_200_000, nil, "jPOS LocalDateTime.toString(), seconds zero"),
            AcquirerCase("2022-07-15T10:50:00.1", 1_657_882_200_100, nil),
            AcquirerCase("2023-03-09T02:29:12.204", 1_678_328_952_204, nil, "AliAbidy/jPOS-template"),
            AcquirerCase("2023-03-09T02:29:12.204247", 1_678_328_952_204, nil, "AliAbidy/jPOS-template"),
            AcquirerCase("2024-02-10T20:54:13.967229900", 1_707_598_453_967, nil, "didikhari/nacadev-jpos-ee"),
            AcquirerCase("2023-03-09T02:29:12", 1_678_328_952_000, nil),
            // An offset, which jPOS does not write but a converted log may carry.
            AcquirerCase("2022-07-15T10:50Z", 1_657_882_200_000, 0),
            AcquirerCase("2022-07-15T10:50+02:00", 1_657_882_200_000, 120),
            AcquirerCase("2023-03-09T02:29:12.204247+0200", 1_678_328_952_204, 120),
            AcquirerCase("2023-03-09T02:29:12.204-03:00", 1_678_328_952_204, -180),
            // jPOS 2.0.0–2.0.2: milliseconds before the zone.
            AcquirerCase("Thu Oct 08 17:14:12.659 EAT 2020", 1_602_177_252_659, 180, "Omulosi/rafikibora-gateway"),
            AcquirerCase("Wed Nov 16 16:57:37.106 SGT 2016", 1_479_315_457_106, 480, "singamasae/jPosServer"),
            AcquirerCase("Thu Oct 15 15:08:50.730 WIB 2020", 1_602_774_530_730, 420, "erid-rahmad/gateway_spring_boot"),
            // jPOS 1.x: Date.toString() + "." + millis % 1000, unpadded.
            AcquirerCase("Thu Dec 18 15:12:37 UYST 2014.486", 1_418_915_557_486, -120, "jpos-lagotto fixtures"),
            AcquirerCase("Fri Mar 11 22:04:42 ICT 2011.9", 1_299_881_082_009, 420, "Hairi81/HTest"),
            AcquirerCase("Thu Jul 10 18:46:37 CDT 2014.421", 1_405_017_997_421, -300, "grupo-zeus/Proyecto1"),
            AcquirerCase("Fri Aug 03 04:44:20 GMT 2012.414", 1_343_969_060_414, 0, "wilfred12/iso8583-netbeans"),
            // RotateLogListener (to 2.1.x): Date.toString() without milliseconds.
            AcquirerCase("Thu Dec 18 15:12:37 UYST 2014", 1_418_915_557_000, -120, "RotateLogListener"),
            // Ambiguous and unknown abbreviations leave the zone open.
            AcquirerCase("Thu Dec 18 15:12:37 CST 2014.486", 1_418_915_557_486, nil),
            AcquirerCase("Thu Oct 08 17:14:12.659 IST 2020", 1_602_177_252_659, nil),
            AcquirerCase("Thu Oct 08 17:14:12.659 XYZT 2020", 1_602_177_252_659, nil),
            AcquirerCase("Thu Oct 08 17:14:12.659 GMT+03:00 2020", 1_602_177_252_659, 180),
            // Zones whose offset changed: read by date.
            AcquirerCase("Fri Jun 01 12:00:00 MSK 2012.0", 1_338_552_000_000, 240),
            AcquirerCase("Mon Jun 01 12:00:00.000 MSK 2020", 1_591_012_800_000, 180),
            AcquirerCase("Tue Jun 01 12:00:00 VET 2010.0", 1_275_393_600_000, -270),
            AcquirerCase("Fri Jun 01 12:00:00.000 VET 2018", 1_527_854_400_000, -240),
            // Not times.
            AcquirerCase("Thu Oct 08 17:14:12.659 EAT 2020.5", nil, nil),
            AcquirerCase("Thu Oct 08 17:14:12. EAT 2020", nil, nil),
            AcquirerCase("Thu Oct 08 17:14:12,659 EAT 2020", nil, nil),
            AcquirerCase("Thu Oct 08 17:14 EAT 2020", nil, nil),
            AcquirerCase("2022-07-15T10:5", nil, nil),
            AcquirerCase("2022-07-15T10:50:", nil, nil),
            AcquirerCase("2022-07-15T10:50.123", nil, nil),
            AcquirerCase("2022-07-15T24:00", nil, nil),
            AcquirerCase("2022-07-15", nil, nil),
            AcquirerCase("", nil, nil),
        ])
    func acquirerTimes(_ c: AcquirerCase) {
        let parsed = Timestamps.parseAcquirerTime(c.text)
        if let local = c.local {
            #expect(parsed == WrittenTime(localMilliseconds: local, offsetMinutes: c.offset))
        } else {
            #expect(parsed == nil)
        }
    }

    @Test("terminal ts keeps needing seconds: the short form is jPOS's only")
    func terminalTimesNeedSeconds() {
        #expect(Timestamps.parseRFC3339("2022-07-15T10:50", defaultOffsetMinutes: 0) == nil)
        #expect(Timestamps.parseRFC3339("2022-07-15T10:50Z", defaultOffsetMinutes: 0) == nil)
    }

    @Test("parseJavaDate reads the jPOS 2.0 layout too")
    func javaDateWithMillisecondsBeforeTheZone() {
        #expect(
            Timestamps.parseJavaDate("Thu Oct 08 17:14:12.659 EAT 2020", defaultOffsetMinutes: 480)
                == LoggedTime(utcMilliseconds: 1_602_177_252_659 - 180 * 60_000, offsetMinutes: 180))
        #expect(
            Timestamps.parseJavaDate("Thu Oct 08 17:14:12.659 CST 2020", defaultOffsetMinutes: 480)
                == LoggedTime(utcMilliseconds: 1_602_177_252_659 - 480 * 60_000, offsetMinutes: 480))
    }

    /// The abbreviations Java prints for zones where jPOS runs, and their offsets (the tz
    /// database's, for the dates jPOS logs are from).
    @Test(
        "zone abbreviations Java prints",
        arguments: [
            // Africa
            ("EAT", 180), ("WAT", 60), ("CAT", 120), ("SAST", 120),
            // Europe
            ("CET", 60), ("CEST", 120), ("EET", 120), ("EEST", 180), ("WET", 0), ("WEST", 60), ("GMT", 0), ("UTC", 0),
            ("MSK", 180), ("TRT", 180),
            // Asia
            ("GST", 240), ("PKT", 300), ("NPT", 345), ("BDT", 360), ("ICT", 420), ("WIB", 420), ("WITA", 480),
            ("SGT", 480), ("MYT", 480), ("PHT", 480), ("HKT", 480), ("JST", 540), ("KST", 540), ("IRST", 210), ("IRDT", 270),
            // Oceania
            ("AEST", 600), ("AEDT", 660), ("ACST", 570), ("ACDT", 630), ("AWST", 480), ("NZST", 720), ("NZDT", 780),
            // Americas
            ("EST", -300), ("EDT", -240), ("CDT", -300), ("MST", -420), ("MDT", -360), ("PST", -480), ("PDT", -420),
            ("AKST", -540), ("AKDT", -480), ("HST", -600), ("BRT", -180), ("BRST", -120), ("ART", -180),
            ("CLT", -240), ("CLST", -180), ("COT", -300), ("PET", -300), ("VET", -240), ("UYT", -180), ("UYST", -120),
            ("PYT", -240), ("PYST", -180), ("BOT", -240), ("NST", -210), ("ADT", -180),
        ])
    func javaZoneAbbreviations(zone: String, minutes: Int) {
        #expect(Timestamps.zoneOffsetMinutes(zone) == minutes)
        #expect(!Timestamps.ambiguousZones.contains(zone))
    }

    @Test("ambiguous abbreviations have no offset of their own", arguments: Array(Timestamps.ambiguousZones))
    func ambiguousZones(zone: String) {
        #expect(Timestamps.zoneOffsetMinutes(zone) == nil)
        #expect(Timestamps.unambiguousZones[zone] == nil)
    }

    @Test("every mapped offset lies within a day")
    func mappedOffsetsAreOffsets() {
        for (zone, minutes) in Timestamps.unambiguousZones {
            #expect(minutes > -12 * 60 && minutes <= 14 * 60, "\(zone)")
        }
    }
}
