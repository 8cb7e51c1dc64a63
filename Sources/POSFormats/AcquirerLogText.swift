/// Turning the bytes of a jPOS log element into kept text: references decoded, padding trimmed,
/// track data removed from rejected text.
enum AcquirerLogText {
    private typealias Syntax = AcquirerLogSyntax

    /// Appends `raw` to `output` with `&lt; &gt; &amp; &quot; &apos;` and `&#N;`/`&#xN;` decoded;
    /// returns how many references stood for no character (surrogates, past U+10FFFF), each
    /// written as U+FFFD.
    ///
    /// `&#0;` becomes a NUL byte, left for `replaceNULs` (or padding trimming) to deal with. An
    /// undefined entity or a lone `&` is kept as written: jPOS does not escape everything it logs.
    static func appendDecoded(_ raw: UnsafeRawBufferPointer, to output: inout [UInt8]) -> Int {
        guard let base = raw.baseAddress else { return 0 }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = raw.count
        var invalid = 0
        var i = 0
        while i < n {
            guard let amp = Syntax.find(UInt8(ascii: "&"), p, i, n) else {
                output.append(contentsOf: UnsafeRawBufferPointer(start: p + i, count: n - i))
                break
            }
            output.append(contentsOf: UnsafeRawBufferPointer(start: p + i, count: amp - i))
            i = amp + 1
            guard let semicolon = Syntax.find(UInt8(ascii: ";"), p, amp + 1, min(n, amp + 32)) else {
                output.append(UInt8(ascii: "&"))
                continue
            }
            let name = p + amp + 1
            let length = semicolon - amp - 1
            switch reference(name, length) {
            case .none:
                output.append(UInt8(ascii: "&"))
                continue
            case .byte(let b):
                output.append(b)
            case .scalar(let value):
                if value == 0 {
                    output.append(0)
                } else if let scalar = Unicode.Scalar(value) {
                    output.append(contentsOf: UTF8.encode(scalar)!)
                } else {
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    invalid += 1
                }
            }
            i = semicolon + 1
        }
        return invalid
    }

    private enum Reference {
        case none
        case byte(UInt8)
        /// A numeric reference; values past U+10FFFF are clamped to 0x110000 (still invalid).
        case scalar(UInt32)
    }

