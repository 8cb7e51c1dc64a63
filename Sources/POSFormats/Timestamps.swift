/// Parsers for the two ways the logs write time.
///
/// Both work on bytes and allocate nothing. They return nil for text that is not a valid
/// time (a month 13, a 31st of April), so the caller can reject the line with its reason.
public enum Timestamps {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    @inlinable
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (inverse of `daysFromCivil`).
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// The number of days of `month` (1–12) in `year`, leap years included.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses RFC 3339 (`2026-11-20T08:15:02.123+08:00`, `…Z`), with the fraction optional and the
    /// offset optional: without one, `defaultOffsetMinutes` applies (the `--terminal-tz` or
    /// `--acquirer-tz` option). A space may stand for the `T`. Digits past milliseconds are dropped.
    public static func parseRFC3339(_ bytes: UnsafeRawBufferPointer, defaultOffsetMinutes: Int) -> LoggedTime? {
        parseISO(bytes, secondsOptional: false)?.resolved(defaultOffsetMinutes: defaultOffsetMinutes)
    }

    /// Convenience for tests and the command line.
    public static func parseRFC3339(_ text: String, defaultOffsetMinutes: Int) -> LoggedTime? {
        var text = text
        return text.withUTF8 { parseRFC3339(UnsafeRawBufferPointer($0), defaultOffsetMinutes: defaultOffsetMinutes) }
    }

    /// Parses a jPOS `at` attribute in every form jPOS has written, leaving the zone open when the
    /// text does not fix it.
    ///
    /// - jPOS 2.0.4 and later: Java's `LocalDateTime.toString()`, `2022-07-15T10:50:12.204247`:
    ///   0, 3, 6 or 9 fraction digits (any 1–9 are read), and no seconds at all when seconds and
    ///   fraction are zero (`2022-07-15T10:50`). An offset (`Z`, `+02:00`, `+0200`) is read when
    ///   present, although jPOS writes none.
    /// - jPOS 2.0.0–2.0.2: `SimpleDateFormat("EEE MMM dd HH:mm:ss.SSS z yyyy")`,
    ///   `Thu Oct 08 17:14:12.659 EAT 2020`.
    /// - jPOS 1.x: `Date.toString()` plus `.` and `millis % 1000` unpadded,
    ///   `Thu Dec 18 15:12:37 UYST 2014.486` (`.43` is 43 ms); without the milliseconds in
    ///   `RotateLogListener`'s elements.
    ///
    /// A zone abbreviation in `unambiguousZones` (or `GMT+03:00`) fixes the offset; one of
    /// `ambiguousZones`, or an unknown one, leaves `offsetMinutes` nil for the caller to decide.
    public static func parseAcquirerTime(_ bytes: UnsafeRawBufferPointer) -> WrittenTime? {
        guard let first = bytes.first else { return nil }
        return first >= 0x30 && first <= 0x39 ? parseISO(bytes, secondsOptional: true) : parseJavaDateForm(bytes)
    }

    /// Convenience for tests.
    public static func parseAcquirerTime(_ text: String) -> WrittenTime? {
        var text = text
        return text.withUTF8 { parseAcquirerTime(UnsafeRawBufferPointer($0)) }
    }

