import POSStore

/// The whole pages of an array's reserved storage, `(address, bytes)`: what `WindowLoader` asks
/// the kernel to fault in ahead of the appends. Nil when the array has no storage of its own.
func reservedPages<Element>(_ array: [Element]) -> (address: Int, bytes: Int)? {
    let page = 4096
    return array.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return nil }
        let first = Int(bitPattern: UnsafeRawPointer(base))
        let start = (first + page - 1) & ~(page - 1)
        let end = (first + array.capacity * MemoryLayout<Element>.stride) & ~(page - 1)
        return end > start ? (start, end - start) : nil
    }
}

/// The total of counter `index` kept in four interleaved copies of `stride` counters each: the
/// per-row counting loops bump copy r mod 4 for row r, so that rows sharing a value do not wait
/// on one counter's previous store (the window load, `ValueCounts`, the code-gap cells).
func interleavedTotal(_ copies: [Int], stride: Int, at index: Int) -> Int {
    copies[index] + copies[stride + index] + copies[2 * stride + index] + copies[3 * stride + index]
}

/// What a terminal transaction came to (docs/analysis.md §1).
public enum Outcome: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case approved, declined, unknown, timeout, error

    public var description: String {
        switch self {
        case .approved: "approved"
        case .declined: "declined"
        case .unknown: "unknown"
        case .timeout: "timeout"
        case .error: "error"
        }
    }
}

/// Why an `unknown` or `timeout` happened, from both sides of the match (docs/analysis.md §1).
public enum Cause: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// The host sent a catalogued code the terminal's code table lacks.
    case codeTableGap = 1
    /// The host sent a code in no catalogue.
    case nonstandardCode
    /// The terminal received a different code from the one the host sent.
    case garbledResponse
    /// The host answered after the terminal had given up.
    case lateResponse
    /// The host received the request and sent no response.
    case noResponse
    /// No request from that terminal with that STAN reached the host.
    case requestLost
    /// A local failure (`err` set), no host involved.
    case localError
    /// No acquirer log covers that time and realm.
    case unmatched
    /// The host answered in time but the answer never reached the terminal (an extension of
    /// docs/analysis.md §1: neither late nor absent, lost on the way back).
    case responseLost

    public var description: String {
        switch self {
        case .codeTableGap: "code_table_gap"
        case .nonstandardCode: "nonstandard_code"
        case .garbledResponse: "garbled_response"
        case .lateResponse: "late_response"
        case .noResponse: "no_response"
        case .requestLost: "request_lost"
        case .localError: "local_error"
        case .unmatched: "unmatched"
        case .responseLost: "response_lost"
        }
    }
}

/// One attribute's value codes, one a transaction, a byte each while the attribute has at most
/// 256 values and two bytes beyond: the window of an analysis holds millions of rows, and the
/// attribute columns are most of its memory.
public struct AttributeColumn: Sendable {
    enum Storage: Sendable {
        case narrow([UInt8])
        case wide([UInt16])
    }
    private(set) var storage: Storage

    /// An empty column.
    public init() {
        storage = .narrow([])
    }

    /// `count` rows of code 0, one or two bytes wide.
    public init(count: Int, wide: Bool) {
        storage = wide ? .wide([UInt16](repeating: 0, count: count)) : .narrow([UInt8](repeating: 0, count: count))
    }

    public var count: Int {
        switch storage {
        case .narrow(let codes): codes.count
        case .wide(let codes): codes.count
        }
    }

    public var isWide: Bool {
        if case .wide = storage { return true }
        return false
    }

    /// The code of a row.
    public subscript(row: Int) -> UInt32 {
        get {
            switch storage {
            case .narrow(let codes): UInt32(codes[row])
            case .wide(let codes): UInt32(codes[row])
            }
        }
        set {
            if newValue > 0xFF, case .narrow(let codes) = storage { storage = .wide(codes.map(UInt16.init)) }
            switch storage {
            case .narrow(var codes):
                storage = .narrow([])
                codes[row] = UInt8(newValue)
                storage = .narrow(codes)
            case .wide(var codes):
                storage = .wide([])
                codes[row] = UInt16(newValue)
                storage = .wide(codes)
            }
        }
    }

