public import POSInput

/// Why a file was read only up to a fault: its status is `truncated`, everything before the fault
/// is in, and `description` is the text kept in the ledger's `error` column (docs/formats.md §7).
public enum Truncation: Sendable, Hashable, CustomStringConvertible {
    /// The stream itself stopped early: a damaged or cut-short gzip stream.
    case stream(SourceTruncation)
    /// A plain acquirer log ends inside a `<log>` element that began on `line` (cut, or still
    /// being written); the element itself is among the rejects.
    case elementNotClosed(line: Int)

    public var description: String {
        switch self {
        case .stream(let fault): fault.description
        case .elementNotClosed(let line): "log element not closed at end of file (line \(line))"
        }
    }
}
