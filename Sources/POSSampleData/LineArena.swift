/// Rendered lines (or XML elements) of one output file for one day, with the time each one
/// happened, so that they can be written in time order although terminals are simulated one
/// after another.
struct LineArena<Facts> {
    struct Entry {
        /// True UTC time in milliseconds: the order lines reached the log collector.
        var time: Int64
        /// Breaks ties between equal times in a fixed way (terminal, then its own sequence).
        var order: UInt64
        var start: Int
        var end: Int
        var facts: Facts
    }

    var buffer = OutputBuffer(capacity: 1 << 16)
    var entries: [Entry] = []

    /// Where the next line starts; render it into `buffer`, then call `finish`.
    var cursor: Int { buffer.count }

    mutating func finish(start: Int, time: Int64, order: UInt64, facts: Facts) {
        entries.append(Entry(time: time, order: order, start: start, end: buffer.count, facts: facts))
    }

    mutating func sortByTime() {
        entries.sort { $0.time != $1.time ? $0.time < $1.time : $0.order < $1.order }
    }
}

/// The kinds of terminal log line, as the ground truth counts them.
enum TerminalLineKind: UInt8 {
    case boot, firmwareUpdate, network, transaction, signIn, error, ignored, rejected
}

/// What the analysis should conclude for a transaction line: its outcome, and for unknowns and
/// timeouts the cause of docs/analysis.md §1.
enum TransactionOutcome: UInt8, CaseIterable {
    case approved, declined, unknown, timeout, error

    var name: String { text.description }

    var text: StaticString {
        switch self {
        case .approved: return "approved"
        case .declined: return "declined"
        case .unknown: return "unknown"
        case .timeout: return "timeout"
        case .error: return "error"
        }
    }
}

/// docs/analysis.md §1 causes, as the analysis names them.
enum TransactionCause: UInt8, CaseIterable {
    case none, codeTableGap, nonstandardCode, garbledResponse, lateResponse, noResponse, requestLost, localError

    var name: String {
        switch self {
        case .none: return "none"
        case .codeTableGap: return "code_table_gap"
        case .nonstandardCode: return "nonstandard_code"
        case .garbledResponse: return "garbled_response"
        case .lateResponse: return "late_response"
        case .noResponse: return "no_response"
        case .requestLost: return "request_lost"
        case .localError: return "local_error"
        }
    }
}

/// Which planted mechanism a transaction was exposed to (bits of `TerminalLineFacts.exposure`).
enum Exposure {
    /// On a terminal whose code table is CUP2010.
    static let oldCodeTable: UInt8 = 1
    /// Routed through agentpay-switch.
    static let agentpayRoute: UInt8 = 2
    /// A `net state=weak|switch|down` of its terminal in the 60 s before it.
    static let networkWindow: UInt8 = 4
    /// A 2G terminal in Ürümqi.
    static let remoteTwoG: UInt8 = 8
}

/// What the ground truth needs to know about one terminal log line.
struct TerminalLineFacts {
    var kind: TerminalLineKind
    var outcome: TransactionOutcome = .approved
    var cause: TransactionCause = .none
    /// The planted cause that decided this transaction's outcome, if any.
    var planted: PlantedCause?
    var exposure: UInt8 = 0
    var unknownKeys: UInt8 = 0
    var fullPAN = false
    var paddedTID = false
    var reject: ExpectedReject.Kind?
    /// The rejected key, for `badInteger`.
    var rejectKey: StaticString?
    var isReversal = false

    init(kind: TerminalLineKind) {
        self.kind = kind
    }
}

/// The kinds of `<log>` element in an acquirer file.
enum AcquirerElementKind: UInt8 {
    case request, response, networkManagement, link, skipped, malformed
}

/// What the ground truth needs to know about one acquirer `<log>` element.
struct AcquirerFacts {
    var kind: AcquirerElementKind
    var fullPAN = false
    var trackData = false
}
