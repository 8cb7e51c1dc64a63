import POSFormats

/// Local calendar days as the store and the analysis count them.
public enum LocalDay {
    public static let milliseconds: Int64 = 86_400_000

    /// The local date of a UTC time written with `offsetMinutes`, as days since 1970-01-01.
    @inline(__always)
    public static func of(utcMilliseconds: Int64, offsetMinutes: Int) -> Int64 {
        let local = utcMilliseconds + Int64(offsetMinutes) * 60_000
        return local >= 0 ? local / milliseconds : (local - milliseconds + 1) / milliseconds
    }

    /// `YYYY-MM-DD` of a day number (proleptic Gregorian, `Timestamps.civilFromDays`).
    public static func text(_ day: Int64) -> String {
        let (y, m, d) = Timestamps.civilFromDays(Int(day))
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = String(y)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(m) + "-" + two(d)
    }

    /// The day number of a `YYYY-MM-DD` date that exists (leap years included), nil when the text
    /// is not one.
    public static func number(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10), (1...12).contains(m),
            d >= 1, d <= Timestamps.daysInMonth(year: y, month: m)
        else { return nil }
        return Int64(Timestamps.daysFromCivil(year: y, month: m, day: d))
    }
}

/// What one file adds, day by day, while it is written: the rowid range of each (table, day), the
/// time each acquirer realm covers, and the (day, terminal) pairs the next analysis must redo.
///
/// Kept in memory for the file's transaction and written at its commit. Consecutive rows mostly
/// share their table, day and terminal, so each keeps the last key in hand before hashing.
struct FileDayTracker {
    struct Range {
        var first: Int64
        var last: Int64
        var rows: Int64
        var minTime: Int64
        var maxTime: Int64
    }

    /// Where a file's rows of a table are kept track of: per local day and UTC hour.
    struct RangeKey: Hashable {
        var table: Int
        var day: Int64
        var hour: Int64
    }

    /// The range in hand is in `current`.
    private var storedRanges: [RangeKey: Range] = [:]
    /// By realm << 32 | day; the span in hand is in `currentSpan`.
    private var storedCoverage: [Int64: (minTime: Int64, maxTime: Int64)] = [:]
    /// `DirtyMark.key(day, tid)` of every pair the file touches.
    private(set) var marks: Set<Int64> = []
    /// UTC offsets of the file's terminal rows.
    private(set) var terminalOffsets: Set<Int16> = []

    /// How far either side of a row a change can reach (matching and pairing windows with the
    /// largest clock offset they allow), in milliseconds.
    let reach: Int64
    /// Offsets of the terminal logs already in the database: an acquirer message's day is counted in
    /// each, since the matching terminal's day is what it can change.
    let knownTerminalOffsets: [Int16]

    private var currentKey = RangeKey(table: -1, day: 0, hour: 0)
    private var current = Range(first: 0, last: 0, rows: 0, minTime: 0, maxTime: 0)
    private var currentSpanKey: Int64 = -1
    private var currentSpan: (minTime: Int64, maxTime: Int64) = (0, 0)
    private var lastMarkKey: Int64 = .min
    /// The offsets a message's days are counted in: its own and the known terminal ones.
    private var messageOffsets: [Int16] = []
    private var messageOffsetsFor: Int16 = .min

    init(reach: Int64, knownTerminalOffsets: [Int16]) {
        self.reach = reach
        self.knownTerminalOffsets = knownTerminalOffsets
    }

    /// Every (table, day, hour) range, the one in hand included.
    var ranges: [RangeKey: Range] {
        var all = storedRanges
        if currentKey.table >= 0 { all[currentKey] = merged(all[currentKey], current) }
        return all
    }

    /// Every (realm, day) span, the one in hand included.
    var coverage: [Int64: (minTime: Int64, maxTime: Int64)] {
        var all = storedCoverage
        if currentSpanKey >= 0 {
            let span = all[currentSpanKey].map { (min($0.minTime, currentSpan.minTime), max($0.maxTime, currentSpan.maxTime)) } ?? currentSpan
            all[currentSpanKey] = span
        }
        return all
    }

    private func merged(_ a: Range?, _ b: Range) -> Range {
        guard let a else { return b }
        return Range(
            first: min(a.first, b.first), last: max(a.last, b.last), rows: a.rows + b.rows, minTime: min(a.minTime, b.minTime),
            maxTime: max(a.maxTime, b.maxTime))
    }

    /// Notes row `id` of table `table` at `time`; returns its local day.
    @inline(__always)
    mutating func noteRow(table: Int, id: Int64, utc: Int64, offset: Int16) -> Int64 {
        let day = LocalDay.of(utcMilliseconds: utc, offsetMinutes: Int(offset))
        let hour = utc >= 0 ? utc / 3_600_000 : (utc - 3_599_999) / 3_600_000
        if table == currentKey.table && day == currentKey.day && hour == currentKey.hour {
            current.last = id
            current.rows += 1
            if utc < current.minTime { current.minTime = utc }
            if utc > current.maxTime { current.maxTime = utc }
        } else {
            if currentKey.table >= 0 { storedRanges[currentKey] = merged(storedRanges[currentKey], current) }
            currentKey = RangeKey(table: table, day: day, hour: hour)
            current = Range(first: id, last: id, rows: 1, minTime: utc, maxTime: utc)
        }
        return day
    }

