/// Card-number (PAN) masking, formats.md §5.
///
/// Any maximal run of 13 to 19 ASCII digits that passes the Luhn check becomes first 6,
/// stars, last 4 (the length is kept, so `6228480402564890018` → `622848*********0018`).
/// Runs that fail Luhn (STANs, RRNs, amounts, timestamps) stay as they are.
public enum CardNumbers {
    /// True when the digits (ASCII) pass the Luhn check.
    @inlinable
    public static func passesLuhn(_ digits: UnsafeRawBufferPointer) -> Bool {
        var sum = 0
        var double = false
        var i = digits.count - 1
        while i >= 0 {
            var d = Int(digits[i] &- 0x30)
            if double {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
            double.toggle()
            i -= 1
        }
        return sum % 10 == 0
    }

    /// True when `bytes` hold a run of 13–19 digits that passes Luhn: a quick test before copying.
    public static func containsCardNumber(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            guard bytes[i] >= 0x30, bytes[i] <= 0x39 else {
                i += 1
                continue
            }
            let start = i
            while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            let length = i - start
            if length >= 13, length <= 19, passesLuhn(UnsafeRawBufferPointer(rebasing: bytes[start..<i])) {
                return true
            }
        }
        return false
    }

    /// Masks every card number in `bytes` in place; returns how many it masked.
    @discardableResult
    public static func maskInPlace(_ bytes: UnsafeMutableRawBufferPointer) -> Int {
        var masked = 0
        var i = 0
        let n = bytes.count
        while i < n {
            guard bytes[i] >= 0x30, bytes[i] <= 0x39 else {
                i += 1
                continue
            }
            let start = i
            while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            let length = i - start
            if length >= 13, length <= 19,
               passesLuhn(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<i])) {
                for k in (start + 6)..<(i - 4) { bytes[k] = 0x2A }
                masked += 1
            }
        }
        return masked
    }

    /// `text` with every card number masked, and how many there were.
    public static func mask(_ text: String) -> (text: String, masked: Int) {
        var copy = Array(text.utf8)
        let count = copy.withUnsafeMutableBytes { maskInPlace($0) }
        return count == 0 ? (text, 0) : (String(decoding: copy, as: UTF8.self), count)
    }

    /// Masks a value that *is* a card number by its meaning (the terminal's `pan`, acquirer field 2):
    /// every digit between the first 6 and the last 4 becomes `*`, Luhn or not, so that a test card
    /// or a mistyped number is not kept whole either. Values of 10 digits or fewer become all stars.
    /// Returns whether anything was hidden.
    ///
    /// Positions count mask characters (`*`, `X`, `x`, `#`) as well as digits, so a value the
    /// terminal already masked (`622848******1234`) is kept as it is rather than blanked.
    public static func maskCardField(_ value: String) -> (text: String, masked: Bool) {
        @inline(__always) func isPosition(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || b == 0x2A || b == 0x58 || b == 0x78 || b == 0x23
        }
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        // Digits and the marks that stand for hidden digits are the card number's positions: the
        // first 6 and last 4 of them are kept when there are more than 10, none otherwise.
        let utf8 = value.utf8
        var positions = 0
        for b in utf8 where isPosition(b) { positions += 1 }
        let keepFirst = positions > 10 ? 6 : 0
        let keepLast = positions > 10 ? 4 : 0
        // Already masked (the usual case): nothing to hide, no copy.
        var seen = 0
        var needsMask = false
        for b in utf8 where isPosition(b) {
            if isDigit(b), seen >= keepFirst, seen < positions - keepLast {
                needsMask = true
                break
            }
            seen += 1
        }
        guard needsMask else { return (value, false) }
        var bytes = Array(utf8)
        seen = 0
        for i in bytes.indices where isPosition(bytes[i]) {
            if isDigit(bytes[i]), seen >= keepFirst, seen < positions - keepLast { bytes[i] = 0x2A }
            seen += 1
        }
        return (String(decoding: bytes, as: UTF8.self), true)
    }

}
