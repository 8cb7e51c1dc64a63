import Dispatch
import Foundation
import POSFormats
import POSStore

/// Which terminals of a day a recompute covers.
enum TerminalFilter: Sendable, Equatable {
    /// Every terminal (and the acquirer messages without one).
    case all
    /// These dictionary ids (0: acquirer messages without a terminal).
    case some(Set<Int64>)

    func contains(_ tid: Int64) -> Bool {
        switch self {
        case .all: true
        case .some(let tids): tids.contains(tid)
        }
    }

    mutating func merge(_ other: TerminalFilter) {
        switch (self, other) {
        case (.all, _): break
        case (_, .all): self = .all
        case (.some(let a), .some(let b)): self = .some(a.union(b))
        }
    }
}

/// The (local day, terminal) pairs one recompute covers, by day.
typealias BatchScope = [Int64: TerminalFilter]

extension BatchScope {
    func covers(day: Int64, tid: Int64) -> Bool { self[day]?.contains(tid) ?? false }
}

/// The raw material of recomputing a batch of (day, terminal) pairs, read from the database into
/// columns: the batch's transactions and terminal events, the acquirer messages within reach of
/// them, each terminal's state at the start of its first day, and the claims that transactions
/// outside the batch hold on acquirer pairs.
///
/// Ids are dictionary ids of the `dictionary` table; `text(id)` gives the text.
struct AnalysisData {
    let dictionary: DictionaryTexts

    /// Terminal transactions of the batch, by day, terminal, time.
    struct Transactions {
        var id: [Int64] = []
        var day: [Int64] = []
        var ts: [Int64] = []
        var tz: [Int16] = []
        var tid: [Int64] = []
        var type: [Int64] = []
        var stan: [Int32] = []
        var rc: [Int64] = []
        var disp: [Int64] = []
        var latencyMs: [Int64] = []
        var entry: [Int64] = []
        var err: [Int64] = []
        var mcc: [Int64] = []
        var count: Int { id.count }
    }
    var transactions = Transactions()

    /// Acquirer messages within reach of the batch, sorted by realm, STAN, terminal, time.
    struct Messages {
        var id: [Int64] = []
        var ts: [Int64] = []
        var tz: [Int16] = []
        var realm: [Int64] = []
        var mti: [Int64] = []
        var stan: [Int32] = []
        var rc: [Int64] = []
        var tid: [Int64] = []
        var lifespanMs: [Int64] = []
        var count: Int { id.count }
    }
    var messages = Messages()

    /// A boot or a successful upgrade: what a terminal runs from `ts` on (terminal clock).
    struct SoftwareEvent {
        var tid: Int64
        var ts: Int64
        var day: Int64
        var firmware: Int64
        /// 0 for an upgrade's app and code table (unchanged by the upgrade).
        var app: Int64
        var codeTable: Int64
        var isUpgrade: Bool
        var from: Int64
    }
    /// The batch's software events, by terminal then time.
    var software: [SoftwareEvent] = []

    struct TerminalNetEvent {
        var tid: Int64
        var ts: Int64
        /// The batch day the event belongs to (the next day for `beforeDay` events).
        var day: Int64
        var state: Int64
        var netType: Int64
        var rssi: Int64?
        /// An event of the 300 s before its batch day: it counts in the network windows only; the
        /// state it set is in the carry already.
        var beforeDay: Bool
    }
    /// The batch's terminal network events, and those of the 300 s before each batch day, by
    /// terminal then time.
    var terminalNet: [TerminalNetEvent] = []
    /// Acquirer link events within reach: (realm, UTC ms, kind, local day), by realm then time.
    var realmLinkEvents: [(realm: Int64, ts: Int64, kind: Int64, day: Int64)] = []

    struct InventoryRow {
        var brand: Int64, model: Int64, channel: Int64, agent: Int64, feeTier: Int64, region: Int64, mcc: Int64, firmware: Int64
    }
    var inventory: [Int64: InventoryRow] = [:]

    /// Per realm, the time spans acquirer files cover.
    var coverage: [Int64: [(start: Int64, end: Int64)]] = [:]

