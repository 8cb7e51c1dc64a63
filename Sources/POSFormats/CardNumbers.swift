/// Card-number (PAN) masking, docs/formats.md §5.
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

    /// True when `bytes` hold what `maskInPlace` masks: a quick test before copying.
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
            guard i - start >= 12 else { continue }
            switch classify(bytes, start, i) {
            case .track2, .cardNumber: return true
            case .none: break
            }
        }
        return false
    }

    /// Masks every card number in `bytes` in place; returns how many it masked (track-2
    /// equivalents included).
    ///
    /// - A maximal run of 13–19 digits that passes the Luhn check keeps its first 6 and last 4
    ///   digits, the others becoming `*`.
    /// - A run that belongs to a decimal number (`0.7871796703…`, `…703.25`) is not a card number:
    ///   its neighbour across a `.` is a digit.
    /// - A track-2 equivalent, 12 or more digits, `=` or `D` (the separator of ISO 7813 and of
    ///   its BCD form), then 4 or more digits, loses every digit on both sides: it holds the
    ///   expiry date and the card's discretionary data besides the card number.
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
            guard i - start >= 12 else { continue }
            switch classify(UnsafeRawBufferPointer(bytes), start, i) {
            case .track2(let end):
                for k in start..<end where k != i { bytes[k] = 0x2A }
                masked += 1
                i = end
            case .cardNumber:
                for k in (start + 6)..<(i - 4) { bytes[k] = 0x2A }
                masked += 1
            case .none:
                break
            }
        }
        return masked
    }

    private enum Run {
        case none
        case cardNumber
        /// A track-2 equivalent whose digits after the separator end at `end`.
        case track2(end: Int)
    }

    /// What the digit run `start..<end` of `bytes` is.
    @inline(__always)
    private static func classify(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Run {
        let n = bytes.count
        let length = end - start
        if length >= 12, end < n, isTrack2Separator(bytes[end]) {
            var after = end + 1
            while after < n, bytes[after] >= 0x30, bytes[after] <= 0x39 { after += 1 }
            if after - end - 1 >= 4 { return .track2(end: after) }
        }
        guard length >= 13, length <= 19 else { return .none }
        // Part of a decimal number: a digit on the other side of a `.`.
        if start >= 2, bytes[start - 1] == 0x2E, bytes[start - 2] >= 0x30, bytes[start - 2] <= 0x39 { return .none }
        if end + 1 < n, bytes[end] == 0x2E, bytes[end + 1] >= 0x30, bytes[end + 1] <= 0x39 { return .none }
        return passesLuhn(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) ? .cardNumber : .none
    }

    @inline(__always)
    private static func isTrack2Separator(_ b: UInt8) -> Bool { b == 0x3D || b == 0x44 || b == 0x64 }

    /// Masks card data in the jPOS hex dumps (`ISOUtil.hexdump`) in `text`, in place, in both
    /// the hex and the ASCII column, across line breaks; returns how many numbers it masked.
    ///
    /// Run it on text as written, before whitespace is collapsed, and before `maskInPlace` (which
    /// sees neither the hex column nor a number split across lines). `HexDumps.maskData` has the
    /// rules: track-2 equivalents (ASCII `=`, BCD `D`) lose every digit, runs of 13 or more ASCII
    /// digits and BCD runs of 7 or more bytes keep their first 6 and last 4 digits.
    @discardableResult
    public static func maskHexDumps(_ text: UnsafeMutableRawBufferPointer) -> Int {
        HexDumps.mask(text)
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
    /// Positions count mask characters as well as digits, so that a value already masked keeps
    /// its first 6 and last 4 rather than being blanked: `*`, `X`, `x`, `#`, `_` (jPOS's own
    /// `ISOUtil.protect`, `447398______1381`), and spaces in a run of two or more between other
    /// positions (`447398      1381`; a single space is a group separator, `6228 4804 …`).
    public static func maskCardField(_ value: String) -> (text: String, masked: Bool) {
        var value = value
        // Already masked (the usual case): nothing to hide, no copy.
        let needed = value.withUTF8 { bytes -> Bool in
            let positions = countPositions(bytes)
            let keep = positions > 10 ? (6, 4) : (0, 0)
            var needsMask = false
            forEachPosition(bytes) { k, seen in
                if bytes[k] >= 0x30, bytes[k] <= 0x39, seen >= keep.0, seen < positions - keep.1 { needsMask = true }
            }
            return needsMask
        }
        guard needed else { return (value, false) }
        var bytes = Array(value.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            let positions = countPositions(UnsafeBufferPointer(buffer))
            let keep = positions > 10 ? (6, 4) : (0, 0)
            forEachPosition(UnsafeBufferPointer(buffer)) { k, seen in
                if buffer[k] >= 0x30, buffer[k] <= 0x39, seen >= keep.0, seen < positions - keep.1 { buffer[k] = 0x2A }
            }
        }
        return (String(decoding: bytes, as: UTF8.self), true)
    }

    @inline(__always)
    private static func isMark(_ b: UInt8) -> Bool { b == 0x2A || b == 0x58 || b == 0x78 || b == 0x23 || b == 0x5F }

    @inline(__always)
    private static func isDigitOrMark(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || isMark(b) }

    private static func countPositions(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        forEachPosition(bytes) { _, _ in count += 1 }
        return count
    }

    /// Calls `body` with the index of each position of a card field and how many came before:
    /// digits, mask marks, and spaces in runs of two or more between other positions.
    private static func forEachPosition(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        var seen = 0
        var i = 0
        let n = bytes.count
        var previousIsPosition = false
        while i < n {
            let b = bytes[i]
            if isDigitOrMark(b) {
                body(i, seen)
                seen += 1
                previousIsPosition = true
                i += 1
            } else if b == 0x20 {
                let runStart = i
                while i < n, bytes[i] == 0x20 { i += 1 }
                if previousIsPosition, i - runStart >= 2, i < n, isDigitOrMark(bytes[i]) {
                    for k in runStart..<i {
                        body(k, seen)
                        seen += 1
                    }
                }
                previousIsPosition = false
            } else {
                previousIsPosition = false
                i += 1
            }
        }
    }
}
