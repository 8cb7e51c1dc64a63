/// Turning log bytes into Swift text at the edge of the hot path.
public enum LogText {
    /// Decodes UTF-8, replacing each invalid sequence by U+FFFD, and counts the replacements.
    ///
    /// ASCII, the common case, takes one pass and no validation beyond it.
    @inlinable
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> (text: String, invalid: Int) {
        var ascii = true
        for b in bytes where b >= 0x80 {
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
            case .scalarValue(let scalar): result.unicodeScalars.append(scalar)
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
        return String(text[..<end]) + "…[\(cut) more bytes]"
    }
}