    var catalogue = ResponseCodeCatalogue.builtIn

    /// Each batch terminal's state at the end of the last day before its first batch day, and the
    /// states stored for its days inside the batch's span that the batch does not cover.
    var carry: [Int64: [CarryState]] = [:]

    /// Pairs claimed by transactions outside the batch: by the message id that keys the pair
    /// (request id, else the negated response id), the claiming transaction's day and id.
    var outsideClaims: [Int64: (day: Int64, txn: Int64)] = [:]
    /// What the batch's transactions had matched before this recompute, by transaction id.
    var previousClaims: [Int64: Int64] = [:]
    /// The stored end-of-day states of the batch's (day, terminal) pairs, to tell what changed.
    var previousCarry: [Int64: [Int64: CarryState]] = [:]

    init(dictionary: DictionaryTexts) {
        self.dictionary = dictionary
    }

    func text(_ id: Int64) -> String? { dictionary.text(id) }
}

/// A terminal's state at the end of a local day: what the next day's transactions start from.
struct CarryState: Equatable, Sendable {
    var day: Int64
    var transactions: Int
    var firmware: Int64
    var app: Int64
    var codeTable: Int64
    var netType: Int64
    var rssi: Int64?
    var lastDisruption: Int64?
    var realm: Int64
    var clockOffset: Int64?

    /// Equal as a starting point for the next day (counts and offsets aside).
    func sameState(as other: CarryState) -> Bool {
        firmware == other.firmware && app == other.app && codeTable == other.codeTable && netType == other.netType
            && rssi == other.rssi && lastDisruption == other.lastDisruption && realm == other.realm
    }
}

/// The `dictionary` table in memory: text by id, in an array.
struct DictionaryTexts: Sendable {
    private(set) var texts: [String?]

    static func load(_ db: Database) throws -> DictionaryTexts {
        var texts: [String?] = []
        let dict = try db.prepare("SELECT id, value FROM dictionary")
        while try dict.step() {
            let id = Int(dict.int64(0))
            if id >= texts.count { texts += [String?](repeating: nil, count: id - texts.count + 1) }
            texts[id] = dict.text(1) ?? ""
        }
        return DictionaryTexts(texts: texts)
    }

    init(texts: [String?]) {
        self.texts = texts
    }

    @inline(__always)
    func text(_ id: Int64) -> String? { id > 0 && Int(id) < texts.count ? texts[Int(id)] : nil }

    /// One more than the largest id.
    var size: Int { texts.count }

    /// The id of a text, by a linear search (for the few fixed values the analysis looks for).
    func id(of value: String) -> Int64 {
        for (id, text) in texts.enumerated() where text == value { return Int64(id) }
        return 0
    }
}

extension AnalysisData {
    /// How far the batch reads acquirer messages either side of its transactions: twice the
    /// matching window (clock offset and nearest match), the pairing window and a minute.
    static func messageMargin(_ options: MatchOptions) -> Int64 {
        2 * options.windowMilliseconds + options.pairingWindowMilliseconds + 60_000
    }

    /// Reads a batch: rows by the rowid ranges `file_days` gives for its days, filtered to its
    /// terminals. Missing ids read as 0.
    /// `earlyMessages`: whether the messages of a batch of whole days may be read on a second
    /// connection meanwhile (`EarlyMessages`); tests turn it off to compare.
    static func load(
        _ db: Database, scope: BatchScope, dictionary: DictionaryTexts, options: MatchOptions, earlyMessages: Bool = true
    ) throws -> AnalysisData {
        var data = AnalysisData(dictionary: dictionary)
        let days = scope.keys.sorted()
        guard let firstDay = days.first, let lastDay = days.last else { return data }
        let reader = RangeReader(db)
        let early = earlyMessages ? try EarlyMessages.start(db, scope: scope, days: days, margin: messageMargin(options)) : nil
        data.transactions = try loadTransactions(db, scope: scope, reader: reader, days: firstDay...lastDay)
        data.software = try loadSoftware(db, scope: scope, reader: reader, days: firstDay...lastDay)
        let reach = try BatchReach(db, transactions: data.transactions, days: firstDay...lastDay, options: options)
        let network = try loadNetworkEvents(db, scope: scope, reader: reader, days: firstDay...lastDay, reach: reach)
        data.terminalNet = network.terminal
        data.realmLinkEvents = network.links
        let messages: MessagesRead
        if let early, early.offsets == (reach.maxOffset, reach.minOffset) {
            messages = try early.task.value()
        } else {
            // Read again when the early read's offsets were not the batch's (or there was none).
            messages = try loadMessages(db, scope: scope, reader: reader, days: days, reach: reach, transactions: data.transactions)
        }
        data.messages = messages.messages
        data.coverage = try loadCoverage(db, days: messages.days)
        data.inventory = try loadInventory(db)
        data.catalogue = try loadCatalogue(db)
        try data.loadStates(db, scope: scope, firstDay: firstDay, lastDay: lastDay)
        try data.loadClaims(db, scope: scope, reader: reader, span: reach.span)
        return data
    }

