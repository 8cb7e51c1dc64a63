/// Turning log bytes into Swift text at the edge of the hot path.
public enum LogText {
    /// Decodes UTF-8, replacing each invalid sequence by U+FFFD, and counts the replacements.
    ///
    /// A NUL byte is replaced and counted too (as the acquirer scanner does with `&#0;`): it is
    /// valid UTF-8, but text that holds one is cut short by C strings, `sqlite3` and spreadsheets,
    /// and a terminal writes NULs only when its log file is damaged (a pre-allocated file after a
    /// crash). ASCII without NULs, the common case, takes one pass and no validation beyond it.
    @inlinable
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> (text: String, invalid: Int) {
        var ascii = true
        for b in bytes where b >= 0x80 || b == 0 {
            ascii = false
            break
        }
        if ascii { return (String(decoding: bytes, as: UTF8.self), 0) }
        return decodeSlow(bytes)
    }

    @usableFromInline
    static func decodeSlow(_ bytes: UnsafeRawBufferPointer) -> (text: String, invalid: Int) {
        var invalid = 0
        var result = String()
        result.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.value == 0 {
                    invalid += 1
                    result.unicodeScalars.append("\u{FFFD}")
                } else {
                    result.unicodeScalars.append(scalar)
                }
            case .emptyInput: break loop
            case .error:
                invalid += 1
                result.unicodeScalars.append("\u{FFFD}")
            }
        }
        return (result, invalid)
    }

    /// Shortens text kept for a human (a rejected line) to at most `limit` UTF-8 bytes, on a
    /// character boundary, saying how much was cut.
    ///
    /// When the cut falls inside a run of digits, the digits kept before it become `*`: the start
    /// of a long run can pass the Luhn check on its own, and would then be stored as a card number
    /// (docs/formats.md §5) although masking saw the whole run and let it be.
    public static func shorten(_ text: String, limit: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        // Walk whole characters (grapheme clusters, so `e` + U+0301 stays together) while they fit.
        var end = text.startIndex
        while end < text.endIndex {
            let next = text.index(after: end)
            if utf8.distance(from: utf8.startIndex, to: next) > limit { break }
            end = next
        }
        let cut = utf8.count - utf8.distance(from: utf8.startIndex, to: end)
        let insideDigits = end < text.endIndex && isDigit(utf8[end])
        return head(of: text, upTo: end, insideDigits: insideDigits) + "…[\(cut) more bytes]"
    }

    /// `text` before `end`; when `insideDigits` (the cut splits a run of digits), the digits that
    /// run up to the cut become `*`.
    static func head(of text: String, upTo end: String.Index, insideDigits: Bool) -> String {
        guard insideDigits else { return String(text[..<end]) }
        var bytes = Array(text.utf8[..<end])
        var k = bytes.count
        while k > 0, isDigit(bytes[k - 1]) {
            k -= 1
            bytes[k] = UInt8(ascii: "*")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
