/// What a file holds, as docs/formats.md defines the kinds.
public enum InputKind: String, Sendable, CaseIterable, Hashable {
    /// logfmt lines from a terminal management system (§1).
    case terminalLog = "terminal_log"
    /// A jPOS XML log from an acquirer host or switch (§2).
    case acquirerLog = "acquirer_log"
    /// The terminal inventory CSV (§3).
    case inventory
    /// A response-code catalogue CSV (§4).
    case catalogue

    /// Recognises a kind by content, after decompression.
    ///
    /// `head` is the start of the file (a few KiB is plenty). A first non-blank byte of `<` means
    /// an acquirer log; a first line (after an optional UTF-8 BOM) that is a CSV header naming
    /// `tid` and `brand` an inventory, one naming `code` and `meaning` a catalogue; anything else
    /// a terminal event log.
    public static func sniff(_ head: UnsafeRawBufferPointer) -> InputKind {
        var i = 0
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { i = 3 }
        let firstLineStart = i
        while i < head.count, head[i] == 0x20 || head[i] == 0x09 || head[i] == 0x0A || head[i] == 0x0D { i += 1 }
        if i < head.count, head[i] == 0x3C { return .acquirerLog }
        var end = firstLineStart
        while end < head.count, head[end] != 0x0A { end += 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: head[firstLineStart..<end]), as: UTF8.self)
        let columns = Set(
            line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: " \t\r\"").lowercased()
            }
        )
        if columns.contains("tid"), columns.contains("brand") { return .inventory }
        if columns.contains("code"), columns.contains("meaning") { return .catalogue }
        return .terminalLog
    }
}

extension Substring {
    /// The substring without the given characters at either end.
    func trimmingCharacters(in set: String) -> String {
        let drop = Set(set)
        var s = self[...]
        while let f = s.first, drop.contains(f) { s = s.dropFirst() }
        while let l = s.last, drop.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