    /// The batch's transactions, by day, terminal, time, id: the canonical order of matching.
    private static func loadTransactions(
        _ db: Database, scope: BatchScope, reader: RangeReader, days: ClosedRange<Int64>
    ) throws -> Transactions {
        var t = AnalysisData.Transactions()
        let txns = try db.prepare(
            """
            SELECT id, ts, tz, tid, coalesce(type, 0), coalesce(stan, -1), coalesce(rc, 0), coalesce(disp, 0),
                   coalesce(latency_ms, -1), coalesce(entry, 0), coalesce(err, 0), coalesce(mcc, 0)
            FROM terminal_txns WHERE id BETWEEN ? AND ?
            """)
        try reader.forEachRow(table: "terminal_txns", days: days, statement: txns) { s in
            let ts = s.int64(1)
            let tz = Int16(truncatingIfNeeded: s.int64(2))
            let tid = s.int64(3)
            let day = LocalDay.of(utcMilliseconds: ts, offsetMinutes: Int(tz))
            guard scope.covers(day: day, tid: tid) else { return }
            t.id.append(s.int64(0))
            t.day.append(day)
            t.ts.append(ts)
            t.tz.append(tz)
            t.tid.append(tid)
            t.type.append(s.int64(4))
            t.stan.append(Int32(truncatingIfNeeded: s.int64(5)))
            t.rc.append(s.int64(6))
            t.disp.append(s.int64(7))
            t.latencyMs.append(s.int64(8))
            t.entry.append(s.int64(9))
            t.err.append(s.int64(10))
            t.mcc.append(s.int64(11))
        }
        var order = Array(0..<t.count)
        order.sort { a, b in
            if t.day[a] != t.day[b] { return t.day[a] < t.day[b] }
            if t.tid[a] != t.tid[b] { return t.tid[a] < t.tid[b] }
            return t.ts[a] != t.ts[b] ? t.ts[a] < t.ts[b] : t.id[a] < t.id[b]
        }
        return Transactions(
            id: order.map { t.id[$0] }, day: order.map { t.day[$0] }, ts: order.map { t.ts[$0] }, tz: order.map { t.tz[$0] },
            tid: order.map { t.tid[$0] }, type: order.map { t.type[$0] }, stan: order.map { t.stan[$0] }, rc: order.map { t.rc[$0] },
            disp: order.map { t.disp[$0] }, latencyMs: order.map { t.latencyMs[$0] }, entry: order.map { t.entry[$0] },
            err: order.map { t.err[$0] }, mcc: order.map { t.mcc[$0] }
        )
    }

