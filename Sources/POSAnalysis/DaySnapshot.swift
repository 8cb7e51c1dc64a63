/// One local day as the analysis passes and the daily aggregates read it: every transaction's
/// attributes, outcome, cause and codes, the day's acquirer pairs, upgrades and network events,
/// grouped by terminal (`Block`) so that recomputing some terminals of a day replaces their blocks
/// and keeps the others.
///
/// Stored in `analysis_days.snapshot` in a compact little-endian encoding (`encoded()`,
/// `init(decoding:)`): value texts once in a string table, a byte or two per attribute code.
/// About 35 bytes a transaction; a window of 28 days is read without touching the raw tables.
struct DaySnapshot {
    struct Block {
        /// The terminal ID (index into `strings`); "" for acquirer pairs without one.
        var tid: Int32
        var clockOffset: Int64
        var rows: Range<Int>
        var pairs: Range<Int>
        var disruptions: Range<Int>
        var upgrades: Range<Int>
    }

    /// Pair flags.
    static let hasRequest: UInt8 = 1, hasResponse: UInt8 = 2, matched: UInt8 = 4

    var day: Int64
    /// True when acquirer logs cover the day (some acquirer message is on it).
    var covered: Bool
    var strings: [String] = []
    /// Per attribute: the string of each local code; code 0 is "unknown".
    var attributeValues: [[Int32]]
    /// Response codes: the string of each code; code 0 is "none" (−1).
    var codeValues: [Int32] = [-1]
    /// Network-window event sets: per set, per window (10, 60, 300 s), the kinds' strings.
    var eventSets: [[[Int32]]] = [[[], [], []]]
    var linkEvents: [(realm: Int32, ts: Int64, kind: Int32)] = []
    var blocks: [Block] = []

    // Transactions, all blocks' rows one after the other.
    var attributes: [[UInt16]]
    var outcome: [UInt8] = []
    /// `Cause.rawValue`, 0 for none.
    var cause: [UInt8] = []
    var responseCode: [UInt16] = []
    var acquirerResponseCode: [UInt16] = []
    /// The terminal's own time (UTC ms, uncorrected).
    var ts: [Int64] = []
    var eventSet: [UInt16] = []

    // Acquirer pairs.
    var pairRealm: [Int32] = []
    var pairFlags: [UInt8] = []
    /// Milliseconds from request to response, −1 when unknown.
    var pairLifespan: [Int32] = []

    var disruptions: [Int64] = []
    var upgrades: [(ts: Int64, from: Int32, to: Int32)] = []

    init(day: Int64, covered: Bool) {
        self.day = day
        self.covered = covered
        attributeValues = Array(repeating: [], count: TransactionTable.attributeCount)
        attributes = Array(repeating: [], count: TransactionTable.attributeCount)
    }

    var rowCount: Int { outcome.count }

    func string(_ index: Int32) -> String { index < 0 ? "" : strings[Int(index)] }
}

/// Builds a `DaySnapshot`, interning texts, from freshly classified terminals and from the kept
/// blocks of an earlier snapshot of the same day.
struct DaySnapshotBuilder {
    private(set) var snapshot: DaySnapshot
    private var stringIndex: [String: Int32] = [:]
    private var attributeCode: [[Int32: UInt16]]
    private var codeOfString: [Int32: UInt16] = [:]
    private var eventSetIndex: [[[Int32]]: UInt16] = [[[], [], []]: 0]

    init(day: Int64, covered: Bool) {
        snapshot = DaySnapshot(day: day, covered: covered)
        attributeCode = Array(repeating: [:], count: TransactionTable.attributeCount)
        let unknown = string("unknown")
        for a in 0..<TransactionTable.attributeCount {
            snapshot.attributeValues[a] = [unknown]
            attributeCode[a][unknown] = 0
        }
    }

    mutating func string(_ text: String) -> Int32 {
        if let known = stringIndex[text] { return known }
        let index = Int32(snapshot.strings.count)
        snapshot.strings.append(text)
        stringIndex[text] = index
        return index
    }

    /// The local code of a value of attribute `a` (nil or empty: `unknown`, code 0).
    mutating func code(_ a: Int, _ text: String?) -> UInt16 {
        guard let text, !text.isEmpty else { return 0 }
        let s = string(text)
        if let known = attributeCode[a][s] { return known }
        let code = UInt16(clamping: snapshot.attributeValues[a].count)
        guard code < UInt16.max else { return 0 }
        snapshot.attributeValues[a].append(s)
        attributeCode[a][s] = code
        return code
    }

