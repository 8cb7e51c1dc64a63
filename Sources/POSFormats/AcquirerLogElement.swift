#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What reading more bytes of one `<log>` element came to.
enum AcquirerLogElementOutcome: Equatable {
    /// The element goes on past the bytes given.
    case needMore
    /// `</log>` (or `<log …/>`) ended at this offset.
    case closed(end: Int)
    /// Another `<log` start tag begins at this offset, inside the open element.
    case nestedLog(at: Int)
    /// The element is not well formed; the offending markup starts at `at`.
    case malformed(at: Int, reason: String)
}

/// Reads the bytes of one `<log>` element as they arrive, line after line, and collects what it
/// yields: messages, link events, skipped children, and the counts that go with them.
///
/// The bytes are the element's from its `<log` on, in one buffer that grows; the parser keeps
/// offsets into it, so the element must stay in place until it is closed or rejected. Nothing is
/// emitted from here: the scanner emits `entries` once the element is known to be well formed.
struct AcquirerLogElement {
    private typealias Syntax = AcquirerLogSyntax

    /// What an open element is to the parser.
    private enum Role: UInt8 {
        case log
        /// `<send>` or `<receive>` directly in `<log>`.
        case exchange
        /// `<session-error>` or `<session-warning>` directly in `<log>` (jPOS's ISOServer).
        case linkContainer
        /// The first `<isomsg>` directly in an exchange: its direct fields are the message.
        case message
        /// A `<field>` directly in the message.
        case topField
        /// Inside an isomsg below the message (subfields) or any isomsg that is not the message.
        case opaque
        case linkEvent
        /// Inside a link event (its text belongs to that event).
        case insideLinkEvent
        /// `<info>` directly in `<log>`: application content, whose text may be a jPOS 3
        /// ISOServer session record (`SessionStart[…]`, `SessionEnd[…]`).
        case info
        case other
    }

    private struct Frame {
        var role: Role
        var nameStart: Int
        var nameLength: Int
        var contentStart: Int
        /// For a top field whose value is its content: the slot it fills; else -1.
        var slot: Int
    }

    private enum ElementName: Equatable {
        case log, send, receive, isomsg, field, info
        case link(LinkKind)
        /// `session-error`, `session-warning`.
        case sessionContainer
        case other
    }

    enum LinkKind: String {
        case ioTimeout = "io-timeout"
        case peerDisconnect = "peer-disconnect"
        case staleConnection = "stale-connection"
        case sessionStart = "session-start"
        case sessionEnd = "session-end"
        case connect = "connect"
        case disconnect = "disconnect"
        case connectionRefused = "connection-refused"
        case exception = "exception"
        case isoException = "iso-exception"

        /// An exception is a link event only in a link context (channel or mux realm, or a
        /// socket-level message); the other kinds are link events wherever they are allowed.
        var isException: Bool { self == .exception || self == .isoException }
    }

    private enum AttributeName {
        case realm, at, lifespan, id, value, name
        /// `ts` and `kind`: the header of jPOS 3's structured XML (`XmlLogWriter`), not read.
        case structured
        case other
    }

    /// A jPOS 3 audit record printed as text in a `<send>`, `<receive>` or `<info>` directly in
    /// `<log>`: the line that holds it, and the link event it is.
    private struct AuditRecord {
        var kind: LinkKind
        var start: Int
        var end: Int
        /// For `Disconnect[…]`: where its `message=` value lies (nil when `null`), which ISOServer's
        /// session repeats as a `<session-warning>` exception's name.
        var message: Range<Int>?
    }

    /// Where a used field's value lies in the element bytes.
    private struct FieldValue {
        var start = -1
        var end = -1
        /// Content (`<field id="2"><![CDATA[…]]></field>`) rather than a `value` attribute.
        var isContent = false
    }

    /// What a kept value goes through besides decoding.
    private enum Treatment {
        case plain
        case masked
        /// Fields 41 and 42: blanks and NULs around it trimmed.
        case padded
    }

    private enum Step {
        case advance(Int)
        case incomplete
        case closed(Int)
        case nested(Int)
        case malformed(String)
    }

    private enum TagScan {
        case incomplete
        case nested(Int)
        case malformed(String)
        case complete(end: Int, selfClosing: Bool)
    }

    /// Counts that become the statistics' once the element is taken.
    struct Tally {
        var messages = 0
        var linkEvents = 0
        var masked = 0
        var invalid = 0
        /// Indices into `skipNames` of skipped children, one per child.
        var skips: [Int] = []
    }

    /// Names of skipped things, interned so that a skipped `<info>` costs no new String.
    struct SkipNames {
        static let text = 0
        static let comment = 1
        static let characterData = 2
        static let instruction = 3
        static let declaration = 4

        private(set) var names = ["#text", "#comment", "#cdata", "#pi", "#declaration"]
        private var spellings: [[UInt8]] = [[], [], [], [], []]

        mutating func index(_ p: UnsafePointer<UInt8>, _ length: Int) -> Int {
            for k in 5..<spellings.count where spellings[k].count == length {
                if spellings[k].withUnsafeBytes({ memcmp($0.baseAddress!, p, length) }) == 0 { return k }
            }
            let bytes = Array(UnsafeBufferPointer(start: p, count: length))
            spellings.append(bytes)
            // Names are stored (as `skipped:<name>` counts), so a card number in one is masked.
            names.append(CardNumbers.mask(LogText.decode(UnsafeRawBufferPointer(start: p, count: length)).text).text)
            return spellings.count - 1
        }
    }

    static let slotCount = 12

    /// The zone of times that name none while the log has stated none (`--acquirer-tz`).
    private var defaultZone: JVMTimeZone
    let maxDepth: Int

    /// Offset up to which the bytes have been read.
    private(set) var position = 0
    /// When an incomplete piece of markup waits at `position`: the byte count at the last try. It is
    /// tried again only when the new bytes hold a `<` or `>`.
    private var waitingFrom = 0
    /// How far the body of a waiting comment, CDATA section or instruction has been searched.
    private var searchedTo = 0

    private var frames: [Frame] = []
    /// Line of the `<log` start tag.
    private(set) var logLine = 0

    private var realm = ""
    private var time = LoggedTime(utcMilliseconds: 0, offsetMinutes: 0)
    /// The JVM zone the log stated (SystemMonitor), for times without an offset; set by the scanner.
    var zone: JVMTimeZone?
    /// Whether the element's `at` named no usable zone and `defaultZone` was taken.
    private(set) var timeAssumed = false
    /// Whether the realm is SystemMonitor's, whose text may state the JVM zone.
    private(set) var mayStateZone = false
    private var lifespanMs: Int64?
    /// Why the element is rejected even if well formed (its `<log` attributes).
    private(set) var headerProblem: String?

    /// Whether the open direct child of `<log>` yielded a message or a link event.
    private var childYields = false
    /// The audit record found in the text of the open `<send>`, `<receive>` or `<info>` directly
    /// in `<log>` (jPOS 3), the first one only.
    private var auditRecord: AuditRecord?
    /// Whether the `<log>` start tag had `ts` or `kind` (jPOS 3's structured XML).
    private var structuredHeader = false
    /// Non-blank text directly in `<log>` since the last markup.
    private var logTextNonBlank = false

