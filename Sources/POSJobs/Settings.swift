import Foundation
public import POSAnalysis
public import POSFormats
import POSIngest
public import POSReports
import POSStore

/// The environment the `POSRCA_*` variables are read from: the process's, or a test's.
public struct Environment: Sendable {
    public var variables: [String: String]

    public init(_ variables: [String: String]) {
        self.variables = variables
    }

    /// This process's environment.
    public static var process: Environment { Environment(ProcessInfo.processInfo.environment) }

    /// `variable` as set; nil when unset or empty (an empty variable counts as unset, docs/cli.md §1).
    public subscript(variable: String) -> String? {
        let value = variables[variable]
        return value?.isEmpty == false ? value : nil
    }
}

/// How one option is read, in one place (docs/cli.md §1): the flag, else `POSRCA_<NAME>`, else
/// the default. The variable is read with the flag's parser and held to the flag's bounds; a bad
/// value from either is a usage error (`JobUsageError`, exit 64) naming the flag or the variable.
/// Its help text is here too, so that `--help`, the variable and the check cannot disagree.
public struct Setting<Value: Sendable>: Sendable {
    /// The option's long name, e.g. `max-line-bytes`.
    public let name: String
    /// What it does, for `--help`.
    public let summary: String
    /// The values it accepts, for error messages, e.g. "a whole number of at least 1024".
    public let accepts: String
    /// What an error message says after the flag or variable and a bad value: `is not` and
    /// `accepts`, unless the setting words it its own way.
    let refusal: String
    /// The default as `--help` names it, e.g. `200` or `keep all`; nil when it names none.
    public let defaultText: String?
    /// Reads a value, exactly as swift-argument-parser reads the flag's (`Int(text)`, a raw value, …).
    let parse: @Sendable (String) -> Value?
    /// The bound a value must hold, e.g. "at least 1024", and its check.
    let bound: (rule: String, holds: @Sendable (Value) -> Bool)?

    public init(
        _ name: String, _ summary: String, accepts: String, refusal: String? = nil, default defaultText: String? = nil,
        bound: (rule: String, holds: @Sendable (Value) -> Bool)? = nil, parse: @escaping @Sendable (String) -> Value?
    ) {
        self.name = name
        self.summary = summary
        self.accepts = accepts
        self.refusal = refusal ?? "is not \(accepts)"
        self.defaultText = defaultText
        self.bound = bound
        self.parse = parse
    }

    /// `POSRCA_MAX_LINE_BYTES` for `max-line-bytes`.
    public var variable: String { "POSRCA_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 }) }

    /// `--help` text: what it does, the variable and the default; `summary` and `default` replace
    /// this setting's where a command says it its own way.
    public func help(_ summary: String? = nil, default defaultText: String? = nil) -> String {
        let variable = Value.self == Bool.self ? variable + "=1" : variable
        let shownDefault = defaultText ?? self.defaultText
        return "\(summary ?? self.summary) (env \(variable)\(shownDefault.map { "; default \($0)" } ?? ""))"
    }

    /// A flag already read by swift-argument-parser (only its bound is left to check), else the
    /// variable; nil when neither is given.
    public func resolve(_ flag: Value?, _ environment: Environment = .process) throws -> Value? {
        guard let flag else { return try fromEnvironment(environment) }
        if let bound, !bound.holds(flag) { throw JobUsageError("--\(name) must be \(bound.rule).") }
        return flag
    }

    /// A flag given as text, read as the variable is, else the variable; nil when neither is given.
    public func resolve(text flag: String?, _ environment: Environment = .process) throws -> Value? {
        guard let flag else { return try fromEnvironment(environment) }
        guard let value = check(flag) else { throw JobUsageError("--\(name) \(flag) \(refusal).") }
        return value
    }

    /// The variable's value; nil when it is unset or empty.
    public func fromEnvironment(_ environment: Environment = .process) throws -> Value? {
        guard let text = environment[variable] else { return nil }
        guard let value = check(text) else { throw JobUsageError("\(variable) \(text) \(refusal).") }
        return value
    }

    private func check(_ text: String) -> Value? {
        guard let value = parse(text), bound?.holds(value) ?? true else { return nil }
        return value
    }
}

extension Setting where Value == Bool {
    /// An on/off flag. Its variable is on with `1`, `true` or `yes` and off with `0`, `false` or
    /// `no`, in any case; anything else is a usage error.
    public static func flag(_ name: String, _ summary: String) -> Setting {
        Setting(name, summary, accepts: "1, true or yes (on), or 0, false or no (off)") { text in
            switch text.lowercased() {
            case "1", "true", "yes": return true
            case "0", "false", "no": return false
            default: return nil
            }
        }
    }

