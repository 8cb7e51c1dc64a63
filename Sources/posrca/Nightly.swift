import ArgumentParser
import POSJobs

extension POSRCA {
    /// `posrca nightly`: the ops job (docs/cli.md §2.6, §12). Every setting, the analysis's from
    /// the environment included, is checked before anything is read: a bad one is a usage error,
    /// not a failed step after the ingest.
    struct Nightly: JobCommand {
        @Option(help: .init(Settings.inbox)) var inbox: String?
        @OptionGroup var database: DatabaseOptions
        @Option(help: .init(Settings.reports)) var reports: String?
        @Option(help: .init(Settings.keepDays)) var keepDays: Int?
        @Option(help: .init(Settings.keepDataDays)) var keepDataDays: Int?
        @Option(help: .init(Settings.archive)) var archive: String?
        @Flag(help: .init(Settings.noArchive)) var noArchive = false
        @OptionGroup var ingest: IngestOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var queries: QueriesOptions
        @OptionGroup var language: LanguageOptions

        func job() throws -> NightlyJob {
            let analysis = AnalysisSelection()
            var job = NightlyJob(
                database: database.path, inbox: Settings.inbox.value(inbox) ?? Defaults.inbox,
                reports: Settings.reports.value(reports) ?? Defaults.reports, ingest: try ingest.settings(), output: try output.settings(),
                analysis: try analysis.options(), summary: try analysis.summary(language: language.language()), queries: queries.source
            )
            job.keepDays = try Settings.keepDays.resolve(keepDays)
            job.keepDataDays = try Settings.keepDataDays.resolve(keepDataDays)
            job.archive = Settings.archive.value(archive)
            job.noArchive = try Settings.noArchive.isOn(noArchive)
            if job.keepDataDays != nil && job.archive == nil && !job.noArchive {
                throw JobUsageError("--keep-data-days archives the days it removes: give --archive DIR (or --no-archive to remove them without one).")
            }
            return job
        }
    }
}
