/// Card-number (PAN) masking, docs/formats.md §5.
///
/// Any maximal run of 13 to 19 ASCII digits that passes the Luhn check becomes first 6,
/// stars, last 4 (the length is kept, so `6228480402564890018` → `622848*********0018`).
/// Runs that fail Luhn (STANs, RRNs, amounts, timestamps) stay as they are.
public enum CardNumbers {
    /// True when the digits (ASCII) pass the Luhn check.
    @inlinable
    public static func passesLuhn(_ digits: UnsafeRawBufferPointer) -> Bool {
        passesLuhn(digits, last: digits.count - 1, first: 0, step: 1)
    }

    /// The Luhn check of the ASCII digits at `last`, `last − step`, … down to `first`: every byte
    /// of a run of digits (step 1), or every second byte of a hex dump's `3d` pairs (step 2).
    @inlinable
    static func passesLuhn(_ bytes: UnsafeRawBufferPointer, last: Int, first: Int, step: Int) -> Bool {
        var sum = 0
        var double = false
        var i = last
        while i >= first {
            var d = Int(bytes[i] &- 0x30)
            if double {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
            double.toggle()
            i -= step
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
            if i - start >= minimumHexRun, hexString(bytes, start, i) != nil { return true }
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
    /// - A hex string of ASCII digits (`34313131…`, a binary field or TLV value logged as hex) is
    ///   read as the bytes it encodes, and masked as a hex dump's bytes are: a run of 13–19
    ///   encoded digits that passes the Luhn check keeps its first 6 and last 4 digits, the
    ///   others becoming `2A` (`*`); an encoded track-2 equivalent (12 or more digits, `3D` or
    ///   `44`, 4 or more digits) loses the 19 digits before the separator and all after it. The
    ///   decoded run must be whole: encoded digits next to it, or a decimal point between digits,
    ///   make it part of a longer number, as in text.
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
            // Hex digits of ASCII digits are decimal characters, so a hex string is (part of) a
            // run too long to be a card number as text: it is looked at first.
            if i - start >= minimumHexRun, let found = hexString(UnsafeRawBufferPointer(bytes), start, i) {
                maskHexString(bytes, found)
                masked += 1
                i = found.resume
                continue
            }
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
        // The kept head of a hex string masked before (`3431313131312A2A…`): its 12 hex digits
        // and the `2` of the first `2A` are no card number, and masking again must not change it.
        if end + 1 < n, bytes[end - 1] == 0x32, bytes[end] | 0x20 == 0x61, bytes[end + 1] == 0x32,
            isDigitPairs(bytes, end - 13, end - 1)
        {
            return .none
        }
        return passesLuhn(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) ? .cardNumber : .none
    }

    @inline(__always)
    private static func isTrack2Separator(_ b: UInt8) -> Bool { b == 0x3D || b == 0x44 || b == 0x64 }

    // MARK: Hex strings of ASCII digits

    /// The shortest run of decimal characters that can hold a hex string worth masking: 12
    /// encoded digits before a track-2 separator.
    private static let minimumHexRun = 24

    /// A hex string of ASCII digits found in a run of decimal characters: the encoded digits
    /// `start..<end` (two characters each), and what to mask.
    private struct HexString {
        var start: Int
        var end: Int
        /// Where an encoded track-2 separator (`3D`, `44`) starts, and where the encoded digits
        /// after it end; nil for a card number.
        var track2: (separator: Int, end: Int)?
        /// Where reading goes on after it.
        var resume: Int
    }

    /// Whether `start..<end` (an even count) holds only pairs `3` + decimal digit: ASCII digits
    /// written in hex.
    @inline(__always)
    private static func isDigitPairs(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        guard (end - start) & 1 == 0 else { return false }
        var k = start
        while k < end {
            guard bytes[k] == 0x33, bytes[k + 1] >= 0x30, bytes[k + 1] <= 0x39 else { return false }
            k += 2
        }
        return true
    }

    /// The first hex string of ASCII digits to mask in the run of decimal characters
    /// `runStart..<runEnd`, or nil.
    ///
    /// The encoded digits are found at either alignment (the run may begin with the hex of other
    /// bytes: `0110` + `3431…`). They must be a whole run of encoded digits: 13–19 passing the
    /// Luhn check, not next to an encoded `.` with an encoded digit beyond it; or 12 or more
    /// followed by `3D` (`=`) or `44` (`D`) and 4 or more encoded digits, a track-2 equivalent.
    private static func hexString(_ bytes: UnsafeRawBufferPointer, _ runStart: Int, _ runEnd: Int) -> HexString? {
        let n = bytes.count
        var i = runStart
        while i + 1 < runEnd {
            guard bytes[i] == 0x33 else {
                i += 1
                continue
            }
            var k = i
            while k + 1 < runEnd, bytes[k] == 0x33, bytes[k + 1] >= 0x30, bytes[k + 1] <= 0x39 { k += 2 }
            let digits = (k - i) / 2
            guard digits >= 12 else {
                i += 1
                continue
            }
            // Track 2: `3D`/`3d` (`=`, the `3` ends the run) or `44` (`D`) after the digits.
            if k + 1 < n, (bytes[k] == 0x33 && bytes[k + 1] | 0x20 == 0x64) || (bytes[k] == 0x34 && bytes[k + 1] == 0x34) {
                var e = k + 2
                while e + 1 < n, bytes[e] == 0x33, bytes[e + 1] >= 0x30, bytes[e + 1] <= 0x39 { e += 2 }
                if (e - k - 2) / 2 >= 4 {
                    return HexString(start: i, end: k, track2: (k, e), resume: e)
                }
            }
            if digits <= 19, !hexDecimalNeighbour(bytes, i, k), passesLuhn(bytes, last: k - 1, first: i + 1, step: 2) {
                return HexString(start: i, end: k, track2: nil, resume: k)
            }
            // Whole runs only: the next try starts past this one (an offset start inside it
            // would read other bytes).
            i = k
        }
        return nil
    }

    /// Whether the encoded digits `start..<end` are part of a decimal number: an encoded `.`
    /// (`2E`) between them and another encoded digit.
    private static func hexDecimalNeighbour(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        let n = bytes.count
        @inline(__always) func digitPair(_ k: Int) -> Bool {
            k >= 0 && k + 1 < n && bytes[k] == 0x33 && bytes[k + 1] >= 0x30 && bytes[k + 1] <= 0x39
        }
        if start >= 4, bytes[start - 2] == 0x32, bytes[start - 1] | 0x20 == 0x65, digitPair(start - 4) { return true }
        if end + 3 < n, bytes[end] == 0x32, bytes[end + 1] | 0x20 == 0x65, digitPair(end + 2) { return true }
        return false
    }

    /// Masks a hex string found by `hexString` as a dump's bytes are masked: each masked digit's
    /// pair becomes `2A` (`*`), the separator of a track-2 equivalent stays.
    private static func maskHexString(_ bytes: UnsafeMutableRawBufferPointer, _ found: HexString) {
        func star(_ k: Int) {
            bytes[k] = 0x32
            bytes[k + 1] = 0x41
        }
        if let track2 = found.track2 {
            var k = max(found.start, track2.separator - 38)
            while k < track2.separator {
                star(k)
                k += 2
            }
            k = track2.separator + 2
            while k < track2.end {
                star(k)
                k += 2
            }
        } else {
            var k = found.start + 12
            while k < found.end - 8 {
                star(k)
                k += 2
            }
        }
    }

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
