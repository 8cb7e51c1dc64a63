/// One thing the acquirer-log scanner found.
public enum AcquirerLogEntry: Sendable, Hashable {
    /// A `<send>` or `<receive>` ISO 8583 message.
    case message(AcquirerMessage)
    /// A link event of a realm (`peer-disconnect`, `io-timeout`, …).
    case linkEvent(AcquirerLinkEvent)
    /// A `<log>` element that could not be taken, with its line and (cleaned) text.
    case rejected(Rejection)
}

/// Counts the per-file summary needs.
public struct AcquirerLogStatistics: Sendable, Hashable {
    /// `<log>` start tags seen, well formed or not.
    public var logElements = 0
    /// Messages emitted.
    public var messages = 0
    /// Link events emitted.
    public var linkEvents = 0
    /// Rejections emitted (elements, not lines).
    public var rejected = 0
    /// Skipped things by element name (`info`, `trace`, …) or `#text`, `#comment`, `#cdata`,
    /// `#pi`, `#declaration`.
    public var skipped: [String: Int] = [:]
    /// Invalid UTF-8 sequences (and NULs, surrogate or out-of-range references) replaced by U+FFFD
    /// in kept values and reject texts.
    public var invalidUTF8 = 0
    /// Card numbers masked in kept values, link details and reject texts.
    public var maskedPANs = 0
    /// The JVM time zone the log states (SystemMonitor), the last one if several; nil if none.
    public var jvmTimeZone: String?
    /// Line of the `<log>` element where `jvmTimeZone` was first stated.
    public var jvmTimeZoneLine: Int?
    /// The offset stated beside `jvmTimeZone` (what stands in when this system's tz database
    /// does not know the identifier), if any.
    public var jvmTimeZoneStatedOffsetMinutes: Int?
    /// Messages and link events whose time named no usable zone and was read at
    /// `--acquirer-tz` (no offset or an ambiguous abbreviation, and no JVM zone stated in time).
    public var assumedZoneTimes = 0
    /// What the file's reader must be told about its times: the offset assumed for them and why,
    /// or a JVM zone that this system's tz database does not know. Set by `finish(_:)`.
    public var zoneWarning: String?
    /// Line of a `<log>` element still open at the end of the input (a log cut mid-element, or
    /// one still being written); nil when the input ended between elements.
    public var openElementAtEndLine: Int?

    /// All counts zero.
    public init() {}
}