    /// The local code of a response code (nil: none, code 0).
    mutating func responseCode(_ text: String?) -> UInt16 {
        guard let text else { return 0 }
        let s = string(text)
        if let known = codeOfString[s] { return known }
        let code = UInt16(clamping: snapshot.codeValues.count)
        guard code < UInt16.max else { return 0 }
        snapshot.codeValues.append(s)
        codeOfString[s] = code
        return code
    }

    mutating func eventSet(_ kinds: [[String]]) -> UInt16 {
        let key = kinds.map { $0.map { string($0) } }
        if let known = eventSetIndex[key] { return known }
        let index = UInt16(clamping: snapshot.eventSets.count)
        guard index < UInt16.max else { return 0 }
        snapshot.eventSets.append(key)
        eventSetIndex[key] = index
        return index
    }

    mutating func addLinkEvent(realm: String, ts: Int64, kind: String) {
        snapshot.linkEvents.append((string(realm), ts, string(kind)))
    }

    /// Opens a terminal's block; rows, pairs and events added next belong to it until the next.
    mutating func beginBlock(tid: String, clockOffset: Int64) {
        let rows = snapshot.rowCount
        let pairs = snapshot.pairFlags.count
        let disruptions = snapshot.disruptions.count
        let upgrades = snapshot.upgrades.count
        let tidString = string(tid)
        snapshot.blocks.append(
            DaySnapshot.Block(
                tid: tidString, clockOffset: clockOffset, rows: rows..<rows, pairs: pairs..<pairs, disruptions: disruptions..<disruptions,
                upgrades: upgrades..<upgrades))
    }

    /// Closes the open block at the current ends of the columns.
    mutating func endBlock() {
        guard var block = snapshot.blocks.popLast() else { return }
        block.rows = block.rows.lowerBound..<snapshot.rowCount
        block.pairs = block.pairs.lowerBound..<snapshot.pairFlags.count
        block.disruptions = block.disruptions.lowerBound..<snapshot.disruptions.count
        block.upgrades = block.upgrades.lowerBound..<snapshot.upgrades.count
        if block.rows.isEmpty && block.pairs.isEmpty && block.disruptions.isEmpty && block.upgrades.isEmpty { return }
        snapshot.blocks.append(block)
    }

    mutating func addRow(
        attributes: [UInt16], outcome: Outcome, cause: Cause?, responseCode: UInt16, acquirerResponseCode: UInt16, ts: Int64, eventSet: UInt16
    ) {
        for a in 0..<TransactionTable.attributeCount { snapshot.attributes[a].append(attributes[a]) }
        snapshot.outcome.append(outcome.rawValue)
        snapshot.cause.append(cause?.rawValue ?? 0)
        snapshot.responseCode.append(responseCode)
        snapshot.acquirerResponseCode.append(acquirerResponseCode)
        snapshot.ts.append(ts)
        snapshot.eventSet.append(eventSet)
    }

    mutating func addPair(realm: String, flags: UInt8, lifespan: Int64?) {
        addPair(realmString: string(realm), flags: flags, lifespan: lifespan)
    }

    /// A pair whose realm is already a string of the snapshot.
    mutating func addPair(realmString: Int32, flags: UInt8, lifespan: Int64?) {
        snapshot.pairRealm.append(realmString)
        snapshot.pairFlags.append(flags)
        snapshot.pairLifespan.append(Int32(clamping: lifespan ?? -1))
    }

    mutating func addDisruption(_ ts: Int64) { snapshot.disruptions.append(ts) }

    mutating func addUpgrade(ts: Int64, from: String, to: String) { snapshot.upgrades.append((ts, string(from), string(to))) }