    /// The boots and successful upgrades of the batch's (day, terminal) pairs, by terminal then
    /// time (a boot before an upgrade at the same time).
    private static func loadSoftware(_ db: Database, scope: BatchScope, reader: RangeReader, days: ClosedRange<Int64>) throws -> [SoftwareEvent] {
        var software: [SoftwareEvent] = []
        let boots = try db.prepare(
            """
            SELECT tid, ts, tz, coalesce(firmware, 0), coalesce(app_version, 0), coalesce(code_table, 0) FROM terminal_boots WHERE id BETWEEN ? AND ?
            """)
        try reader.forEachRow(table: "terminal_boots", days: days, statement: boots) { s in
            let ts = s.int64(1)
            let day = LocalDay.of(utcMilliseconds: ts, offsetMinutes: Int(s.int64(2)))
            guard scope.covers(day: day, tid: s.int64(0)) else { return }
            software.append(
                SoftwareEvent(
                    tid: s.int64(0), ts: ts, day: day, firmware: s.int64(3), app: s.int64(4), codeTable: s.int64(5), isUpgrade: false, from: 0))
        }
        let upgrades = try db.prepare(
            """
            SELECT tid, ts, tz, coalesce(to_fw, 0), coalesce(from_fw, 0) FROM firmware_updates WHERE id BETWEEN ? AND ? AND succeeded = 1
            """)
        try reader.forEachRow(table: "firmware_updates", days: days, statement: upgrades) { s in
            let ts = s.int64(1)
            let day = LocalDay.of(utcMilliseconds: ts, offsetMinutes: Int(s.int64(2)))
            guard scope.covers(day: day, tid: s.int64(0)) else { return }
            software.append(
                SoftwareEvent(
                    tid: s.int64(0), ts: ts, day: day, firmware: s.int64(3), app: 0, codeTable: 0, isUpgrade: true, from: s.int64(4)))
        }
        software.sort { $0.tid != $1.tid ? $0.tid < $1.tid : $0.ts != $1.ts ? $0.ts < $1.ts : (!$0.isUpgrade && $1.isUpgrade) }
        return software
    }

    /// How far around its days a batch reads events and messages, in UTC ms.
    private struct BatchReach {
        /// The matching margin of `messageMargin`.
        var margin: Int64
        /// The largest and smallest UTC offset (minutes) of the batch's transactions and of every
        /// terminal the database knows (+08:00 when none is known).
        var maxOffset: Int64
        var minOffset: Int64
        /// Link events are read within these times: a day of the batch's transactions, widened.
        var linkLow: Int64
        var linkHigh: Int64
        /// The batch's days in UTC, in every offset its terminals write, widened by the margin and
        /// the 300 s before: what the neighbouring days are read for.
        var span: ClosedRange<Int64>

        init(_ db: Database, transactions: Transactions, days: ClosedRange<Int64>, options: MatchOptions) throws {
            let minTs = transactions.ts.min() ?? (days.lowerBound * LocalDay.milliseconds)
            let maxTs = transactions.ts.max() ?? ((days.upperBound + 1) * LocalDay.milliseconds)
            margin = messageMargin(options)
            linkLow = minTs - margin - 300_000
            linkHigh = maxTs + margin
            var offsets = Set(transactions.tz.map { Int64($0) })
            offsets.formUnion(try IngestStore.knownTerminalOffsets(db).map { Int64($0) })
            if offsets.isEmpty { offsets = [480] }
            maxOffset = offsets.max()!
            minOffset = offsets.min()!
            let earliest = days.lowerBound * LocalDay.milliseconds - maxOffset * 60_000 - margin - 300_000
            let latest = (days.upperBound + 1) * LocalDay.milliseconds - minOffset * 60_000 + margin
            span = earliest...latest
        }
    }

    /// Network events as a batch reads them.
    private struct NetworkEventsRead {
        /// Terminal events of the batch's pairs and of the 300 s before each, by terminal then time.
        var terminal: [TerminalNetEvent] = []
        /// Link events within reach, by realm then time.
        var links: [(realm: Int64, ts: Int64, kind: Int64, day: Int64)] = []
    }