    /// Adds a row, widening the column when the code needs two bytes.
    public mutating func append(_ code: UInt32) {
        if code > 0xFF, case .narrow(let codes) = storage { storage = .wide(codes.map(UInt16.init)) }
        switch storage {
        case .narrow(var codes):
            storage = .narrow([])
            codes.append(UInt8(code))
            storage = .narrow(codes)
        case .wide(var codes):
            storage = .wide([])
            codes.append(UInt16(code))
            storage = .wide(codes)
        }
    }

    /// Appends `source` re-coded through `remap` (`remap[source[i]]`), in one pass that also adds
    /// each row to `histogram[remap[source[i]]]` (which must have room for every re-coded value).
    ///
    /// The rows are counted by source code in four tables, row i in table i mod 4: rows of one
    /// terminal mostly share their values, and one counter bumped row after row waits each time
    /// for its own previous store; four independent ones do not.
    public mutating func append(_ source: [UInt16], remappedBy remap: [UInt32], counting histogram: inout [Int]) {
        if remap.contains(where: { $0 > 0xFF }), case .narrow(let codes) = storage { storage = .wide(codes.map(UInt16.init)) }
        let width = remap.count
        var partial = [Int](repeating: 0, count: 4 * width)
        func append<C: FixedWidthInteger>(to codes: inout [C]) {
            let start = codes.count
            codes.append(contentsOf: repeatElement(0, count: source.count))
            codes.withUnsafeMutableBufferPointer { out in
                remap.withUnsafeBufferPointer { remap in
                    partial.withUnsafeMutableBufferPointer { partial in
                        source.withUnsafeBufferPointer { source in
                            for i in source.indices {
                                let code = Int(source[i])
                                out[start + i] = C(truncatingIfNeeded: remap[code])
                                partial[(i & 3) &* width &+ code] &+= 1
                            }
                        }
                    }
                }
            }
            for code in 0..<width {
                let rows = interleavedTotal(partial, stride: width, at: code)
                if rows > 0 { histogram[Int(remap[code])] += rows }
            }
        }
        switch storage {
        case .narrow(var codes):
            storage = .narrow([])
            append(to: &codes)
            storage = .narrow(codes)
        case .wide(var codes):
            storage = .wide([])
            append(to: &codes)
            storage = .wide(codes)
        }
    }

    /// Reserves room for `count` rows.
    public mutating func reserveCapacity(_ count: Int) {
        switch storage {
        case .narrow(var codes):
            storage = .narrow([])
            codes.reserveCapacity(count)
            storage = .narrow(codes)
        case .wide(var codes):
            storage = .wide([])
            codes.reserveCapacity(count)
            storage = .wide(codes)
        }
    }

    /// The largest code, nil when empty.
    public func max() -> UInt32? {
        switch storage {
        case .narrow(let codes): codes.max().map(UInt32.init)
        case .wide(let codes): codes.max().map(UInt32.init)
        }
    }

    /// Calls `narrow` or `wide` with the codes, whichever the column holds: hot loops write one
    /// generic local function and pass it to both.
    @inline(__always)
    public func withCodes<R>(narrow: (UnsafeBufferPointer<UInt8>) throws -> R, wide: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
        switch storage {
        case .narrow(let codes): try codes.withUnsafeBufferPointer(narrow)
        case .wide(let codes): try codes.withUnsafeBufferPointer(wide)
        }
    }

    /// The whole pages of the column's reserved storage.
    var reservedPages: (address: Int, bytes: Int)? {
        switch storage {
        case .narrow(let codes): POSAnalysis.reservedPages(codes)
        case .wide(let codes): POSAnalysis.reservedPages(codes)
        }
    }

    /// Writes rows `rows` into `out`, which must have room for them.
    func copy(_ rows: Range<Int>, into out: UnsafeMutablePointer<UInt32>) {
        func copy<C: FixedWidthInteger>(_ codes: UnsafeBufferPointer<C>) {
            for (k, row) in rows.enumerated() { out[k] = UInt32(codes[row]) }
        }
        withCodes(narrow: { copy($0) }, wide: { copy($0) })
    }
}

