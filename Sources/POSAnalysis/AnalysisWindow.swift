import Foundation
import Glibc
public import POSStore

/// Which local days the explain, network, firmware and code passes look at.
public enum WindowSelection: Sendable, Hashable, CustomStringConvertible {
    /// The last N days, ending at the latest day with data (`--days N`, default 28).
    case lastDays(Int)
    /// From `since` to `until` (day numbers), either end open (`--since`, `--until`).
    case range(since: Int64?, until: Int64?)
    /// Every day with data (`--all`).
    case all

    public var description: String {
        switch self {
        case .lastDays(let n): "days=\(n)"
        case .range(let since, let until): "since=\(since.map(LocalDay.text) ?? "-") until=\(until.map(LocalDay.text) ?? "-")"
        case .all: "all"
        }
    }
}

/// The days an analysis covers: the window it was given, resolved against the data.
public struct AnalysisWindow: Sendable, Hashable {
    /// First and last day of the window (nil when the database holds no day).
    public var since: Int64?
    public var until: Int64?
    /// Days with transactions in the window that the passes read.
    public var analysedDays: [Int64]
    /// Days in the window with transactions whose acquirer logs have not arrived: left out of the
    /// passes (their transactions would all read as unmatched) and reported.
    public var uncoveredDays: [Int64]
    /// True when no acquirer log is in the database at all: every day is analysed from the
    /// terminals' side alone.
    public var terminalSideOnly: Bool

    /// `2026-11-20…2026-12-17`, or "no data".
    public var text: String {
        guard let since, let until else { return "no data" }
        return since == until ? LocalDay.text(since) : "\(LocalDay.text(since))…\(LocalDay.text(until))"
    }

    /// Resolves `selection` against the days `analysis_days` holds.
    public static func resolve(_ selection: WindowSelection, database: Database) throws -> AnalysisWindow {
        var days: [(day: Int64, covered: Bool)] = []
        let statement = try database.prepare("SELECT day, covered FROM analysis_days WHERE transactions > 0 ORDER BY day")
        while try statement.step() { days.append((statement.int64(0), statement.int64(1) != 0)) }
        let anyAcquirer = try database.scalarInt("SELECT count(*) FROM (SELECT 1 FROM file_days WHERE table_name = 'acquirer_msgs' LIMIT 1)") ?? 0 > 0
        var window = AnalysisWindow(since: nil, until: nil, analysedDays: [], uncoveredDays: [], terminalSideOnly: !anyAcquirer)
        guard let latest = days.last?.day, let earliest = days.first?.day else { return window }
        switch selection {
        case .lastDays(let n):
            window.since = latest - Int64(max(n, 1)) + 1
            window.until = latest
        case .range(let since, let until):
            window.since = since ?? earliest
            window.until = until ?? latest
        case .all:
            window.since = earliest
            window.until = latest
        }
        for entry in days where entry.day >= window.since! && entry.day <= window.until! {
            if entry.covered || !anyAcquirer { window.analysedDays.append(entry.day) } else { window.uncoveredDays.append(entry.day) }
        }
        return window
    }
}

/// The window's transactions and events, read from the day snapshots into the passes' columns.
struct WindowData {
    var table = TransactionTable()
    var network = NetworkEvents(terminalEvents: [], realmEvents: [], periodStart: 0, periodEnd: 0)
    var upgrades: [FirmwareUpgrade] = []
    /// Acquirer pairs in the window, and those a transaction matched.
    var pairs = 0
    var matchedPairs = 0
    /// Each day's rows of `table`, in day order.
    var dayRows: [(day: Int64, rows: Range<Int>)] = []
    /// Transactions per value of every attribute, counted while the days were read.
    var valueCounts: ValueCounts?

