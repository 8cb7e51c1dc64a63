import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The time zone of the JVM that wrote a jPOS log, as the log's SystemMonitor block states it,
/// for reading the times jPOS writes without an offset.
///
/// jPOS writes `at` as the JVM's local time (`LocalDateTime`, no offset, since 2.0.4) or with a
/// zone abbreviation that may be ambiguous (`CST`). SystemMonitor, which jPOS deploys by
/// default and which logs at start and every hour, names the zone:
///
/// - jPOS 2.x: `timezone: America/Sao_Paulo (Brasilia Time) -03:00`
/// - jPOS 1.9.x (2015): `timezone: America/Sao_Paulo (Brasilia Time) GMT OFFSET -3`
/// - jPOS 3.0.1 and later: `zone-info       : America/Sao_Paulo (Brasilia Standard Time) -03:00 []`
/// - jPOS 3.0.0: `SysInfo[osName=Linux, …, zoneInfo=America/Sao_Paulo (Brasilia Standard Time) -03:00 [], …]`
///
/// The identifier is resolved with the system's tz database (Foundation's `TimeZone`), so that
/// daylight saving time is followed. When the database does not know it (no tzdata installed,
/// or an identifier newer than it), the offset the line states is used for every time and
/// `followsDaylightSaving` is false: the caller says so in its warning.
public struct JVMTimeZone: Sendable {
    /// The zone identifier as written, e.g. `America/Sao_Paulo`.
    public let identifier: String
    /// The offset SystemMonitor printed next to it (the offset when it logged), if any.
    public let statedOffsetMinutes: Int?
    /// True when offsets come from the tz database, daylight saving time included; false when
    /// the identifier is a fixed offset, or unknown here and `statedOffsetMinutes` stands in.
    public let followsDaylightSaving: Bool

    private let zone: TimeZone?
    private let fixedOffset: Int
    /// The last offset looked up and the UTC interval (milliseconds) where it holds: jPOS logs
    /// run forward in time, so nearly every look-up is answered here without Foundation.
    private var cacheFrom: Int64 = 1
    private var cacheUntil: Int64 = 0
    private var cacheOffset = 0

    /// A zone from its identifier and the offset stated with it; nil when neither can be used.
    ///
    /// An identifier that is itself an offset (`UTC`, `GMT`, `Z`, `+08:00`, `GMT+08:00`) is fixed.
    public init?(identifier: String, statedOffsetMinutes: Int?) {
        self.identifier = identifier
        self.statedOffsetMinutes = statedOffsetMinutes
        if let fixed = Self.fixedOffset(identifier) {
            zone = nil
            fixedOffset = fixed
            followsDaylightSaving = false
        } else if let resolved = TimeZone(identifier: identifier) {
            zone = resolved
            fixedOffset = statedOffsetMinutes ?? resolved.secondsFromGMT() / 60
            followsDaylightSaving = true
        } else if let statedOffsetMinutes {
            zone = nil
            fixedOffset = statedOffsetMinutes
            followsDaylightSaving = false
        } else {
            return nil
        }
    }

    /// Whether the identifier names a fixed offset rather than a region.
    public var isFixedOffset: Bool { zone == nil && Self.fixedOffset(identifier) != nil }

    /// A fixed offset, `minutes` east of UTC (identifier `+08:00`).
    public init(offsetMinutes minutes: Int) {
        identifier = (minutes < 0 ? "-" : "+") + Self.twoDigits(abs(minutes) / 60) + ":" + Self.twoDigits(abs(minutes) % 60)
        statedOffsetMinutes = nil
        followsDaylightSaving = false
        zone = nil
        fixedOffset = minutes
    }