/// Times in UTC milliseconds, four bytes a row while the column spans less than 49 days (as an
/// offset from a base), eight beyond.
public struct TimeColumn: Sendable, Sequence {
    enum Storage: Sendable {
        case relative(base: Int64, offsets: [UInt32])
        case absolute([Int64])
    }
    private(set) var storage: Storage = .relative(base: 0, offsets: [])

    public init() {}

    public init(_ values: [Int64]) {
        reserveCapacity(values.count)
        for value in values { append(value) }
    }

    public var count: Int {
        switch storage {
        case .relative(_, let offsets): offsets.count
        case .absolute(let values): values.count
        }
    }

    public var isEmpty: Bool { count == 0 }

    public subscript(row: Int) -> Int64 {
        switch storage {
        case .relative(let base, let offsets): base + Int64(offsets[row])
        case .absolute(let values): values[row]
        }
    }

    /// The whole pages of the column's reserved storage.
    var reservedPages: (address: Int, bytes: Int)? {
        switch storage {
        case .relative(_, let offsets): POSAnalysis.reservedPages(offsets)
        case .absolute(let values): POSAnalysis.reservedPages(values)
        }
    }

    /// Writes rows `rows` into `out`, which must have room for them.
    func copy(_ rows: Range<Int>, into out: UnsafeMutablePointer<Int64>) {
        switch storage {
        case .relative(let base, let offsets):
            offsets.withUnsafeBufferPointer { offsets in
                for (k, row) in rows.enumerated() { out[k] = base + Int64(offsets[row]) }
            }
        case .absolute(let values):
            values.withUnsafeBufferPointer { values in
                for (k, row) in rows.enumerated() { out[k] = values[row] }
            }
        }
    }

    public mutating func append(_ value: Int64) {
        switch storage {
        case .relative(var base, var offsets):
            if offsets.isEmpty { base = value - LocalDay.milliseconds }
            let offset = value - base
            guard offset >= 0, offset <= Int64(UInt32.max) else {
                storage = .absolute(offsets.map { base + Int64($0) } + [value])
                return
            }
            storage = .relative(base: 0, offsets: [])
            offsets.append(UInt32(offset))
            storage = .relative(base: base, offsets: offsets)
        case .absolute(var values):
            storage = .absolute([])
            values.append(value)
            storage = .absolute(values)
        }
    }

    public mutating func append<S: Sequence>(contentsOf values: S) where S.Element == Int64 {
        for value in values { append(value) }
    }

    /// Appends `value + shift` for every value: as `append(contentsOf:)` would, but in one tight
    /// loop when they all fit the relative storage (the window's load appends 7M times this way).
    public mutating func append(_ values: UnsafeBufferPointer<Int64>, adding shift: Int64) {
        guard let first = values.first else { return }
        if case .relative(var base, var offsets) = storage {
            if offsets.isEmpty { base = first &+ shift - LocalDay.milliseconds }
            if values.allSatisfy({ ($0 &+ shift) - base >= 0 && ($0 &+ shift) - base <= Int64(UInt32.max) }) {
                storage = .relative(base: 0, offsets: [])
                let start = offsets.count
                offsets.append(contentsOf: repeatElement(0, count: values.count))
                offsets.withUnsafeMutableBufferPointer { out in
                    for (i, value) in values.enumerated() { out[start + i] = UInt32(truncatingIfNeeded: (value &+ shift) - base) }
                }
                storage = .relative(base: base, offsets: offsets)
                return
            }
        }
        for value in values { append(value &+ shift) }
    }

    public mutating func reserveCapacity(_ count: Int) {
        switch storage {
        case .relative(let base, var offsets):
            storage = .relative(base: 0, offsets: [])
            offsets.reserveCapacity(count)
            storage = .relative(base: base, offsets: offsets)
        case .absolute(var values):
            storage = .absolute([])
            values.reserveCapacity(count)
            storage = .absolute(values)
        }
    }

    public func min() -> Int64? {
        switch storage {
        case .relative(let base, let offsets): offsets.min().map { base + Int64($0) }
        case .absolute(let values): values.min()
        }
    }

