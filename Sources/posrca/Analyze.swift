import ArgumentParser
import POSAnalysis
import POSJobs

extension POSRCA {
    /// `posrca analyze`: match, classify, explain, store findings, print the top ones (docs/cli.md §2.2).
    struct Analyze: JobCommand {
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var lock: LockOptions
        @OptionGroup var language: LanguageOptions
        @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions
        @Option(help: .init(Settings.outcome)) var outcome: ExplainTarget?
        @Option(help: .init(Settings.matchWindow)) var matchWindow: Int?
        @Option(help: .init(Settings.top)) var top: Int?
        @Option(help: .init(Settings.days)) var days: Int?
        @Option(help: .init(Settings.since)) var since: String?
        @Option(help: .init(Settings.until)) var until: String?
        @Flag(help: .init(Settings.all)) var all = false

        func job() throws -> AnalyzeJob {
            let selection = AnalysisSelection(
                outcome: outcome, matchWindow: matchWindow, top: top, days: days, since: since, until: until, all: all, thresholds: thresholds.given)
            let summary = try selection.summary(language: language.language())
            return AnalyzeJob(database: database.path, options: try selection.options(), summary: summary, wait: try lock.waits())
        }
    }
}
