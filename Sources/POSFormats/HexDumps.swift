/// jPOS hex dumps (`ISOUtil.hexdump`, printed after `--- data ---` and `--- header ---` when a
/// channel cannot unpack what it received): recognising their lines, and masking card data in
/// both of their columns.
///
/// A dump line is an offset (4 or 8 lowercase hex digits), two spaces, up to 16 bytes as
/// uppercase hex pairs each followed by a space (one more space after the eighth), padded with
/// spaces to 49 columns, a space, then the same bytes as ASCII (`.` for bytes outside 32–126):
///
///     0000  63 61 74 20 3E 20 2F 64  65 76 2F 74 63 70 2F 31  cat > /dev/tcp/1
///
/// The first line carries the indentation of the log element; the others start at column 0.
/// The ASCII column is printed raw, so it may hold `<`, `&` and quotes.
enum HexDumps {
    private typealias Syntax = AcquirerLogSyntax

    /// Where one dump line's parts lie in its buffer.
    struct Line {
        /// First byte of the hex column.
        var hexStart: Int
        /// Bytes on the line (1–16).
        var count: Int
        /// First byte of the ASCII column (may be at or past `end` when the line was cut).
        var asciiStart: Int
        /// End of the line (its newline, or the end of the buffer).
        var end: Int

        /// Offset of the hex pair of byte `k`.
        func hexOffset(_ k: Int) -> Int { hexStart + 3 * k + (k >= 8 ? 1 : 0) }

        /// Whether `offset` lies in the ASCII column.
        func asciiContains(_ offset: Int) -> Bool { offset >= asciiStart && offset < asciiStart + count }
    }