    private var direction = MessageDirection.send
    private var exchangeHasMessage = false
    private var slots = [FieldValue](repeating: FieldValue(), count: slotCount)

    private var linkKind = LinkKind.connect
    /// Where the open link event's content starts; its detail is read from there at its end.
    private var linkContentStart = 0
    /// The open link event's `name` attribute (its detail when present).
    private var linkName: Range<Int>?
    /// Whether the open link event is inside a `<session-error>` or `<session-warning>`.
    private var linkInSession = false
    /// Where the realm attribute's value lies, for the checks that only exceptions need.
    private var realmRange = 0..<0
    /// The last exception a channel logged in a `<send>` or `<receive>`: jPOS's ISOServer logs
    /// the same exception again as a `<session-error>` of the session realm for that peer.
    private var lastChannelException: (peer: String, detail: String?, utc: Int64)?
    private var detail: [UInt8] = []
    private var detailSpacePending = false
    private var contentScratch: [UInt8] = []
    /// The last line checked for a hex dump by `inHexDumpText`: its start, how far it is known
    /// to run without a newline, and its dump layout (nil when it is not a dump line).
    private var dumpCheckLineStart = -1
    private var dumpCheckKnownTo = -1
    private var dumpCheckLine: HexDumps.Line?
    private static let detailByteLimit = 1024

    private var scratch: [UInt8] = []

    private(set) var entries: [AcquirerLogEntry] = []
    private(set) var tally = Tally()
    private(set) var skipNames = SkipNames()

    init(defaultZone: JVMTimeZone, maxDepth: Int) {
        self.defaultZone = defaultZone
        self.maxDepth = max(1, maxDepth)
        frames.reserveCapacity(min(self.maxDepth, 64))
        scratch.reserveCapacity(256)
        detail.reserveCapacity(256)
    }

    /// Starts a new element whose `<log` is at offset 0 of the bytes, on line `line`.
    mutating func begin(line: Int) {
        position = 0
        waitingFrom = 0
        searchedTo = 0
        frames.removeAll(keepingCapacity: true)
        logLine = line
        realm = ""
        time = LoggedTime(utcMilliseconds: 0, offsetMinutes: 0)
        lifespanMs = nil
        headerProblem = nil
        timeAssumed = false
        mayStateZone = false
        childYields = false
        auditRecord = nil
        structuredHeader = false
        logTextNonBlank = false
        exchangeHasMessage = false
        realmRange = 0..<0
        dumpCheckLineStart = -1
        dumpCheckKnownTo = -1
        dumpCheckLine = nil
        entries.removeAll(keepingCapacity: true)
        tally.messages = 0
        tally.linkEvents = 0
        tally.masked = 0
        tally.invalid = 0
        tally.skips.removeAll(keepingCapacity: true)
    }

    /// Reads on from `position` to `count`.
    mutating func parse(_ p: UnsafePointer<UInt8>, count: Int) -> AcquirerLogElementOutcome {
        if waitingFrom > 0 {
            if waitingFrom < count,
                Syntax.find(Syntax.lessThan, p, waitingFrom, count) == nil,
                Syntax.find(Syntax.greaterThan, p, waitingFrom, count) == nil
            {
                waitingFrom = count
                return .needMore
            }
        }
        var pos = position
        while pos < count {
            if p[pos] != Syntax.lessThan {
                let lt = Syntax.find(Syntax.lessThan, p, pos, count) ?? count
                text(p, pos, lt)
                pos = lt
                continue
            }
            switch markup(p, count, pos) {
            case .advance(let next):
                pos = next
                waitingFrom = 0
                searchedTo = 0
            case .incomplete:
                position = pos
                waitingFrom = count
                return .needMore
            case .closed(let end):
                position = end
                return .closed(end: end)
            case .nested(let at):
                return .nestedLog(at: at)
            case .malformed(let reason):
                return .malformed(at: pos, reason: reason)
            }
        }
        position = pos
        return .needMore
    }

    // MARK: Tokens

    private mutating func text(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) {
        guard let role = frames.last?.role else { return }
        switch role {
        case .log:
            if !logTextNonBlank, Syntax.containsNonBlank(p, from, to) { logTextNonBlank = true }
        case .exchange:
            if auditRecord == nil { findAuditRecord(p, from, to, inExchange: true) }
        case .info:
            if auditRecord == nil { findAuditRecord(p, from, to, inExchange: false) }
        default:
            break
        }
    }

    /// Looks for a jPOS 3 audit record that is a link event at the start of a line of text (after
    /// its indentation), or right after the start tag: `Disconnect[` in a `<send>` or `<receive>`
    /// (`BaseChannel.receive`, where jPOS 2 wrote `<peer-disconnect>` and `<io-timeout/>`),
    /// `SessionStart[` or `SessionEnd[` in an `<info>` (ISOServer's session). Only the first line
    /// of the record is its text; records are printed on one line.
    @inline(never)  // rare work: keeps `text`, called for every run of text, small
    private mutating func findAuditRecord(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, inExchange: Bool) {
        var lineStart = from
        // Text that goes on from text before it (after a lone `<`) starts no line.
        if from > 0, p[from - 1] != Syntax.newline, p[from - 1] != Syntax.greaterThan {
            guard let newline = Syntax.find(Syntax.newline, p, from, to) else { return }
            lineStart = newline + 1
        }
        while lineStart < to {
            var k = lineStart
            while k < to, p[k] == 0x20 || p[k] == 0x09 { k += 1 }
            let lineEnd = Syntax.find(Syntax.newline, p, k, to) ?? to
            if k < lineEnd, let record = Self.auditRecord(p, k, lineEnd, inExchange: inExchange) {
                auditRecord = record
                return
            }
            lineStart = lineEnd + 1
        }
    }

    /// The audit record at `start` (its line ends at `end`), or nil when none starts there.
    private static func auditRecord(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, inExchange: Bool) -> AuditRecord? {
        let length = end - start
        if inExchange {
            guard length > 11, p[start] == UInt8(ascii: "D"), memcmp(p + start, "Disconnect[", 11) == 0 else { return nil }
            return AuditRecord(kind: disconnectKind(p, start, end), start: start, end: end, message: disconnectMessage(p, start, end))
        }
        guard length > 11, p[start] == UInt8(ascii: "S") else { return nil }
        if memcmp(p + start, "SessionEnd[", 11) == 0 { return AuditRecord(kind: .sessionEnd, start: start, end: end) }
        if length > 13, memcmp(p + start, "SessionStart[", 13) == 0 { return AuditRecord(kind: .sessionStart, start: start, end: end) }
        return nil
    }