    /// Terminal events of the batch's days and the 300 s before them (the network windows);
    /// link events within a day of the batch's transactions (60 s windows, clock offsets).
    private static func loadNetworkEvents(
        _ db: Database, scope: BatchScope, reader: RangeReader, days: ClosedRange<Int64>, reach: BatchReach
    ) throws -> NetworkEventsRead {
        var read = NetworkEventsRead()
        let net = try db.prepare(
            """
            SELECT source = 'terminal', subject, ts, tz, coalesce(state, 0), coalesce(net_type, 0), rssi FROM net_events WHERE id BETWEEN ? AND ?
            """)
        try reader.forEachRow(table: "net_events", days: (days.lowerBound - 1)...(days.upperBound + 1), within: reach.span, statement: net) { s in
            let ts = s.int64(2)
            let day = LocalDay.of(utcMilliseconds: ts, offsetMinutes: Int(s.int64(3)))
            if s.int64(0) == 1 {
                let tid = s.int64(1)
                let event = TerminalNetEvent(
                    tid: tid, ts: ts, day: day, state: s.int64(4), netType: s.int64(5), rssi: s.optionalInt64(6), beforeDay: false)
                if scope.covers(day: day, tid: tid) { read.terminal.append(event) }
                // The last 300 s of a day count in the next day's network windows, whether or not
                // this day is recomputed too.
                if scope.covers(day: day + 1, tid: tid), ts >= (day + 1) * LocalDay.milliseconds - Int64(s.int64(3)) * 60_000 - 300_000 {
                    var before = event
                    before.day = day + 1
                    before.beforeDay = true
                    read.terminal.append(before)
                }
            } else if ts >= reach.linkLow && ts <= reach.linkHigh {
                read.links.append((s.int64(1), ts, s.int64(4), day))
            }
        }
        read.terminal.sort { $0.tid != $1.tid ? $0.tid < $1.tid : $0.ts < $1.ts }
        read.links.sort { $0.realm != $1.realm ? $0.realm < $1.realm : $0.ts < $1.ts }
        return read
    }

    /// Acquirer messages as a batch reads them, and the local days they were read from.
    private struct MessagesRead {
        var messages: Messages
        var days: ClosedRange<Int64>
    }

    /// Acquirer messages within reach of the batch's days: each day's span in every UTC offset
    /// its transactions use, widened by the margin. SQLite filters by time; here by terminal.
    private static func loadMessages(
        _ db: Database, scope: BatchScope, reader: RangeReader, days: [Int64], reach: BatchReach, transactions: Transactions
    ) throws -> MessagesRead {
        var tids = Set<Int64>()
        for case .some(let set) in scope.values { tids.formUnion(set) }
        tids.formUnion(transactions.tid)
        return try readMessages(
            db, scope: scope, reader: reader, days: days, margin: reach.margin, offsets: (reach.maxOffset, reach.minOffset), tids: tids)
    }

    /// The messages of `days`' spans in UTC offsets `offsets` (largest, smallest) widened by
    /// `margin`: those of the whole days of `scope`, and elsewhere those of terminals `tids`.
    private static func readMessages(
        _ db: Database, scope: BatchScope, reader: RangeReader, days: [Int64], margin: Int64, offsets: (max: Int64, min: Int64),
        tids: Set<Int64>
    ) throws -> MessagesRead {
        var intervals: [(low: Int64, high: Int64)] = []
        for day in days {
            let low = day * LocalDay.milliseconds - offsets.max * 60_000 - margin
            let high = (day + 1) * LocalDay.milliseconds - offsets.min * 60_000 + margin
            if let last = intervals.last, low <= last.high {
                intervals[intervals.count - 1].high = max(last.high, high)
            } else {
                intervals.append((low, high))
            }
        }
        var wholeDays: [(low: Int64, high: Int64)] = []
        for (day, filter) in scope where filter == .all {
            wholeDays.append(
                (day * LocalDay.milliseconds - offsets.max * 60_000 - margin, (day + 1) * LocalDay.milliseconds - offsets.min * 60_000 + margin))
        }
        let msgs = try db.prepare(
            """
            SELECT id, ts, tz, realm, coalesce(mti, 0), coalesce(stan, -1), coalesce(rc, 0), coalesce(tid, 0), coalesce(lifespan_ms, -1)
            FROM acquirer_msgs WHERE id BETWEEN ? AND ? AND ts BETWEEN ? AND ?
            """)
        var m = Messages()
        var lowDay = Int64.max
        var highDay = Int64.min
        for interval in intervals {
            let first = LocalDay.of(utcMilliseconds: interval.low, offsetMinutes: -14 * 60)
            let last = LocalDay.of(utcMilliseconds: interval.high, offsetMinutes: 14 * 60)
            lowDay = min(lowDay, first)
            highDay = max(highDay, last)
            msgs.bind(interval.low, at: 3)
            msgs.bind(interval.high, at: 4)
            try reader.forEachRow(table: "acquirer_msgs", days: first...last, within: interval.low...interval.high, statement: msgs) { s in
                let ts = s.int64(1)
                let tid = s.int64(7)
                guard tids.contains(tid) || wholeDays.contains(where: { ts >= $0.low && ts <= $0.high }) else { return }
                m.id.append(s.int64(0))
                m.ts.append(ts)
                m.tz.append(Int16(truncatingIfNeeded: s.int64(2)))
                m.realm.append(s.int64(3))
                m.mti.append(s.int64(4))
                m.stan.append(Int32(truncatingIfNeeded: s.int64(5)))
                m.rc.append(s.int64(6))
                m.tid.append(tid)
                m.lifespanMs.append(s.int64(8))
            }
        }
        if lowDay > highDay {
            lowDay = days[0] - 1
            highDay = days[days.count - 1] + 1
        }
        return MessagesRead(messages: sortedMessages(m), days: lowDay...highDay)
    }

