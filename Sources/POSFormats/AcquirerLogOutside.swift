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

    /// Where a step of `scan` left off.
    private enum Step {
        /// Go on from this offset, in the state the step left.
        case next(Int)
        /// A `<log` start tag begins at this offset.
        case logStart(Int)
        /// The bytes are used up.
        case usedUp
    }

    /// Scans `from..<to`, which ends at a line end; returns the offset of a `<log` start tag, or nil
    /// when the bytes are used up. Each step reads in one state, and may leave it.
    mutating func scan(_ p: UnsafePointer<UInt8>, from: Int, to: Int, skipped: inout [String: Int]) -> Int? {
        var i = from
        while i < to {
            let step: Step
            switch state {
            case .text: step = scanText(p, from: i, to: to, skipped: &skipped)
            case .comment: step = skipPast(0x2D, 0x2D, 0x3E, p, from: i, to: to)  // -->
            case .characterData: step = skipPast(0x5D, 0x5D, 0x3E, p, from: i, to: to)  // ]]>
            case .instruction: step = scanInstruction(p, from: i, to: to)
            case .declaration: step = scanDeclaration(p, from: i, to: to)
            case .tag: step = scanTag(p, from: i, to: to)
            }
            switch step {
            case .next(let next): i = next
            case .logStart(let at): return at
            case .usedUp: return nil
            }
        }
        return nil
    }

    /// Reads text up to the next `<`: a `<log` start tag ends the scan, other markup begins its
    /// state (and ends the run of text), and a lone `<` is text.
    @inline(__always)
    private mutating func scanText(_ p: UnsafePointer<UInt8>, from i: Int, to: Int, skipped: inout [String: Int]) -> Step {
        let lt = Syntax.find(Syntax.lessThan, p, i, to) ?? to
        if !textNonBlank, Syntax.containsNonBlank(p, i, lt) { textNonBlank = true }
        guard lt < to else { return .usedUp }
        if Syntax.isLogStart(p, lt, to, endIsLineEnd: true) {
            commitText(&skipped)
            return .logStart(lt)
        }
        let next: Int
        if Syntax.hasPrefix("<!--", p, lt, to) == true {
            state = .comment
            next = lt + 4
        } else if Syntax.hasPrefix("<![CDATA[", p, lt, to) == true {
            state = .characterData
            next = lt + 9
        } else if Syntax.hasPrefix("<?", p, lt, to) == true {
            state = .instruction
            next = lt + 2
        } else if Syntax.hasPrefix("<!", p, lt, to) == true {
            state = .declaration
            bracketDepth = 0
            next = lt + 2
        } else if lt + 1 < to, Syntax.isNameStart(p[lt + 1]) || p[lt + 1] == Syntax.slash {
            state = .tag
            quote = 0
            next = lt + 1
        } else {
            textNonBlank = true  // a lone `<` is text
            return .next(lt + 1)
        }
        commitText(&skipped)
        return .next(next)
    }

    /// Reads on past the three bytes `a`, `b`, `c` that end a comment (`-->`) or a CDATA section (`]]>`).
    @inline(__always)
    private mutating func skipPast(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ p: UnsafePointer<UInt8>, from i: Int, to: Int) -> Step {
        guard let end = Syntax.find3(a, b, c, p, i, to) else { return .usedUp }
        state = .text
        return .next(end + 3)
    }

    /// Reads on past the `?>` that ends a processing instruction (`<?xml …?>`).
    @inline(__always)
    private mutating func scanInstruction(_ p: UnsafePointer<UInt8>, from i: Int, to: Int) -> Step {
        var k = i
        while let gt = Syntax.find(Syntax.greaterThan, p, k, to) {
            if gt > i, p[gt - 1] == UInt8(ascii: "?") {
                state = .text
                return .next(gt + 1)
            }
            k = gt + 1
        }
        return .usedUp
    }

    /// Reads on past the `>` that ends a declaration (`<!DOCTYPE …>`), outside its `[…]`.
    @inline(__always)
    private mutating func scanDeclaration(_ p: UnsafePointer<UInt8>, from start: Int, to: Int) -> Step {
        var i = start
        while i < to {
            let b = p[i]
            i += 1
            if b == UInt8(ascii: "[") {
                bracketDepth += 1
            } else if b == UInt8(ascii: "]") {
                bracketDepth -= 1
            } else if b == Syntax.greaterThan, bracketDepth <= 0 {
                state = .text
                return .next(i)
            }
        }
        return .usedUp
    }

    /// Reads on past the `>` that ends a tag outside `<log>` (`<logger …>`), outside quoted values.
    @inline(__always)
    private mutating func scanTag(_ p: UnsafePointer<UInt8>, from start: Int, to: Int) -> Step {
        var i = start
        while i < to {
            let b = p[i]
            if quote == 0, b == Syntax.lessThan {
                // A tag left open (`<logger class="x"` then a new line): read on as text, so a
                // `<log` that follows is not lost.
                state = .text
                return .next(i)
            }
            i += 1
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == 0x22 || b == 0x27 {
                quote = b
            } else if b == Syntax.greaterThan {
                state = .text
                return .next(i)
            }
        }
        return .usedUp
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
