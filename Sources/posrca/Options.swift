public import ArgumentParser
public import POSAnalysis
public import POSFormats
public import POSJobs
public import POSReports

// The option groups the commands share. Each option's help, variable, parser, bounds and default
// are one `Setting` of `POSJobs.Settings` (docs/cli.md §1): here they are only declared and
// resolved into the settings of a job.

/// The database option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(help: .init(Settings.db)) var db: String?
    @Flag(help: .init(Settings.groupReadable)) var groupReadable = false

    var path: String { Settings.db.value(db) ?? Defaults.database }
}

/// How a command reports as it works.
struct OutputOptions: ParsableArguments {
    @Flag(help: .init(Settings.quiet)) var quiet = false
    @Option(help: .init(Settings.logFormat)) var logFormat: LogFormat?

    func validate() throws { try check(settings) }

    func settings() throws -> OutputSettings {
        var settings = OutputSettings()
        settings.quiet = try Settings.quiet.isOn(quiet)
        settings.logFormat = try Settings.logFormat.resolve(logFormat) ?? settings.logFormat
        return settings
    }
}

/// The language of what people read: the printed summary, `summary.html`, finding sentences and
/// code meanings. Log lines, CSV column names and the values of the views stay as they are.
struct LanguageOptions: ParsableArguments {
    @Option(help: .init(Settings.lang)) var lang: String?

    func validate() throws { try check(language) }

    func language() throws -> Language { try Settings.lang.resolve(text: lang) ?? .english }
}

/// How files are read: `ingest` takes these as flags; `nightly` the time zones as flags and the
/// rest from the environment alone.
struct IngestOptions: ParsableArguments {
    @Option(help: .init(Settings.terminalTz)) var terminalTz: String?
    @Option(help: .init(Settings.acquirerTz)) var acquirerTz: String?
    @Option(help: .init(Settings.kind)) var kind: InputKind?
    @Option(help: .init(Settings.maxLineBytes)) var maxLineBytes: Int?
    @Option(help: .init(Settings.maxInflateRatio)) var maxInflateRatio: Double?
    @Flag(help: .init(Settings.verifyUnchanged)) var verifyUnchanged = false

    func validate() throws { try check(settings) }

    func settings() throws -> IngestSettings {
        var settings = IngestSettings()
        settings.terminalZone = try Settings.terminalTz.resolve(text: terminalTz)
        settings.acquirerZone = try Settings.acquirerTz.resolve(text: acquirerTz)
        settings.kind = try Settings.kind.resolve(kind)
        settings.maxLineBytes = try Settings.maxLineBytes.resolve(maxLineBytes) ?? settings.maxLineBytes
        settings.maxInflateRatio = try Settings.maxInflateRatio.resolve(maxInflateRatio) ?? settings.maxInflateRatio
        settings.verifyUnchanged = try Settings.verifyUnchanged.isOn(verifyUnchanged)
        return settings
    }
}

/// Waiting for another run that writes the same database.
struct LockOptions: ParsableArguments {
    @Flag(help: .init(Settings.noWait)) var noWait = false

    func validate() throws { try check(waits) }

    func waits() throws -> Bool { try !Settings.noWait.isOn(noWait) }
}

/// Where the canned queries come from.
struct QueriesOptions: ParsableArguments {
    @Option(help: .init(Settings.queries)) var queries: String?

    var source: QuerySource { QuerySource(folder: Settings.queries.value(queries)) }
}

/// How a result table is printed or saved: `--format`, `--output`, `--excel`.
struct ResultOutputOptions: ParsableArguments {
    @Option(help: .init(Settings.format)) var format: OutputFormat?
    @Option(help: .init(Settings.output)) var output: String?
    @Flag(help: .init(Settings.excel)) var excel = false

    func validate() throws { try check(settings) }

    func settings() throws -> ResultOutput {
        ResultOutput(format: try Settings.format.resolve(format), file: Settings.output.value(output), excel: try Settings.excel.isOn(excel))
    }
}

extension ArgumentHelp {
    /// A setting's help: what it does, its variable and its default.
    init<Value>(_ setting: Setting<Value>, _ summary: String? = nil, default defaultText: String? = nil) {
        self.init(setting.help(summary, default: defaultText))
    }
}

extension ParsableArguments {
    /// Resolves settings in `validate()`, before anything runs: a bad flag or variable is a usage error (exit 64).
    func check<T>(_ resolve: () throws -> T) throws {
        do {
            _ = try resolve()
        } catch let error as JobUsageError {
            throw ValidationError(error.message)
        }
    }
}

extension LogFormat: ExpressibleByArgument {}
extension InputKind: ExpressibleByArgument {}
extension ExplainTarget: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
