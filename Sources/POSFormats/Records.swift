/// A moment as a log wrote it: the UTC instant and the UTC offset of the writer's clock.
///
/// The offset is kept because the analysis speaks of the *local* day and hour
/// (docs/analysis.md §2), which are those of the place that wrote the line.
public struct LoggedTime: Sendable, Hashable, Comparable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var utcMilliseconds: Int64
    /// Minutes east of UTC of the writer's local time (+480 for China).
    public var offsetMinutes: Int16

    public init(utcMilliseconds: Int64, offsetMinutes: Int16) {
        self.utcMilliseconds = utcMilliseconds
        self.offsetMinutes = offsetMinutes
    }

    public static func < (lhs: LoggedTime, rhs: LoggedTime) -> Bool {
        lhs.utcMilliseconds < rhs.utcMilliseconds
    }
}

/// What every terminal event line carries: when, which terminal, and where in the file.
public struct TerminalEventHeader: Sendable, Hashable {
    /// 1-based line number in the (decompressed) file.
    public var line: Int
    public var time: LoggedTime
    /// Terminal ID (ISO 8583 field 41), surrounding blanks trimmed.
    public var tid: String

    public init(line: Int, time: LoggedTime, tid: String) {
        self.line = line
        self.time = time
        self.tid = tid
    }
}

/// An `ev=txn` line: one transaction as the terminal saw it.
public struct TerminalTransaction: Sendable, Hashable {
    public var header: TerminalEventHeader
    /// `sale`, `refund`, `void`, `preauth`, `balance`, `reversal` (other values are kept as written).
    public var type: String?
    /// Field 11, digits only (validated by the parser).
    public var stan: Int32?
    public var batch: Int32?
    /// Minor units.
    public var amount: Int64?
    /// ISO 4217 numeric.
    public var currency: Int32?
    /// The field 39 the terminal received; nil when none arrived.
    public var responseCode: String?
    /// What the terminal showed: `approved`, `declined`, `unknown`, `timeout`, `error`.
    public var display: String?
    public var latencyMs: Int64?
    public var entry: String?
    /// The card number, always masked (first 6, stars, last 4).
    public var maskedPAN: String?
    /// A local error such as `MAC_FAIL`.
    public var error: String?
    /// Reversal reason code.
    public var reason: String?
    public var mcc: String?

    public init(header: TerminalEventHeader) {
        self.header = header
    }
}

/// An `ev=boot` line: what the terminal runs from now on.
public struct TerminalBoot: Sendable, Hashable {
    public var header: TerminalEventHeader
    public var firmware: String?
    public var appVersion: String?
    public var codeTable: String?

    public init(header: TerminalEventHeader, firmware: String? = nil, appVersion: String? = nil, codeTable: String? = nil) {
        self.header = header
        self.firmware = firmware
        self.appVersion = appVersion
        self.codeTable = codeTable
    }
}

/// An `ev=fw_update` line.
public struct FirmwareUpdate: Sendable, Hashable {
    public var header: TerminalEventHeader
    public var from: String?
    public var to: String?
    /// `result=ok`; anything else (including absent) is a failed update.
    public var succeeded: Bool

    public init(header: TerminalEventHeader, from: String?, to: String?, succeeded: Bool) {
        self.header = header
        self.from = from
        self.to = to
        self.succeeded = succeeded
    }
}

/// An `ev=net` line.
public struct TerminalNetworkEvent: Sendable, Hashable {
    public var header: TerminalEventHeader
    /// `up`, `down`, `weak`, `switch`.
    public var state: String?
    /// `4g`, `3g`, `2g`, `wifi`, `eth`.
    public var networkType: String?
    /// dBm.
    public var rssi: Int32?
    public var reason: String?

    public init(header: TerminalEventHeader) {
        self.header = header
    }
}

/// An `ev=signin` line.
public struct TerminalSignIn: Sendable, Hashable {
    public var header: TerminalEventHeader
    public var responseCode: String?

    public init(header: TerminalEventHeader, responseCode: String?) {
        self.header = header
        self.responseCode = responseCode
    }
}

/// An `ev=error` line.
public struct TerminalError: Sendable, Hashable {
    public var header: TerminalEventHeader
    public var error: String?
    public var message: String?

    public init(header: TerminalEventHeader, error: String?, message: String?) {
        self.header = header
        self.error = error
        self.message = message
    }
}

/// One parsed line of a terminal event log.
public enum TerminalRecord: Sendable, Hashable {
    case transaction(TerminalTransaction)
    case boot(TerminalBoot)
    case firmwareUpdate(FirmwareUpdate)
    case network(TerminalNetworkEvent)
    case signIn(TerminalSignIn)
    case error(TerminalError)
    /// An `ev` value the format does not define: counted, never rejected.
    case ignored(event: String, line: Int)
}