    /// A terminal row: its own day, and the neighbouring day when it lies within `reach` of it.
    @inline(__always)
    mutating func markTerminal(tid: Int64, utc: Int64, offset: Int16, day: Int64) {
        if !terminalOffsets.contains(offset) { terminalOffsets.insert(offset) }
        mark(day: day, tid: tid)
        let local = utc + Int64(offset) * 60_000
        let start = day * LocalDay.milliseconds
        if local - start < reach { mark(day: day - 1, tid: tid) }
        if start + LocalDay.milliseconds - local <= reach { mark(day: day + 1, tid: tid) }
    }

    /// An acquirer message: the days within `reach` of it in its own offset and in each terminal offset.
    @inline(__always)
    mutating func markMessage(tid: Int64, realm: Int64, utc: Int64, offset: Int16, day: Int64) {
        let key = realm << 32 | (day & 0xFFFF_FFFF)
        if key == currentSpanKey {
            if utc < currentSpan.minTime { currentSpan.minTime = utc }
            if utc > currentSpan.maxTime { currentSpan.maxTime = utc }
        } else {
            if currentSpanKey >= 0 {
                let span =
                    storedCoverage[currentSpanKey].map { (min($0.minTime, currentSpan.minTime), max($0.maxTime, currentSpan.maxTime)) } ?? currentSpan
                storedCoverage[currentSpanKey] = span
            }
            currentSpanKey = key
            currentSpan = (utc, utc)
        }
        markRemovedMessage(tid: tid, utc: utc, offset: offset)
    }

    /// The days an acquirer message reaches, as `markMessage` marks them, for a message that
    /// goes (another file's withdrawn row): this file's coverage does not change.
    @inline(__always)
    mutating func markRemovedMessage(tid: Int64, utc: Int64, offset: Int16) {
        if offset != messageOffsetsFor {
            messageOffsetsFor = offset
            messageOffsets = Array(Set([offset] + knownTerminalOffsets)).sorted()
        }
        for o in messageOffsets {
            let low = LocalDay.of(utcMilliseconds: utc - reach, offsetMinutes: Int(o))
            let high = LocalDay.of(utcMilliseconds: utc + reach, offsetMinutes: Int(o))
            mark(day: low, tid: tid)
            if high != low {
                var d = low + 1
                while d <= high {
                    mark(day: d, tid: tid)
                    d += 1
                }
            }
        }
    }

    /// An acquirer link event changes `net_event_60s` of every terminal of its realm for 60 s.
    mutating func markLinkEvent(utc: Int64, offset: Int16) {
        for o in [offset] + knownTerminalOffsets {
            let low = LocalDay.of(utcMilliseconds: utc, offsetMinutes: Int(o))
            let high = LocalDay.of(utcMilliseconds: utc + 60_000, offsetMinutes: Int(o))
            for d in low...high { mark(day: d, tid: DirtyMark.everyTerminal) }
        }
    }

    @inline(__always)
    private mutating func mark(day: Int64, tid: Int64) {
        let key = DirtyMark.key(day: day, tid: tid)
        if key != lastMarkKey {
            marks.insert(key)
            lastMarkKey = key
        }
    }
}

/// A (local day, terminal) pair the next analysis must recompute.
public enum DirtyMark {
    /// The terminal id that stands for every terminal of the day.
    public static let everyTerminal: Int64 = -1

    @inline(__always)
    static func key(day: Int64, tid: Int64) -> Int64 { day << 32 | (tid & 0xFFFF_FFFF) }

    static func day(_ key: Int64) -> Int64 { key >> 32 }

    static func tid(_ key: Int64) -> Int64 { Int64(Int32(truncatingIfNeeded: key)) }
}

/// Reads the rows of a table that lie on some days, by the rowid ranges `file_days` records:
/// overlapping ranges are merged so that no row is read twice; the caller filters by day.
public struct RangeReader {
    public let db: Database

    public init(_ db: Database) {
        self.db = db
    }

    /// The merged rowid ranges of `table`'s rows on `days`, only those of the hours that hold a
    /// time in `within` when it is given.
    public func ranges(table: String, days: ClosedRange<Int64>, within: ClosedRange<Int64>? = nil) throws -> [(first: Int64, last: Int64)] {
        let statement = try db.prepare(
            """
            SELECT first_id, last_id FROM file_days
            WHERE table_name = ?1 AND day BETWEEN ?2 AND ?3 AND max_ts >= ?4 AND min_ts <= ?5 ORDER BY first_id
            """)
        statement.bind(table, at: 1)
        statement.bind(days.lowerBound, at: 2)
        statement.bind(days.upperBound, at: 3)
        statement.bind(within?.lowerBound ?? Int64.min, at: 4)
        statement.bind(within?.upperBound ?? Int64.max, at: 5)
        var merged: [(first: Int64, last: Int64)] = []
        while try statement.step() {
            let first = statement.int64(0)
            let last = statement.int64(1)
            if let previous = merged.last, first <= previous.last + 1 {
                merged[merged.count - 1].last = max(previous.last, last)
            } else {
                merged.append((first, last))
            }
        }
        return merged
    }

    /// Runs `statement` (whose two parameters are a rowid range) over each range and calls `body` per row.
    public func forEachRow(
        table: String, days: ClosedRange<Int64>, within: ClosedRange<Int64>? = nil, statement: Statement, _ body: (Statement) throws -> Void
    ) throws {
        for range in try ranges(table: table, days: days, within: within) {
            statement.bind(range.first, at: 1)
            statement.bind(range.last, at: 2)
            while try statement.step() { try body(statement) }
            statement.reset()
        }
    }
}

extension RangeReader {
    /// The merged rowid ranges of `table`'s rows on `day`.
    public static func ranges(_ db: Database, table: String, day: Int64) throws -> [(first: Int64, last: Int64)] {
        try RangeReader(db).ranges(table: table, days: day...day)
    }
}
