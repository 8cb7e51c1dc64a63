import Glibc

/// Counts a terminal log's summary needs, beyond records and rejects.
public struct TerminalLogStatistics: Sendable, Hashable {
    /// Lines with an `ev` the format does not define, by that value.
    public var ignoredEvents: [String: Int] = [:]
    /// Keys not defined for the line's event, by name (card numbers masked).
    public var unknownKeys: [String: Int] = [:]
    /// Card numbers masked in kept values, keys and rejected lines.
    public var maskedPANs = 0
    /// Invalid UTF-8 sequences replaced by U+FFFD.
    public var invalidUTF8 = 0
    /// Empty or all-blank lines, which carry nothing and are not rejects.
    public var blankLines = 0

    public init() {}
}

/// What one line of a terminal log gave.
public enum TerminalLineResult: Sendable, Hashable {
    case record(TerminalRecord)
    case rejected(Rejection)
    case blank
}

/// Parses the logfmt terminal event log of docs/formats.md §1, a line at a time.
///
/// Rules beyond the format text, decided here:
/// - A key given twice keeps its last value (logfmt's usual reading).
/// - Inside double quotes, `\"` and `\\` are escapes; any other backslash is kept as written.
/// - A key defined by the format but not for the line's event (`fw` on a `txn`) counts as unknown.
/// - `pan` is masked whatever it holds (first 6, stars, last 4), Luhn or not: it is a card number by
///   its meaning. Every other value and every unknown key is masked where it holds a Luhn-valid run
///   of 13–19 digits, except `tid`, `mid`, `stan`, `batch`, `amt`, `lat_ms`.
/// - A rejected line's text is kept with card numbers masked, shortened to 64 KiB.
public struct TerminalLogParser {
    /// The zone of `ts` values written without an offset (`--terminal-tz`).
    public private(set) var defaultZone: JVMTimeZone
    public private(set) var statistics = TerminalLogStatistics()
    /// The repair and mask counts when the current line began: a rejected line is counted once,
    /// by its kept text, not also by the values decoded before the reason to reject it was found.
    private var countsAtLineStart = (invalidUTF8: 0, maskedPANs: 0)

    /// - Parameter defaultOffsetMinutes: the offset for `ts` values written without one (`--terminal-tz`).
    public init(defaultOffsetMinutes: Int) {
        defaultZone = JVMTimeZone(offsetMinutes: defaultOffsetMinutes)
    }

    /// - Parameter defaultZone: the zone of `ts` values written without an offset (`--terminal-tz`
    ///   naming a tz database zone: each time takes the offset in force at its local time).
    public init(defaultZone: JVMTimeZone) {
        self.defaultZone = defaultZone
    }

    /// The keys the format defines. The raw value indexes the per-line slot table.
    enum Key: Int, CaseIterable {
        case ts, tid, ev, type, stan, batch, amt, cur, rc, disp, latMs, entry, pan, err, reason, mcc
        case fw, app, ctab, from, to, result, state, rssi, msg, mid

        var name: String {
            switch self {
            case .latMs: return "lat_ms"
            default: return "\(self)"
            }
        }

        static let count = Key.allCases.count

        /// Recognises a key from its bytes without creating a String.
        static func match(_ b: UnsafeRawBufferPointer) -> Key? {
            @inline(__always) func eq(_ s: StaticString) -> Bool {
                guard s.utf8CodeUnitCount == b.count else { return false }
                return memcmp(b.baseAddress!, s.utf8Start, b.count) == 0
            }
            switch b.count {
            case 2:
                if eq("ts") { return .ts }
                if eq("ev") { return .ev }
                if eq("rc") { return .rc }
                if eq("fw") { return .fw }
                if eq("to") { return .to }
            case 3:
                if eq("tid") { return .tid }
                if eq("amt") { return .amt }
                if eq("cur") { return .cur }
                if eq("pan") { return .pan }
                if eq("err") { return .err }
                if eq("mcc") { return .mcc }
                if eq("app") { return .app }
                if eq("msg") { return .msg }
                if eq("mid") { return .mid }
            case 4:
                if eq("type") { return .type }
                if eq("stan") { return .stan }
                if eq("disp") { return .disp }
                if eq("ctab") { return .ctab }
                if eq("from") { return .from }
                if eq("rssi") { return .rssi }
            case 5:
                if eq("batch") { return .batch }
                if eq("entry") { return .entry }
                if eq("state") { return .state }
            case 6:
                if eq("lat_ms") { return .latMs }
                if eq("reason") { return .reason }
                if eq("result") { return .result }
            default:
                break
            }
            return nil
        }
    }