    /// The link event a `Disconnect[…, exception=j.i.EOFException (…), message=…]` record is, by
    /// the exception's class, as jPOS 2 named the same failures: `EOFException` and
    /// `SocketException` (a reset) `peer-disconnect`, `SocketTimeoutException` and
    /// `InterruptedIOException` `io-timeout`, any other (`IOException: unconnected ISOChannel`,
    /// `SSLException`) `exception`.
    private static func disconnectKind(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> LinkKind {
        guard let at = find(", exception=", p, start, end) else { return .exception }
        var i = at + 12
        var nameStart = i
        while i < end, p[i] != 0x20, p[i] != UInt8(ascii: ","), p[i] != UInt8(ascii: "]") {
            if p[i] == UInt8(ascii: ".") { nameStart = i + 1 }
            i += 1
        }
        let name = UnsafeRawBufferPointer(start: p + nameStart, count: i - nameStart)
        if name.elementsEqual("EOFException".utf8) || name.elementsEqual("SocketException".utf8) { return .peerDisconnect }
        if name.elementsEqual("SocketTimeoutException".utf8) || name.elementsEqual("InterruptedIOException".utf8) { return .ioTimeout }
        return .exception
    }

    /// Where the `message=` value of a `Disconnect[…]` record lies: after `, message=`, up to the
    /// `]` that ends the line; nil when it is `null` or absent.
    private static func disconnectMessage(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int>? {
        guard let at = find(", message=", p, start, end) else { return nil }
        var last = end
        while last > at, p[last - 1] == 0x20 || p[last - 1] == 0x09 || p[last - 1] == 0x0D { last -= 1 }
        guard last > at, p[last - 1] == UInt8(ascii: "]") else { return nil }
        let value = (at + 10)..<(last - 1)
        if value.count == 4, memcmp(p + value.lowerBound, "null", 4) == 0 { return nil }
        return value.isEmpty ? nil : value
    }

    /// Offset of `pattern` in `from..<to`, or nil.
    private static func find(_ pattern: StaticString, _ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        let length = pattern.utf8CodeUnitCount
        var i = from
        while to - i >= length, let at = Syntax.find(pattern.utf8Start[0], p, i, to - length + 1) {
            if memcmp(p + at, pattern.utf8Start, length) == 0 { return at }
            i = at + 1
        }
        return nil
    }

    /// Whether the `<` at `pos` lies in the ASCII column of a hex dump line.
    ///
    /// Cheap for the usual markup: a `<` within 56 bytes of its line start cannot be in an
    /// ASCII column, and the answer for a line is kept for its other `<`s.
    private mutating func inHexDumpText(_ p: UnsafePointer<UInt8>, _ pos: Int) -> Bool {
        // The usual markup: a line start within 56 bytes before the `<`.
        var k = pos
        let near = max(0, pos - 56)
        while k > near {
            if p[k - 1] == Syntax.newline { return false }
            k -= 1
        }
        if k == 0 { return false }
        // Far into its line: the same line as the last one checked?
        if dumpCheckLineStart >= 0, pos >= dumpCheckKnownTo,
            Syntax.find(Syntax.newline, p, dumpCheckKnownTo, pos) == nil
        {
            dumpCheckKnownTo = pos
            return dumpCheckLine?.asciiContains(pos) ?? false
        }
        let lowest = max(0, pos - 160)
        while k > lowest, p[k - 1] != Syntax.newline { k -= 1 }
        dumpCheckLineStart = k
        dumpCheckKnownTo = pos
        dumpCheckLine = nil
        // A line longer than 160 bytes before its `<` is no dump line.
        guard k == 0 || p[k - 1] == Syntax.newline else { return false }
        dumpCheckLine = HexDumps.line(p, k, pos + 1)
        return dumpCheckLine?.asciiContains(pos) ?? false
    }

    /// Counts a run of text directly in `<log>` that markup has just ended.
    private mutating func endLogText() {
        if logTextNonBlank {
            tally.skips.append(SkipNames.text)
            logTextNonBlank = false
        }
    }

    private mutating func markup(_ p: UnsafePointer<UInt8>, _ count: Int, _ pos: Int) -> Step {
        guard pos + 1 < count else { return .incomplete }
        if inHexDumpText(p, pos) {
            // The ASCII column of a hex dump prints the bytes raw: `<field id="2"` there is data.
            text(p, pos, pos + 1)
            return .advance(pos + 1)
        }
        let next = p[pos + 1]
        if next == Syntax.slash { return endTag(p, count, pos) }
        if next == UInt8(ascii: "!") {
            switch Syntax.hasPrefix("<!--", p, pos, count) {
            case nil: return .incomplete
            case true?: return delimited(p, count, pos, bodyStart: pos + 4, terminator: (0x2D, 0x2D, 0x3E), skip: SkipNames.comment)
            case false?: break
            }
            switch Syntax.hasPrefix("<![CDATA[", p, pos, count) {
            case nil: return .incomplete
            case true?: return delimited(p, count, pos, bodyStart: pos + 9, terminator: (0x5D, 0x5D, 0x3E), skip: SkipNames.characterData)
            case false?: return declaration(p, count, pos)
            }
        }
        if next == UInt8(ascii: "?") {
            return delimited(p, count, pos, bodyStart: pos + 2, terminator: nil, skip: SkipNames.instruction)
        }
        if Syntax.isNameStart(next) { return startTag(p, count, pos) }
        // A `<` that starts no markup (`a < b` in an exception message) is text.
        text(p, pos, pos + 1)
        return .advance(pos + 1)
    }

    /// A comment, CDATA section or processing instruction, which may span lines.
    private mutating func delimited(
        _ p: UnsafePointer<UInt8>, _ count: Int, _ pos: Int, bodyStart: Int,
        terminator: (UInt8, UInt8, UInt8)?, skip: Int
    ) -> Step {
        let from = max(bodyStart, searchedTo - 3)
        let end: Int?
        let length: Int
        if let (a, b, c) = terminator {
            end = Syntax.find3(a, b, c, p, from, count)
            length = 3
        } else {
            var found: Int?
            var k = max(from, bodyStart)
            while let gt = Syntax.find(Syntax.greaterThan, p, k, count) {
                if gt > bodyStart, p[gt - 1] == UInt8(ascii: "?") {
                    found = gt - 1
                    break
                }
                k = gt + 1
            }
            end = found
            length = 2
        }
        let bodyEnd = end ?? count
        if let nested = Syntax.findLogStart(p, from: max(bodyStart, searchedTo - 4), to: bodyEnd, endIsLineEnd: false) {
            return .nested(nested)
        }
        guard let end else {
            searchedTo = count
            return .incomplete
        }
        let role = frames.last?.role
        if role == .log {
            endLogText()
            tally.skips.append(skip)
        }
        return .advance(end + length)
    }

    /// `<!DOCTYPE …>` or another `<!…>` declaration: skipped.
    private mutating func declaration(_ p: UnsafePointer<UInt8>, _ count: Int, _ pos: Int) -> Step {
        guard let gt = Syntax.find(Syntax.greaterThan, p, pos + 2, count) else {
            if let nested = Syntax.findLogStart(p, from: pos + 2, to: count, endIsLineEnd: false) { return .nested(nested) }
            return .incomplete
        }
        if let nested = Syntax.findLogStart(p, from: pos + 2, to: gt, endIsLineEnd: false) { return .nested(nested) }
        if frames.last?.role == .log {
            endLogText()
            tally.skips.append(SkipNames.declaration)
        }
        return .advance(gt + 1)
    }

    private mutating func endTag(_ p: UnsafePointer<UInt8>, _ count: Int, _ pos: Int) -> Step {
        let nameStart = pos + 2
        var i = nameStart
        while i < count, Syntax.isNameChar(p[i]) { i += 1 }
        let nameLength = i - nameStart
        while i < count, Syntax.isSpace(p[i]) { i += 1 }
        guard i < count else { return .incomplete }
        guard p[i] == Syntax.greaterThan, nameLength > 0 else {
            if p[i] == Syntax.lessThan, Syntax.isLogStart(p, i, count, endIsLineEnd: false) { return .nested(i) }
            return .malformed("malformed log element: unterminated end tag </\(Self.tagName(p, nameStart, nameLength))")
        }
        let end = i + 1
        guard let top = frames.last else { return .malformed("malformed log element: no start tag") }
        guard top.nameLength == nameLength, memcmp(p + top.nameStart, p + nameStart, nameLength) == 0 else {
            return .malformed("malformed log element: mismatched </\(Self.tagName(p, nameStart, nameLength))>")
        }
        frames.removeLast()
        if top.role == .log {
            endLogText()
            return .closed(end)
        }
        close(top, p, contentEnd: pos)
        return .advance(end)
    }

    private mutating func startTag(_ p: UnsafePointer<UInt8>, _ count: Int, _ pos: Int) -> Step {
        let nameStart = pos + 1
        var i = nameStart
        while i < count, Syntax.isNameChar(p[i]) { i += 1 }
        guard i < count else { return .incomplete }
        let nameLength = i - nameStart
        let element = Self.classify(p + nameStart, nameLength)
        if element == .log, !frames.isEmpty { return .nested(pos) }

        var first: Range<Int>?
        var second: Range<Int>?
        var third: Range<Int>?
        var structured = false
        var attributeCount = 0
        let scan = Self.scanAttributes(p, count, from: i, tag: nameStart..<(nameStart + nameLength)) { attributeName, value in
            attributeCount += 1
            switch (element, Self.classifyAttribute(p + attributeName.lowerBound, attributeName.count)) {
            case (.log, .realm), (.field, .id), (.link, .name): first = value
            case (.log, .at), (.field, .value): second = value
            case (.log, .lifespan): third = value
            case (.log, .structured): structured = true
            default: break
            }
        }
        let end: Int
        let selfClosing: Bool
        switch scan {
        case .incomplete: return .incomplete
        case .nested(let at): return .nested(at)
        case .malformed(let reason): return .malformed(reason)
        case .complete(let e, let s):
            end = e
            selfClosing = s
        }

        if frames.isEmpty {
            guard element == .log else { return .malformed("malformed log element: no <log> start tag") }
            structuredHeader = structured
            readHeader(p, realm: first, at: second, lifespan: third)
            frames.append(Frame(role: .log, nameStart: nameStart, nameLength: nameLength, contentStart: end, slot: -1))
            if selfClosing {
                frames.removeAll(keepingCapacity: true)
                return .closed(end)
            }
            return .advance(end)
        }
        // Java stack frames print constructors as `Socket.<init>(Socket.java:434)`: text, not a tag.
        if !selfClosing, attributeCount == 0, end == i + 1 {
            guard end < count else { return .incomplete }
            if p[end] == UInt8(ascii: "(") {
                text(p, pos, end)
                return .advance(end)
            }
        }
        endLogText()
        guard frames.count < maxDepth else {
            return .malformed("malformed log element: nesting deeper than \(maxDepth)")
        }
        open(element, p, nameStart: nameStart, nameLength: nameLength, contentStart: end, selfClosing: selfClosing, first: first, second: second)
        return .advance(end)
    }

    /// An attribute value read in a start tag: its name, where the value starts, the quote
    /// around it, and the offset of its closing quote.
    private struct AttributeValue {
        var name: Range<Int>
        var valueStart: Int
        var quote: UInt8
        var end: Int
    }

    /// What the bytes at one place in a start tag read as.
    private enum AttributeRead {
        /// A name, `=` and a quoted value.
        case value(AttributeValue)
        /// A name without a value, before the tag's end; the scan goes on from `next`.
        case bareName(next: Int)
        /// Not an attribute: the last value may be read longer, else the tag is malformed.
        case unreadable
        /// The scan of the tag ends: its end, or why it cannot be read.
        case end(TagScan)
    }

    /// Scans a start tag's attributes from `start` (just past its name) to its `>`.
    ///
    /// Lenient where jPOS writes unescaped text: a quote inside a value (jPOS prints exception
    /// messages as `name="…"` without escaping) ends the value only when followed by whitespace,
    /// `/` or `>`. When the rest of the tag then cannot be read (`name="Element type "channel"
    /// must be followed by ">" or "/>".">`), the value is taken to the next such quote on its
    /// line, and so on, before the tag is called malformed; well-formed tags never pay for this.
    /// A `<` inside a value is text, unless it begins a `<log` start tag (interleaved output) or
    /// a tag at the start of a line (the value was never closed).
    private static func scanAttributes(
        _ p: UnsafePointer<UInt8>, _ count: Int, from start: Int, tag: Range<Int>,
        _ attribute: (_ name: Range<Int>, _ value: Range<Int>) -> Void
    ) -> TagScan {
        var i = start
        /// The last value read, to be read longer if the rest of the tag does not fit.
        var last: AttributeValue?
        while true {
            while i < count, Syntax.isSpace(p[i]) { i += 1 }
            guard i < count else { return .incomplete }
            switch readAttribute(p, count, at: i, start: start, tag: tag) {
            case .value(let value):
                attribute(value.name, value.valueStart..<value.end)
                last = value
                i = value.end + 1
            case .bareName(let next):
                i = next
            case .unreadable:
                guard readLonger(&last, p, count, next: &i, attribute) else {
                    return .malformed("malformed log element: bad attribute in <\(Self.tagName(p, tag.lowerBound, tag.count))>")
                }
            case .end(let scan):
                return scan
            }
        }
    }

    /// Reads what begins at `i` in a start tag (not a blank): the tag's end, or an attribute.
    @inline(__always)
    private static func readAttribute(_ p: UnsafePointer<UInt8>, _ count: Int, at i: Int, start: Int, tag: Range<Int>) -> AttributeRead {
        let b = p[i]
        if b == Syntax.greaterThan { return .end(.complete(end: i + 1, selfClosing: false)) }
        if b == Syntax.slash {
            guard i + 1 < count else { return .end(.incomplete) }
            if p[i + 1] == Syntax.greaterThan { return .end(.complete(end: i + 2, selfClosing: true)) }
            return .unreadable
        }
        if b == Syntax.lessThan {
            if Syntax.isLogStart(p, i, count, endIsLineEnd: false) { return .end(.nested(i)) }
            return .end(.malformed("malformed log element: unterminated <\(Self.tagName(p, tag.lowerBound, tag.count))> tag"))
        }
        guard Syntax.isNameStart(b), i > start, Syntax.isSpace(p[i - 1]) else { return .unreadable }
        return readNameAndValue(p, count, at: i, tag: tag)
    }

    /// Reads `name="value"` (or `'value'`) from the name at `nameStart`.
    @inline(__always)
    private static func readNameAndValue(_ p: UnsafePointer<UInt8>, _ count: Int, at nameStart: Int, tag: Range<Int>) -> AttributeRead {
        var i = nameStart
        while i < count, Syntax.isNameChar(p[i]) { i += 1 }
        let nameEnd = i
        while i < count, Syntax.isSpace(p[i]) { i += 1 }
        guard i < count else { return .end(.incomplete) }
        guard p[i] == UInt8(ascii: "=") else {
            // `<queue closed/>` (jPOS 2.0–2.1.1 at every clean shutdown): a name without a
            // value, taken when the tag ends right after it.
            if p[i] == Syntax.greaterThan || p[i] == Syntax.slash { return .bareName(next: i) }
            return .unreadable
        }
        i += 1
        while i < count, Syntax.isSpace(p[i]) { i += 1 }
        guard i < count else { return .end(.incomplete) }
        let quote = p[i]
        guard quote == 0x22 || quote == 0x27 else { return .unreadable }
        let valueStart = i + 1
        let valueEnd = closingQuote(quote, p, count, from: valueStart)
        if let stop = markupInValue(p, count, from: valueStart, to: valueEnd ?? count, tag: tag) { return .end(stop) }
        guard let valueEnd else { return .end(.incomplete) }
        return .value(AttributeValue(name: nameStart..<nameEnd, valueStart: valueStart, quote: quote, end: valueEnd))
    }

    /// The first `quote` from `start` followed by whitespace, `/` or `>`: the end of a value;
    /// nil when the bytes run out first.
    @inline(__always)
    private static func closingQuote(_ quote: UInt8, _ p: UnsafePointer<UInt8>, _ count: Int, from start: Int) -> Int? {
        var k = start
        while let q = Syntax.find(quote, p, k, count) {
            guard q + 1 < count else { return nil }
            let after = p[q + 1]
            if Syntax.isSpace(after) || after == Syntax.slash || after == Syntax.greaterThan { return q }
            k = q + 1
        }
        return nil
    }

    /// Markup inside the value `start..<end`: a `<log` start tag (interleaved output, `.nested`)
    /// or a tag at the start of a line (the value never closed, `.malformed`); nil when none.
    @inline(__always)
    private static func markupInValue(_ p: UnsafePointer<UInt8>, _ count: Int, from start: Int, to end: Int, tag: Range<Int>) -> TagScan? {
        var scanned = start
        while let lt = Syntax.find(Syntax.lessThan, p, scanned, end) {
            if Syntax.isLogStart(p, lt, count, endIsLineEnd: false) { return .nested(lt) }
            var back = lt
            while back > start, p[back - 1] == 0x20 || p[back - 1] == 0x09 { back -= 1 }
            if back > start, p[back - 1] == Syntax.newline, lt + 1 < count,
                Syntax.isNameStart(p[lt + 1]) || p[lt + 1] == Syntax.slash
            {
                return .malformed("malformed log element: unterminated attribute in <\(Self.tagName(p, tag.lowerBound, tag.count))>")
            }
            scanned = lt + 1
        }
        return nil
    }

    /// Takes the `last` value read to its next closing quote on the same line (a quote followed
    /// by whitespace, `/` or `>`, with no `<log` before it), reports it again, and moves `next`
    /// past it; false when there is none.
    private static func readLonger(
        _ last: inout AttributeValue?, _ p: UnsafePointer<UInt8>, _ count: Int, next i: inout Int,
        _ attribute: (_ name: Range<Int>, _ value: Range<Int>) -> Void
    ) -> Bool {
        guard var value = last else { return false }
        var k = value.end + 1
        while k < count, let q = Syntax.find(value.quote, p, k, count) {
            if Syntax.find(Syntax.newline, p, k, q) != nil { return false }
            guard q + 1 < count else { return false }
            let after = p[q + 1]
            if Syntax.isSpace(after) || after == Syntax.slash || after == Syntax.greaterThan {
                if Syntax.findLogStart(p, from: value.end, to: q, endIsLineEnd: false) != nil { return false }
                value.end = q
                last = value
                attribute(value.name, value.valueStart..<q)
                i = q + 1
                return true
            }
            k = q + 1
        }
        return false
    }

    // MARK: Elements

    private mutating func open(
        _ element: ElementName, _ p: UnsafePointer<UInt8>, nameStart: Int, nameLength: Int,
        contentStart: Int, selfClosing: Bool, first: Range<Int>?, second: Range<Int>?
    ) {
        let parent = frames.last!.role
        var role: Role
        switch parent {
        case .log:
            childYields = false
            switch element {
            case .send, .receive:
                role = .exchange
                direction = element == .send ? .send : .receive
                exchangeHasMessage = false
            case .link: role = .linkEvent
            case .sessionContainer: role = .linkContainer
            case .isomsg: role = .opaque
            case .info: role = .info
            default: role = .other
            }
            auditRecord = nil
        case .exchange, .linkContainer:
            switch element {
            case .isomsg where parent == .exchange && !exchangeHasMessage:
                role = .message
                exchangeHasMessage = true
                for k in 0..<Self.slotCount { slots[k].start = -1 }
            case .isomsg: role = .opaque
            case .link: role = .linkEvent
            default: role = .other
            }
        case .message:
            role = element == .field ? .topField : .opaque
        case .topField, .opaque:
            role = .opaque
        case .linkEvent, .insideLinkEvent:
            role = element == .isomsg ? .opaque : .insideLinkEvent
        case .other, .info:
            // Inside `<warn>`, `<info>`, `<iso-server>`, `<error>`, `<abort>`…: application
            // content (a ChannelAdaptor's warning, a deploy error), never a link event.
            role = element == .isomsg ? .opaque : .other
        }

        var slot = -1
        switch role {
        case .topField:
            if let id = first, let fieldSlot = Self.slot(forField: Self.fieldNumber(p, id)) {
                if let value = second {
                    slots[fieldSlot] = FieldValue(start: value.lowerBound, end: value.upperBound, isContent: false)
                } else {
                    slot = fieldSlot
                }
            }
        case .linkEvent:
            if case .link(let kind) = element { linkKind = kind }
            linkContentStart = contentStart
            linkName = first
            linkInSession = parent == .linkContainer
        default:
            break
        }

        let frame = Frame(role: role, nameStart: nameStart, nameLength: nameLength, contentStart: contentStart, slot: slot)
        if selfClosing {
            close(frame, p, contentEnd: contentStart)
        } else {
            frames.append(frame)
        }
    }

    /// An element has ended (already popped); `contentEnd` is where its end tag begins.
    private mutating func close(_ frame: Frame, _ p: UnsafePointer<UInt8>, contentEnd: Int) {
        switch frame.role {
        case .topField:
            if frame.slot >= 0 {
                slots[frame.slot] = FieldValue(start: frame.contentStart, end: contentEnd, isContent: true)
            }
        case .message:
            if headerProblem == nil { entries.append(.message(message(p))) }
            tally.messages += 1
            childYields = true
        case .linkEvent:
            if let event = linkEvent(p, contentEnd: contentEnd) {
                if headerProblem == nil { entries.append(.linkEvent(event)) }
                tally.linkEvents += 1
                childYields = true
            }
        case .exchange, .info:
            if let record = auditRecord {
                auditRecord = nil
                let event = linkEvent(p, record: record)
                if headerProblem == nil { entries.append(.linkEvent(event)) }
                tally.linkEvents += 1
                childYields = true
            }
        default:
            break
        }
        if frames.count == 1, !childYields {
            tally.skips.append(skipNames.index(p + frame.nameStart, frame.nameLength))
        }
    }

    // MARK: Values

    private mutating func readHeader(_ p: UnsafePointer<UInt8>, realm realmValue: Range<Int>?, at: Range<Int>?, lifespan: Range<Int>?) {
        if let realmValue, let text = kept(p, realmValue, isContent: false, .masked) {
            realm = text
        } else if structuredHeader, at == nil {
            // `<log ts="…" kind="…">` with the realm in `<tags>`: the structured XML that jPOS 3's
            // `XmlLogWriter` writes when asked to (`-Dlog.xml=true`, standard output by default);
            // its messages are escaped text, not `<isomsg>` elements.
            headerProblem = "jPOS 3 structured XML (XmlLogWriter) is not read: log it with the default writer"
            return
        } else {
            headerProblem = "missing realm attribute"
            return
        }
        guard let at else {
            headerProblem = "missing at attribute"
            return
        }
        scratch.removeAll(keepingCapacity: true)
        _ = AcquirerLogText.appendDecoded(UnsafeRawBufferPointer(start: p + at.lowerBound, count: at.count), to: &scratch)
        AcquirerLogText.trim(&scratch, padding: false)
        guard let written = scratch.withUnsafeBytes({ Timestamps.parseAcquirerTime($0) }) else {
            headerProblem = "bad at attribute"
            return
        }
        if let offset = written.offsetMinutes {
            time = written.at(offsetMinutes: offset)
        } else if zone != nil {
            time = written.at(offsetMinutes: zone!.offsetMinutes(forLocalMilliseconds: written.localMilliseconds))
        } else {
            time = written.at(offsetMinutes: defaultZone.offsetMinutes(forLocalMilliseconds: written.localMilliseconds))
            timeAssumed = true
        }
        if let lifespan { lifespanMs = Self.milliseconds(p, lifespan) }
        if let realmValue {
            mayStateZone = Self.isMonitorRealm(p, realmValue)
            realmRange = realmValue
        }
    }

    /// Whether a realm is SystemMonitor's, whose text may state the JVM's zone: it ends in
    /// `monitor` (`org.jpos.q2.qbean.SystemMonitor`, the only one seen in real logs, or a
    /// `system-monitor` a deploy file chose) or is `sysmon`. Checked for every element, so only
    /// the end of the realm is looked at.
    private static func isMonitorRealm(_ p: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        @inline(__always) func endsWith(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard range.count >= n else { return false }
            let start = range.upperBound - n
            for k in 0..<n where p[start + k] | 0x20 != word.utf8Start[k] { return false }
            return true
        }
        return endsWith("monitor") || endsWith("sysmon")
    }

    /// `10005ms`, `10005 ms` or `10005`; nil for anything else.
    private static func milliseconds(_ p: UnsafePointer<UInt8>, _ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        while i < range.upperBound, Syntax.isSpace(p[i]) { i += 1 }
        var value: Int64 = 0
        var digits = 0
        while i < range.upperBound, p[i] >= 0x30, p[i] <= 0x39 {
            guard digits < 18 else { return nil }
            value = value * 10 + Int64(p[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        while i < range.upperBound, Syntax.isSpace(p[i]) { i += 1 }
        if i + 2 <= range.upperBound, p[i] | 0x20 == 0x6D, p[i + 1] | 0x20 == 0x73 { i += 2 }
        while i < range.upperBound, Syntax.isSpace(p[i]) { i += 1 }
        return i == range.upperBound ? value : nil
    }

    private mutating func message(_ p: UnsafePointer<UInt8>) -> AcquirerMessage {
        var m = AcquirerMessage(line: logLine, realm: realm, time: time, lifespanMs: lifespanMs, direction: direction)
        m.mti = field(p, 0, .masked)
        if let pan = field(p, 1, .plain) {
            let masked = CardNumbers.maskCardField(pan)
            m.maskedPAN = masked.text
            if masked.masked { tally.masked += 1 }
        }
        m.processingCode = field(p, 2, .masked)
        if let amount = field(p, 3, .plain), amount.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            m.amount = Int64(amount)
        }
        m.stan = field(p, 4, .plain)
        m.localTime = field(p, 5, .plain)
        m.localDate = field(p, 6, .plain)
        m.rrn = field(p, 7, .plain)
        m.responseCode = field(p, 8, .masked)
        m.tid = field(p, 9, .padded)
        m.mid = field(p, 10, .padded)
        m.currency = field(p, 11, .masked)
        return m
    }

    private mutating func field(_ p: UnsafePointer<UInt8>, _ slot: Int, _ treatment: Treatment) -> String? {
        let value = slots[slot]
        guard value.start >= 0 else { return nil }
        return kept(p, value.start..<value.end, isContent: value.isContent, treatment)
    }

    /// A value as kept: decoded, trimmed or masked as `treatment` says; nil when empty.
    private mutating func kept(_ p: UnsafePointer<UInt8>, _ range: Range<Int>, isContent: Bool, _ treatment: Treatment) -> String? {
        let raw = UnsafeRawBufferPointer(start: p + range.lowerBound, count: range.count)
        if !isContent, Self.isPlain(raw, treatment) {
            if raw.isEmpty { return nil }
            if treatment != .masked || !CardNumbers.containsCardNumber(raw) {
                return String(decoding: raw, as: UTF8.self)
            }
        }
        scratch.removeAll(keepingCapacity: true)
        var invalid: Int
        if isContent {
            invalid = AcquirerLogText.appendContent(raw, to: &scratch)
            AcquirerLogText.trim(&scratch, padding: false)
        } else {
            invalid = AcquirerLogText.appendDecoded(raw, to: &scratch)
        }
        if treatment == .padded { AcquirerLogText.trim(&scratch, padding: true) }
        invalid += AcquirerLogText.replaceNULs(&scratch)
        if treatment == .masked {
            tally.masked += scratch.withUnsafeMutableBytes { CardNumbers.maskInPlace($0) }
        }
        let decoded = scratch.withUnsafeBytes { LogText.decode($0) }
        tally.invalid += invalid + decoded.invalid
        return decoded.text.isEmpty ? nil : decoded.text
    }

    /// ASCII without references or NULs (and, for padded fields, without padding at the ends).
    private static func isPlain(_ raw: UnsafeRawBufferPointer, _ treatment: Treatment) -> Bool {
        for b in raw where b >= 0x80 || b == 0x26 || b == 0 { return false }
        if treatment == .padded, let first = raw.first, let last = raw.last {
            if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return false }
        }
        return true
    }

    /// The link event that the element closing at `contentEnd` is, or nil when it is an
    /// exception that is not one (see `isLinkException`) or the echo of one already taken.
    private mutating func linkEvent(_ p: UnsafePointer<UInt8>, contentEnd: Int) -> AcquirerLinkEvent? {
        detail.removeAll(keepingCapacity: true)
        detailSpacePending = false
        if let name = linkName {
            scratch.removeAll(keepingCapacity: true)
            tally.invalid += AcquirerLogText.appendDecoded(UnsafeRawBufferPointer(start: p + name.lowerBound, count: name.count), to: &scratch)
            let decoded = scratch
            decoded.withUnsafeBufferPointer { appendDetail($0.baseAddress, $0.count) }
        }
        let content = UnsafeRawBufferPointer(start: p + linkContentStart, count: max(0, contentEnd - linkContentStart))
        if detail.isEmpty { appendContentDetail(content) }
        if linkKind.isException, !Self.isLinkRealm(p, realmRange), !Self.namesLinkFailure(detail), !Self.namesLinkFailure(content) {
            return nil
        }
        let text = detailText()
        if linkKind.isException, let peer = Self.peer(of: realm) {
            if linkInSession {
                // ISOServer's session logs again what the channel's receive just logged.
                if let last = lastChannelException, last.peer == peer, last.detail == text,
                    abs(last.utc - time.utcMilliseconds) <= 1000
                {
                    lastChannelException = nil
                    return nil
                }
            } else {
                lastChannelException = (peer, text, time.utcMilliseconds)
            }
        }
        return AcquirerLinkEvent(line: logLine, realm: realm, time: time, kind: linkKind.rawValue, detail: text)
    }

    /// The link event a jPOS 3 audit record is, its line the detail. A `Disconnect[…]` is
    /// remembered as the channel's exception with its `message=` value as the detail, so that
    /// the `<session-warning>` in which ISOServer's session logs the same exception again for
    /// that peer is taken once, as for jPOS 2.
    private mutating func linkEvent(_ p: UnsafePointer<UInt8>, record: AuditRecord) -> AcquirerLinkEvent {
        if record.kind != .sessionStart, record.kind != .sessionEnd, let peer = Self.peer(of: realm) {
            detail.removeAll(keepingCapacity: true)
            detailSpacePending = false
            if let message = record.message {
                scratch.removeAll(keepingCapacity: true)
                tally.invalid += AcquirerLogText.appendDecoded(
                    UnsafeRawBufferPointer(start: p + message.lowerBound, count: message.count), to: &scratch)
                let decoded = scratch
                decoded.withUnsafeBufferPointer { appendDetail($0.baseAddress, $0.count) }
            }
            // Counted once, with the record's own text below.
            let counts = (tally.masked, tally.invalid)
            lastChannelException = (peer, detailText(), time.utcMilliseconds)
            (tally.masked, tally.invalid) = counts
        }
        detail.removeAll(keepingCapacity: true)
        detailSpacePending = false
        appendContentDetail(UnsafeRawBufferPointer(start: p + record.start, count: record.end - record.start))
        return AcquirerLinkEvent(line: logLine, realm: realm, time: time, kind: record.kind.rawValue, detail: detailText())
    }

    /// The collected detail as kept: NULs replaced, card numbers masked, at most 200 characters;
    /// nil when empty.
    private mutating func detailText() -> String? {
        guard !detail.isEmpty else { return nil }
        tally.invalid += AcquirerLogText.replaceNULs(&detail)
        tally.masked += detail.withUnsafeMutableBytes { CardNumbers.maskInPlace($0) }
        let decoded = detail.withUnsafeBytes { LogText.decode($0) }
        tally.invalid += decoded.invalid
        guard decoded.text.count > 200 else { return decoded.text }
        // Cut inside a run of digits, the digits kept become `*` (as `LogText.shorten` does).
        let end = decoded.text.index(decoded.text.startIndex, offsetBy: 200)
        return LogText.head(of: decoded.text, upTo: end, insideDigits: LogText.isDigit(decoded.text.utf8[end]))
    }

    /// Reads a link event's content into its detail: hex dumps masked on the raw lines first
    /// (their layout is lost once whitespace collapses), then text and CDATA as
    /// `AcquirerLogText.appendContent` reads them. At most 64 KiB are read: the detail keeps 1024
    /// bytes of collapsed text, and digits running up to that cut become `*`.
    private mutating func appendContentDetail(_ content: UnsafeRawBufferPointer) {
        guard !content.isEmpty else { return }
        let limit = 64 << 10
        contentScratch.removeAll(keepingCapacity: true)
        contentScratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: content.prefix(limit)))
        if content.count > limit {
            var k = contentScratch.count
            while k > 0, contentScratch[k - 1] >= 0x30, contentScratch[k - 1] <= 0x39 {
                k -= 1
                contentScratch[k] = UInt8(ascii: "*")
            }
        }
        tally.masked += contentScratch.withUnsafeMutableBytes { HexDumps.mask($0) }
        scratch.removeAll(keepingCapacity: true)
        tally.invalid += contentScratch.withUnsafeBytes { AcquirerLogText.appendContent($0, to: &scratch) }
        let decoded = scratch
        decoded.withUnsafeBufferPointer { appendDetail($0.baseAddress, $0.count) }
    }

    /// Exception texts that name a failure of the link itself (socket, EOF, connect, timeout),
    /// whatever the realm: Java's exception classes and messages for them.
    private static let linkFailures: [StaticString] = [
        "SocketException", "EOFException", "ConnectException", "SocketTimeoutException", "NoRouteToHostException",
        "UnknownHostException", "SSLException", "SSLHandshakeException", "ClosedChannelException",
        "Connection reset", "Connection refused", "Connection timed out", "Read timed out", "connect timed out",
        "Broken pipe", "Socket closed", "unconnected ISOChannel", "Remote host closed connection",
    ]

    /// Whether `text` names a link failure (see `linkFailures`).
    private static func namesLinkFailure(_ text: [UInt8]) -> Bool {
        text.withUnsafeBytes { namesLinkFailure($0) }
    }

    private static func namesLinkFailure(_ text: UnsafeRawBufferPointer) -> Bool {
        guard let base = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let n = min(text.count, 16 << 10)
        for pattern in linkFailures {
            let length = pattern.utf8CodeUnitCount
            let first = pattern.utf8Start[0]
            var i = 0
            while n - i >= length, let at = Syntax.find(first, base, i, n - length + 1) {
                if memcmp(base + at, pattern.utf8Start, length) == 0 { return true }
                i = at + 1
            }
        }
        return false
    }

    /// Whether a realm is a channel's or a mux's: it names one (`cup-channel`, `jcard-mux`),
    /// is an ISOServer session (`….session/…`), or ends in `/host:port` as the realms of
    /// server-side channels and sessions do.
    private static func isLinkRealm(_ p: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i < range.upperBound {
            let lower = p[i] | 0x20
            if lower == 0x63, range.upperBound - i >= 7, equalsLowercased(p + i, "channel") { return true }
            if lower == 0x6D, range.upperBound - i >= 3, p[i + 1] | 0x20 == 0x75, p[i + 2] | 0x20 == 0x78 { return true }  // mux
            i += 1
        }
        // `name/host:port`: digits after the last `:`, which comes after the last `/`.
        var k = range.upperBound
        while k > range.lowerBound, p[k - 1] >= 0x30, p[k - 1] <= 0x39 { k -= 1 }
        guard k < range.upperBound, k > range.lowerBound + 1, p[k - 1] == UInt8(ascii: ":") else { return false }
        k -= 1
        while k > range.lowerBound, p[k - 1] != UInt8(ascii: "/"), p[k - 1] != UInt8(ascii: ":") { k -= 1 }
        return k > range.lowerBound && p[k - 1] == UInt8(ascii: "/") && k < range.upperBound - 1 && p[k] != UInt8(ascii: ":")
    }

    private static func equalsLowercased(_ p: UnsafePointer<UInt8>, _ word: StaticString) -> Bool {
        for k in 0..<word.utf8CodeUnitCount where p[k] | 0x20 != word.utf8Start[k] { return false }
        return true
    }

    /// `host:port` after the last `/` of a realm (`channel/127.0.0.1:37676`), or nil.
    static func peer(of realm: String) -> String? {
        let utf8 = realm.utf8
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        let tail = utf8[utf8.index(after: slash)...]
        guard let colon = tail.lastIndex(of: UInt8(ascii: ":")), colon != tail.startIndex else { return nil }
        let port = tail[tail.index(after: colon)...]
        guard !port.isEmpty, port.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return String(decoding: tail, as: UTF8.self)
    }

    /// Adds text to the link detail with whitespace runs collapsed to one space and the ends trimmed.
    private mutating func appendDetail(_ base: UnsafePointer<UInt8>?, _ count: Int) {
        guard let base, count > 0 else { return }
        for k in 0..<count {
            let b = base[k]
            guard detail.count < Self.detailByteLimit else {
                // The limit cuts a run of digits: masking (which comes later) would not see the
                // whole number, so the digits kept, possibly most of a card number, become `*`.
                if !detailSpacePending, b >= 0x30, b <= 0x39 {
                    var i = detail.count
                    while i > 0, detail[i - 1] >= 0x30, detail[i - 1] <= 0x39 {
                        i -= 1
                        detail[i] = UInt8(ascii: "*")
                    }
                }
                return
            }
            if Syntax.isSpace(b) {
                detailSpacePending = !detail.isEmpty
            } else {
                if detailSpacePending {
                    detail.append(0x20)
                    detailSpacePending = false
                }
                detail.append(b)
            }
        }
    }

    // MARK: Names

    /// An element name as a reject reason quotes it: at most 40 bytes, card numbers masked.
    ///
    /// The name is text from the file like any other, and reasons are stored and counted. Masking
    /// looks a little past the cut so that a number straddling it is seen whole; digits running up
    /// to the cut become `*`, since they may be the start of a number too long to see.
    private static func tagName(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int) -> String {
        let limit = 40
        var bytes = Array(UnsafeBufferPointer(start: p + start, count: min(length, limit + 20)))
        bytes.withUnsafeMutableBytes { _ = CardNumbers.maskInPlace($0) }
        if length > limit {
            bytes.removeSubrange(limit...)
            var k = bytes.count
            while k > 0, bytes[k - 1] >= 0x30, bytes[k - 1] <= 0x39 {
                k -= 1
                bytes[k] = UInt8(ascii: "*")
            }
        }
        return bytes.withUnsafeBytes { LogText.decode($0).text }
    }

    private static func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> ElementName {
        switch n {
        case 3: if Syntax.equals(p, n, "log") { return .log }
        case 4:
            if Syntax.equals(p, n, "send") { return .send }
            if Syntax.equals(p, n, "info") { return .info }
        case 5: if Syntax.equals(p, n, "field") { return .field }
        case 6: if Syntax.equals(p, n, "isomsg") { return .isomsg }
        case 7:
            if Syntax.equals(p, n, "receive") { return .receive }
            if Syntax.equals(p, n, "connect") { return .link(.connect) }
        case 9: if Syntax.equals(p, n, "exception") { return .link(.exception) }
        case 10:
            if Syntax.equals(p, n, "io-timeout") { return .link(.ioTimeout) }
            if Syntax.equals(p, n, "disconnect") { return .link(.disconnect) }
        case 11: if Syntax.equals(p, n, "session-end") { return .link(.sessionEnd) }
        case 13:
            if Syntax.equals(p, n, "session-start") { return .link(.sessionStart) }
            if Syntax.equals(p, n, "iso-exception") { return .link(.isoException) }
            if Syntax.equals(p, n, "session-error") { return .sessionContainer }
        case 15:
            if Syntax.equals(p, n, "peer-disconnect") { return .link(.peerDisconnect) }
            if Syntax.equals(p, n, "session-warning") { return .sessionContainer }
        case 16: if Syntax.equals(p, n, "stale-connection") { return .link(.staleConnection) }
        case 18: if Syntax.equals(p, n, "connection-refused") { return .link(.connectionRefused) }
        default: break
        }
        return .other
    }

    private static func classifyAttribute(_ p: UnsafePointer<UInt8>, _ n: Int) -> AttributeName {
        switch n {
        case 2:
            if Syntax.equals(p, n, "id") { return .id }
            if Syntax.equals(p, n, "at") { return .at }
            if Syntax.equals(p, n, "ts") { return .structured }
        case 4:
            if Syntax.equals(p, n, "name") { return .name }
            if Syntax.equals(p, n, "kind") { return .structured }
        case 5:
            if Syntax.equals(p, n, "value") { return .value }
            if Syntax.equals(p, n, "realm") { return .realm }
        case 8: if Syntax.equals(p, n, "lifespan") { return .lifespan }
        default: break
        }
        return .other
    }

    /// The field number of an `id` attribute, or -1 when it is not a plain number.
    private static func fieldNumber(_ p: UnsafePointer<UInt8>, _ range: Range<Int>) -> Int {
        guard !range.isEmpty, range.count <= 4 else { return -1 }
        var value = 0
        for k in range {
            let b = p[k]
            guard b >= 0x30, b <= 0x39 else { return -1 }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }

    /// The slot of a used field: 0, 2, 3, 4, 11, 12, 13, 37, 39, 41, 42, 49. Fields 35, 45 and 52
    /// have none, so track data and PIN blocks are never read.
    private static func slot(forField number: Int) -> Int? {
        switch number {
        case 0: 0
        case 2: 1
        case 3: 2
        case 4: 3
        case 11: 4
        case 12: 5
        case 13: 6
        case 37: 7
        case 39: 8
        case 41: 9
        case 42: 10
        case 49: 11
        default: nil
        }
    }
}