    /// Copies a block of `old` (another snapshot of the same day), re-coding its texts.
    mutating func copy(_ block: DaySnapshot.Block, of old: DaySnapshot, remap: inout SnapshotRemap) {
        remap.prepare(old: old, builder: &self)
        beginBlock(tid: old.string(block.tid), clockOffset: block.clockOffset)
        var codes = [UInt16](repeating: 0, count: TransactionTable.attributeCount)
        for r in block.rows {
            for a in 0..<TransactionTable.attributeCount { codes[a] = remap.attribute[a][Int(old.attributes[a][r])] }
            addRow(
                attributes: codes, outcome: Outcome(rawValue: old.outcome[r]) ?? .approved, cause: Cause(rawValue: old.cause[r]),
                responseCode: remap.code[Int(old.responseCode[r])], acquirerResponseCode: remap.code[Int(old.acquirerResponseCode[r])],
                ts: old.ts[r], eventSet: remap.eventSet[Int(old.eventSet[r])])
        }
        for p in block.pairs {
            let realm = remap.string(old.pairRealm[p], old: old, builder: &self)
            addPair(realmString: realm, flags: old.pairFlags[p], lifespan: old.pairLifespan[p] < 0 ? nil : Int64(old.pairLifespan[p]))
        }
        for d in block.disruptions { addDisruption(old.disruptions[d]) }
        for u in block.upgrades { addUpgrade(ts: old.upgrades[u].ts, from: old.string(old.upgrades[u].from), to: old.string(old.upgrades[u].to)) }
        endBlock()
    }
}

/// Old codes → new codes, for copying blocks of one snapshot into a builder.
struct SnapshotRemap {
    var attribute: [[UInt16]] = []
    var code: [UInt16] = []
    var eventSet: [UInt16] = []
    private var strings: [Int32: Int32] = [:]
    private var prepared = false

    /// A string of the old snapshot as a string of the builder.
    mutating func string(_ index: Int32, old: DaySnapshot, builder: inout DaySnapshotBuilder) -> Int32 {
        if let known = strings[index] { return known }
        let new = builder.string(old.string(index))
        strings[index] = new
        return new
    }

    mutating func prepare(old: DaySnapshot, builder: inout DaySnapshotBuilder) {
        guard !prepared else { return }
        prepared = true
        attribute = (0..<TransactionTable.attributeCount).map { a in
            old.attributeValues[a].enumerated().map { code, s in code == 0 ? 0 : builder.code(a, old.string(s)) }
        }
        code = old.codeValues.enumerated().map { code, s in code == 0 ? 0 : builder.responseCode(old.string(s)) }
        eventSet = old.eventSets.map { set in builder.eventSet(set.map { $0.map { old.string($0) } }) }
    }
}

// MARK: - Encoding

extension DaySnapshot {
    static let magic: UInt32 = 0x3144_5350  // "PSD1"