/// Streams a jPOS XML log (docs/formats.md §2) line by line into messages, link events and rejects.
///
/// Feed every line with `consume(line:number:_:)`, then call `finish(_:)` once. Entries of a
/// `<log>` element are emitted when its `</log>` is read, in document order; a rejected element
/// emits only its rejection. The rules, where the format leaves room:
///
/// - **Elements.** A `<log` start tag is `<log` followed by whitespace, `>` or `/`. Its `realm`
///   (non-empty) and `at` must be present and `at` must parse (every form jPOS has written, see
///   `Timestamps.parseAcquirerTime`), else the element is rejected with `missing realm
///   attribute`, `missing at attribute` or `bad at attribute`. `lifespan` is `N`, `Nms` or `N ms`;
///   any other value is ignored (nil), never a reason to reject. Other attributes (`trace-id`)
///   are ignored.
/// - **Time zones.** An `at` without an offset, or with an ambiguous or unknown abbreviation,
///   is read in the JVM zone that SystemMonitor's block states (`JVMTimeZone`), before or after
///   that block: entries wait for it (at most `holdLimit`) and keep their order. Without one,
///   the default zone (`--acquirer-tz`) applies and `statistics.zoneWarning` says so.
/// - **Messages.** Each `<send>`/`<receive>` directly in `<log>` yields one message from its first
///   direct `<isomsg>` child; the message is that isomsg's direct `<field>` children (nested
///   `<isomsg id="N">` blocks are subfields and are ignored). A field takes its `value` attribute,
///   else its content (text and CDATA, surrounding whitespace trimmed). When a field repeats, the
///   last one wins. An empty value is nil. Field 4 is an amount only when all digits.
/// - **Link events** are link-level elements only: `connect`, `disconnect`, `connection-refused`,
///   `peer-disconnect`, `io-timeout`, `stale-connection`, `session-start`, `session-end`, and
///   channel exceptions. They are taken directly in `<log>`, in a `<send>`/`<receive>`, or in a
///   `<session-error>`/`<session-warning>` (ISOServer), outside an `<isomsg>`; never inside any
///   other element (`<warn>`, `<info>`, `<iso-server>`, `<error>`, `<abort>`… hold application
///   content: deploy, bind and transaction-manager errors, ChannelAdaptor's echo of a channel
///   failure). An `<exception>` or `<iso-exception>` there is a channel exception when the realm
///   is a channel's or a mux's (it names `channel` or `mux`, is an ISOServer `….session/…`, or
///   ends in `/host:port`) or its text names a socket, EOF, connect or timeout failure; else it
///   is skipped like any child. An exception that ISOServer's session logs again for the peer
///   whose channel just logged it (same `host:port`, same detail, within a second) is taken
///   once. A link event nested in another is part of the outer one's text. The line is the
///   `<log>`'s line, like a message's; the detail is the `name` attribute, else the text (hex
///   dumps masked on the raw lines first), whitespace collapsed, at most 200 characters.
/// - **Skipped** (counted by name, only for elements that are taken): each direct child of `<log>`
///   that yields no message and no link event; each run of non-blank text directly in `<log>`
///   (`#text`); comments, CDATA, processing instructions and declarations directly in `<log>`
///   (`#comment`, `#cdata`, `#pi`, `#declaration`). Between elements, only runs of non-blank
///   text count (`#text`); `<?xml?>`, `<logger>`, `</logger>`, DOCTYPE and comments do not.
/// - **Leniency** for what jPOS prints unescaped: a lone `<` (not starting a tag) is text;
///   `<name>(` is a Java stack frame (`Socket.<init>(`), text; a `<` in the ASCII column of a hex
///   dump line is text; a quote inside an attribute value ends it only when followed by
///   whitespace, `/` or `>`, and, of those, the first after which the tag can go on (`>`, `/>`,
///   another attribute) when there is one on the line (`name="… "channel" must …">`); an
///   attribute without a value is taken when the tag ends right after it (`<queue closed/>`); an
///   undefined entity is kept as written.
/// - **Not well formed** — a mismatched or broken end tag, an unterminated tag or attribute, an
///   attribute without a quoted value, nesting deeper than `maxDepth` (`<log>` is depth 1), a
///   `<log` start tag anywhere inside an open element (even in a comment or value: that is
///   interleaved output), an element larger than `maxElementBytes` (counting one byte per line
///   end), end of input inside it — the element is rejected with its `<log` line and everything
///   from its `<log` up to the next `<log` start tag, where reading resumes. Text buffered for a
///   reject stops at `maxElementBytes`: an element that grows past it is rejected at once and
///   the rest skipped unbuffered. A well-formed element with a bad header is rejected for the
///   header; a malformed one for its structure.
/// - **Cleaning.** Fields 35, 45, 52 and 55 are never read; in reject texts their values become
///   `[removed]` and field 2 is masked whatever its Luhn check; hex dumps in reject texts and
///   link details are masked in both columns (`CardNumbers.maskHexDumps`). Card numbers are masked in everything kept except fields 4, 11, 12, 13, 37, 41
///   and 42; field 2 is masked by `CardNumbers.maskCardField` whatever its Luhn check. NUL (raw or
///   `&#0;`) becomes U+FFFD and counts as invalid, except padding NULs trimmed from fields 41 and
///   42 (with blanks). Reject texts lose trailing whitespace and are shortened to 64 KiB; where
///   the size limit cut a text inside a line, digits running up to the cut become `*` (they may
///   be the start of a card number too short to be recognised).
public struct AcquirerLogScanner {
    private typealias Syntax = AcquirerLogSyntax

    private enum Mode {
        /// Outside any `<log>` element.
        case between
        /// Inside a `<log>` element, its bytes in `element`.
        case inLog
        /// After a malformed element, until the next `<log` start tag.
        case skipping
    }

    /// Counts so far; complete after `finish(_:)`.
    public private(set) var statistics = AcquirerLogStatistics()