    private static func reference(_ name: UnsafePointer<UInt8>, _ length: Int) -> Reference {
        if Syntax.equals(name, length, "lt") { return .byte(UInt8(ascii: "<")) }
        if Syntax.equals(name, length, "gt") { return .byte(UInt8(ascii: ">")) }
        if Syntax.equals(name, length, "amp") { return .byte(UInt8(ascii: "&")) }
        if Syntax.equals(name, length, "quot") { return .byte(UInt8(ascii: "\"")) }
        if Syntax.equals(name, length, "apos") { return .byte(UInt8(ascii: "'")) }
        guard length >= 2, name[0] == UInt8(ascii: "#") else { return .none }
        let hex = name[1] == UInt8(ascii: "x") || name[1] == UInt8(ascii: "X")
        let first = hex ? 2 : 1
        guard first < length else { return .none }
        var value: UInt32 = 0
        for k in first..<length {
            let b = name[k]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x61...0x66 where hex: digit = UInt32(b - 0x61 + 10)
            case 0x41...0x46 where hex: digit = UInt32(b - 0x41 + 10)
            default: return .none
            }
            value = min(value * (hex ? 16 : 10) + digit, 0x110000)
        }
        return .scalar(value)
    }

    /// Appends the character data of element content: text decoded, CDATA sections as written,
    /// comments, processing instructions and tags left out. Returns the invalid-reference count.
    static func appendContent(_ raw: UnsafeRawBufferPointer, to output: inout [UInt8]) -> Int {
        guard let base = raw.baseAddress else { return 0 }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = raw.count
        var invalid = 0
        var i = 0
        while i < n {
            let lt = Syntax.find(Syntax.lessThan, p, i, n) ?? n
            invalid += appendDecoded(UnsafeRawBufferPointer(start: p + i, count: lt - i), to: &output)
            guard lt < n else { break }
            if Syntax.hasPrefix("<![CDATA[", p, lt, n) == true {
                let end = Syntax.find3(0x5D, 0x5D, 0x3E, p, lt + 9, n) ?? n
                output.append(contentsOf: UnsafeRawBufferPointer(start: p + lt + 9, count: end - lt - 9))
                i = min(end + 3, n)
            } else if Syntax.hasPrefix("<!--", p, lt, n) == true {
                i = (Syntax.find3(0x2D, 0x2D, 0x3E, p, lt + 4, n).map { $0 + 3 }) ?? n
            } else if isStackFrame(p, lt, n) {
                // `Socket.<init>(Socket.java:434)`: a Java stack frame, text as the parser reads it.
                output.append(Syntax.lessThan)
                i = lt + 1
            } else if lt + 1 < n, Syntax.isNameStart(p[lt + 1]) || p[lt + 1] == Syntax.slash || p[lt + 1] == 0x21 || p[lt + 1] == 0x3F {
                i = (Syntax.find(Syntax.greaterThan, p, lt + 1, n).map { $0 + 1 }) ?? n
            } else {
                output.append(Syntax.lessThan)
                i = lt + 1
            }
        }
        return invalid
    }

    /// Whether `<name>(` starts at `lt`: a constructor in a Java stack frame.
    private static func isStackFrame(_ p: UnsafePointer<UInt8>, _ lt: Int, _ n: Int) -> Bool {
        var i = lt + 1
        guard i < n, Syntax.isNameStart(p[i]) else { return false }
        while i < n, Syntax.isNameChar(p[i]) { i += 1 }
        return i + 1 < n && p[i] == Syntax.greaterThan && p[i + 1] == UInt8(ascii: "(")
    }

    /// Removes leading and trailing whitespace and, when `padding`, NUL bytes too.
    static func trim(_ bytes: inout [UInt8], padding: Bool) {
        @inline(__always) func trimmable(_ b: UInt8) -> Bool { Syntax.isSpace(b) || (padding && b == 0) }
        var end = bytes.count
        while end > 0, trimmable(bytes[end - 1]) { end -= 1 }
        var start = 0
        while start < end, trimmable(bytes[start]) { start += 1 }
        if end < bytes.count { bytes.removeSubrange(end...) }
        if start > 0 { bytes.removeSubrange(..<start) }
    }

    /// Replaces each NUL byte (raw or from `&#0;`) by U+FFFD; returns how many.
    static func replaceNULs(_ bytes: inout [UInt8]) -> Int {
        guard bytes.contains(0) else { return 0 }
        var replaced = 0
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for b in bytes {
            if b == 0 {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                replaced += 1
            } else {
                out.append(b)
            }
        }
        bytes = out
        return replaced
    }

    /// The text of a rejected element as kept: hex dumps masked in both columns, track data, PIN
    /// blocks and ICC data removed, card numbers masked, trailing whitespace dropped, invalid
    /// UTF-8 replaced, shortened to 64 KiB.
    ///
    /// `cut` says the bytes stop inside a line (a size limit): digits running up to the cut become
    /// `*`, since they may be the start of a card number too short to be recognised.
    static func rejectText(_ raw: UnsafeRawBufferPointer, cut: Bool, scratch: inout [UInt8]) -> (text: String, masked: Int, invalid: Int) {
        // Hex dumps first, on the lines as written: both columns, and numbers split across lines.
        var dumps = Array(raw)
        let dumpMasked = dumps.withUnsafeMutableBytes { HexDumps.mask($0) }
        scratch.removeAll(keepingCapacity: true)
        let cardFields = dumps.withUnsafeBytes { removeTrackData($0, into: &scratch) }
        if cut {
            var k = scratch.count
            while k > 0, scratch[k - 1] >= 0x30, scratch[k - 1] <= 0x39 {
                k -= 1
                scratch[k] = UInt8(ascii: "*")
            }
        }
        while let last = scratch.last, Syntax.isSpace(last) { scratch.removeLast() }
        let masked = scratch.withUnsafeMutableBytes { CardNumbers.maskInPlace($0) }
        let decoded = scratch.withUnsafeBytes { LogText.decode($0) }
        return (LogText.shorten(decoded.text, limit: 65536), masked + dumpMasked + cardFields, decoded.invalid)
    }

    /// Copies `raw` to `output` with the value (attribute or content) of every `<field>` whose id is
    /// 35, 45, 52 or 55 (track 2, track 1, PIN block, ICC data, which carries the PAN and a
    /// track-2 equivalent in EMV tags 5A and 57) replaced by `[removed]`, and that of field 2
    /// masked as a card number whatever its Luhn check (`CardNumbers.maskCardField`). Returns
    /// how many field-2 values it masked.
    ///
    /// Works on text that may be cut or broken: a value that never ends is removed to the end.
    @discardableResult
    static func removeTrackData(_ raw: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Int {
        guard let base = raw.baseAddress else { return 0 }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = raw.count
        output.reserveCapacity(n)
        var copied = 0
        var search = 0
        let removed: StaticString = "[removed]"
        var cardField = false
        var maskedCards = 0
        func replace(_ from: Int, _ to: Int) {
            output.append(contentsOf: UnsafeRawBufferPointer(start: p + copied, count: from - copied))
            if cardField {
                // Field 2 is a card number by its meaning, Luhn or not: first 6 and last 4 kept.
                let value = String(decoding: UnsafeRawBufferPointer(start: p + from, count: to - from), as: UTF8.self)
                let masked = CardNumbers.maskCardField(value)
                output.append(contentsOf: masked.text.utf8)
                if masked.masked { maskedCards += 1 }
            } else {
                output.append(contentsOf: UnsafeRawBufferPointer(start: removed.utf8Start, count: removed.utf8CodeUnitCount))
            }
            copied = to
        }
        while let lt = Syntax.find(Syntax.lessThan, p, search, n) {
            search = lt + 1
            guard Syntax.hasPrefix("<field", p, lt, n) == true, lt + 6 < n, Syntax.isSpace(p[lt + 6]) else { continue }
            let gt = Syntax.find(Syntax.greaterThan, p, lt + 6, n) ?? n
            let nextTag = Syntax.find(Syntax.lessThan, p, lt + 1, n) ?? n
            let tagEnd = min(gt, nextTag)
            var secret = false
            cardField = false
            forEachAttribute(p, from: lt + 6, to: tagEnd) { name, v in
                guard Syntax.equals(p + name.lowerBound, name.count, "id") else { return }
                if isSecretField(p + v.lowerBound, v.count) { secret = true }
                if isCardField(p + v.lowerBound, v.count) { cardField = true }
            }
            guard secret || cardField else { continue }
            // Every value attribute: a damaged tag may carry more than one.
            forEachAttribute(p, from: lt + 6, to: tagEnd) { name, v in
                if Syntax.equals(p + name.lowerBound, name.count, "value"), v.lowerBound >= copied {
                    replace(v.lowerBound, v.upperBound)
                }
            }
            // Content form: <field id="35">…</field>
            if gt < nextTag, gt < n, p[gt - 1] != Syntax.slash {
                let contentStart = gt + 1
                var contentEnd = n
                var k = contentStart
                while let close = Syntax.find(Syntax.lessThan, p, k, n) {
                    if Syntax.hasPrefix("</field", p, close, n) != false {
                        contentEnd = close
                        break
                    }
                    k = close + 1
                }
                if contentEnd > contentStart, contentStart >= copied {
                    replace(contentStart, contentEnd)
                }
                search = max(search, contentEnd)
            }
        }
        output.append(contentsOf: UnsafeRawBufferPointer(start: p + copied, count: n - copied))
        return maskedCards
    }

    private static func isCardField(_ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var start = 0
        var end = length
        while start < end, Syntax.isSpace(p[start]) { start += 1 }
        while end > start, Syntax.isSpace(p[end - 1]) { end -= 1 }
        return Syntax.equals(p + start, end - start, "2")
    }

    private static func isSecretField(_ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var start = 0
        var end = length
        while start < end, Syntax.isSpace(p[start]) { start += 1 }
        while end > start, Syntax.isSpace(p[end - 1]) { end -= 1 }
        let id = p + start
        let n = end - start
        return Syntax.equals(id, n, "35") || Syntax.equals(id, n, "45") || Syntax.equals(id, n, "52") || Syntax.equals(id, n, "55")
    }

    /// Reads `name="value"` pairs leniently (for damaged text): a value without its closing quote
    /// runs to `to`; bytes that fit no attribute are stepped over.
    private static func forEachAttribute(_ p: UnsafePointer<UInt8>, from: Int, to: Int, _ body: (Range<Int>, Range<Int>) -> Void) {
        var i = from
        while i < to {
            guard Syntax.isNameStart(p[i]) else {
                i += 1
                continue
            }
            let nameStart = i
            while i < to, Syntax.isNameChar(p[i]) { i += 1 }
            let name = nameStart..<i
            while i < to, Syntax.isSpace(p[i]) { i += 1 }
            guard i < to, p[i] == UInt8(ascii: "=") else { continue }
            i += 1
            while i < to, Syntax.isSpace(p[i]) { i += 1 }
            guard i < to, p[i] == 0x22 || p[i] == 0x27 else { continue }
            let quote = p[i]
            let valueStart = i + 1
            let valueEnd = Syntax.find(quote, p, valueStart, to) ?? to
            body(name, valueStart..<valueEnd)
            i = valueEnd + 1
        }
    }
}