    /// The bytes stored in `analysis_days.snapshot`.
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u32(Self.magic)
        w.i64(day)
        w.u8(covered ? 1 : 0)
        w.u32(UInt32(strings.count))
        for s in strings {
            let bytes = Array(s.utf8)
            w.u32(UInt32(bytes.count))
            w.bytes(bytes)
        }
        for values in attributeValues { w.i32s(values) }
        w.i32s(codeValues)
        w.u32(UInt32(eventSets.count))
        for set in eventSets { for window in set { w.i32s(window) } }
        w.u32(UInt32(linkEvents.count))
        for e in linkEvents {
            w.i32(e.realm)
            w.i64(e.ts)
            w.i32(e.kind)
        }
        w.u32(UInt32(blocks.count))
        for b in blocks {
            w.i32(b.tid)
            w.i64(b.clockOffset)
            for range in [b.rows, b.pairs, b.disruptions, b.upgrades] {
                w.u32(UInt32(range.lowerBound))
                w.u32(UInt32(range.upperBound))
            }
        }
        w.u32(UInt32(rowCount))
        for (a, column) in attributes.enumerated() {
            // A byte a code while the attribute has at most 256 values in the day.
            if attributeValues[a].count <= 256 {
                w.u8(1)
                w.bytes(column.map { UInt8(truncatingIfNeeded: $0) })
            } else {
                w.u8(2)
                w.array(column)
            }
        }
        w.bytes(outcome)
        w.bytes(cause)
        w.array(responseCode)
        w.array(acquirerResponseCode)
        w.array(ts)
        w.array(eventSet)
        w.u32(UInt32(pairFlags.count))
        w.array(pairRealm)
        w.bytes(pairFlags)
        w.array(pairLifespan)
        w.u32(UInt32(disruptions.count))
        w.array(disruptions)
        w.u32(UInt32(upgrades.count))
        for u in upgrades {
            w.i64(u.ts)
            w.i32(u.from)
            w.i32(u.to)
        }
        return w.data
    }

    /// Decodes `encoded()` bytes; nil when they are not a snapshot this build wrote.
    init?(decoding bytes: UnsafeRawBufferPointer) {
        var r = ByteReader(bytes)
        guard r.u32() == Self.magic else { return nil }
        self.init(day: r.i64(), covered: r.u8() == 1)
        let stringCount = Int(r.u32())
        strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            let length = Int(r.u32())
            strings.append(r.string(length))
        }
        for a in 0..<TransactionTable.attributeCount { attributeValues[a] = r.i32s() }
        codeValues = r.i32s()
        eventSets = (0..<Int(r.u32())).map { _ in (0..<3).map { _ in r.i32s() } }
        linkEvents = (0..<Int(r.u32())).map { _ in (r.i32(), r.i64(), r.i32()) }
        func range() -> Range<Int> {
            let low = Int(r.u32())
            let high = Int(r.u32())
            return low..<max(low, high)
        }
        blocks = (0..<Int(r.u32())).map { _ in
            Block(tid: r.i32(), clockOffset: r.i64(), rows: range(), pairs: range(), disruptions: range(), upgrades: range())
        }
        let rows = Int(r.u32())
        for a in 0..<TransactionTable.attributeCount {
            let width = r.u8()
            attributes[a] = width == 1 ? r.widened(rows) : r.array(rows)
        }
        outcome = r.bytes(rows)
        cause = r.bytes(rows)
        responseCode = r.array(rows)
        acquirerResponseCode = r.array(rows)
        ts = r.array(rows)
        eventSet = r.array(rows)
        let pairs = Int(r.u32())
        pairRealm = r.array(pairs)
        pairFlags = r.bytes(pairs)
        pairLifespan = r.array(pairs)
        disruptions = r.array(Int(r.u32()))
        upgrades = (0..<Int(r.u32())).map { _ in (r.i64(), r.i32(), r.i32()) }
        guard !r.failed else { return nil }
    }
}

/// Appends little-endian values.
struct ByteWriter {
    var data: [UInt8] = []

    mutating func u8(_ v: UInt8) { data.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func bytes(_ v: [UInt8]) { data.append(contentsOf: v) }
    mutating func i32s(_ v: [Int32]) {
        u32(UInt32(v.count))
        array(v)
    }
    /// The elements' bytes as they are in memory (little-endian on every platform Swift runs Linux on).
    mutating func array<T: FixedWidthInteger>(_ v: [T]) { v.withUnsafeBytes { data.append(contentsOf: $0) } }
}

/// Reads what `ByteWriter` wrote; past the end it reads zeros and sets `failed`.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    var offset = 0
    var failed = false

    init(_ base: UnsafeRawBufferPointer) {
        self.base = base
    }

    private mutating func take(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, offset + count <= base.count else {
            failed = true
            return nil
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: base[offset..<(offset + count)])
    }

    mutating func value<T: FixedWidthInteger>(_: T.Type) -> T {
        guard let raw = take(MemoryLayout<T>.size) else { return 0 }
        return T(littleEndian: raw.loadUnaligned(as: T.self))
    }

    mutating func u8() -> UInt8 { value(UInt8.self) }
    mutating func u32() -> UInt32 { value(UInt32.self) }
    mutating func i32() -> Int32 { value(Int32.self) }
    mutating func i64() -> Int64 { value(Int64.self) }
    mutating func bytes(_ count: Int) -> [UInt8] { take(count).map { Array($0) } ?? [] }
    mutating func string(_ count: Int) -> String { take(count).map { String(decoding: $0, as: UTF8.self) } ?? "" }
    mutating func i32s() -> [Int32] { array(Int(u32())) }

    /// `count` bytes, each widened to two.
    mutating func widened(_ count: Int) -> [UInt16] {
        guard let raw = take(count) else { return [] }
        return [UInt16](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = UInt16(raw[i]) }
            initialized = count
        }
    }

    mutating func array<T: FixedWidthInteger>(_ count: Int) -> [T] {
        guard let raw = take(count * MemoryLayout<T>.size) else { return [] }
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            UnsafeMutableRawBufferPointer(out).copyMemory(from: raw)
            initialized = count
        }
    }
}