    private let maxElementBytes: Int
    private var mode = Mode.between
    private var outside = AcquirerLogOutside()
    private var element = AcquirerLogBytes()
    private var parser: AcquirerLogElement
    /// Buffer offset of byte 0 of the line being consumed (negative when the element began inside it).
    private var lineBase = 0
    /// Whether `element` already ends with the end of the line being consumed.
    private var lineEndBuffered = false
    /// While skipping: the rejection still to emit, its text in `element`; nil once emitted.
    private var pendingReject: (line: Int, reason: String)?
    private var rejectScratch: [UInt8] = []

    private nonisolated(unsafe) static let noBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    /// `--acquirer-tz`, for times that name no usable zone while the log has stated none.
    private let defaultZone: JVMTimeZone
    /// The JVM zone the log stated, once it has.
    private var zone: JVMTimeZone?
    /// Entries held back, in order, while times wait for a zone the log may state further on
    /// (SystemMonitor logs after Q2 has started); `true` beside those whose time was assumed.
    private var held: [(entry: AcquirerLogEntry, assumed: Bool)] = []
    /// Whether entries are being held.
    private var holding = false
    /// Set once holding has reached `holdLimit`: later times without a zone are not held again.
    private var stoppedHolding = false
    /// The most entries held while a file's times wait for a zone (about 4 MB, an hour of a
    /// quiet acquirer link): past it, they and the times after them are read at `--acquirer-tz`
    /// until the log states a zone.
    public static let holdLimit = 16_384

    /// A scanner for one file.
    ///
    /// `defaultZone` applies to `at` values without an offset or with an ambiguous zone while
    /// the log states no JVM zone (`--acquirer-tz`: a fixed offset, or a tz database zone whose
    /// daylight saving time is followed). `maxElementBytes` bounds the bytes buffered for one
    /// `<log>` element; `maxDepth` the nesting of elements inside it, `<log>` itself being depth 1.
    public init(defaultZone: JVMTimeZone, maxElementBytes: Int = 4 << 20, maxDepth: Int = 64) {
        self.maxElementBytes = max(64, maxElementBytes)
        self.defaultZone = defaultZone
        parser = AcquirerLogElement(defaultZone: defaultZone, maxDepth: maxDepth)
    }

    /// A scanner for one file whose times without a zone are read at a fixed offset,
    /// `defaultOffsetMinutes` east of UTC.
    public init(defaultOffsetMinutes: Int, maxElementBytes: Int = 4 << 20, maxDepth: Int = 64) {
        self.init(defaultZone: JVMTimeZone(offsetMinutes: defaultOffsetMinutes), maxElementBytes: maxElementBytes, maxDepth: maxDepth)
    }

    /// Reads one line.
    ///
    /// `line` is one line without its terminator (the line reader already removed LF and a CR
    /// before it); `number` is 1-based. A UTF-8 byte order mark at the start of line 1 is ignored.
    /// `emit` is called for what the line completes, possibly several times, possibly never.
    public mutating func consume(line: UnsafeRawBufferPointer, number: Int, _ emit: (AcquirerLogEntry) -> Void) {
        if !isKnownUniquelyReferenced(&element) { element = element.copy() }
        let bytes = line.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(Self.noBytes)
        let count = line.count
        var offset = 0
        if number == 1, count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { offset = 3 }
        lineBase = element.count - offset
        lineEndBuffered = false
        while true {
            switch mode {
            case .between:
                guard let start = outside.scan(bytes, from: offset, to: count, skipped: &statistics.skipped) else { return }
                beginLog(line: number, lineOffset: start)
                offset = start
            case .inLog:
                if offset < count {
                    let take = min(count - offset, max(1, maxElementBytes + 1 - element.count))
                    element.append(bytes + offset, take)
                    offset += take
                }
                if offset == count, !lineEndBuffered {
                    element.append(Syntax.newline)
                    lineEndBuffered = true
                }
                readElement(bytes, count: count, offset: &offset, number: number, emit)
                if mode == .inLog, offset == count, lineEndBuffered { return }
            case .skipping:
                skip(bytes, count: count, offset: &offset, number: number, emit)
                if mode == .skipping { return }
            }
        }
    }

    /// True while no `<log>` element is open or being skipped: reading a log again from the start
    /// of a line where this held gives the same entries from there on.
    public var isBetweenElements: Bool { mode == .between }