    /// The messages of a batch of whole days, read on a second connection while this one reads
    /// the transactions: what they need of the transactions, the UTC offsets in use, is taken
    /// from the offsets of every terminal the database knows, and the read is kept only when
    /// those are the batch's (`offsets`). A batch that recomputes some terminals of a day reads
    /// after the transactions, filtered by their terminals.
    private struct EarlyMessages {
        let task: BackgroundTask<MessagesRead>
        /// Largest and smallest UTC offset (minutes) the read assumed.
        let offsets: (Int64, Int64)

        static func start(_ db: Database, scope: BatchScope, days: [Int64], margin: Int64) throws -> EarlyMessages? {
            let known = try IngestStore.knownTerminalOffsets(db).map { Int64($0) }
            guard let maxOffset = known.max(), let minOffset = known.min(), scope.values.allSatisfy({ $0 == .all }),
                db.path != "", db.path != ":memory:", !db.inTransaction
            else { return nil }
            let path = db.path
            let task = BackgroundTask {
                let second = try Database(path: path, mode: .readOnly)
                return try readMessages(
                    second, scope: scope, reader: RangeReader(second), days: days, margin: margin, offsets: (maxOffset, minOffset), tids: [])
            }
            return EarlyMessages(task: task, offsets: (maxOffset, minOffset))
        }
    }

    /// Per realm, the time spans acquirer files cover on `days`.
    private static func loadCoverage(_ db: Database, days: ClosedRange<Int64>) throws -> [Int64: [(start: Int64, end: Int64)]] {
        var coverage: [Int64: [(start: Int64, end: Int64)]] = [:]
        let cover = try db.prepare("SELECT realm, min_ts, max_ts FROM acquirer_coverage WHERE day BETWEEN ? AND ?")
        cover.bind(days.lowerBound, at: 1)
        cover.bind(days.upperBound, at: 2)
        while try cover.step() { coverage[cover.int64(0), default: []].append((cover.int64(1), cover.int64(2))) }
        return coverage
    }

    /// The inventory by terminal.
    private static func loadInventory(_ db: Database) throws -> [Int64: InventoryRow] {
        var rows: [Int64: InventoryRow] = [:]
        let inventory = try db.prepare(
            """
            SELECT tid, brand, coalesce(model, 0), channel, coalesce(agent, 0), fee_tier, coalesce(region, 0), coalesce(mcc, 0), coalesce(firmware, 0)
            FROM inventory
            """)
        while try inventory.step() {
            rows[inventory.int64(0)] = InventoryRow(
                brand: inventory.int64(1), model: inventory.int64(2), channel: inventory.int64(3), agent: inventory.int64(4),
                feeTier: inventory.int64(5), region: inventory.int64(6), mcc: inventory.int64(7), firmware: inventory.int64(8)
            )
        }
        return rows
    }

