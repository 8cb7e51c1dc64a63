/// What a generated data set contains, for tests to check the ingester and the analysis against.
///
/// Counts are those a correct ingester stores: lines lost to the truncated gzip and rejected
/// lines are not transactions. Outcomes and causes assume the whole folder is ingested,
/// `codes-private.csv` included (without it, `Q7` is non-standard and its declines turn unknown).
public struct GroundTruth: Sendable, Hashable, Codable {
    public var seed: UInt64
    public var startDate: CalendarDate
    public var days: Int
    public var terminals: Int
    public var effectStrength: Double
    public var plantedCauses: [PlantedCause]
    public var faults: [SampleFault]
    /// The findings a correct analysis reports, one per planted cause that has an effect.
    public var expectedFindings: [ExpectedFinding]
    /// Attribute values correlated with a planted cause but without effect of their own.
    public var decoys: [Decoy]
    /// Every accepted terminal transaction line (reversals included).
    public var totals: TransactionCounts
    /// Every file written, in the order written; paths relative to the output folder.
    public var files: [FileTruth]
    public var clockSkews: [ClockSkew]
    public var firmwareUpdates: [FirmwareUpdateRecord]
    /// Full card numbers written into terminal logs (acquirer ones are counted per file).
    public var fullCardNumbers: [FullCardNumber]
    /// The entries of `codes-private.csv`.
    public var privateCodes: [PrivateCode]
    public var realms: [RealmTruth]

    /// True for null data: nothing planted, so no finding is expected.
    public var isNull: Bool { expectedFindings.isEmpty }

    /// The expected finding a reported one matches, if any (see `ExpectedFinding.matches`).
    public func expectedFinding(kind: String, pattern: String) -> ExpectedFinding? {
        expectedFindings.first { $0.matches(kind: kind, pattern: pattern) }
    }

    /// The truth of the file at `path` (relative to the output folder).
    public func file(_ path: String) -> FileTruth? {
        files.first { $0.path == path }
    }
}

/// How many transactions, by outcome and by docs/analysis.md §1 cause.
public struct TransactionCounts: Sendable, Hashable, Codable {
    public var transactions = 0
    /// `approved`, `declined`, `unknown`, `timeout`, `error`.
    public var byOutcome: [String: Int] = [:]
    /// Causes of unknowns and timeouts (and `local_error`), as the analysis names them.
    public var byCause: [String: Int] = [:]

    /// Empty counts.
    public init() {}

    /// Unknown outcomes.
    public var unknown: Int { byOutcome["unknown", default: 0] }

    mutating func add(_ facts: TerminalLineFacts) {
        transactions += 1
        byOutcome[facts.outcome.name, default: 0] += 1
        if facts.cause != .none { byCause[facts.cause.name, default: 0] += 1 }
    }
}

/// A finding the analysis must report for a planted cause.
public struct ExpectedFinding: Sendable, Hashable, Codable {
    public var cause: PlantedCause
    /// docs/analysis.md §7 kinds that may report it (`combination`, `network`, `firmware_change`).
    public var kinds: [String]
    /// `unknown` or `timeout`: the `--outcome` under which it shows.
    public var outcome: String
    /// The docs/analysis.md §1 causes of its transactions (the finding's `top_cause`).
    public var mechanisms: [String]
    /// Alternatives: a matching pattern holds every `attr=value` of at least one of them.
    public var requiredPairs: [[String]]
    /// Pairs a matching pattern may hold besides (attribute values aliased with the cause:
    /// the same transactions, so a refinement by them is not wrong).
    public var allowedPairs: [String]
    /// The response codes involved, e.g. `A7`, `D1`, `F3`.
    public var codes: [String]
    /// `higher`: the pattern's rate is above the rest; `lower`: a firmware change lowered it.
    public var direction: String
    /// The planted probability per exposed transaction (after the effect strength).
    public var configuredRate: Double
    /// Transactions exposed to the mechanism (e.g. those of terminals on `CUP2010`).
    public var exposedTransactions: Int
    /// Terminals exposed (for `firmware_change`: the terminals that upgraded).
    public var exposedTerminals: Int
    /// Exposed transactions whose outcome the mechanism decided.
    public var plantedTransactions: Int
    /// One sentence for a person.
    public var summary: String

    /// True when a reported finding of this kind and pattern (`attr=value` pairs joined by `&`)
    /// is this cause: it holds every pair of one required alternative and nothing outside the
    /// required and allowed pairs.
    public func matches(kind: String, pattern: String) -> Bool {
        guard kinds.contains(kind) else { return false }
        let pairs = Set(pattern.split(separator: "&").map(String.init))
        var permitted = Set(allowedPairs)
        for alternative in requiredPairs { permitted.formUnion(alternative) }
        guard pairs.isSubset(of: permitted) else { return false }
        return requiredPairs.contains { Set($0).isSubset(of: pairs) }
    }
}