    /// Reads times without a usable zone in `zone`, which the earlier part of the log, read
    /// before this input continues it, stated at `line`: as if that SystemMonitor block had been
    /// read here. Call it before the first line.
    public mutating func continueLog(statedZone zone: JVMTimeZone, line: Int) {
        statistics.jvmTimeZoneLine = line
        statistics.jvmTimeZone = zone.identifier
        statistics.jvmTimeZoneStatedOffsetMinutes = zone.statedOffsetMinutes
        self.zone = zone
        parser.zone = zone
    }

    /// Ends the input: a `<log>` still open is rejected (`log element not closed at end of file`)
    /// and noted in `openElementAtEndLine` (not one already rejected as malformed, whose end
    /// was being looked for), a pending rejection is emitted, entries held for a
    /// zone are emitted at `--acquirer-tz`, and the statistics are complete.
    public mutating func finish(_ emit: (AcquirerLogEntry) -> Void) {
        switch mode {
        case .between:
            break
        case .inLog:
            statistics.openElementAtEndLine = parser.logLine
            reject(upTo: element.count, line: parser.logLine, reason: "log element not closed at end of file", emit)
        case .skipping:
            if let pending = pendingReject {
                reject(upTo: element.count, line: pending.line, reason: pending.reason, emit)
            }
        }
        releaseHeld(emit)
        outside.finish(skipped: &statistics.skipped)
        mode = .between
        pendingReject = nil
        element.removeAll()
        statistics.zoneWarning = zoneWarning()
    }

    // MARK: Time zones

    /// Emits an entry, or holds it while the file's times wait for a zone.
    private mutating func deliver(_ entry: consuming AcquirerLogEntry, assumed: Bool, _ emit: (AcquirerLogEntry) -> Void) {
        if !holding, assumed, !stoppedHolding { holding = true }
        if holding {
            held.append((entry, assumed))
            if held.count >= Self.holdLimit {
                releaseHeld(emit)
                stoppedHolding = true
            }
            return
        }
        if assumed { statistics.assumedZoneTimes += 1 }
        emit(entry)
    }

    /// Emits what is held: times assumed are read in `zone` when there is one, else left at
    /// `--acquirer-tz` and counted.
    private mutating func releaseHeld(_ emit: (AcquirerLogEntry) -> Void) {
        holding = false
        guard !held.isEmpty else { return }
        var entries: [(entry: AcquirerLogEntry, assumed: Bool)] = []
        swap(&entries, &held)
        defer {
            // Give the buffer back for the next hold, emptied.
            entries.removeAll(keepingCapacity: true)
            swap(&entries, &held)
        }
        for k in entries.indices {
            guard entries[k].assumed else {
                emit(entries[k].entry)
                continue
            }
            guard var zone else {
                statistics.assumedZoneTimes += 1
                emit(entries[k].entry)
                continue
            }
            emit(Self.retimed(entries[k].entry, in: &zone))
            self.zone = zone
        }
    }

    /// An entry whose time was read at `--acquirer-tz`, read again in `zone`.
    private static func retimed(_ entry: AcquirerLogEntry, in zone: inout JVMTimeZone) -> AcquirerLogEntry {
        func moved(_ time: LoggedTime) -> LoggedTime {
            let written = WrittenTime(localMilliseconds: time.utcMilliseconds + Int64(time.offsetMinutes) * 60_000, offsetMinutes: nil)
            return written.at(offsetMinutes: zone.offsetMinutes(forLocalMilliseconds: written.localMilliseconds))
        }
        switch entry {
        case .message(var message):
            message.time = moved(message.time)
            return .message(message)
        case .linkEvent(var event):
            event.time = moved(event.time)
            return .linkEvent(event)
        case .rejected:
            return entry
        }
    }

    /// A SystemMonitor element stated the JVM zone: it reads the times held and those to come.
    private mutating func adopt(_ stated: JVMTimeZone, line: Int, _ emit: (AcquirerLogEntry) -> Void) {
        if statistics.jvmTimeZoneLine == nil { statistics.jvmTimeZoneLine = line }
        statistics.jvmTimeZone = stated.identifier
        statistics.jvmTimeZoneStatedOffsetMinutes = stated.statedOffsetMinutes
        if zone?.identifier != stated.identifier || zone?.statedOffsetMinutes != stated.statedOffsetMinutes {
            zone = stated
            parser.zone = stated
        }
        releaseHeld(emit)
    }

