public import ArgumentParser
import Foundation
import POSAnalysis
import POSFormats
import POSReports
import POSStore

/// Reads `POSRCA_<NAME>` for an option the command line left out.
func environment(_ name: String) -> String? {
    let value = ProcessInfo.processInfo.environment["POSRCA_" + name]
    return value?.isEmpty == false ? value : nil
}

/// The database option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file. Created when missing. (env POSRCA_DB; default posrca.sqlite)")
    var db: String?

    @Flag(name: .long, help: "Let the owner's group read what posrca creates (0640 files, 0750 folders) instead of the owner alone. (env POSRCA_GROUP_READABLE=1)")
    var groupReadable = false

    var path: String { db ?? environment("DB") ?? "posrca.sqlite" }

    /// Opens the database for writing, with its schema.
    func openStore() throws -> IngestStore {
        try IngestStore(database: Database(path: path))
    }
}

/// How a command reports as it works.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print no progress bar. (env POSRCA_QUIET=1)")
    var quiet = false

    @Option(name: .long, help: "Format of the run's log lines: text or json. (env POSRCA_LOG_FORMAT)")
    var logFormat: LogFormat?

    var isQuiet: Bool { quiet || environment("QUIET").map { $0 != "0" } == true }
    var resolvedLogFormat: LogFormat { logFormat ?? environment("LOG_FORMAT").flatMap(LogFormat.init(rawValue:)) ?? .text }
}

/// The language of what people read: the printed summary, `summary.html`, finding sentences and
/// code meanings. Log lines, CSV column names and the values of the views stay as they are.
struct LanguageOptions: ParsableArguments {
    @Option(name: .long, help: "Language of the printed summary and summary.html: en (default) or zh-CN. CSV files and the views are the same in every language. (env POSRCA_LANG)")
    var lang: String?

    func validate() throws {
        if let lang, Language(name: lang) == nil {
            throw ValidationError("--lang \(lang) is not a language posrca writes; use en or zh-CN.")
        }
        if lang == nil, let text = environment("LANG"), Language(name: text) == nil {
            throw ValidationError("POSRCA_LANG \(text) is not a language posrca writes; use en or zh-CN.")
        }
    }

    /// `--lang`, else `POSRCA_LANG`, else English (`validate()` has refused any other value).
    var language: Language {
        (lang ?? environment("LANG")).flatMap(Language.init(name:)) ?? .english
    }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Time-zone options for log times written without an offset.
struct TimeZoneOptions: ParsableArguments {
    @Option(name: .long, help: "Zone of terminal times written without an offset: a UTC offset such as +08:00, or a tz database zone such as Asia/Shanghai (daylight saving time followed). (env POSRCA_TERMINAL_TZ; default +08:00)")
    var terminalTz: String?

    @Option(name: .long, help: "Zone of acquirer times without one or with an ambiguous zone such as CST, when the log states no JVM zone: a UTC offset such as +08:00, or a tz database zone such as America/Sao_Paulo (daylight saving time followed). (env POSRCA_ACQUIRER_TZ; default +08:00)")
    var acquirerTz: String?

    /// The option or variable that sets each zone, and its value.
    private var sources: [(name: String, value: String?)] {
        [
            (terminalTz != nil ? "--terminal-tz" : "POSRCA_TERMINAL_TZ", terminalTz ?? environment("TERMINAL_TZ")),
            (acquirerTz != nil ? "--acquirer-tz" : "POSRCA_ACQUIRER_TZ", acquirerTz ?? environment("ACQUIRER_TZ")),
        ]
    }

    func validate() throws {
        for (name, value) in sources {
            if let value, JVMTimeZone(option: value) == nil {
                throw ValidationError(
                    "\(name) \(value) is neither a UTC offset such as +08:00 or -0300 nor a tz database zone such as Asia/Shanghai.")
            }
        }
    }

    /// The zone of terminal times without an offset (`validate()` has refused a bad value).
    var terminalZone: JVMTimeZone { zone(sources[0].value) }
    /// The zone of acquirer times without a usable one.
    var acquirerZone: JVMTimeZone { zone(sources[1].value) }

    private func zone(_ text: String?) -> JVMTimeZone {
        text.flatMap { JVMTimeZone(option: $0) } ?? JVMTimeZone(offsetMinutes: 480)
    }
}

extension InputKind: ExpressibleByArgument {}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// True when standard error is a terminal (progress bars only then).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

/// Waiting for another run that writes the same database.
struct LockOptions: ParsableArguments {
    @Flag(name: .long, help: "Exit 75 at once when another posrca run is writing the database, instead of waiting for it. (env POSRCA_NO_WAIT=1)")
    var noWait = false

    var waits: Bool { !(noWait || environment("NO_WAIT").map { $0 != "0" } == true) }
}

/// Takes the database's run lock (`DB.lock`): exclusively to write, shared to read a settled
/// database. While another run holds it, waits with a line on standard error every 10 s, or
/// exits 75 when `wait` is false.
func holdRunLock(database path: String, shared: Bool, wait: Bool) throws -> RunLock {
    let lockPath = path + ".lock"
    let acquisition = try failing {
        try RunLock.acquire(path: lockPath, shared: shared, wait: wait) { holder in
            printError("posrca: waiting for the posrca run\(holder.map { " (PID \($0))" } ?? "") that is writing \(path) to finish…")
        }
    }
    switch acquisition {
    case .acquired(let lock):
        return lock
    case .held(let holder):
        printError("posrca: another posrca run\(holder.map { " (PID \($0))" } ?? "") is writing \(path); try again later")
        throw ExitCode(75)
    }
}