    /// The dump line in `start..<end` (one line, without its newline), or nil when it is not one.
    static func line(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Line? {
        var i = start
        while i < end, i - start < 64, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
        let offsetStart = i
        while i < end, isHex(p[i]) { i += 1 }
        guard i - offsetStart == 4 || i - offsetStart == 8, i + 2 < end, p[i] == 0x20, p[i + 1] == 0x20 else { return nil }
        let hexStart = i + 2
        var count = 0
        while count < 16 {
            let at = hexStart + 3 * count + (count >= 8 ? 1 : 0)
            guard at + 1 < end, isHex(p[at]), isHex(p[at + 1]), at + 2 >= end || p[at + 2] == 0x20 else { break }
            count += 1
        }
        guard count > 0 else { return nil }
        // The rest of the 49-column hex area, and the separator after it, are spaces.
        var k = hexStart + 3 * count + (count > 8 ? 1 : 0)
        while k < min(hexStart + 50, end) {
            guard p[k] == 0x20 else { return nil }
            k += 1
        }
        return Line(hexStart: hexStart, count: count, asciiStart: hexStart + 50, end: end)
    }

    @inline(__always)
    private static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66)
    }

    @inline(__always)
    private static func hexValue(_ b: UInt8) -> UInt8 {
        b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    // MARK: Masking

    /// Masks card data in every dump in `text`, in place, in both columns; returns how many card
    /// numbers and track-2 equivalents it masked.
    ///
    /// The bytes of each dump (its consecutive lines) are read from the hex column, masked by
    /// `maskData`, and every changed byte is written back as its hex pair and its ASCII
    /// character, so that a dump stays a dump of the masked bytes and a card number split across
    /// two lines is seen whole.
    @discardableResult
    static func mask(_ text: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = text.baseAddress?.assumingMemoryBound(to: UInt8.self), text.count >= 8 else { return 0 }
        let n = text.count
        var masked = 0
        var block: [Line] = []
        var data: [UInt8] = []
        var start = 0
        func flush() {
            guard !block.isEmpty else { return }
            var changed = data
            masked += maskData(&changed)
            var j = 0
            for line in block {
                for k in 0..<line.count {
                    if changed[j] != data[j] {
                        let b = changed[j]
                        let at = line.hexOffset(k)
                        base[at] = hexDigits[Int(b >> 4)]
                        base[at + 1] = hexDigits[Int(b & 0x0F)]
                        if line.asciiStart + k < line.end { base[line.asciiStart + k] = b >= 32 && b < 127 ? b : UInt8(ascii: ".") }
                    }
                    j += 1
                }
            }
            block.removeAll(keepingCapacity: true)
            data.removeAll(keepingCapacity: true)
        }
        while start < n {
            var end = Syntax.find(Syntax.newline, UnsafePointer(base), start, n) ?? n
            let next = end + 1
            if end > start, base[end - 1] == 0x0D { end -= 1 }
            if let line = line(UnsafePointer(base), start, end) {
                for k in 0..<line.count {
                    let at = line.hexOffset(k)
                    data.append(hexValue(base[at]) << 4 | hexValue(base[at + 1]))
                }
                block.append(line)
            } else {
                flush()
            }
            start = next
        }
        flush()
        return masked
    }

    /// Masks card data in the bytes of a dump (a raw ISO 8583 message); returns how many.
    ///
    /// Fields abut in a raw message (`16` + PAN + processing code form one run of digits), so a
    /// card number's edges cannot be seen and the Luhn check cannot be trusted to find it. The
    /// rules, in order, each byte masked becoming `*` (0x2A):
    ///
    /// 1. **Track 2.** ASCII: 12 or more digits, `=` or `D`, 4 or more digits; the 19 digits
    ///    before the separator (a PAN is at most 19) and every digit after it are masked, the
    ///    separator kept. BCD: 12 or more decimal nibbles, the nibble `D`, 4 or more decimal
    ///    nibbles, in a run that holds a byte outside printable ASCII (so that ASCII text, whose
    ///    bytes have decimal nibbles too, is not read as BCD); the bytes of the 20 nibbles
    ///    before the `D` and of those after it are masked.
    /// 2. **ASCII digits**: a run of 13 or more keeps its first 6 and last 4.
    /// 3. **BCD**: a run of 7 or more bytes whose nibbles are all decimal and which holds a byte
    ///    outside printable ASCII (a BCD length prefix such as 0x16 always is) keeps its first
    ///    3 and last 2 bytes (6 and 4 digits).
    static func maskData(_ data: inout [UInt8]) -> Int {
        var masked = 0
        let n = data.count
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        @inline(__always) func isBinary(_ b: UInt8) -> Bool { b < 0x20 || b >= 0x7F }
        @inline(__always) func nibble(_ i: Int) -> UInt8 { i & 1 == 0 ? data[i >> 1] >> 4 : data[i >> 1] & 0x0F }
        // 1. Track 2, ASCII.
        var i = 0
        while i < n {
            guard isDigit(data[i]) else {
                i += 1
                continue
            }
            let runStart = i
            while i < n, isDigit(data[i]) { i += 1 }
            guard i - runStart >= 12, i < n, data[i] == 0x3D || data[i] == 0x44 else { continue }
            var after = i + 1
            while after < n, isDigit(data[after]) { after += 1 }
            guard after - i - 1 >= 4 else { continue }
            for k in max(runStart, i - 19)..<after where k != i { data[k] = 0x2A }
            masked += 1
            i = after
        }
        // 1. Track 2, BCD.
        let nibbles = n * 2
        i = 0
        while i < nibbles {
            guard nibble(i) <= 9 else {
                i += 1
                continue
            }
            let runStart = i
            while i < nibbles, nibble(i) <= 9 { i += 1 }
            guard i - runStart >= 12, i < nibbles, nibble(i) == 0x0D else { continue }
            var after = i + 1
            while after < nibbles, nibble(after) <= 9 { after += 1 }
            guard after - (i + 1) >= 4 else { continue }
            let bytes = (max(runStart, i - 20) >> 1)...((after - 1) >> 1)
            guard bytes.contains(where: { isBinary(data[$0]) }) else { continue }
            for byte in bytes { data[byte] = 0x2A }
            masked += 1
            i = after
        }
        // 2. Runs of ASCII digits.
        i = 0
        while i < n {
            guard data[i] >= 0x30, data[i] <= 0x39 else {
                i += 1
                continue
            }
            let runStart = i
            while i < n, data[i] >= 0x30, data[i] <= 0x39 { i += 1 }
            if i - runStart >= 13 {
                for k in (runStart + 6)..<(i - 4) { data[k] = 0x2A }
                masked += 1
            }
        }
        // 3. BCD runs with a binary byte.
        i = 0
        while i < n {
            guard data[i] >> 4 <= 9, data[i] & 0x0F <= 9 else {
                i += 1
                continue
            }
            let runStart = i
            var binary = false
            while i < n, data[i] >> 4 <= 9, data[i] & 0x0F <= 9 {
                if data[i] < 0x20 || data[i] >= 0x7F { binary = true }
                i += 1
            }
            if binary, i - runStart >= 7 {
                for k in (runStart + 3)..<(i - 2) { data[k] = 0x2A }
                masked += 1
            }
        }
        return masked
    }
}
