import Dispatch
import Foundation
import POSFormats
public import POSStore

/// The raw material of an analysis, read from the database into columns.
///
/// Ids are dictionary ids of the `dictionary` table; `text(id)` gives the text.
struct AnalysisData {
    var dictionary: [Int64: String] = [:]

    /// Terminal transactions, in `terminal_txns` order.
    struct Transactions {
        var id: [Int64] = []
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

    /// Acquirer messages, sorted by realm, STAN, terminal, time.
    struct Messages {
        var id: [Int64] = []
        var ts: [Int64] = []
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
        /// nil for an upgrade's app and code table (unchanged by the upgrade).
        var firmware: Int64
        var app: Int64
        var codeTable: Int64
        var isUpgrade: Bool
        var from: Int64
    }
    var software: [SoftwareEvent] = []

    struct TerminalNetEvent {
        var tid: Int64
        var ts: Int64
        var state: Int64
        var netType: Int64
        var rssi: Int64?
    }
    var terminalNet: [TerminalNetEvent] = []
    /// Acquirer link events by realm id: times.
    var realmLinkEvents: [(realm: Int64, ts: Int64)] = []

    struct InventoryRow {
        var brand: Int64, model: Int64, channel: Int64, agent: Int64, feeTier: Int64, region: Int64, mcc: Int64, firmware: Int64
    }
    var inventory: [Int64: InventoryRow] = [:]

    /// Per realm, the time spans acquirer files cover (min and max message time of each file).
    var coverage: [Int64: [(start: Int64, end: Int64)]] = [:]

    var catalogue = ResponseCodeCatalogue.builtIn

    func text(_ id: Int64) -> String? { id == 0 ? nil : dictionary[id] }

    /// Reads everything the passes need, from two read connections at once (the acquirer messages,
    /// usually the largest table, on a second thread). Rows are read in storage order and sorted
    /// here: cheaper than SQLite sorting million-row results. Missing ids read as 0.
    static func load(path: String) throws -> AnalysisData {
        let messagesTask = BackgroundTask { () throws -> (Messages, [Int64: [(start: Int64, end: Int64)]]) in
            try loadMessages(Database(path: path, mode: .readOnly))
        }
        let db = try Database(path: path, mode: .readOnly)
        var data = AnalysisData()
        let dict = try db.prepare("SELECT id, value FROM dictionary")
        while try dict.step() { data.dictionary[dict.int64(0)] = dict.text(1) ?? "" }

        let txns = try db.prepare("""
            SELECT id, ts, tz, tid, coalesce(type, 0), coalesce(stan, -1), coalesce(rc, 0), coalesce(disp, 0),
                   coalesce(latency_ms, -1), coalesce(entry, 0), coalesce(err, 0), coalesce(mcc, 0)
            FROM terminal_txns
            """)
        var t = Transactions()
        while try txns.step() {
            t.id.append(txns.int64(0))
            t.ts.append(txns.int64(1))
            t.tz.append(Int16(truncatingIfNeeded: txns.int64(2)))
            t.tid.append(txns.int64(3))
            t.type.append(txns.int64(4))
            t.stan.append(Int32(truncatingIfNeeded: txns.int64(5)))
            t.rc.append(txns.int64(6))
            t.disp.append(txns.int64(7))
            t.latencyMs.append(txns.int64(8))
            t.entry.append(txns.int64(9))
            t.err.append(txns.int64(10))
            t.mcc.append(txns.int64(11))
        }
        // By terminal, then time, then id.
        let order = groupedOrder(t.count, key: { Int(t.tid[$0]) }, keyCount: (t.tid.max().map { Int($0) } ?? 0) + 1) { a, b in
            t.ts[a] != t.ts[b] ? t.ts[a] < t.ts[b] : t.id[a] < t.id[b]
        }
        data.transactions = Transactions(
            id: order.map { t.id[$0] }, ts: order.map { t.ts[$0] }, tz: order.map { t.tz[$0] }, tid: order.map { t.tid[$0] },
            type: order.map { t.type[$0] }, stan: order.map { t.stan[$0] }, rc: order.map { t.rc[$0] }, disp: order.map { t.disp[$0] },
            latencyMs: order.map { t.latencyMs[$0] }, entry: order.map { t.entry[$0] }, err: order.map { t.err[$0] }, mcc: order.map { t.mcc[$0] }
        )

        let boots = try db.prepare("""
            SELECT tid, ts, coalesce(firmware, 0), coalesce(app_version, 0), coalesce(code_table, 0), 0, 0 FROM terminal_boots
            UNION ALL
            SELECT tid, ts, coalesce(to_fw, 0), 0, 0, 1, coalesce(from_fw, 0) FROM firmware_updates WHERE succeeded = 1
            """)
        while try boots.step() {
            data.software.append(SoftwareEvent(
                tid: boots.int64(0), ts: boots.int64(1), firmware: boots.int64(2), app: boots.int64(3),
                codeTable: boots.int64(4), isUpgrade: boots.int64(5) == 1, from: boots.int64(6)
            ))
        }
        data.software.sort { $0.tid != $1.tid ? $0.tid < $1.tid : $0.ts < $1.ts }

        let net = try db.prepare("SELECT source = 'terminal', subject, ts, coalesce(state, 0), coalesce(net_type, 0), rssi FROM net_events")
        while try net.step() {
            if net.int64(0) == 1 {
                data.terminalNet.append(TerminalNetEvent(
                    tid: net.int64(1), ts: net.int64(2), state: net.int64(3), netType: net.int64(4), rssi: net.optionalInt64(5)
                ))
            } else {
                data.realmLinkEvents.append((net.int64(1), net.int64(2)))
            }
        }
        data.terminalNet.sort { $0.tid != $1.tid ? $0.tid < $1.tid : $0.ts < $1.ts }

        let inventory = try db.prepare("""
            SELECT tid, brand, coalesce(model, 0), channel, coalesce(agent, 0), fee_tier, coalesce(region, 0), coalesce(mcc, 0), coalesce(firmware, 0)
            FROM inventory
            """)
        while try inventory.step() {
            data.inventory[inventory.int64(0)] = InventoryRow(
                brand: inventory.int64(1), model: inventory.int64(2), channel: inventory.int64(3), agent: inventory.int64(4),
                feeTier: inventory.int64(5), region: inventory.int64(6), mcc: inventory.int64(7), firmware: inventory.int64(8)
            )
        }

        let codes = try db.prepare("SELECT code, meaning, scope, line FROM catalogue_entries ORDER BY id")
        while try codes.step() {
            data.catalogue.add(CatalogueEntry(
                line: Int(codes.int64(3)), code: codes.text(0) ?? "", meaning: codes.text(1) ?? "", scope: codes.text(2) ?? "*", source: "file"
            ))
        }
        (data.messages, data.coverage) = try messagesTask.value()
        return data
    }