    /// Reads the snapshots of `days`, one at a time, re-coding each day's values to the window's;
    /// `readAhead` (a file database only) reads the next days' bytes on a second connection.
    static func load(_ database: Database, days: [Int64], readAhead: Bool = true) throws -> WindowData {
        let window = WindowData()
        guard !days.isEmpty else { return window }
        var sizes: [Int64: Int] = [:]
        let count = try database.prepare("SELECT day, transactions FROM analysis_days WHERE day BETWEEN ? AND ?")
        count.bind(days.first!, at: 1)
        count.bind(days.last!, at: 2)
        while try count.step() { sizes[count.int64(0)] = Int(count.int64(1)) }
        let total = days.reduce(0) { $0 + (sizes[$1] ?? 0) }
        var loader = WindowLoader(capacity: total)
        // Reading a day's snapshot out of SQLite costs about half what appending it does: a second
        // connection reads the next day's bytes on a thread of its own while this one decodes and
        // appends the last, one day's bytes waiting at most. Only the bytes cross: decoded on the
        // reading thread, the snapshots' arrays came from that thread's malloc arena and left up to
        // 30 MB of it behind, which the passes' peak then carried (221–252 MB after the load of a
        // 28-day window of 7M transactions, against a steady 226 MB read in line).
        if readAhead, database.path != "", database.path != ":memory:", !database.inTransaction, days.count > 1 {
            let path = database.path
            let queue = HandOver<[UInt8]>(capacity: 1)
            let reader = BackgroundTask {
                do {
                    let second = try Database(path: path, mode: .readOnly)
                    // One read transaction: every day from the same state of the database.
                    try second.execute("BEGIN")
                    try readSnapshotBytes(second, days: days) { queue.put(Array($0)) }
                    try second.execute("COMMIT")
                    queue.finish()
                } catch {
                    queue.finish()
                    throw error
                }
            }
            while let bytes = queue.take() {
                if let snapshot = bytes.withUnsafeBytes({ DaySnapshot(decoding: $0) }) { loader.add(snapshot) }
            }
            try reader.value()
        } else {
            try readSnapshotBytes(database, days: days) { bytes in
                if let snapshot = DaySnapshot(decoding: bytes) { loader.add(snapshot) }
            }
        }
        return loader.finish()
    }

    /// Each day's stored snapshot bytes in day order (a day without one is skipped); a snapshot
    /// this build cannot decode is skipped by the caller.
    private static func readSnapshotBytes(_ database: Database, days: [Int64], _ body: (UnsafeRawBufferPointer) -> Void) throws {
        let read = try database.prepare("SELECT snapshot FROM analysis_days WHERE day = ?")
        for day in days {
            read.bind(day, at: 1)
            if try read.step() { read.withBlob(0, body) }
            read.reset()
        }
    }
}

/// Hands values from one thread to another in order, at most `capacity` waiting.
final class HandOver<Value>: @unchecked Sendable {
    private let capacity: Int
    private var waiting: [Value] = []
    private var finished = false
    private let condition = NSCondition()

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Waits while `capacity` values wait, then adds `value`.
    func put(_ value: Value) {
        condition.lock()
        while waiting.count >= capacity { condition.wait() }
        waiting.append(value)
        condition.broadcast()
        condition.unlock()
    }

    /// No more values will come.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next value, waiting for it; nil once `finish()` was called and every value taken.
    func take() -> Value? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && !finished { condition.wait() }
        guard !waiting.isEmpty else { return nil }
        let value = waiting.removeFirst()
        condition.broadcast()
        return value
    }
}

/// Appends day snapshots to the window's columns.
struct WindowLoader {
    private var window = WindowData()
    private var valueCode: [[String: UInt32]] = Array(repeating: ["unknown": 0], count: TransactionTable.attributeCount)
    private var terminalIndex: [String: UInt32] = [:]
    private var terminalEvents: [(terminal: UInt32, time: Int64)] = []
    private var linkEvents: [(realm: String, time: Int64)] = []
    /// Per attribute and window code: transactions.
    private var histogram: [[Int]] = Array(repeating: [0], count: TransactionTable.attributeCount)

    /// The pages of the columns, faulted in on another thread while the days are appended.
    private var prefault: BackgroundTask<Void>?

    init(capacity: Int) {
        window.table.outcome.reserveCapacity(capacity)
        window.table.cause.reserveCapacity(capacity)
        window.table.responseCode.reserveCapacity(capacity)
        window.table.terminal.reserveCapacity(capacity)
        window.table.time.reserveCapacity(capacity)
        for a in 0..<TransactionTable.attributeCount { window.table.attributes[a].reserveCapacity(capacity) }
        // Each new page of the columns costs the appending thread a page fault: 190 MB at 28 days
        // of 250k transactions. The kernel faults them in beside it instead (MADV_POPULATE_WRITE,
        // Linux 5.14: it maps the pages and changes no byte, so the appends may run at the same
        // time; where the kernel lacks it, nothing happens). The capacity is the window's rows,
        // so no page is mapped that the window would not use.
        let table = window.table
        let pages =
            [reservedPages(table.outcome), reservedPages(table.cause), reservedPages(table.responseCode)]
            + [table.terminal.reservedPages, table.time.reservedPages] + table.attributes.map(\.reservedPages)
        let regions = pages.compactMap { $0 }
        if regions.reduce(0, { $0 + $1.bytes }) >= 16 << 20 {
            prefault = BackgroundTask {
                for region in regions {
                    _ = madvise(UnsafeMutableRawPointer(bitPattern: region.address), region.bytes, 23)  // MADV_POPULATE_WRITE
                }
            }
        }
    }

