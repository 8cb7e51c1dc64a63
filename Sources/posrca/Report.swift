import ArgumentParser
import POSJobs

extension POSRCA {
    /// `posrca report`: every report file into one folder (docs/cli.md §2.5).
    struct Report: JobCommand {
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var queries: QueriesOptions
        @OptionGroup var lock: LockOptions
        @OptionGroup var language: LanguageOptions
        @Option(help: .init(Settings.out, default: Defaults.reports)) var out: String?

        func job() throws -> ReportJob {
            ReportJob(
                database: database.path, folder: Settings.out.value(out) ?? Defaults.reports, queries: queries.source,
                language: try language.language(), wait: try lock.waits())
        }
    }
}