    /// The acquirer messages, sorted by realm, STAN and time, and the spans each file covers per realm.
    private static func loadMessages(_ db: Database) throws -> (Messages, [Int64: [(start: Int64, end: Int64)]]) {
        let msgs = try db.prepare("""
            SELECT id, ts, realm, coalesce(mti, 0), coalesce(stan, -1), coalesce(rc, 0), coalesce(tid, 0), coalesce(lifespan_ms, -1), file_id
            FROM acquirer_msgs
            """)
        var m = Messages()
        var spans: [Int64: (realm: Int64, start: Int64, end: Int64)] = [:]
        var lastKey: Int64 = -1
        var lastSpan = (realm: Int64(0), start: Int64(0), end: Int64(0))
        while try msgs.step() {
            let ts = msgs.int64(1)
            let realm = msgs.int64(2)
            m.id.append(msgs.int64(0))
            m.ts.append(ts)
            m.realm.append(realm)
            m.mti.append(msgs.int64(3))
            m.stan.append(Int32(truncatingIfNeeded: msgs.int64(4)))
            m.rc.append(msgs.int64(5))
            m.tid.append(msgs.int64(6))
            m.lifespanMs.append(msgs.int64(7))
            // Rows of a file are contiguous: keep the current span in hand.
            let key = msgs.int64(8) << 20 | realm & 0xFFFFF
            if key != lastKey {
                if lastKey >= 0 { spans[lastKey] = lastSpan }
                lastKey = key
                lastSpan = spans[key] ?? (realm, ts, ts)
            }
            lastSpan.start = min(lastSpan.start, ts)
            lastSpan.end = max(lastSpan.end, ts)
        }
        if lastKey >= 0 { spans[lastKey] = lastSpan }
        var coverage: [Int64: [(start: Int64, end: Int64)]] = [:]
        for span in spans.values { coverage[span.realm, default: []].append((span.start, span.end)) }
        // By realm, STAN, terminal, then time: realms are few and STANs six digits, so the key is dense.
        var realmIndex: [Int64: Int] = [:]
        for realm in m.realm where realmIndex[realm] == nil { realmIndex[realm] = realmIndex.count }
        let stanSpan = Int(m.stan.max() ?? 0) + 2
        let order = groupedOrder(m.count, key: { realmIndex[m.realm[$0]]! * stanSpan + Int(m.stan[$0]) + 1 }, keyCount: realmIndex.count * stanSpan) { a, b in
            if m.tid[a] != m.tid[b] { return m.tid[a] < m.tid[b] }
            return m.ts[a] != m.ts[b] ? m.ts[a] < m.ts[b] : m.id[a] < m.id[b]
        }
        let sorted = Messages(
            id: order.map { m.id[$0] }, ts: order.map { m.ts[$0] }, realm: order.map { m.realm[$0] }, mti: order.map { m.mti[$0] },
            stan: order.map { m.stan[$0] }, rc: order.map { m.rc[$0] }, tid: order.map { m.tid[$0] }, lifespanMs: order.map { m.lifespanMs[$0] }
        )
        return (sorted, coverage)
    }

    /// The indices 0..<count ordered by an integer key in 0..<keyCount, then by `before` within a key.
    ///
    /// A counting sort on the key (stable, so rows keep their storage order, which is nearly time
    /// order), then a sort of just the groups that are not yet in order: linear for log data, where
    /// a comparison sort of millions of rows would cost a second. Falls back to a full comparison
    /// sort when the key space is much larger than the rows.
    static func groupedOrder(_ count: Int, key: (Int) -> Int, keyCount: Int, before: (Int, Int) -> Bool) -> [Int] {
        guard keyCount <= max(4 * count, 1 << 16) else {
            var order = Array(0..<count)
            order.sort { key($0) != key($1) ? key($0) < key($1) : before($0, $1) }
            return order
        }
        var starts = [Int](repeating: 0, count: keyCount + 1)
        var keys = [Int](repeating: 0, count: count)
        for row in 0..<count {
            let k = key(row)
            keys[row] = k
            starts[k + 1] += 1
        }
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

/// Work started on a thread of its own, whose result is collected later.
final class BackgroundTask<Value>: @unchecked Sendable {
    private var result: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Result { try work() }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the work to finish and returns what it gave or threw.
    func value() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