    /// On when the flag is given, else as the variable says, else off.
    public func isOn(_ flag: Bool, _ environment: Environment = .process) throws -> Bool {
        try flag || fromEnvironment(environment) ?? false
    }
}

extension Setting where Value == String {
    /// A path or a name: any text is one.
    public static func text(_ name: String, _ summary: String, default defaultText: String? = nil) -> Setting {
        Setting(name, summary, accepts: "a path", default: defaultText) { $0 }
    }

    /// The flag, else the variable (which cannot be bad); nil when neither is given.
    public func value(_ flag: String?, _ environment: Environment = .process) -> String? { flag ?? environment[variable] }
}

extension Setting where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of an enumeration's raw values.
    public static func choice(_ name: String, _ summary: String, default defaultText: String? = nil) -> Setting {
        Setting(name, summary, accepts: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "), default: defaultText) {
            Value(rawValue: $0)
        }
    }
}

extension Setting where Value == Int {
    /// A whole number of at least `minimum`.
    public static func number(_ name: String, _ summary: String, atLeast minimum: Int, default defaultText: String? = nil) -> Setting {
        Setting(
            name, summary, accepts: "a whole number of at least \(minimum)", default: defaultText, bound: ("at least \(minimum)", { $0 >= minimum })
        ) {
            Int($0)
        }
    }
}

extension Setting where Value == Int64 {
    /// A local day `YYYY-MM-DD`, as a `LocalDay` number.
    public static func day(_ name: String, _ summary: String) -> Setting {
        Setting(name, summary, accepts: "a date YYYY-MM-DD", parse: LocalDay.number)
    }
}

/// Every option that has a variable, with its help, parser, bounds and default (docs/cli.md §2);
/// the analysis thresholds are in `Thresholds.all`. The defaults themselves are the libraries'
/// (`Defaults`, `ParseOptions`, `AnalysisOptions`, `SummarySettings`).
public enum Settings {
    public static let db = Setting.text("db", "The SQLite database file. Created when missing.", default: Defaults.database)
    public static let groupReadable = Setting.flag(
        "group-readable", "Let the owner's group read what posrca creates (0640 files, 0750 folders) instead of the owner alone.")
    public static let quiet = Setting.flag("quiet", "Print no progress bar.")
    public static let logFormat = Setting<LogFormat>.choice("log-format", "Format of the run's log lines: text or json.")
    public static let lang = Setting<Language>(
        "lang", "Language of the printed summary and summary.html: en (default) or zh-CN. CSV files and the views are the same in every language.",
        accepts: "a language posrca writes; use en or zh-CN", parse: Language.init(name:))
    public static let noWait = Setting.flag("no-wait", "Exit 75 at once when another posrca run is writing the database, instead of waiting for it.")