    /// The response-code catalogue in force: the built-in tables and the user's entries.
    static func loadCatalogue(_ db: Database) throws -> ResponseCodeCatalogue {
        try ResponseCodeCatalogue.inForce(db)
    }

    /// Each terminal's stored states: the last before the batch's first day, those inside its span
    /// on days it does not cover (the carry), and those of its own pairs (to see what changed).
    private mutating func loadStates(_ db: Database, scope: BatchScope, firstDay: Int64, lastDay: Int64) throws {
        var terminals = Set(transactions.tid)
        for event in software { terminals.insert(event.tid) }
        for event in terminalNet { terminals.insert(event.tid) }
        for (day, filter) in scope {
            if case .some(let tids) = filter {
                terminals.formUnion(tids.filter { $0 > 0 })
            } else {
                let stored = try db.prepare("SELECT tid FROM terminal_days WHERE day = ?")
                stored.bind(day, at: 1)
                while try stored.step() { terminals.insert(stored.int64(0)) }
            }
        }
        let before = try db.prepare(
            """
            SELECT day, transactions, coalesce(firmware, 0), coalesce(app_version, 0), coalesce(code_table, 0), coalesce(net_type, 0),
                   rssi, last_disruption, coalesce(realm, 0), clock_offset_ms
            FROM terminal_days WHERE tid = ? AND day < ? ORDER BY day DESC LIMIT 1
            """)
        let within = try db.prepare(
            """
            SELECT day, transactions, coalesce(firmware, 0), coalesce(app_version, 0), coalesce(code_table, 0), coalesce(net_type, 0),
                   rssi, last_disruption, coalesce(realm, 0), clock_offset_ms
            FROM terminal_days WHERE tid = ? AND day BETWEEN ? AND ?
            """)
        func state(_ s: Statement) -> CarryState {
            CarryState(
                day: s.int64(0), transactions: Int(s.int64(1)), firmware: s.int64(2), app: s.int64(3), codeTable: s.int64(4),
                netType: s.int64(5), rssi: s.optionalInt64(6), lastDisruption: s.optionalInt64(7), realm: s.int64(8),
                clockOffset: s.optionalInt64(9))
        }
        for tid in terminals {
            var states: [CarryState] = []
            before.bind(tid, at: 1)
            before.bind(firstDay, at: 2)
            if try before.step() { states.append(state(before)) }
            before.reset()
            within.bind(tid, at: 1)
            within.bind(firstDay, at: 2)
            within.bind(lastDay, at: 3)
            while try within.step() {
                let stored = state(within)
                if scope.covers(day: stored.day, tid: tid) {
                    previousCarry[tid, default: [:]][stored.day] = stored
                } else {
                    states.append(stored)
                }
            }
            within.reset()
            if !states.isEmpty { carry[tid] = states.sorted { $0.day < $1.day } }
        }
    }

    /// The pairs held by transactions outside the batch near it (the batch's terminals, the days
    /// either side), and what the batch's own transactions held before.
    private mutating func loadClaims(_ db: Database, scope: BatchScope, reader: RangeReader, span: ClosedRange<Int64>) throws {
        let batchIDs = Set(transactions.id)
        let facts = try db.prepare(
            """
            SELECT t.id, t.ts, t.tz, t.tid, x.request_id, x.response_id
            FROM terminal_txns AS t JOIN txn_facts AS x ON x.txn_id = t.id
            WHERE t.id BETWEEN ? AND ? AND (x.request_id IS NOT NULL OR x.response_id IS NOT NULL)
            """)
        let days = scope.keys.sorted()
        guard let first = days.first, let last = days.last else { return }
        var terminals = Set(transactions.tid)
        var everyTerminal = false
        for filter in scope.values {
            if case .some(let tids) = filter { terminals.formUnion(tids) } else { everyTerminal = true }
        }
        try reader.forEachRow(table: "terminal_txns", days: (first - 1)...(last + 1), within: span, statement: facts) { s in
            let id = s.int64(0)
            let key = s.optionalInt64(4) ?? -(s.optionalInt64(5) ?? 0)
            if batchIDs.contains(id) {
                previousClaims[id] = key
                return
            }
            guard everyTerminal || terminals.contains(s.int64(3)) else { return }
            let day = LocalDay.of(utcMilliseconds: s.int64(1), offsetMinutes: Int(s.int64(2)))
            guard !scope.covers(day: day, tid: s.int64(3)) else { return }
            outsideClaims[key] = (day, id)
        }
    }

