/// A day on the calendar, in the local time of the logs (China, +08:00).
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A date; the generator checks it is a real day of the proleptic Gregorian calendar.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil for anything else or a day that does not exist.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard isValid else { return nil }
    }

    /// Encoded as its text, `"2026-11-20"`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = date
    }

    /// Encodes the date as its text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The date as file names and logs write it: `2026-11-20`.
    public var description: String {
        var text = OutputBuffer()
        text.appendDate(self)
        return String(decoding: text.bytes, as: UTF8.self)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (Hinnant's `civil_from_days`).
    init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = month <= 2 ? y + 1 : y
    }

    /// The date `n` days later.
    public func adding(days n: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + n)
    }

    var isValid: Bool {
        (1...12).contains(month) && day >= 1 && year >= 1971 && year <= 9999
            && CalendarDate(daysSinceEpoch: daysSinceEpoch) == self
    }

    /// Earlier dates first.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

/// A cause of unknown return codes (or of timeouts) that the generator can plant in the data,
/// each one of the kinds docs/analysis.md §1 classifies.
///
/// Switching every cause off gives null data: unknowns and timeouts still occur, at the same
/// small rate for every attribute value, so a correct analysis reports nothing.
public enum PlantedCause: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    /// A share of Landi A8 terminals runs old firmware whose code table (`CUP2010`) lacks the
    /// A/D/F-series codes the hosts send; those terminals show `disp=unknown` for them.
    case codeTableGap = "code_table_gap"
    /// The `agentpay-switch` realm sends private codes (`Q1`, `X9`) that no catalogue has.
    case nonstandardCode = "nonstandard_code"
    /// In the 60 s after a terminal's `net state=weak|switch|down`, some responses arrive with
    /// field 39 garbled (`O0`, `0?`), and the terminal shows unknown.
    case networkGarbling = "network_garbling"
    /// 2G terminals in Ürümqi: some responses come after the terminal's 60 s timeout
    /// (`late_response`), some requests never reach the host (`request_lost`).
    case timeouts = "timeouts"
    /// Half of the old-firmware terminals upgrade on the middle day and boot with `CUP2015`.
    /// Their unknown rate falls only when `codeTableGap` is planted too; alone the upgrade
    /// changes nothing (a null case for docs/analysis.md §6).
    case firmwareUpgrade = "firmware_upgrade"

    /// In declaration order, so that sorted lists read the same everywhere.
    public static func < (lhs: PlantedCause, rhs: PlantedCause) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A flaw real log files have, which the generator can put into the data set.
///
/// Each one is recorded in the ground truth (which file, which line, how many) so that the
/// ingester's tests can check exact counts.
public enum SampleFault: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    /// Lines the ingester must reject: an unterminated quote, a missing `ts`, a `ts` of month 13,
    /// `amt=12.50`, a line that is not logfmt at all, a line without `tid`.
    case malformedLines = "malformed_lines"
    /// One terminal file with CRLF line ends.
    case crlfLineEnds = "crlf_line_ends"
    /// One terminal file written twice, under `resend/`, with identical bytes.
    case duplicateFile = "duplicate_file"
    /// One terminal file cut short in the middle of its gzip stream.
    case truncatedGzip = "truncated_gzip"
    /// A few terminals whose clock is off by a constant 30–300 s, in both directions.
    case clockSkew = "clock_skew"
    /// Field 41 padded with trailing spaces in one realm; `tid=" 20481234 "` on a few lines.
    case paddedTIDs = "padded_tids"
    /// One realm writes the older jPOS `at` form (`Fri Nov 20 08:16:00 CST 2026.210`), STANs
    /// without leading zeros, and XMLPackager comments inside `<isomsg>`.
    case legacyJposTimestamps = "legacy_jpos_timestamps"
    /// Keys no event defines (`batt=`, `op=`).
    case unknownKeys = "unknown_keys"
    /// Events the format does not define (`ev=heartbeat`, `ev=print`).
    case ignoredEvents = "ignored_events"
    /// Full, Luhn-valid card numbers: in a few terminal `pan` values, in field 2 of the legacy
    /// realm (and of some agentpay messages), and track 2 in field 35.
    case fullCardNumbers = "full_card_numbers"
    /// One `ev=error` line whose message is in GBK, not UTF-8 (invalid UTF-8 bytes).
    case invalidUTF8 = "invalid_utf8"
    /// A UTF-8 byte-order mark at the start of the inventory, as Excel writes it.
    case inventoryBOM = "inventory_bom"
    /// One acquirer `<log>` element cut off mid-message (a crash mid-write), then the next one.
    case malformedAcquirerElement = "malformed_acquirer_element"
    /// One acquirer file without its closing `</logger>` (rotation).
    case missingLoggerClose = "missing_logger_close"

    /// In declaration order, so that sorted lists read the same everywhere.
    public static func < (lhs: SampleFault, rhs: SampleFault) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What to generate: the world's size, its seed, which causes are planted and how strongly,
