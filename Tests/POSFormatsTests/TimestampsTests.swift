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
        #expect(Timestamps.parseRFC3339("2026-11-20T08:15:02.123", defaultOffsetMinutes: -180)
            == LoggedTime(utcMilliseconds: 1_795_173_302_123, offsetMinutes: -180))
    }

    @Test func leapSecondStaysInsideItsMinute() {
        // 23:59:60Z is kept as 23:59:59Z rather than rejected or rolled into the next day.
        #expect(Timestamps.parseRFC3339("2026-12-31T23:59:60.500Z", defaultOffsetMinutes: 0)
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

    @Test(arguments: ["08:00", "+", "+24:00", "+08:60", "+123456", "+08:0a", "z", "", "GMT",
                      "+0:800", "+08:00:", "+:0800", "+08::00", "+8:0"])
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
                let lengths = [31, (previous.year % 4 == 0 && previous.year % 100 != 0) || previous.year % 400 == 0 ? 29 : 28,
                               31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
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
}