    public func max() -> Int64? {
        switch storage {
        case .relative(let base, let offsets): offsets.max().map { base + Int64($0) }
        case .absolute(let values): values.max()
        }
    }

    public func makeIterator() -> AnyIterator<Int64> {
        var row = 0
        return AnyIterator {
            guard row < self.count else { return nil }
            defer { row += 1 }
            return self[row]
        }
    }
}

/// Terminal indices, two bytes a row while there are at most 65,536 terminals, four beyond.
public struct TerminalColumn: Sendable {
    enum Storage: Sendable {
        case narrow([UInt16])
        case wide([UInt32])
    }
    private(set) var storage: Storage = .narrow([])

    public init() {}

    public init(_ values: [UInt32]) {
        reserveCapacity(values.count)
        for value in values { append(value) }
    }

    public var count: Int {
        switch storage {
        case .narrow(let values): values.count
        case .wide(let values): values.count
        }
    }

    public subscript(row: Int) -> UInt32 {
        switch storage {
        case .narrow(let values): UInt32(values[row])
        case .wide(let values): values[row]
        }
    }

    public mutating func append(_ value: UInt32) {
        if value > 0xFFFF, case .narrow(let values) = storage { storage = .wide(values.map(UInt32.init)) }
        switch storage {
        case .narrow(var values):
            storage = .narrow([])
            values.append(UInt16(value))
            storage = .narrow(values)
        case .wide(var values):
            storage = .wide([])
            values.append(value)
            storage = .wide(values)
        }
    }

    /// The whole pages of the column's reserved storage.
    var reservedPages: (address: Int, bytes: Int)? {
        switch storage {
        case .narrow(let values): POSAnalysis.reservedPages(values)
        case .wide(let values): POSAnalysis.reservedPages(values)
        }
    }

    /// Writes rows `rows` into `out`, which must have room for them.
    func copy(_ rows: Range<Int>, into out: UnsafeMutablePointer<UInt32>) {
        switch storage {
        case .narrow(let values):
            values.withUnsafeBufferPointer { values in
                for (k, row) in rows.enumerated() { out[k] = UInt32(values[row]) }
            }
        case .wide(let values):
            values.withUnsafeBufferPointer { values in
                for (k, row) in rows.enumerated() { out[k] = values[row] }
            }
        }
    }

    /// Appends `value` `count` times.
    public mutating func append(_ value: UInt32, count: Int) {
        if value > 0xFFFF, case .narrow(let values) = storage { storage = .wide(values.map(UInt32.init)) }
        switch storage {
        case .narrow(var values):
            storage = .narrow([])
            values.append(contentsOf: repeatElement(UInt16(value), count: count))
            storage = .narrow(values)
        case .wide(var values):
            storage = .wide([])
            values.append(contentsOf: repeatElement(value, count: count))
            storage = .wide(values)
        }
    }

    public mutating func reserveCapacity(_ count: Int) {
        switch storage {
        case .narrow(var values):
            storage = .narrow([])
            values.reserveCapacity(count)
            storage = .narrow(values)
        case .wide(var values):
            storage = .wide([])
            values.reserveCapacity(count)
            storage = .wide(values)
        }
    }

    public func max() -> UInt32? {
        switch storage {
        case .narrow(let values): values.max().map(UInt32.init)
        case .wide(let values): values.max()
        }
    }
}

/// The transactions of an analysis window, as columns held in memory for the analysis passes.
///
/// Attributes (docs/analysis.md §2) are dictionary-encoded per attribute: `attributes[a][row]` is a small
/// code, `values[a][code]` its text. Code 0 of every attribute is `unknown`, so a missing value is
/// a value, never a dropped row. Rows are grouped by day and terminal, in time order within a
/// terminal's day; no pass may rely on a global time order. About 35 bytes a row.
public struct TransactionTable: Sendable {
    /// The attributes of docs/analysis.md §2, in that order: the order of patterns and CSV headers.
    public static let attributeNames = [
        "brand", "model", "channel", "agent", "fee_tier", "region", "mcc", "firmware", "app_version",
        "code_table", "acquirer", "net_type", "rssi_band", "net_event_60s", "entry", "txn_type", "hour",
    ]
    public static var attributeCount: Int { attributeNames.count }

