/// Bytes being rendered: log lines and XML elements are built here, digit by digit, with no
/// `String` in between (the benchmark writes millions of lines).
struct OutputBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    /// A non-negative or negative integer in decimal, no padding.
    mutating func appendInt(_ value: Int) {
        if value < 0 {
            append(0x2D)
            appendUnsigned(UInt64(-value), width: 1)
        } else {
            appendUnsigned(UInt64(value), width: 1)
        }
    }

    /// A non-negative integer zero-padded to at least `width` digits.
    mutating func appendPadded(_ value: Int, width: Int) {
        appendUnsigned(UInt64(max(0, value)), width: width)
    }

    private mutating func appendUnsigned(_ value: UInt64, width: Int) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
                n += 1
            } while v > 0
            while n < width, n < 20 {
                d[n] = 0x30
                n += 1
            }
            while n > 0 {
                n -= 1
                bytes.append(d[n])
            }
        }
    }

    /// `2026-11-20`.
    mutating func appendDate(_ date: CalendarDate) {
        appendPadded(date.year, width: 4)
        append(0x2D)
        appendPadded(date.month, width: 2)
        append(0x2D)
        appendPadded(date.day, width: 2)
    }

    /// `08:16:00.210` from milliseconds since local midnight.
    mutating func appendClock(millisecondOfDay ms: Int, milliseconds: Bool = true) {
        appendPadded(ms / 3_600_000, width: 2)
        append(0x3A)
        appendPadded(ms / 60_000 % 60, width: 2)
        append(0x3A)
        appendPadded(ms / 1000 % 60, width: 2)
        if milliseconds {
            append(0x2E)
            appendPadded(ms % 1000, width: 3)
        }
    }
}

/// Local time in China (+08:00, no daylight saving), where every log of the sample world is written.
enum ChinaTime {
    static let offsetMilliseconds: Int64 = 8 * 3_600_000

    /// The UTC instant of local midnight starting `date`.
    static func midnight(_ date: CalendarDate) -> Int64 {
        Int64(date.daysSinceEpoch) * 86_400_000 - offsetMilliseconds
    }

    /// Splits a UTC instant into the local date and milliseconds since local midnight.
    static func local(_ utcMilliseconds: Int64) -> (date: CalendarDate, millisecondOfDay: Int) {
        let local = utcMilliseconds + offsetMilliseconds
        var days = local / 86_400_000
        var ms = local % 86_400_000
        if ms < 0 {
            ms += 86_400_000
            days -= 1
        }
        return (CalendarDate(daysSinceEpoch: Int(days)), Int(ms))
    }
}

extension OutputBuffer {
    /// RFC 3339 local time with milliseconds and offset: `2026-11-20T08:16:00.210+08:00`.
    mutating func appendTerminalTime(_ utcMilliseconds: Int64) {
        let (date, ms) = ChinaTime.local(utcMilliseconds)
        appendDate(date)
        append(0x54)  // T
        appendClock(millisecondOfDay: ms)
        append("+08:00")
    }

    /// The way a jPOS realm writes `at`.
    mutating func appendAcquirerTime(_ utcMilliseconds: Int64, style: AcquirerTimeStyle) {
        let (date, ms) = ChinaTime.local(utcMilliseconds)
        switch style {
        case .localNoOffset, .localWithOffset:
            appendDate(date)
            append(0x54)
            appendClock(millisecondOfDay: ms)
            if style == .localWithOffset { append("+08:00") }
        case .javaDate:
            // Java's Date.toString() ("Fri Nov 20 08:16:00 CST 2026"), then jPOS's "." and the
            // milliseconds *without* zero padding: 43 ms is ".43".
            let weekday = ((date.daysSinceEpoch % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
            append(Self.weekdayNames[weekday])
            append(0x20)
            append(Self.monthNames[date.month - 1])
            append(0x20)
            appendPadded(date.day, width: 2)
            append(0x20)
            appendClock(millisecondOfDay: ms, milliseconds: false)
            append(" CST ")
            appendPadded(date.year, width: 4)
            append(0x2E)
            appendInt(ms % 1000)
        }
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

/// How a jPOS realm writes the `at` attribute of its `<log>` elements.
enum AcquirerTimeStyle: String, Sendable, Codable {
    /// `2026-11-20T08:16:00.210`: the acquirer's local time (the ingester's `--acquirer-tz`).
    case localNoOffset = "rfc3339_local"
    /// `2026-11-20T08:16:00.210+08:00`.
    case localWithOffset = "rfc3339_offset"
    /// `Fri Nov 20 08:16:00 CST 2026.210`, the older jPOS form.
    case javaDate = "java_date"
}
