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

    /// Acquirer messages, sorted by realm, stan, time.
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

    /// Reads everything the passes need. Missing ids read as 0.
    static func load(from db: Database) throws -> AnalysisData {
        var data = AnalysisData()
        let dict = try db.prepare("SELECT id, value FROM dictionary")
        while try dict.step() { data.dictionary[dict.int64(0)] = dict.text(1) ?? "" }

        let txns = try db.prepare("""
            SELECT id, ts, tz, tid, coalesce(type, 0), coalesce(stan, -1), coalesce(rc, 0), coalesce(disp, 0),
                   coalesce(latency_ms, -1), coalesce(entry, 0), coalesce(err, 0), coalesce(mcc, 0)
            FROM terminal_txns ORDER BY tid, ts, id
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
        data.transactions = t

        let msgs = try db.prepare("""
            SELECT id, ts, realm, coalesce(mti, 0), coalesce(stan, -1), coalesce(rc, 0), coalesce(tid, 0), coalesce(lifespan_ms, -1), file_id
            FROM acquirer_msgs ORDER BY realm, stan, ts, id
            """)
        var m = Messages()
        var spans: [Int64: (realm: Int64, start: Int64, end: Int64)] = [:]
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
            let file = msgs.int64(8) << 20 | realm & 0xFFFFF
            if let span = spans[file] {
                spans[file] = (realm, min(span.start, ts), max(span.end, ts))
            } else {
                spans[file] = (realm, ts, ts)
            }
        }
        data.messages = m
        for span in spans.values { data.coverage[span.realm, default: []].append((span.start, span.end)) }

        let boots = try db.prepare("""
            SELECT tid, ts, coalesce(firmware, 0), coalesce(app_version, 0), coalesce(code_table, 0), 0, 0 FROM terminal_boots
            UNION ALL
            SELECT tid, ts, coalesce(to_fw, 0), 0, 0, 1, coalesce(from_fw, 0) FROM firmware_updates WHERE succeeded = 1
            ORDER BY 1, 2
            """)
        while try boots.step() {
            data.software.append(SoftwareEvent(
                tid: boots.int64(0), ts: boots.int64(1), firmware: boots.int64(2), app: boots.int64(3),
                codeTable: boots.int64(4), isUpgrade: boots.int64(5) == 1, from: boots.int64(6)
            ))
        }

        let net = try db.prepare("""
            SELECT source, subject, ts, coalesce(state, 0), coalesce(net_type, 0), rssi FROM net_events ORDER BY subject, ts
            """)
        while try net.step() {
            if net.text(0) == "terminal" {
                data.terminalNet.append(TerminalNetEvent(
                    tid: net.int64(1), ts: net.int64(2), state: net.int64(3), netType: net.int64(4), rssi: net.optionalInt64(5)
                ))
            } else {
                data.realmLinkEvents.append((net.int64(1), net.int64(2)))
            }
        }

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
        return data
    }
}