/// An attribute value correlated with a planted cause that must not be reported as a cause of
/// its own (absent, explained away, or marked `confounded_by`).
public struct Decoy: Sendable, Hashable, Codable {
    public var pattern: String
    public var correlatedWith: PlantedCause
    /// The attribute that explains it away (stratifying by it removes the effect).
    public var confounder: String
    public var reason: String
}

/// One file of the data set.
public struct FileTruth: Sendable, Hashable, Codable {
    /// Relative to the output folder, `/`-separated.
    public var path: String
    /// docs/formats.md kind: `terminal_log`, `acquirer_log`, `inventory`, `catalogue`.
    public var kind: String
    /// Size on disk.
    public var bytes: Int
    /// Complete lines after decompression (for a truncated file, those recoverable).
    public var lines: Int
    /// Accepted `ev=txn` lines, reversals included.
    public var transactions: Int
    /// Terminal files: accepted lines by `ev` (`boot`, `fw_update`, `net`, `txn`, `signin`, `error`).
    public var events: [String: Int]
    public var ignoredEvents: Int
    /// Occurrences of keys no event defines.
    public var unknownKeys: Int
    /// Lines (terminal) or elements (acquirer) the ingester must reject.
    public var rejects: [ExpectedReject]
    /// Full card numbers written: terminal `pan` values, or acquirer field 2 values.
    public var fullCardNumbers: Int
    /// Acquirer field 35 values written (track data: never to be stored).
    public var trackData: Int
    /// Terminal lines whose `tid` is padded with blanks.
    public var paddedTIDs: Int
    /// U+FFFD characters the standard library's UTF-8 decoding of the file gives.
    public var invalidUTF8Replacements: Int
    public var crlf: Bool
    public var bom: Bool
    /// The file whose bytes this one repeats (`resend/…`), for the ingester to skip.
    public var duplicateOf: String?
    public var truncated: Bool
    /// For a truncated file: bytes of text zlib's `inflate` recovers before the cut (GNU gzip
    /// gives a few bytes less; the complete lines are the same, as at least 64 bytes of a
    /// partial line follow them).
    public var recoverableBytes: Int?
    /// For a truncated file: the text after the last complete line (a partial line), in bytes.
    public var partialLineBytes: Int?
    /// Acquirer files: request and response messages (ISO 8583 0200/0210, 0400/0410).
    public var acquirerRequests: Int
    public var acquirerResponses: Int
    /// Acquirer files: 0800/0810 network-management messages.
    public var networkManagementMessages: Int
    /// Acquirer files: link events (`peer-disconnect`, `io-timeout`, `session-*`, `connect`).
    public var linkEvents: Int
    /// Acquirer files: elements to skip (`<info>`, `<trace>`, `<warn>`).
    public var skippedElements: Int
    /// Acquirer files: whether `</logger>` closes the file.
    public var loggerClosed: Bool?
    /// Inventory and catalogue files: data rows.
    public var rows: Int
}

/// A line or element the ingester must reject.
public struct ExpectedReject: Sendable, Hashable, Codable {
    /// Why it must be rejected.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case unterminatedQuote = "unterminated_quote"
        case missingTimestamp = "missing_ts"
        case missingTerminalID = "missing_tid"
        case badTimestamp = "bad_ts"
        case badInteger = "bad_integer"
        case notLogfmt = "not_logfmt"
        case malformedElement = "malformed_element"
    }

    /// 1-based line (of the `<log` start tag for an element).
    public var line: Int
    public var kind: Kind
    /// The offending key for `bad_integer` (`amt`, `rssi`).
    public var key: String?
}

/// A terminal whose clock is off by a constant.
public struct ClockSkew: Sendable, Hashable, Codable {
    public var tid: String
    /// Logged time minus true time.
    public var offsetMilliseconds: Int64
}

/// A `fw_update` line as written.
public struct FirmwareUpdateRecord: Sendable, Hashable, Codable {
    public var tid: String
    public var from: String
    public var to: String
    public var succeeded: Bool
    /// The `ts` written.
    public var time: String
    /// Part of the `firmwareUpgrade` cause (the others are routine upgrades with no effect).
    public var planted: Bool
    public var file: String
    public var line: Int
}

/// A full card number written into a terminal log.
public struct FullCardNumber: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public var pan: String
}

/// One row of `codes-private.csv`.
public struct PrivateCode: Sendable, Hashable, Codable {
    public var code: String
    public var meaning: String
    public var scope: String
}

/// One acquirer realm and how its log is written.
public struct RealmTruth: Sendable, Hashable, Codable {
    public var realm: String
    /// The realm's part of file names.
    public var fileStem: String
    /// `rfc3339_local`, `rfc3339_offset` or `java_date` (with `CST` for +08:00).
    public var timeStyle: String
    public var padsTID: Bool
    public var terminals: Int
}