    /// The zone an option names (`--acquirer-tz`, `--terminal-tz`, and their `POSRCA_*`
    /// variables): a UTC offset (`+08:00`, `-0300`, `+8`, `Z`, `UTC`) or a tz database zone
    /// (`Asia/Shanghai`, `America/Sao_Paulo`, `Etc/GMT-8`), whose daylight saving time is
    /// followed; nil for anything else.
    ///
    /// A region must be written `Area/Location`: abbreviations and the old names without a `/`
    /// (`CST`, `PRC`, `EST5EDT`) are refused, since `CST` is China to some and Chicago to others.
    public init?(option text: String) {
        if let minutes = Timestamps.parseOffset(text) {
            self.init(offsetMinutes: minutes)
            return
        }
        if let minutes = Self.fixedOffset(text) {
            self.init(offsetMinutes: minutes)
            return
        }
        let utf8 = text.utf8
        guard utf8.count <= 64, utf8.contains(UInt8(ascii: "/")), utf8.first != UInt8(ascii: "/"), utf8.last != UInt8(ascii: "/"),
            !text.contains(".."), !text.contains("//"),
            utf8.allSatisfy({ Self.isOptionIdentifierByte($0) }),
            TimeZone(identifier: text) != nil
        else { return nil }
        self.init(identifier: text, statedOffsetMinutes: nil)
    }