    /// ISO 8601 local date-time with optional fraction and offset; seconds may be left out only
    /// when `secondsOptional` (Java's `LocalDateTime.toString()` drops `:00` seconds).
    static func parseISO(_ bytes: UnsafeRawBufferPointer, secondsOptional: Bool) -> WrittenTime? {
        let n = bytes.count
        guard n >= 16 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let b = bytes[i]
            return b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil
        }
        @inline(__always) func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                guard let d = digit(i) else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let year = number(0, 4), bytes[4] == 0x2D, let month = number(5, 2), bytes[7] == 0x2D,
            let day = number(8, 2), bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
            let hour = number(11, 2), bytes[13] == 0x3A, let minute = number(14, 2)
        else { return nil }
        var i = 16
        var second = 0
        if i < n, bytes[i] == 0x3A {
            guard n >= 19, let s = number(17, 2) else { return nil }
            second = s
            i = 19
        } else if !secondsOptional {
            return nil
        }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        if second == 60 { second = 59 }  // a leap second: keep it inside the minute
        var millis = 0
        if i == 19, i < n, bytes[i] == 0x2E || bytes[i] == 0x2C {
            i += 1
            var digits = 0
            while i < n, let d = digit(i) {
                if digits < 3 { millis = millis * 10 + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        var offset: Int?
        if i < n {
            let b = bytes[i]
            if b == 0x5A || b == 0x7A {  // Z
                offset = 0
                i += 1
            } else if b == 0x2B || b == 0x2D {  // + or -
                guard i + 3 <= n, let oh = number(i + 1, 2) else { return nil }
                var om = 0
                var next = i + 3
                if next < n, bytes[next] == 0x3A {
                    guard next + 3 <= n, let m = number(next + 1, 2) else { return nil }
                    om = m
                    next += 3
                } else if next + 2 <= n, let m = number(next, 2) {
                    om = m
                    next += 2
                }
                guard oh <= 23, om <= 59 else { return nil }
                offset = (oh * 60 + om) * (b == 0x2D ? -1 : 1)
                i = next
            } else {
                return nil
            }
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let localSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return WrittenTime(localMilliseconds: localSeconds * 1000 + Int64(millis), offsetMinutes: offset)
    }

    /// Parses the older jPOS forms, Java's `Date.toString()` followed by `.` and the milliseconds
    /// (`Thu Dec 18 15:12:37 UYST 2014.486`), or with the milliseconds before the zone
    /// (`Thu Oct 08 17:14:12.659 EAT 2020`, jPOS 2.0.0–2.0.2), or with none.
    ///
    /// jPOS 1.x appends `System.currentTimeMillis() % 1000` without padding, so `2014.43` is 43 ms,
    /// not 430. Zone abbreviations that name one offset are mapped; the ambiguous ones (`CST`,
    /// `IST`, `BST`, `AST`, …) and any unknown one take `defaultOffsetMinutes`. A year past 9999 is
    /// not a time (nil), as in `parseRFC3339`.
    public static func parseJavaDate(_ bytes: UnsafeRawBufferPointer, defaultOffsetMinutes: Int) -> LoggedTime? {
        parseJavaDateForm(bytes)?.resolved(defaultOffsetMinutes: defaultOffsetMinutes)
    }

    /// Convenience for tests.
    public static func parseJavaDate(_ text: String, defaultOffsetMinutes: Int) -> LoggedTime? {
        var text = text
        return text.withUTF8 { parseJavaDate(UnsafeRawBufferPointer($0), defaultOffsetMinutes: defaultOffsetMinutes) }
    }

    static func parseJavaDateForm(_ bytes: UnsafeRawBufferPointer) -> WrittenTime? {
        var cursor = 0
        // The next space-separated token, as a slice of `bytes`.
        func nextToken() -> UnsafeRawBufferPointer? {
            while cursor < bytes.count, bytes[cursor] == 0x20 { cursor += 1 }
            guard cursor < bytes.count else { return nil }
            let start = cursor
            while cursor < bytes.count, bytes[cursor] != 0x20 { cursor += 1 }
            return UnsafeRawBufferPointer(rebasing: bytes[start..<cursor])
        }
        func digits(_ t: UnsafeRawBufferPointer) -> Int? {
            guard !t.isEmpty, t.count <= 9 else { return nil }
            var v = 0
            for b in t {
                guard b >= 0x30, b <= 0x39 else { return nil }
                v = v * 10 + Int(b - 0x30)
            }
            return v
        }
        guard let weekday = nextToken(), weekday.count == 3,
            let monthToken = nextToken(), let month = monthNumber(monthToken),
            let dayToken = nextToken(), let day = digits(dayToken),
            let clock = nextToken(), clock.count >= 8, clock[2] == 0x3A, clock[5] == 0x3A,
            let hour = digits(UnsafeRawBufferPointer(rebasing: clock[0..<2])),
            let minute = digits(UnsafeRawBufferPointer(rebasing: clock[3..<5])),
            let second = digits(UnsafeRawBufferPointer(rebasing: clock[6..<8])),
            let zoneToken = nextToken(), let yearToken = nextToken(), nextToken() == nil
        else { return nil }
        var millis = 0
        // `HH:mm:ss.SSS` (jPOS 2.0.0–2.0.2): a fraction of a second, read to the millisecond.
        let clockHasFraction = clock.count > 8
        if clockHasFraction {
            guard clock[8] == 0x2E, clock.count > 9, clock.count <= 18,
                digits(UnsafeRawBufferPointer(rebasing: clock[9...])) != nil
            else { return nil }
            var scale = 100
            for b in clock[9...] where scale > 0 {
                millis += Int(b - 0x30) * scale
                scale /= 10
            }
        }
        var year: Int?
        if let dot = yearToken.firstIndex(of: 0x2E) {
            guard !clockHasFraction else { return nil }
            year = digits(UnsafeRawBufferPointer(rebasing: yearToken[0..<dot]))
            guard let ms = digits(UnsafeRawBufferPointer(rebasing: yearToken[(dot + 1)...])), ms < 1000 else { return nil }
            millis = ms
        } else {
            year = digits(yearToken)
        }
        // Four digits at most, as in RFC 3339: a nine-digit year would overflow the milliseconds.
        guard let year, year <= 9999, day >= 1, day <= daysInMonth(year: year, month: month), hour <= 23, minute <= 59, second <= 60 else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let localSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        let local = localSeconds * 1000 + Int64(millis)
        return WrittenTime(localMilliseconds: local, offsetMinutes: zoneOffsetMinutes(zoneToken, localMilliseconds: local))
    }

    static func monthNumber(_ t: UnsafeRawBufferPointer) -> Int? {
        guard t.count == 3 else { return nil }
        let key = (UInt32(t[0] | 0x20) << 16) | (UInt32(t[1] | 0x20) << 8) | UInt32(t[2] | 0x20)
        switch key {
        case 0x6A616E: return 1  // jan
        case 0x666562: return 2
        case 0x6D6172: return 3
        case 0x617072: return 4
        case 0x6D6179: return 5
        case 0x6A756E: return 6
        case 0x6A756C: return 7
        case 0x617567: return 8
        case 0x736570: return 9
        case 0x6F6374: return 10
        case 0x6E6F76: return 11
        case 0x646563: return 12
        default: return nil
        }
    }

    /// Zone abbreviations Java prints (`Date.toString()`, `SimpleDateFormat` `z`, Java 6 to 21)
    /// that stand for one UTC offset, in minutes, for the zones where jPOS runs.
    ///
    /// Two are read by date, as the tz database has them: `MSK` is +04:00 from 2011-03-27 to
    /// 2014-10-26 (+03:00 otherwise), `VET` −04:30 from 2007-12-09 to 2016-05-01 (−04:00
    /// otherwise). Where an abbreviation had another meaning in an old Java or a zone no payment
    /// host is in, the meaning jPOS installs print today is kept: `EST` is US Eastern (Java 6
    /// printed it for Sydney too, Java 7 and later print `AEST`), `CDT` US Central (Cuba prints
    /// it too), `GST` Gulf (South Georgia prints it too), `IRST` Iran Standard Time (Java 1.4's
    /// summer time). The ambiguous ones are in `ambiguousZones`.
    public static let unambiguousZones: [String: Int] = [
        // UTC and Europe
        "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 60,
        "CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180,
        "MSK": 180, "MSD": 240, "FET": 180, "TRT": 180, "SAMT": 240,
        // Africa
        "WAT": 60, "WAST": 120, "CAT": 120, "EAT": 180, "SAST": 120,
        // Middle East, Central and South Asia
        "GST": 240, "AZT": 240, "AZST": 300, "GET": 240, "IRST": 210, "IRDT": 270, "AFT": 270,
        "PKT": 300, "PKST": 360, "UZT": 300, "TJT": 300, "TMT": 300, "YEKT": 300,
        "NPT": 345, "BDT": 360, "BTT": 360, "KGT": 360, "ALMT": 360, "OMST": 360, "MMT": 390,
        // East Asia
        "ICT": 420, "WIB": 420, "KRAT": 420, "NOVT": 420, "HOVT": 420,
        "HKT": 480, "SGT": 480, "MYT": 480, "PHT": 480, "PHST": 480, "BNT": 480, "WITA": 480,
        "ULAT": 480, "IRKT": 480, "KST": 540, "JST": 540, "TLT": 540, "YAKT": 540, "VLAT": 600,
        // Oceania
        "AWST": 480, "ACWST": 525, "ACST": 570, "ACDT": 630, "AEST": 600, "AEDT": 660,
        "LHST": 630, "LHDT": 660, "ChST": 600, "PGT": 600, "SBT": 660, "NCT": 660, "VUT": 660,
        "NZST": 720, "NZDT": 780, "FJT": 720, "FJST": 780, "TOT": 780, "CHAST": 765, "CHADT": 825,
        // North America
        "NST": -210, "NDT": -150, "ADT": -180, "EST": -300, "EDT": -240, "CDT": -300,
        "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480,
        "HST": -600, "HDT": -540, "HAST": -600, "HADT": -540,
        // South America
        "BRT": -180, "BRST": -120, "ART": -180, "ARST": -120, "UYT": -180, "UYST": -120,
        "PYT": -240, "PYST": -180, "CLT": -240, "CLST": -180, "BOT": -240, "COT": -300, "PET": -300,
        "VET": -240, "GYT": -240, "SRT": -180, "GFT": -180, "FNT": -120,
        "EGT": -60, "EGST": 0, "WGT": -180, "WGST": -120, "PMST": -180, "PMDT": -120,
    ]

    /// Zone abbreviations Java prints for zones of different offsets: they take the log's JVM
    /// zone (SystemMonitor) or `--acquirer-tz`.
    ///
    /// `CST` China +08:00, US Central −06:00, Cuba −05:00 (and Java 6's Australian Central);
    /// `IST` India +05:30, Israel +02:00, Ireland +01:00; `BST` British Summer +01:00,
    /// Bougainville +11:00; `AST` Atlantic −04:00, Arabia +03:00; `ECT` Ecuador −05:00 and Java's
    /// zone ID for Paris; `WIT` Jakarta +07:00 before Java 8, Jayapura +09:00 after; `WST` Western
    /// Australia (Java 6) and Samoa; `AMT`/`AMST` Amazon and Armenia; `SST` Samoa and Singapore.
    public static let ambiguousZones: Set<String> = ["CST", "IST", "BST", "AST", "ECT", "WIT", "WST", "AMT", "AMST", "SST"]

    /// `unambiguousZones` keyed by the abbreviation's bytes packed into an integer, so that the
    /// hot path looks one up without making a String.
    private static let packedZones: [UInt64: Int16] = {
        var table: [UInt64: Int16] = [:]
        for (name, minutes) in unambiguousZones {
            var key: UInt64 = 0
            for b in name.utf8 { key = key << 8 | UInt64(b) }
            table[key] = Int16(minutes)
        }
        return table
    }()

    /// The offset of an unambiguous zone abbreviation, or a `GMT+08:00`-style zone; nil otherwise.
    public static func zoneOffsetMinutes(_ zone: String) -> Int? {
        var zone = zone
        return zone.withUTF8 { zoneOffsetMinutes(UnsafeRawBufferPointer($0), localMilliseconds: nil) }
    }

    /// The offset of a zone abbreviation at a local time (for the two that changed, `MSK` and
    /// `VET`; today's offset when `localMilliseconds` is nil); nil when ambiguous or unknown.
    static func zoneOffsetMinutes(_ token: UnsafeRawBufferPointer, localMilliseconds: Int64?) -> Int? {
        let n = token.count
        guard n >= 1 else { return nil }
        if n <= 8 {
            var key: UInt64 = 0
            for b in token { key = key << 8 | UInt64(b) }
            if let minutes = packedZones[key] {
                guard let local = localMilliseconds else { return Int(minutes) }
                switch key {
                case 0x4D_534B:  // MSK
                    if local >= moscowPlusFour.lowerBound, local < moscowPlusFour.upperBound { return 240 }
                case 0x56_4554:  // VET
                    if local >= caracasMinusFourThirty.lowerBound, local < caracasMinusFourThirty.upperBound { return -270 }
                default:
                    break
                }
                return Int(minutes)
            }
        }
        // Java prints zones without an abbreviation as GMT+08:00 (or GMT-03:00).
        if n > 3, token[0] == 0x47 && token[1] == 0x4D && token[2] == 0x54 || token[0] == 0x55 && token[1] == 0x54 && token[2] == 0x43 {
            return parseOffset(String(decoding: UnsafeRawBufferPointer(rebasing: token[3...]), as: UTF8.self))
        }
        return nil
    }

    /// Local times (milliseconds) when Moscow's `MSK` was +04:00: 2011-03-27 03:00 to 2014-10-26 02:00.
    static let moscowPlusFour: Range<Int64> =
        localMilliseconds(2011, 3, 27, 3, 0)..<localMilliseconds(2014, 10, 26, 2, 0)
    /// Local times when Caracas's `VET` was −04:30: 2007-12-09 02:30 to 2016-05-01 02:30.
    static let caracasMinusFourThirty: Range<Int64> =
        localMilliseconds(2007, 12, 9, 2, 30)..<localMilliseconds(2016, 5, 1, 2, 30)

    static func localMilliseconds(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
        (Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60)) * 1000
    }

    /// Parses `+08:00`, `-0300`, `+8`, `Z`: the form of the `--terminal-tz` and `--acquirer-tz` options.
    public static func parseOffset(_ text: String) -> Int? {
        if text == "Z" || text == "UTC" { return 0 }
        let scalars = Array(text.utf8)
        guard let sign = scalars.first, sign == 0x2B || sign == 0x2D else { return nil }
        var rest = Array(scalars.dropFirst())
        // One colon at most, and only between 1–2 hour digits and 2 minute digits (`+8:30`, `+08:00`).
        if let colon = rest.firstIndex(of: 0x3A) {
            guard colon == 1 || colon == 2, rest.count - colon - 1 == 2 else { return nil }
            rest.remove(at: colon)
        }
        guard !rest.isEmpty, rest.count <= 4, rest.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let digits = rest.map { Int($0 - 0x30) }
        let hours: Int
        let minutes: Int
        switch digits.count {
        case 1: (hours, minutes) = (digits[0], 0)
        case 2: (hours, minutes) = (digits[0] * 10 + digits[1], 0)
        case 3: (hours, minutes) = (digits[0], digits[1] * 10 + digits[2])
        default: (hours, minutes) = (digits[0] * 10 + digits[1], digits[2] * 10 + digits[3])
        }
        guard hours <= 23, minutes <= 59 else { return nil }
        return (hours * 60 + minutes) * (sign == 0x2D ? -1 : 1)
    }

    /// RFC 3339 text of a UTC instant with milliseconds, e.g. `2026-11-20T00:15:02.123Z`.
    public static func formatUTC(_ utcMilliseconds: Int64) -> String {
        let ms = Int(((utcMilliseconds % 1000) + 1000) % 1000)
        let totalSeconds = (utcMilliseconds - Int64(ms)) / 1000
        var days = Int(totalSeconds / 86_400)
        var secondsOfDay = Int(totalSeconds % 86_400)
        if secondsOfDay < 0 {
            secondsOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2)).\(pad(ms, 3))Z"
    }
}

/// A time as a log wrote it, before a zone is applied: the local date and clock, and the UTC
/// offset when the text itself fixes one.
public struct WrittenTime: Sendable, Hashable {
    /// The local date and clock in milliseconds since 1970-01-01T00:00, read as if they were UTC.
    public var localMilliseconds: Int64
    /// Minutes east of UTC that the text states (an offset, `Z`, an unambiguous zone
    /// abbreviation); nil when it names no zone, or an ambiguous or unknown one.
    public var offsetMinutes: Int?

    /// A written time.
    public init(localMilliseconds: Int64, offsetMinutes: Int?) {
        self.localMilliseconds = localMilliseconds
        self.offsetMinutes = offsetMinutes
    }

    /// The instant, with `offsetMinutes` when the text states it, else the given offset.
    public func resolved(defaultOffsetMinutes: Int) -> LoggedTime {
        at(offsetMinutes: offsetMinutes ?? defaultOffsetMinutes)
    }

    /// The instant read at `offsetMinutes`, whatever the text states.
    public func at(offsetMinutes offset: Int) -> LoggedTime {
        LoggedTime(utcMilliseconds: localMilliseconds - Int64(offset) * 60_000, offsetMinutes: Int16(offset))
    }
}