    /// Index of an attribute by name.
    public static func attributeIndex(_ name: String) -> Int? { attributeNames.firstIndex(of: name) }

    /// Number of transactions.
    public var count: Int
    /// `attributes[a][row]`: the value code of attribute `a` for a transaction.
    public var attributes: [AttributeColumn]
    /// `values[a][code]`: the text of a value code; `values[a][0] == "unknown"`.
    public var values: [[String]]
    public var outcome: [Outcome]
    /// nil for approved and declined.
    public var cause: [Cause?]
    /// The response code the terminal received, as an index into `codes` (0: none).
    public var responseCode: [UInt16]
    /// The response code the acquirer sent when matched, as an index into `codes` (0: none).
    /// Empty in an analysis window, whose passes do not read it.
    public var acquirerResponseCode: [UInt16]
    /// Response code texts by index; index 0 is "no code".
    public var codes: [String]
    /// Terminal of each transaction (an index into `terminals`).
    public var terminal: TerminalColumn
    /// Terminal IDs by index.
    public var terminals: [String]
    /// When the terminal showed the result, in UTC milliseconds, corrected by the terminal's clock offset.
    public var time: TimeColumn

    /// An empty table with the attribute dictionaries started (code 0 = `unknown`).
    public init() {
        count = 0
        attributes = Array(repeating: AttributeColumn(), count: Self.attributeCount)
        values = Array(repeating: ["unknown"], count: Self.attributeCount)
        outcome = []
        cause = []
        responseCode = []
        acquirerResponseCode = []
        codes = [""]
        terminal = TerminalColumn()
        terminals = []
        time = TimeColumn()
    }

    /// The text of attribute `a` for row `row`.
    public func value(_ a: Int, _ row: Int) -> String { values[a][Int(attributes[a][row])] }

    /// The response code the terminal received, nil when none.
    public func responseCodeText(_ row: Int) -> String? {
        let code = responseCode[row]
        return code == 0 ? nil : codes[Int(code)]
    }

    /// The response code the acquirer sent, nil when unmatched or none.
    public func acquirerResponseCodeText(_ row: Int) -> String? {
        guard row < acquirerResponseCode.count else { return nil }
        let code = acquirerResponseCode[row]
        return code == 0 ? nil : codes[Int(code)]
    }

    /// The index of a response code's text, adding it when new.
    public mutating func codeIndex(_ text: String?) -> UInt16 {
        guard let text else { return 0 }
        if let known = codeLookup[text] { return known }
        let index = UInt16(codes.count)
        codes.append(text)
        codeLookup[text] = index
        return index
    }

    private var codeLookup: [String: UInt16] = [:]
}

/// Network events as the network pass needs them (docs/analysis.md §5).
public struct NetworkEvents: Sendable {
    /// Terminal events of state down, weak or switch: (terminal index, UTC ms), sorted by terminal then time.
    public var terminalEvents: [(terminal: UInt32, time: Int64)]
    /// Acquirer link events: (realm code of the `acquirer` attribute, UTC ms), sorted by realm then time.
    public var realmEvents: [(realm: UInt32, time: Int64)]
    /// The observed period (first and last transaction time), for circular shifts.
    public var periodStart: Int64
    public var periodEnd: Int64
    /// The terminal events already grouped by terminal index, as the analysis window reads them
    /// (`terminalEvents` is then empty): half the memory of the pairs, and not built twice.
    var terminalIndex: NetworkEventIndex?

    public init(terminalEvents: [(terminal: UInt32, time: Int64)], realmEvents: [(realm: UInt32, time: Int64)], periodStart: Int64, periodEnd: Int64)
    {
        self.terminalEvents = terminalEvents
        self.realmEvents = realmEvents
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }
}

/// A successful firmware upgrade (docs/analysis.md §6).
public struct FirmwareUpgrade: Sendable, Hashable {
    public var terminal: UInt32
    public var time: Int64
    public var from: String
    public var to: String

    public init(terminal: UInt32, time: Int64, from: String, to: String) {
        self.terminal = terminal
        self.time = time
        self.from = from
        self.to = to
    }
}