    mutating func add(_ s: DaySnapshot) {
        var table = window.table
        window.table = TransactionTable()
        defer { window.table = table }
        // Local codes → window codes, per attribute and for response codes.
        for a in 0..<TransactionTable.attributeCount {
            let remap: [UInt32] = s.attributeValues[a].enumerated().map { code, string in
                if code == 0 { return 0 }
                let text = s.string(string)
                if let known = valueCode[a][text] { return known }
                let new = UInt32(table.values[a].count)
                table.values[a].append(text)
                valueCode[a][text] = new
                return new
            }
            if histogram[a].count < table.values[a].count {
                histogram[a] += [Int](repeating: 0, count: table.values[a].count - histogram[a].count)
            }
            table.attributes[a].append(s.attributes[a], remappedBy: remap, counting: &histogram[a])
        }
        let codeRemap: [UInt16] = s.codeValues.enumerated().map { code, string in code == 0 ? 0 : table.codeIndex(s.string(string)) }
        table.outcome.append(contentsOf: s.outcome.lazy.map { Outcome(rawValue: $0) ?? .approved })
        table.cause.append(contentsOf: s.cause.lazy.map { Cause(rawValue: $0) })
        table.responseCode.append(contentsOf: s.responseCode.lazy.map { codeRemap[Int($0)] })
        // The acquirer's code served the classification and the aggregates; no pass reads it,
        // so the window leaves it out (two bytes a transaction).
        for block in s.blocks {
            let tid = s.string(block.tid)
            let terminal: UInt32
            if let known = terminalIndex[tid] {
                terminal = known
            } else {
                terminal = UInt32(table.terminals.count)
                table.terminals.append(tid)
                terminalIndex[tid] = terminal
            }
            table.terminal.append(terminal, count: block.rows.count)
            s.ts.withUnsafeBufferPointer { table.time.append(UnsafeBufferPointer(rebasing: $0[block.rows]), adding: block.clockOffset) }
            for d in block.disruptions where !block.rows.isEmpty { terminalEvents.append((terminal, s.disruptions[d] + block.clockOffset)) }
            for u in block.upgrades where !block.rows.isEmpty {
                window.upgrades.append(
                    FirmwareUpgrade(
                        terminal: terminal, time: s.upgrades[u].ts + block.clockOffset, from: s.string(s.upgrades[u].from),
                        to: s.string(s.upgrades[u].to)))
            }
            for p in block.pairs {
                window.pairs += 1
                if s.pairFlags[p] & DaySnapshot.matched != 0 { window.matchedPairs += 1 }
            }
        }
        for event in s.linkEvents { linkEvents.append((s.string(event.realm), event.ts)) }
        window.dayRows.append((s.day, table.count..<(table.count + s.rowCount)))
        table.count += s.rowCount
    }

    mutating func finish() -> WindowData {
        try? prefault?.value()
        let acquirer = TransactionTable.attributeIndex("acquirer")!
        var realmEvents: [(realm: UInt32, time: Int64)] = []
        for event in linkEvents {
            guard let code = valueCode[acquirer][event.realm] else { continue }
            realmEvents.append((code, event.time))
        }
        realmEvents.sort { $0.realm != $1.realm ? $0.realm < $1.realm : $0.time < $1.time }
        // The terminal events grouped by terminal once, here: the pairs go (a window of 28 days
        // holds millions of events).
        let terminalIndex = NetworkEventIndex(
            sourceCount: window.table.terminals.count, events: terminalEvents, source: { $0.terminal }, time: { $0.time })
        terminalEvents = []
        var counts = ValueCounts(table: window.table)
        for a in 0..<TransactionTable.attributeCount {
            for (code, n) in histogram[a].enumerated() where n > 0 { counts.counts[counts.offsets[a] + code] = n }
        }
        window.valueCounts = counts
        let times = window.table.time
        window.network = NetworkEvents(terminalEvents: [], realmEvents: realmEvents, periodStart: times.min() ?? 0, periodEnd: (times.max() ?? 0) + 1)
        window.network.terminalIndex = terminalIndex
        return window
    }
}