    /// The events the format defines.
    enum Event {
        case txn, boot, fwUpdate, net, signin, error

        static func match(_ b: UnsafeRawBufferPointer) -> Event? {
            @inline(__always) func eq(_ s: StaticString) -> Bool {
                s.utf8CodeUnitCount == b.count && memcmp(b.baseAddress!, s.utf8Start, b.count) == 0
            }
            if eq("txn") { return .txn }
            if eq("net") { return .net }
            if eq("boot") { return .boot }
            if eq("error") { return .error }
            if eq("signin") { return .signin }
            if eq("fw_update") { return .fwUpdate }
            return nil
        }

        /// Keys this event defines besides `ts`, `tid`, `ev`.
        func defines(_ key: Key) -> Bool {
            switch self {
            case .txn:
                switch key {
                case .type, .stan, .batch, .amt, .cur, .rc, .disp, .latMs, .entry, .pan, .err, .reason, .mcc, .mid: return true
                default: return false
                }
            case .boot: return key == .fw || key == .app || key == .ctab
            case .fwUpdate: return key == .from || key == .to || key == .result
            case .net: return key == .state || key == .type || key == .rssi || key == .reason
            case .signin: return key == .rc
            case .error: return key == .err || key == .msg
            }
        }
    }

    /// Where a value sits in the line. Escaped quoted values need unescaping when read.
    struct Slot {
        var start = 0
        var end = -1
        var escaped = false
        var present: Bool { end >= 0 }
    }

