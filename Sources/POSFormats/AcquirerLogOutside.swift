/// Reads what lies between `<log>` elements (`<?xml …?>`, `<logger …>`, `</logger>`, comments,
/// stray text) until the next `<log` start tag, keeping its state from one line to the next.
///
/// Nothing here is buffered. Only non-blank character data is counted (as `#text`, one per run
/// between two pieces of markup); declarations, comments and tags outside `<log>` are not.
struct AcquirerLogOutside {
    private typealias Syntax = AcquirerLogSyntax

    private enum State {
        case text
        case comment
        case characterData
        case instruction
        case declaration
        case tag
    }

    private var state = State.text
    private var quote: UInt8 = 0
    private var bracketDepth = 0
    private var textNonBlank = false

    /// Scans `from..<to`, which ends at a line end; returns the offset of a `<log` start tag, or nil
    /// when the bytes are used up.
    mutating func scan(_ p: UnsafePointer<UInt8>, from: Int, to: Int, skipped: inout [String: Int]) -> Int? {
        var i = from
        while i < to {
            switch state {
            case .text:
                let lt = Syntax.find(Syntax.lessThan, p, i, to) ?? to
                if !textNonBlank, Syntax.containsNonBlank(p, i, lt) { textNonBlank = true }
                guard lt < to else { return nil }
                if Syntax.isLogStart(p, lt, to, endIsLineEnd: true) {
                    commitText(&skipped)
                    return lt
                }
                if Syntax.hasPrefix("<!--", p, lt, to) == true {
                    state = .comment
                    i = lt + 4
                } else if Syntax.hasPrefix("<![CDATA[", p, lt, to) == true {
                    state = .characterData
                    i = lt + 9
                } else if Syntax.hasPrefix("<?", p, lt, to) == true {
                    state = .instruction
                    i = lt + 2
                } else if Syntax.hasPrefix("<!", p, lt, to) == true {
                    state = .declaration
                    bracketDepth = 0
                    i = lt + 2
                } else if lt + 1 < to, Syntax.isNameStart(p[lt + 1]) || p[lt + 1] == Syntax.slash {
                    state = .tag
                    quote = 0
                    i = lt + 1
                } else {
                    textNonBlank = true  // a lone `<` is text
                    i = lt + 1
                    continue
                }
                commitText(&skipped)
            case .comment:
                guard let end = Syntax.find3(0x2D, 0x2D, 0x3E, p, i, to) else { return nil }
                state = .text
                i = end + 3
            case .characterData:
                guard let end = Syntax.find3(0x5D, 0x5D, 0x3E, p, i, to) else { return nil }
                state = .text
                i = end + 3
            case .instruction:
                var k = i
                var found = false
                while let gt = Syntax.find(Syntax.greaterThan, p, k, to) {
                    if gt > i, p[gt - 1] == UInt8(ascii: "?") {
                        i = gt + 1
                        found = true
                        break
                    }
                    k = gt + 1
                }
                guard found else { return nil }
                state = .text
            case .declaration:
                let b = p[i]
                i += 1
                if b == UInt8(ascii: "[") {
                    bracketDepth += 1
                } else if b == UInt8(ascii: "]") {
                    bracketDepth -= 1
                } else if b == Syntax.greaterThan, bracketDepth <= 0 {
                    state = .text
                }
            case .tag:
                let b = p[i]
                if quote == 0, b == Syntax.lessThan {
                    // A tag left open (`<logger class="x"` then a new line): read on as text, so a
                    // `<log` that follows is not lost.
                    state = .text
                    continue
                }
                i += 1
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == 0x22 || b == 0x27 {
                    quote = b
                } else if b == Syntax.greaterThan {
                    state = .text
                }
            }
        }
        return nil
    }

    /// End of input: counts a pending run of stray text.
    mutating func finish(skipped: inout [String: Int]) {
        commitText(&skipped)
        self = AcquirerLogOutside()
    }

    private mutating func commitText(_ skipped: inout [String: Int]) {
        if textNonBlank {
            skipped["#text", default: 0] += 1
            textNonBlank = false
        }
    }
}