    /// Letters, digits, `/`, `_`, `-`, `+`: what tz database identifiers are made of.
    private static func isOptionIdentifierByte(_ b: UInt8) -> Bool {
        let lower = b | 0x20
        return (lower >= 0x61 && lower <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "/") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// How a warning names the zone: `UTC+08:00` for a fixed offset, else the identifier.
    public var displayName: String {
        guard zone == nil, let fixed = Self.fixedOffset(identifier) else { return identifier }
        return "UTC" + (fixed < 0 ? "-" : "+") + Self.twoDigits(abs(fixed) / 60) + ":" + Self.twoDigits(abs(fixed) % 60)
    }

    /// The UTC offset, in minutes, of a local date and clock in this zone (`localMilliseconds`
    /// since 1970-01-01T00:00 read as if UTC).
    ///
    /// In the hour repeated when daylight saving time ends, the local time is ambiguous; the
    /// offset found first (the one in force just before, when the log runs forward) is taken.
    public mutating func offsetMinutes(forLocalMilliseconds local: Int64) -> Int {
        guard let zone else { return fixedOffset }
        let guess = local &- Int64(cacheOffset) &* 60_000
        if guess >= cacheFrom, guess < cacheUntil { return cacheOffset }
        func offset(atUTC utc: Int64) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc) / 1000)) / 60
        }
        let first = offset(atUTC: local)
        var minutes = offset(atUTC: local &- Int64(first) &* 60_000)
        if minutes != first, offset(atUTC: local &- Int64(minutes) &* 60_000) != minutes { minutes = first }
        let utc = local &- Int64(minutes) &* 60_000
        cacheOffset = minutes
        cacheFrom = utc
        if let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(utc) / 1000)) {
            cacheUntil = Int64((next.timeIntervalSince1970 * 1000).rounded(.down))
        } else {
            cacheUntil = .max
        }
        return minutes
    }

    private static func fixedOffset(_ identifier: String) -> Int? {
        switch identifier {
        case "UTC", "GMT", "Z", "UT", "Etc/UTC", "Etc/GMT", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu":
            return 0
        default:
            break
        }
        if identifier.hasPrefix("+") || identifier.hasPrefix("-") { return Timestamps.parseOffset(identifier) }
        if identifier.hasPrefix("GMT") || identifier.hasPrefix("UTC") {
            return Timestamps.parseOffset(String(identifier.dropFirst(3)))
        }
        return nil
    }

    // MARK: SystemMonitor text

    /// The zone a SystemMonitor block states, found in its text (the bytes of the whole `<log>`
    /// element will do); nil when it states none or an unusable one.
    ///
    /// Looks for a `timezone:` line (jPOS 1.9–2.x), a `zone-info` entry (jPOS 3.0.1 and later,
    /// text `zone-info : …` or XML `<zone-info>…`) or `zoneInfo=` (jPOS 3.0.0, which printed the
    /// `SysInfo` record on one line), then reads the identifier, an optional `(display name)` and
    /// the stated offset (`-03:00`, `Z` or `GMT OFFSET -3`).
    public static func stated(in text: UnsafeRawBufferPointer) -> JVMTimeZone? {
        guard let base = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let n = text.count
        var from = 0
        while from < n, let at = find("zone", base, from, n) {
            from = at + 4
            var i: Int
            var separators: (UInt8, UInt8) = (UInt8(ascii: ":"), UInt8(ascii: ">"))
            if at >= 4, memcmp(base + at - 4, "time", 4) == 0 {
                i = at + 4  // `timezone`
            } else if at + 9 <= n, memcmp(base + at, "zone-info", 9) == 0 {
                i = at + 9
            } else if at + 9 <= n, memcmp(base + at, "zoneInfo=", 9) == 0 {
                // jPOS 3.0.0 printed the `SysInfo` record itself: `SysInfo[…, zoneInfo=…, …]`.
                i = at + 8
                separators = (UInt8(ascii: "="), UInt8(ascii: "="))
            } else {
                continue
            }
            while i < n, base[i] == 0x20 || base[i] == 0x09 { i += 1 }
            guard i < n, base[i] == separators.0 || base[i] == separators.1 else { continue }
            i += 1
            if let zone = parseStatement(base, i, lineEnd(base, i, n)) { return zone }
        }
        return nil
    }

    /// Convenience for tests.
    public static func stated(in text: String) -> JVMTimeZone? {
        var text = text
        return text.withUTF8 { stated(in: UnsafeRawBufferPointer($0)) }
    }

    /// `America/Sao_Paulo (Brasilia Time) -03:00` from `i` to `end`.
    private static func parseStatement(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> JVMTimeZone? {
        var i = start
        func skipBlanks() { while i < end, p[i] == 0x20 || p[i] == 0x09 { i += 1 } }
        skipBlanks()
        let idStart = i
        while i < end, isIdentifierByte(p[i]) { i += 1 }
        guard i > idStart else { return nil }
        let identifier = String(decoding: UnsafeBufferPointer(start: p + idStart, count: i - idStart), as: UTF8.self)
        skipBlanks()
        if i < end, p[i] == UInt8(ascii: "(") {
            // The display name is localised (`Horário de Brasília`) and may hold parentheses.
            var depth = 0
            while i < end {
                if p[i] == UInt8(ascii: "(") { depth += 1 }
                if p[i] == UInt8(ascii: ")") {
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        break
                    }
                }
                i += 1
            }
            skipBlanks()
        }
        var stated: Int?
        if end - i >= 10, memcmp(p + i, "GMT OFFSET", 10) == 0 {
            i += 10
            skipBlanks()
            let tokenStart = i
            while i < end, p[i] != 0x20, p[i] != 0x3C { i += 1 }
            var hours = String(decoding: UnsafeBufferPointer(start: p + tokenStart, count: i - tokenStart), as: UTF8.self)
            if !hours.hasPrefix("-") { hours = "+" + hours }
            stated = Timestamps.parseOffset(hours)
        } else {
            let tokenStart = i
            while i < end, p[i] != 0x20, p[i] != 0x3C { i += 1 }
            if i > tokenStart {
                stated = Timestamps.parseOffset(String(decoding: UnsafeBufferPointer(start: p + tokenStart, count: i - tokenStart), as: UTF8.self))
            }
        }
        return JVMTimeZone(identifier: identifier, statedOffsetMinutes: stated)
    }

    private static func isIdentifierByte(_ b: UInt8) -> Bool {
        let lower = b | 0x20
        return (lower >= 0x61 && lower <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "/") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: ":") || b == UInt8(ascii: ".")
    }

    private static func lineEnd(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
        var i = from
        while i < n, p[i] != 0x0A, p[i] != 0x0D { i += 1 }
        return i
    }

    private static func find(_ pattern: StaticString, _ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int? {
        let length = pattern.utf8CodeUnitCount
        let first = pattern.utf8Start[0]
        var i = from
        while n - i >= length, let hit = memchr(p + i, Int32(first), n - i - length + 1) {
            let at = UnsafeRawPointer(p).distance(to: UnsafeRawPointer(hit))
            if memcmp(p + at, pattern.utf8Start, length) == 0 { return at }
            i = at + 1
        }
        return nil
    }
}