/// One row of the findings table (docs/analysis.md §7), before ranking.
public struct Finding: Sendable, Hashable {
    /// `combination`, `network` or `firmware_change` (docs/analysis.md §7).
    public var kind: String
    /// `attr=value` pairs joined by `&`, attributes in §2 order; `firmware=A→B` for firmware changes.
    public var pattern: String
    /// The outcome explained, e.g. `unknown`.
    public var outcome: String
    public var transactions: Int
    public var outcomes: Int
    public var rate: Double
    public var rateLow: Double
    public var rateHigh: Double
    public var baselineRate: Double
    public var riskRatio: Double
    public var riskRatioLow: Double
    public var riskRatioHigh: Double
    public var pValue: Double
    public var qValue: Double
    public var excess: Double
    public var shareOfOutcome: Double
    /// e.g. `code_table_gap:0.93`.
    public var topCause: String
    /// e.g. `P1:412|A8:97`.
    public var topCodes: String
    /// The attribute that explains the finding away, if any.
    public var confoundedBy: String?
    /// The finding in words, in English (the `evidence` column) and in Chinese (`evidence_zh`).
    public var evidence: String
    public var evidenceZH: String
    /// What ops should do about it, for the finding's mechanism (`recommendation`, `recommendation_zh`).
    public var recommendation: String
    public var recommendationZH: String
    /// Patterns of lower-ranked findings whose target transactions were mostly this one's, folded
    /// into its evidence instead of ranked beside it (`folded`, joined by ` | `).
    public var folded: [String]
    /// The terminals the finding concerns, most target transactions first
    /// (`findings/<rank>-terminals.csv`).
    public var terminals: [FindingTerminal]

    public init(
        kind: String, pattern: String, outcome: String, transactions: Int, outcomes: Int, rate: Double, rateLow: Double,
        rateHigh: Double, baselineRate: Double, riskRatio: Double, riskRatioLow: Double, riskRatioHigh: Double,
        pValue: Double, qValue: Double, excess: Double, shareOfOutcome: Double, topCause: String, topCodes: String,
        confoundedBy: String?, evidence: String, evidenceZH: String = "", recommendation: String = "",
        recommendationZH: String = "", folded: [String] = [], terminals: [FindingTerminal] = []
    ) {
        self.kind = kind
        self.pattern = pattern
        self.outcome = outcome
        self.transactions = transactions
        self.outcomes = outcomes
        self.rate = rate
        self.rateLow = rateLow
        self.rateHigh = rateHigh
        self.baselineRate = baselineRate
        self.riskRatio = riskRatio
        self.riskRatioLow = riskRatioLow
        self.riskRatioHigh = riskRatioHigh
        self.pValue = pValue
        self.qValue = qValue
        self.excess = excess
        self.shareOfOutcome = shareOfOutcome
        self.topCause = topCause
        self.topCodes = topCodes
        self.confoundedBy = confoundedBy
        self.evidence = evidence
        self.evidenceZH = evidenceZH
        self.recommendation = recommendation
        self.recommendationZH = recommendationZH
        self.folded = folded
        self.terminals = terminals
    }

    /// The evidence sentence in `language`.
    public func evidence(in language: Language) -> String {
        language == .chinese && !evidenceZH.isEmpty ? evidenceZH : evidence
    }

    /// The recommendation in `language`.
    public func recommendation(in language: Language) -> String {
        language == .chinese && !recommendationZH.isEmpty ? recommendationZH : recommendation
    }
}

/// One terminal a finding concerns: who it is and how many of its transactions in the finding
/// (`n`) showed the target outcome (`unknown`).
public struct FindingTerminal: Sendable, Hashable {
    public var tid: String
    public var brand: String
    public var model: String
    public var channel: String
    public var agent: String
    public var region: String
    public var firmware: String
    public var transactions: Int
    public var outcomes: Int

    public init(
        tid: String, brand: String, model: String, channel: String, agent: String, region: String, firmware: String,
        transactions: Int, outcomes: Int
    ) {
        self.tid = tid
        self.brand = brand
        self.model = model
        self.channel = channel
        self.agent = agent
        self.region = region
        self.firmware = firmware
        self.transactions = transactions
        self.outcomes = outcomes
    }
}