    // Ingest (docs/cli.md §2.1).
    public static let inbox = Setting.text("inbox", "The folder (or file) to ingest from.", default: Defaults.inbox)
    public static let terminalTz = Setting<TimeZoneSetting>(
        "terminal-tz",
        "Zone of terminal times written without an offset: a UTC offset such as +08:00, or a tz database zone such as Asia/Shanghai (daylight saving time followed).",
        accepts: "a UTC offset or a tz database zone", refusal: TimeZoneSetting.refusal, default: "+08:00", parse: TimeZoneSetting.init)
    public static let acquirerTz = Setting<TimeZoneSetting>(
        "acquirer-tz",
        "Zone of acquirer times without one or with an ambiguous zone such as CST, when the log states no JVM zone: a UTC offset such as +08:00, or a tz database zone such as America/Sao_Paulo (daylight saving time followed).",
        accepts: "a UTC offset or a tz database zone", refusal: TimeZoneSetting.refusal, default: "+08:00", parse: TimeZoneSetting.init)
    public static let kind = Setting<InputKind>.choice(
        "kind", "Read every file as this kind instead of recognising it: terminal_log, acquirer_log, inventory or catalogue.")
    public static let maxLineBytes = Setting.number(
        "max-line-bytes", "Longest line kept, in bytes (at least 1024); longer lines are rejected with their length.", atLeast: 1024,
        default: String(ParseOptions().maxLineBytes))
    public static let maxInflateRatio = Setting<Double>(
        "max-inflate-ratio",
        "Fail a gzip file that decompresses to more than this many times its size (at least 2), a likely gzip bomb; checked past 64 MiB.",
        accepts: "a number of at least 2", default: ParseOptions().maxInflateRatio.map { String(Int($0)) }, bound: ("at least 2", { $0 >= 2 })
    ) { Double($0) }
    public static let verifyUnchanged = Setting.flag(
        "verify-unchanged",
        "Hash files whose path, size and modification time match the ledger before skipping them as unchanged (slower; by default they are skipped unread)."
    )

    // Analyze (docs/cli.md §2.2).
    public static let outcome = Setting<ExplainTarget>.choice("outcome", "What to explain: unknown (default), timeout or failed (not approved).")
    public static let matchWindow = Setting<Int>(
        "match-window", "Matching window in seconds around the terminal's time, after clock correction.",
        accepts: "a positive whole number of seconds", bound: ("positive", { $0 > 0 })
    ) { Int($0) }
    public static let top = Setting.number("top", "How many findings to print.", atLeast: 0, default: String(SummarySettings().top))
    public static let days = Setting.number(
        "days", "Analyse the last N local days, ending at the latest day with data.", atLeast: 1,
        default: { if case .lastDays(let days) = AnalysisOptions().window { String(days) } else { nil } }())
    public static let since = Setting.day("since", "Analyse from this local day (YYYY-MM-DD) instead of the last --days.")
    public static let until = Setting.day("until", "Analyse up to this local day (YYYY-MM-DD).")
    public static let all = Setting.flag("all", "Analyse every day the database holds.")

    // Nightly, prune, export, report (docs/cli.md §2.5–§2.8).
    public static let reports = Setting.text("reports", "The folder of dated report folders.", default: Defaults.reports)
    public static let keepDays = Setting.number(
        "keep-days", "Keep this many days of report folders (today's included) and delete older ones.", atLeast: 1, default: "keep all")
    public static let keepDataDays = Setting.number(
        "keep-data-days",
        "Keep this many local days of raw rows (ending at the latest day with data); older days are archived to --archive and removed. Daily aggregates and findings stay.",
        atLeast: 1, default: "keep all")
    public static let archive = Setting.text(
        "archive", "The folder of the Hive-layout archive that pruned days are written to first (TABLE/day=YYYY-MM-DD/part-0.csv.gz).")
    public static let noArchive = Setting.flag("no-archive", "With --keep-data-days: remove old days without archiving them.")
    public static let before = Setting.day("before", "Remove the days before this local day, YYYY-MM-DD.")
    public static let out = Setting.text("out", "The folder to write into; created when missing.")

    // Query, sql, codes (docs/cli.md §2.3, §2.4, §2.9).
    public static let queries = Setting.text("queries", "The folder of canned queries.", default: "Queries, else the built-in copies")
    public static let format = Setting<OutputFormat>.choice(
        "format", "Output format: table, csv, json or jsonl.", default: "table, or from the --output file's extension")
    public static let output = Setting.text("output", "Write to this file instead of standard output, atomically (a temporary name, then rename).")
    public static let excel = Setting.flag("excel", "Start CSV with a UTF-8 byte order mark so that Excel shows Chinese text.")
}