    /// The messages in the order pairing walks them: by realm, STAN, terminal, then time.
    static func sortedMessages(_ m: Messages) -> Messages {
        var realmIndex: [Int64: Int] = [:]
        var realmOfRow = [Int](repeating: 0, count: m.count)
        var lastRealm: Int64 = -1
        var lastIndex = 0
        for (row, realm) in m.realm.enumerated() {
            if realm != lastRealm {
                lastRealm = realm
                if let known = realmIndex[realm] {
                    lastIndex = known
                } else {
                    lastIndex = realmIndex.count
                    realmIndex[realm] = lastIndex
                }
            }
            realmOfRow[row] = lastIndex
        }
        let stanSpan = Int(m.stan.max() ?? 0) + 2
        let order = groupedOrder(
            m.count, key: { realmOfRow[$0] * stanSpan + Int(m.stan[$0]) + 1 }, keyCount: realmIndex.count * stanSpan,
            before: { a, b in
                if m.tid[a] != m.tid[b] { return m.tid[a] < m.tid[b] }
                return m.ts[a] != m.ts[b] ? m.ts[a] < m.ts[b] : m.id[a] < m.id[b]
            })
        return Messages(
            id: order.map { m.id[$0] }, ts: order.map { m.ts[$0] }, tz: order.map { m.tz[$0] }, realm: order.map { m.realm[$0] },
            mti: order.map { m.mti[$0] }, stan: order.map { m.stan[$0] }, rc: order.map { m.rc[$0] }, tid: order.map { m.tid[$0] },
            lifespanMs: order.map { m.lifespanMs[$0] }
        )
    }

    /// The indices 0..<count ordered by an integer key in 0..<keyCount, then by `before` within a key.
    ///
    /// A counting sort on the key (stable, so rows keep their storage order, which is nearly time
    /// order), then a sort of just the groups that are not yet in order: linear for log data, where
    /// a comparison sort of millions of rows would cost a second. Falls back to a full comparison
    /// sort when the key space is much larger than the rows.
    static func groupedOrder(_ count: Int, key: (Int) -> Int, keyCount: Int, before: (Int, Int) -> Bool) -> [Int] {
        var keys = [Int](repeating: 0, count: count)
        for row in 0..<count { keys[row] = key(row) }
        guard keyCount <= max(4 * count, 1 << 16) else {
            var order = Array(0..<count)
            order.sort { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : before($0, $1) }
            return order
        }
        var starts = [Int](repeating: 0, count: keyCount + 1)
        for row in 0..<count { starts[keys[row] + 1] += 1 }
        for k in 0..<keyCount { starts[k + 1] += starts[k] }
        var next = starts
        var order = [Int](repeating: 0, count: count)
        for row in 0..<count {
            order[next[keys[row]]] = row
            next[keys[row]] += 1
        }
        var groupStart = 0
        while groupStart < count {
            var groupEnd = groupStart + 1
            var sorted = true
            while groupEnd < count, keys[order[groupEnd]] == keys[order[groupStart]] {
                if before(order[groupEnd], order[groupEnd - 1]) { sorted = false }
                groupEnd += 1
            }
            if !sorted { order[groupStart..<groupEnd].sort(by: before) }
            groupStart = groupEnd
        }
        return order
    }
}

/// Work started on a thread of its own, whose result is collected later (the recompute's and the
/// window's second threads, and the report's second connection).
///
/// Unchecked: `result` is written once, by the work's thread before it signals `done`, and read
/// only after `value()` has waited on `done`; the semaphore orders the two accesses.
package final class BackgroundTask<Value>: @unchecked Sendable {
    private var result: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)

    package init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Result { try work() }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the work to finish and returns what it gave or threw.
    package func value() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