    private func zoneWarning() -> String? {
        let assumed = "\(defaultZone.isFixedOffset ? "at" : "in") \(defaultZone.displayName) (--acquirer-tz)"
        var parts: [String] = []
        if statistics.assumedZoneTimes > 0 {
            let times = statistics.assumedZoneTimes == 1 ? "1 time" : "\(statistics.assumedZoneTimes) times"
            if let line = statistics.jvmTimeZoneLine, let name = statistics.jvmTimeZone {
                parts.append("\(times) without a zone read \(assumed): the JVM zone \(name) is stated only at line \(line)")
            } else {
                parts.append("\(times) without a zone read \(assumed): the log states no JVM time zone (SystemMonitor)")
            }
        }
        if let zone, !zone.followsDaylightSaving, !zone.isFixedOffset {
            let offset = zone.statedOffsetMinutes.map { "UTC" + Self.formatOffset($0) } ?? "its stated offset"
            parts.append("JVM zone \(zone.identifier) is not in this system's tz database: read at \(offset), daylight saving time not followed")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// `+08:00`, `-03:30`.
    static func formatOffset(_ minutes: Int) -> String {
        let magnitude = abs(minutes)
        let hours = magnitude / 60
        let rest = magnitude % 60
        return (minutes < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    // MARK: Element lifecycle

    /// A `<log` start tag at `lineOffset` of line `line`, outside any element.
    private mutating func beginLog(line: Int, lineOffset: Int) {
        element.removeAll()
        lineBase = -lineOffset
        lineEndBuffered = false
        parser.begin(line: line)
        statistics.logElements += 1
        mode = .inLog
    }

    /// A `<log` start tag at buffer offset `at`, after the element before it was rejected.
    private mutating func restart(at: Int) {
        let line = parser.logLine + Syntax.countNewlines(element.pointer, 0, at)
        element.removeFirst(at)
        lineBase -= at
        parser.begin(line: line)
        statistics.logElements += 1
        mode = .inLog
    }

    /// Parses what was appended and acts on the outcome; leaves `mode` and `offset` where the
    /// line goes on.
    private mutating func readElement(
        _ bytes: UnsafePointer<UInt8>, count: Int, offset: inout Int, number: Int, _ emit: (AcquirerLogEntry) -> Void
    ) {
        while true {
            switch parser.parse(element.pointer, count: element.count) {
            case .needMore:
                guard element.count > maxElementBytes else { return }
                reject(
                    upTo: element.count, line: parser.logLine, reason: "log element larger than \(maxElementBytes) bytes",
                    cut: !lineEndBuffered, emit)
                if !resync(from: max(parser.position, 1), reason: nil, bytes, count: count, offset: &offset, emit) { return }
            case .closed(let end):
                if end > maxElementBytes {
                    reject(upTo: end, line: parser.logLine, reason: "log element larger than \(maxElementBytes) bytes", emit)
                } else {
                    accept(end: end, emit)
                }
                if end < lineBase {
                    // Ended on an earlier line still buffered (after a restart): read the rest as outside.
                    if let start = outside.scan(element.pointer, from: end, to: lineBase, skipped: &statistics.skipped) {
                        restart(at: start)
                        continue
                    }
                    offset = 0
                } else {
                    offset = end - lineBase
                }
                element.removeAll()
                lineBase = 0
                mode = .between
                return
            case .nestedLog(let at):
                reject(upTo: at, line: parser.logLine, reason: "log element inside log element", emit)
                restart(at: at)
            case .malformed(let at, let reason):
                if !resync(from: max(at, 1), reason: (parser.logLine, reason), bytes, count: count, offset: &offset, emit) { return }
            }
        }
    }

    /// Looks for the next `<log` start tag from buffer offset `from`, then in the rest of the line.
    ///
    /// What lies before it belongs to the rejected element, whose rejection (`reason`, unless
    /// already emitted) is emitted once it is found. Returns true when an element restarted in
    /// the buffer (parse again); false when the line goes on in another mode.
    private mutating func resync(
        from: Int, reason: (line: Int, reason: String)?, _ bytes: UnsafePointer<UInt8>, count: Int,
        offset: inout Int, _ emit: (AcquirerLogEntry) -> Void
    ) -> Bool {
        if let at = Syntax.findLogStart(element.pointer, from: from, to: element.count, endIsLineEnd: false) {
            if let reason { reject(upTo: at, line: reason.line, reason: reason.reason, emit) }
            restart(at: at)
            return true
        }
        if !lineEndBuffered {
            // The line was only partly appended (a long line): a start tag may straddle the cut.
            let lineFrom = max(0, from - lineBase, offset - 4)
            if let k = Syntax.findLogStart(bytes, from: lineFrom, to: count, endIsLineEnd: true) {
                let at = lineBase + k
                if at < element.count {
                    if let reason { reject(upTo: at, line: reason.line, reason: reason.reason, emit) }
                    restart(at: at)
                    return true
                }
                if let reason {
                    pendingReject = reason
                    appendToReject(bytes + offset, k - offset, emit)
                    if let pending = pendingReject { reject(upTo: element.count, line: pending.line, reason: pending.reason, emit) }
                    pendingReject = nil
                }
                element.removeAll()
                offset = k
                mode = .between
                return false
            }
        }
        pendingReject = reason
        if reason == nil { element.removeAll() }
        mode = .skipping
        return false
    }

    /// In `.skipping`: buffers the line for the pending rejection until a `<log` start tag.
    private mutating func skip(
        _ bytes: UnsafePointer<UInt8>, count: Int, offset: inout Int, number: Int, _ emit: (AcquirerLogEntry) -> Void
    ) {
        let found = Syntax.findLogStart(bytes, from: offset, to: count, endIsLineEnd: true)
        if pendingReject != nil {
            appendToReject(bytes + offset, (found ?? count) - offset, emit)
            if found == nil, !lineEndBuffered {
                withUnsafePointer(to: Syntax.newline) { appendToReject($0, 1, emit) }
            }
        }
        lineEndBuffered = true
        guard let found else {
            offset = count
            return
        }
        if let pending = pendingReject {
            reject(upTo: element.count, line: pending.line, reason: pending.reason, emit)
            pendingReject = nil
        }
        element.removeAll()
        offset = found
        mode = .between
    }

    /// Adds bytes to a pending rejection's text; at `maxElementBytes` the rejection is emitted
    /// and buffering stops.
    private mutating func appendToReject(_ source: UnsafePointer<UInt8>, _ length: Int, _ emit: (AcquirerLogEntry) -> Void) {
        guard let pending = pendingReject, length > 0 else { return }
        let room = maxElementBytes - element.count
        element.append(source, min(length, max(0, room)))
        if length > room {
            reject(upTo: element.count, line: pending.line, reason: pending.reason, cut: true, emit)
            pendingReject = nil
            element.removeAll()
        }
    }

    /// A well-formed element ended at `end`: emit what it yielded, or reject it for its header.
    private mutating func accept(end: Int, _ emit: (AcquirerLogEntry) -> Void) {
        if let problem = parser.headerProblem {
            reject(upTo: end, line: parser.logLine, reason: problem, emit)
            return
        }
        let assumed = parser.timeAssumed
        for entry in parser.entries { deliver(entry, assumed: assumed, emit) }
        if parser.mayStateZone, let stated = JVMTimeZone.stated(in: element.bytes(upTo: end)) {
            adopt(stated, line: parser.logLine, emit)
        }
        let tally = parser.tally
        statistics.messages += tally.messages
        statistics.linkEvents += tally.linkEvents
        statistics.maskedPANs += tally.masked
        statistics.invalidUTF8 += tally.invalid
        let names = parser.skipNames.names
        for index in tally.skips { statistics.skipped[names[index], default: 0] += 1 }
    }

    /// Emits the rejection of the buffered bytes up to `end`; `cut` when they stop inside a line
    /// because of the size limit.
    private mutating func reject(upTo end: Int, line: Int, reason: String, cut: Bool = false, _ emit: (AcquirerLogEntry) -> Void) {
        let cleaned = AcquirerLogText.rejectText(element.bytes(upTo: end), cut: cut, scratch: &rejectScratch)
        statistics.rejected += 1
        statistics.maskedPANs += cleaned.masked
        statistics.invalidUTF8 += cleaned.invalid
        deliver(.rejected(Rejection(line: line, reason: reason, text: cleaned.text)), assumed: false, emit)
    }
}