    /// Parses one line (without its line end).
    /// A UTF-8 byte order mark at the start of the file (line 1), as Windows editors write it,
    /// is not part of the first key.
    public mutating func parse(line: UnsafeRawBufferPointer, number: Int) -> TerminalLineResult {
        countsAtLineStart = (statistics.invalidUTF8, statistics.maskedPANs)
        var line = line
        if number == 1, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeRawBufferPointer(rebasing: line[3...])
        }
        let content = line
        return withUnsafeTemporaryAllocation(of: Slot.self, capacity: Key.count) { slots in
            slots.initialize(repeating: Slot())
            return parse(line: content, number: number, slots: slots)
        }
    }

    /// Why a line is rejected, found by one of the steps of `parse(line:number:slots:)`.
    private struct LineFault: Error {
        var reason: String

        init(_ reason: String) {
            self.reason = reason
        }
    }

    /// Parses one line whose `slots` are all absent, step by step: its pairs, its header, its
    /// event, and the record of that event. A step that finds the line bad throws why, and the
    /// line is rejected with the counts it had when it began.
    private mutating func parse(line: UnsafeRawBufferPointer, number: Int, slots: UnsafeMutableBufferPointer<Slot>) -> TerminalLineResult {
        var unknown: [Range<Int>] = []
        do throws(LineFault) {
            guard try Self.readPairs(line, into: slots, unknown: &unknown) else {
                statistics.blankLines += 1
                return .blank
            }
            let header = try readHeader(line, number: number, slots: slots)
            guard let event = Self.event(line, slots[Key.ev.rawValue]) else {
                return .record(ignoredEvent(line, slots[Key.ev.rawValue], number: number))
            }
            countUnknownKeys(of: event, line, slots, unknown: unknown)
            return try record(of: event, header: header, line, slots)
        } catch {
            return reject(line, number, error.reason)
        }
    }

    // MARK: - Pairs

    /// Reads the line's `key=value` pairs: the format's keys into `slots` (by their raw value,
    /// the last of a key given twice), the places of the others into `unknown`. False when the
    /// line holds nothing but blanks.
    @inline(__always)
    private static func readPairs(
        _ line: UnsafeRawBufferPointer, into slots: UnsafeMutableBufferPointer<Slot>, unknown: inout [Range<Int>]
    ) throws(LineFault) -> Bool {
        var i = 0
        var sawAny = false
        while i < line.count {
            if isBlank(line[i]) {
                i += 1
                continue
            }
            sawAny = true
            let key = try readKey(line, at: &i)
            let slot = try readValue(line, at: &i)
            if let known = Key.match(UnsafeRawBufferPointer(rebasing: line[key])) {
                slots[known.rawValue] = slot
            } else {
                unknown.append(key)
            }
        }
        return sawAny
    }

    /// Space and tab, the blanks between pairs.
    @inline(__always)
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    /// Reads a key from `i` up to `=` or a blank, leaving `i` there.
    @inline(__always)
    private static func readKey(_ line: UnsafeRawBufferPointer, at i: inout Int) throws(LineFault) -> Range<Int> {
        let start = i
        while i < line.count, line[i] != 0x3D, !isBlank(line[i]) {
            if line[i] == 0x22 { throw LineFault("not logfmt: quote in a key") }
            i += 1
        }
        guard i > start else { throw LineFault("not logfmt: = with no key") }
        return start..<i
    }

    /// Reads what follows a key from `i`: `=` and a value, quoted or not, or nothing (a bare key,
    /// which reads as `true`), leaving `i` past it.
    @inline(__always)
    private static func readValue(_ line: UnsafeRawBufferPointer, at i: inout Int) throws(LineFault) -> Slot {
        guard i < line.count, line[i] == 0x3D else { return Slot(start: -1, end: 0, escaped: false) }
        i += 1
        if i < line.count, line[i] == 0x22 { return try readQuotedValue(line, at: &i) }
        let start = i
        while i < line.count, !isBlank(line[i]) {
            if line[i] == 0x22 { throw LineFault("not logfmt: quote inside an unquoted value") }
            i += 1
        }
        return Slot(start: start, end: i, escaped: false)
    }

    /// Reads a quoted value from its opening quote at `i`, leaving `i` past the closing one;
    /// a backslash takes the byte after it along.
    @inline(__always)
    private static func readQuotedValue(_ line: UnsafeRawBufferPointer, at i: inout Int) throws(LineFault) -> Slot {
        let n = line.count
        i += 1
        let start = i
        var closed = false
        var escaped = false
        while i < n {
            let v = line[i]
            if v == 0x5C, i + 1 < n {  // backslash
                escaped = true
                i += 2
                continue
            }
            if v == 0x22 {
                closed = true
                break
            }
            i += 1
        }
        guard closed else { throw LineFault("not logfmt: unterminated quoted value") }
        let slot = Slot(start: start, end: i, escaped: escaped)
        i += 1
        if i < n, !isBlank(line[i]) { throw LineFault("not logfmt: text after a quoted value") }
        return slot
    }

    // MARK: - Header and event

    /// Reads what every event has: the keys `ts`, `tid` and `ev`, the time, and the terminal ID
    /// (1–16 printable ASCII after trimming blanks).
    @inline(__always)
    private mutating func readHeader(
        _ line: UnsafeRawBufferPointer, number: Int, slots: UnsafeMutableBufferPointer<Slot>
    ) throws(LineFault) -> TerminalEventHeader {
        for key in [Key.ts, .tid, .ev] where !slots[key.rawValue].present {
            throw LineFault("missing key \(key.name)")
        }
        let tsSlot = slots[Key.ts.rawValue]
        guard tsSlot.start >= 0, !tsSlot.escaped,
            let written = Timestamps.parseISO(UnsafeRawBufferPointer(rebasing: line[tsSlot.start..<tsSlot.end]), secondsOptional: false)
        else { throw LineFault("bad ts") }
        let time = written.at(offsetMinutes: written.offsetMinutes ?? defaultZone.offsetMinutes(forLocalMilliseconds: written.localMilliseconds))
        guard let tid = text(line, slots[Key.tid.rawValue], mask: false)?.trimmingBlanks(),
            !tid.isEmpty, tid.utf8.count <= 16, tid.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw LineFault("bad tid") }
        return TerminalEventHeader(line: number, time: time, tid: tid)
    }

    /// The event `ev` names, or nil for one the format does not define.
    @inline(__always)
    private static func event(_ line: UnsafeRawBufferPointer, _ evSlot: Slot) -> Event? {
        let evBytes =
            evSlot.start >= 0 ? UnsafeRawBufferPointer(rebasing: line[evSlot.start..<evSlot.end]) : UnsafeRawBufferPointer(start: nil, count: 0)
        return evSlot.escaped ? nil : Event.match(evBytes)
    }

    /// A line whose event the format does not define, counted by that event's name.
    @inline(__always)
    private mutating func ignoredEvent(_ line: UnsafeRawBufferPointer, _ evSlot: Slot, number: Int) -> TerminalRecord {
        let name = text(line, evSlot, mask: true) ?? ""
        statistics.ignoredEvents[name, default: 0] += 1
        return .ignored(event: name, line: number)
    }

    /// Counts as unknown the keys `event` does not define and the keys the format does not know
    /// (their names with card numbers masked).
    @inline(__always)
    private mutating func countUnknownKeys(
        of event: Event, _ line: UnsafeRawBufferPointer, _ slots: UnsafeMutableBufferPointer<Slot>, unknown: [Range<Int>]
    ) {
        for key in Key.allCases where key != .ts && key != .tid && key != .ev && slots[key.rawValue].present && !event.defines(key) {
            statistics.unknownKeys[key.name, default: 0] += 1
        }
        for range in unknown {
            let name = CardNumbers.mask(LogText.decode(UnsafeRawBufferPointer(rebasing: line[range])).text)
            statistics.maskedPANs += name.masked
            statistics.unknownKeys[name.text, default: 0] += 1
        }
    }

    // MARK: - Records

    /// The record of `event` from the line's values, as the line's result.
    @inline(__always)
    private mutating func record(
        of event: Event, header: TerminalEventHeader, _ line: UnsafeRawBufferPointer, _ slots: UnsafeMutableBufferPointer<Slot>
    ) throws(LineFault) -> TerminalLineResult {
        switch event {
        case .txn:
            return .record(.transaction(try transaction(header: header, line, slots)))
        case .boot:
            return .record(
                .boot(
                    TerminalBoot(
                        header: header, firmware: text(line, slots[Key.fw.rawValue]),
                        appVersion: text(line, slots[Key.app.rawValue]), codeTable: text(line, slots[Key.ctab.rawValue])
                    )))
        case .fwUpdate:
            let result = text(line, slots[Key.result.rawValue])
            return .record(
                .firmwareUpdate(
                    FirmwareUpdate(
                        header: header, from: text(line, slots[Key.from.rawValue]), to: text(line, slots[Key.to.rawValue]),
                        succeeded: result?.lowercased() == "ok"
                    )))
        case .net:
            return .record(.network(try networkEvent(header: header, line, slots)))
        case .signin:
            return .record(
                .signIn(TerminalSignIn(header: header, responseCode: text(line, slots[Key.rc.rawValue]).flatMap { $0.isEmpty ? nil : $0 })))
        case .error:
            return .record(
                .error(TerminalError(header: header, error: text(line, slots[Key.err.rawValue]), message: text(line, slots[Key.msg.rawValue]))))
        }
    }

    /// A `txn` line's transaction; its numbers must read as numbers.
    @inline(__always)
    private mutating func transaction(
        header: TerminalEventHeader, _ line: UnsafeRawBufferPointer, _ slots: UnsafeMutableBufferPointer<Slot>
    ) throws(LineFault) -> TerminalTransaction {
        var txn = TerminalTransaction(header: header)
        txn.type = text(line, slots[Key.type.rawValue])
        guard digits(line, slots[Key.stan.rawValue], into: &txn.stan) else { throw LineFault("bad digits stan") }
        guard digits(line, slots[Key.batch.rawValue], into: &txn.batch) else { throw LineFault("bad digits batch") }
        guard integer(line, slots[Key.amt.rawValue], into: &txn.amount) else { throw LineFault("bad integer amt") }
        var currency: Int64?
        guard integer(line, slots[Key.cur.rawValue], into: &currency), currency.map({ $0 >= 0 && $0 <= 999_999 }) ?? true
        else { throw LineFault("bad integer cur") }
        txn.currency = currency.map { Int32($0) }
        guard integer(line, slots[Key.latMs.rawValue], into: &txn.latencyMs) else { throw LineFault("bad integer lat_ms") }
        txn.responseCode = text(line, slots[Key.rc.rawValue]).flatMap { $0.isEmpty ? nil : $0 }
        txn.display = text(line, slots[Key.disp.rawValue])
        txn.entry = text(line, slots[Key.entry.rawValue])
        if let pan = text(line, slots[Key.pan.rawValue], mask: false) {
            let masked = CardNumbers.maskCardField(pan)
            if masked.masked { statistics.maskedPANs += 1 }
            txn.maskedPAN = masked.text
        }
        txn.error = text(line, slots[Key.err.rawValue])
        txn.reason = text(line, slots[Key.reason.rawValue])
        txn.mcc = text(line, slots[Key.mcc.rawValue])
        return txn
    }

    /// A `net` line's network event; `rssi` must be an integer within ±1000.
    @inline(__always)
    private mutating func networkEvent(
        header: TerminalEventHeader, _ line: UnsafeRawBufferPointer, _ slots: UnsafeMutableBufferPointer<Slot>
    ) throws(LineFault) -> TerminalNetworkEvent {
        var net = TerminalNetworkEvent(header: header)
        var rssi: Int64?
        guard integer(line, slots[Key.rssi.rawValue], into: &rssi), rssi.map({ $0 >= -1000 && $0 <= 1000 }) ?? true
        else { throw LineFault("bad integer rssi") }
        net.rssi = rssi.map { Int32($0) }
        net.state = text(line, slots[Key.state.rawValue])
        net.networkType = text(line, slots[Key.type.rawValue])
        net.reason = text(line, slots[Key.reason.rawValue])
        return net
    }

    // MARK: - Values

    /// The value of a slot as text: unescaped, UTF-8 repaired (counted) and card numbers masked (counted).
    private mutating func text(_ line: UnsafeRawBufferPointer, _ slot: Slot, mask: Bool = true) -> String? {
        guard slot.present else { return nil }
        if slot.start < 0 { return "true" }
        let bytes = UnsafeRawBufferPointer(rebasing: line[slot.start..<slot.end])
        if !slot.escaped, !(mask && CardNumbers.containsCardNumber(bytes)) {
            let decoded = LogText.decode(bytes)
            statistics.invalidUTF8 += decoded.invalid
            return decoded.text
        }
        var copy: [UInt8] = []
        copy.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if slot.escaped, b == 0x5C, i + 1 < bytes.count, bytes[i + 1] == 0x22 || bytes[i + 1] == 0x5C {
                copy.append(bytes[i + 1])
                i += 2
                continue
            }
            copy.append(b)
            i += 1
        }
        if mask { statistics.maskedPANs += copy.withUnsafeMutableBytes { CardNumbers.maskInPlace($0) } }
        let decoded = copy.withUnsafeBytes { LogText.decode($0) }
        statistics.invalidUTF8 += decoded.invalid
        return decoded.text
    }

    /// Parses an optional integer value; false when present but not an integer.
    private func integer(_ line: UnsafeRawBufferPointer, _ slot: Slot, into value: inout Int64?) -> Bool {
        guard slot.present else { return true }
        guard slot.start >= 0, !slot.escaped else { return false }
        var i = slot.start
        var negative = false
        if i < slot.end, line[i] == 0x2D || line[i] == 0x2B {
            negative = line[i] == 0x2D
            i += 1
        }
        guard i < slot.end, slot.end - i <= 18 else { return false }
        var v: Int64 = 0
        while i < slot.end {
            let d = line[i] &- 0x30
            guard d <= 9 else { return false }
            v = v * 10 + Int64(d)
            i += 1
        }
        value = negative ? -v : v
        return true
    }

    /// Parses an optional all-digits value (STAN, batch); false when present but not digits.
    private func digits(_ line: UnsafeRawBufferPointer, _ slot: Slot, into value: inout Int32?) -> Bool {
        guard slot.present else { return true }
        guard slot.start >= 0, !slot.escaped, slot.end > slot.start, slot.end - slot.start <= 9 else { return false }
        var v: Int32 = 0
        for i in slot.start..<slot.end {
            let d = line[i] &- 0x30
            guard d <= 9 else { return false }
            v = v * 10 + Int32(d)
        }
        value = v
        return true
    }

    private mutating func reject(_ line: UnsafeRawBufferPointer, _ number: Int, _ reason: String) -> TerminalLineResult {
        statistics.invalidUTF8 = countsAtLineStart.invalidUTF8
        statistics.maskedPANs = countsAtLineStart.maskedPANs
        return .rejected(Rejection(line: number, reason: reason, text: rejectText(line)))
    }

    /// A rejected line as kept: card numbers masked, invalid UTF-8 replaced, at most 64 KiB.
    public mutating func rejectText(_ line: UnsafeRawBufferPointer) -> String {
        var copy = Array(line)
        statistics.maskedPANs += copy.withUnsafeMutableBytes { CardNumbers.maskInPlace($0) }
        let decoded = copy.withUnsafeBytes { LogText.decode($0) }
        statistics.invalidUTF8 += decoded.invalid
        return LogText.shorten(decoded.text, limit: 65536)
    }
}

extension String {
    /// The string without spaces and tabs at either end.
    func trimmingBlanks() -> String {
        let u = utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if first == u.startIndex, last == u.index(before: u.endIndex) { return self }
        return String(self[first...last])
    }
}