/// and which file faults appear.
///
/// Everything the generator writes is a function of this value alone.
public struct SampleConfiguration: Sendable, Hashable {
    /// The seed of every random choice.
    public var seed: UInt64
    /// The first day of logs (local date).
    public var startDate: CalendarDate
    /// How many days of logs, 1–366.
    public var days: Int
    /// Fleet size, 12–1,000,000 (at least two per region, so that every region has a file).
    public var terminals: Int
    /// Mean transactions a terminal makes a day (each terminal has its own activity around it),
    /// 0–200. Reversals after timeouts come on top.
    public var transactionsPerTerminalPerDay: Double
    /// The causes planted; empty for null data.
    public var plantedCauses: Set<PlantedCause>
    /// Multiplies every planted rate (1 is the default strength; rates are capped at 0.9).
    public var effectStrength: Double
    /// The file faults written.
    public var faults: Set<SampleFault>

    /// A configuration; the defaults are those of `SampleLogs/` except the size.
    public init(
        seed: UInt64 = 20_261_120,
        startDate: CalendarDate = CalendarDate(year: 2026, month: 11, day: 20),
        days: Int = 3,
        terminals: Int = 600,
        transactionsPerTerminalPerDay: Double = 15,
        plantedCauses: Set<PlantedCause> = Set(PlantedCause.allCases),
        effectStrength: Double = 1,
        faults: Set<SampleFault> = Set(SampleFault.allCases)
    ) {
        self.seed = seed
        self.startDate = startDate
        self.days = days
        self.terminals = terminals
        self.transactionsPerTerminalPerDay = transactionsPerTerminalPerDay
        self.plantedCauses = plantedCauses
        self.effectStrength = effectStrength
        self.faults = faults
    }

    /// What `SampleLogs/` holds: 3 days from 2026-11-20, 600 terminals, about 27,000
    /// transactions, every cause planted and every fault written.
    public static var sampleLogs: SampleConfiguration {
        SampleConfiguration()
    }

    /// Null data of the given size: no planted cause, so no attribute value should stand out.
    /// The faults are written as in any other data set unless `faults` says otherwise.
    public static func null(
        seed: UInt64, terminals: Int = 600, days: Int = 3,
        faults: Set<SampleFault> = Set(SampleFault.allCases)
    ) -> SampleConfiguration {
        SampleConfiguration(seed: seed, days: days, terminals: terminals, plantedCauses: [], faults: faults)
    }

    /// Throws `SampleDataError.invalidConfiguration` naming the first value out of range.
    public func validate() throws {
        guard startDate.isValid else { throw SampleDataError.invalidConfiguration("start date \(startDate) is not a calendar day") }
        guard (1...366).contains(days) else { throw SampleDataError.invalidConfiguration("days must be 1–366, not \(days)") }
        guard (12...1_000_000).contains(terminals) else {
            throw SampleDataError.invalidConfiguration("terminals must be 12–1000000, not \(terminals)")
        }
        guard transactionsPerTerminalPerDay >= 0, transactionsPerTerminalPerDay <= 200 else {
            throw SampleDataError.invalidConfiguration("transactions per terminal per day must be 0–200, not \(transactionsPerTerminalPerDay)")
        }
        guard effectStrength >= 0, effectStrength <= 20 else {
            throw SampleDataError.invalidConfiguration("effect strength must be 0–20, not \(effectStrength)")
        }
    }
}

/// Why generating failed: a bad configuration, or a file that could not be written.
public enum SampleDataError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// `mkdir` failed (errno).
    case cannotCreateDirectory(path: String, errno: Int32)
    /// `fopen` failed (errno).
    case cannotOpen(path: String, errno: Int32)
    /// `fwrite` or `fclose` failed (errno).
    case writeFailed(path: String, errno: Int32)
    /// zlib returned an error code.
    case compressionFailed(path: String, code: Int32)

    /// What went wrong and, where it helps, what to do.
    public var description: String {
        switch self {
        case .invalidConfiguration(let why): return "invalid sample configuration: \(why)"
        case .cannotCreateDirectory(let path, let errno): return "cannot create directory \(path) (errno \(errno))"
        case .cannotOpen(let path, let errno): return "cannot open \(path) for writing (errno \(errno))"
        case .writeFailed(let path, let errno): return "cannot write \(path) (errno \(errno)); is the disk full?"
        case .compressionFailed(let path, let code): return "zlib failed while compressing \(path) (code \(code))"
        }
    }
}
