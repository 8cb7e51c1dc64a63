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

    static func daysInMonth(year: Int, month: Int) -> Int {
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
        let n = bytes.count
        guard n >= 19 else { return nil }
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
              let hour = number(11, 2), bytes[13] == 0x3A, let minute = number(14, 2), bytes[16] == 0x3A,
              var second = number(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        if second == 60 { second = 59 }  // a leap second: keep it inside the minute
        var i = 19
        var millis = 0
        if i < n, bytes[i] == 0x2E || bytes[i] == 0x2C {
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
        var offset = defaultOffsetMinutes
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
        let utc = (localSeconds - Int64(offset) * 60) * 1000 + Int64(millis)
        return LoggedTime(utcMilliseconds: utc, offsetMinutes: Int16(offset))
    }

    /// Convenience for tests and the command line.
    public static func parseRFC3339(_ text: String, defaultOffsetMinutes: Int) -> LoggedTime? {
        var text = text
        return text.withUTF8 { parseRFC3339(UnsafeRawBufferPointer($0), defaultOffsetMinutes: defaultOffsetMinutes) }
    }

    /// Parses the older jPOS form, Java's `Date.toString()` followed by `.` and the milliseconds:
    /// `Thu Dec 18 15:12:37 UYST 2014.486`.
    ///
    /// jPOS appends `System.currentTimeMillis() % 1000` without padding, so `2014.43` is 43 ms,
    /// not 430. Zone abbreviations that name one offset are mapped; the ambiguous ones (`CST`,
    /// `IST`, `BST`, `AST`) and any unknown one take `defaultOffsetMinutes`. A year past 9999 is
    /// not a time (nil), as in `parseRFC3339`.
    public static func parseJavaDate(_ bytes: UnsafeRawBufferPointer, defaultOffsetMinutes: Int) -> LoggedTime? {
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
              let clock = nextToken(), clock.count == 8, clock[2] == 0x3A, clock[5] == 0x3A,
              let hour = digits(UnsafeRawBufferPointer(rebasing: clock[0..<2])),
              let minute = digits(UnsafeRawBufferPointer(rebasing: clock[3..<5])),
              let second = digits(UnsafeRawBufferPointer(rebasing: clock[6..<8])),
              let zoneToken = nextToken(), let yearToken = nextToken(), nextToken() == nil
        else { return nil }
        var year: Int?
        var millis = 0
        if let dot = yearToken.firstIndex(of: 0x2E) {
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
        let offset = zoneOffsetMinutes(String(decoding: zoneToken, as: UTF8.self)) ?? defaultOffsetMinutes
        let days = daysFromCivil(year: year, month: month, day: day)
        let localSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        return LoggedTime(utcMilliseconds: (localSeconds - Int64(offset) * 60) * 1000 + Int64(millis), offsetMinutes: Int16(offset))
    }

    /// Convenience for tests.
    public static func parseJavaDate(_ text: String, defaultOffsetMinutes: Int) -> LoggedTime? {
        var text = text
        return text.withUTF8 { parseJavaDate(UnsafeRawBufferPointer($0), defaultOffsetMinutes: defaultOffsetMinutes) }
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

    /// Zone abbreviations Java prints that stand for exactly one UTC offset, in minutes.
    ///
    /// Left out on purpose, so that `--acquirer-tz` decides: `CST` (China +08:00, US Central
    /// −06:00, Cuba −05:00), `IST` (India, Israel, Ireland), `BST` (British Summer, Bangladesh),
    /// `AST` (Atlantic, Arabia).
    public static let unambiguousZones: [String: Int] = [
        "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 60,
        "CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180,
        "EST": -300, "EDT": -240, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
        "AKST": -540, "AKDT": -480, "HST": -600, "NST": -210, "NDT": -150, "ADT": -180,
        "UYT": -180, "UYST": -120, "ART": -180, "BRT": -180, "BRST": -120, "CLT": -240, "CLST": -180,
        "PET": -300, "COT": -300, "VET": -240, "BOT": -240, "PYT": -240, "PYST": -180,
        "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "MYT": 480, "PHT": 480, "AWST": 480,
        "WIB": 420, "ICT": 420, "PKT": 300, "NPT": 345, "GST": 240,
        "AEST": 600, "AEDT": 660, "ACST": 570, "ACDT": 630, "NZST": 720, "NZDT": 780,
        "SAST": 120, "WAT": 60, "CAT": 120, "EAT": 180,
    ]

    /// The offset of an unambiguous zone abbreviation, or a `GMT+08:00`-style zone; nil otherwise.
    public static func zoneOffsetMinutes(_ zone: String) -> Int? {
        if let known = unambiguousZones[zone] { return known }
        // Java prints custom zones as GMT+08:00.
        if zone.hasPrefix("GMT") || zone.hasPrefix("UTC"), zone.count > 3 {
            return parseOffset(String(zone.dropFirst(3)))
        }
        return nil
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
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2)).\(pad(ms, 3))Z"
    }
}