/// Which way an acquirer message went, seen from the acquirer host.
public enum MessageDirection: String, Sendable, Hashable {
    case send
    case receive
}

/// An ISO 8583 message from a jPOS `<send>` or `<receive>`: the top-level fields posrca uses.
public struct AcquirerMessage: Sendable, Hashable {
    /// Line of the `<log` start tag.
    public var line: Int
    public var realm: String
    public var time: LoggedTime
    /// The `lifespan="N ms"` attribute, when present.
    public var lifespanMs: Int64?
    public var direction: MessageDirection
    /// Field 0, e.g. `0200`.
    public var mti: String?
    /// Field 2, always masked. Fields 35, 45 and 52 are never kept.
    public var maskedPAN: String?
    /// Field 3.
    public var processingCode: String?
    /// Field 4, minor units, when it is all digits.
    public var amount: Int64?
    /// Field 11 as written (digits expected; `28928` and `000123` both occur).
    public var stan: String?
    /// Fields 12 and 13 as written.
    public var localTime: String?
    public var localDate: String?
    /// Field 37.
    public var rrn: String?
    /// Field 39: 2, 3 or 4 characters.
    public var responseCode: String?
    /// Field 41, padding trimmed.
    public var tid: String?
    /// Field 42, padding trimmed.
    public var mid: String?
    /// Field 49.
    public var currency: String?

    public init(line: Int, realm: String, time: LoggedTime, lifespanMs: Int64?, direction: MessageDirection) {
        self.line = line
        self.realm = realm
        self.time = time
        self.lifespanMs = lifespanMs
        self.direction = direction
    }
}

/// A link event of an acquirer realm: `connect`, `disconnect`, `connection-refused`,
/// `peer-disconnect`, `io-timeout`, `stale-connection`, `session-start`, `session-end`, or a
/// channel exception (`exception`, `iso-exception`); see `AcquirerLogScanner` for which
/// elements are link-level.
public struct AcquirerLinkEvent: Sendable, Hashable {
    public var line: Int
    public var realm: String
    public var time: LoggedTime
    /// The element name, e.g. `peer-disconnect`; for a jPOS 3 audit record printed as text
    /// (`Disconnect[…]`, `SessionEnd[…]`), the name jPOS 2 gave the same event.
    public var kind: String
    /// Its `name` attribute, else its text (hex dumps masked in both columns first), whitespace
    /// collapsed, card numbers masked, at most 200 characters.
    public var detail: String?

    public init(line: Int, realm: String, time: LoggedTime, kind: String, detail: String?) {
        self.line = line
        self.realm = realm
        self.time = time
        self.kind = kind
        self.detail = detail
    }
}

/// A line (or XML element, or CSV record) that could not be taken, kept so nothing is lost.
public struct Rejection: Sendable, Hashable {
    /// 1-based line where the rejected text starts.
    public var line: Int
    /// A short, stable reason, e.g. `missing key ts` or `bad integer amt`; rejects are grouped by it.
    public var reason: String
    /// The offending text with card numbers masked (and track data removed), possibly shortened.
    public var text: String

    public init(line: Int, reason: String, text: String) {
        self.line = line
        self.reason = reason
        self.text = text
    }
}

/// One row of a terminal inventory CSV.
public struct InventoryRow: Sendable, Hashable {
    public var line: Int
    public var tid: String
    public var mid: String?
    public var brand: String
    public var model: String?
    /// `official` or `third_party`.
    public var channel: String
    public var agent: String?
    public var feeTier: String
    /// Merchant discount rate in percent.
    public var feeRate: Double?
    public var region: String?
    public var mcc: String?
    public var firmware: String?

    public init(line: Int, tid: String, brand: String, channel: String, feeTier: String) {
        self.line = line
        self.tid = tid
        self.brand = brand
        self.channel = channel
        self.feeTier = feeTier
    }
}

/// One row of a response-code catalogue: a code, what it means, and where it applies.
public struct CatalogueEntry: Sendable, Hashable {
    public var line: Int
    public var code: String
    /// What the code means, as the catalogue's `meaning` column says it (English in the built-in tables).
    public var meaning: String
    /// `*` for every acquirer, else a jPOS realm.
    public var scope: String
    /// Where the entry comes from: `iso8583-1987`, `cup-2015` or `file`.
    public var source: String
    /// What the code means in Chinese (the `meaning_zh` column); empty when the catalogue gives none.
    public var meaningZH: String

    public init(line: Int, code: String, meaning: String, scope: String, source: String, meaningZH: String = "") {
        self.line = line
        self.code = code
        self.meaning = meaning
        self.scope = scope
        self.source = source
        self.meaningZH = meaningZH
    }
}
