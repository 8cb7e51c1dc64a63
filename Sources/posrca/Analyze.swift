public import ArgumentParser
import Foundation
import POSAnalysis
import POSReports
import POSStore
import POSFormats

extension ExplainTarget: ExpressibleByArgument {}

extension POSRCA {
    /// `posrca analyze`: match, classify, explain, store findings, print the top ones.
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match both sides, classify every transaction and explain where the unknown codes come from.",
            discussion: """
                Runs every pass of the analysis (matching with clock correction, outcome and cause, rates per \
                attribute value, explain with confounder audit, network windows with a permutation test, \
                firmware difference-in-differences, code tables), stores the findings and prints the top ones. \
                Re-running is cheap and gives the same answer; acquirer logs that arrive later are matched then.
                """
        )

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var lock: LockOptions
        @OptionGroup var language: LanguageOptions
        @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions

        @Option(name: .long, help: "What to explain: unknown (default), timeout or failed (not approved). (env POSRCA_OUTCOME)")
        var outcome: ExplainTarget?

        @Option(name: .long, help: "Matching window in seconds around the terminal's time, after clock correction. (env POSRCA_MATCH_WINDOW)")
        var matchWindow: Int?

        @Option(name: .long, help: "How many findings to print. (env POSRCA_TOP)")
        var top: Int?

        @Option(name: .long, help: "Analyse the last N local days, ending at the latest day with data. (env POSRCA_DAYS; default 28)")
        var days: Int?

        @Option(name: .long, help: "Analyse from this local day (YYYY-MM-DD) instead of the last --days. (env POSRCA_SINCE)")
        var since: String?

        @Option(name: .long, help: "Analyse up to this local day (YYYY-MM-DD). (env POSRCA_UNTIL)")
        var until: String?

        @Flag(name: .long, help: "Analyse every day the database holds. (env POSRCA_ALL=1)")
        var all = false

        func validate() throws {
            if let matchWindow, matchWindow <= 0 { throw ValidationError("--match-window must be positive.") }
            if let days, days < 1 { throw ValidationError("--days must be at least 1.") }
            for (name, value) in [("--since", since), ("--until", until)] {
                if let value, LocalDay.number(value) == nil { throw ValidationError("\(name) \(value) is not a date YYYY-MM-DD.") }
            }
            if all && (days != nil || since != nil || until != nil) { throw ValidationError("--all takes no --days, --since or --until.") }
            if days != nil && (since != nil || until != nil) { throw ValidationError("Give --days or --since/--until, not both.") }
        }

        func run() throws {
            try requireDatabase(database.path)
            let runLock = try holdRunLock(database: database.path, shared: false, wait: lock.waits)
            defer { runLock.release() }
            let store = try failing { try database.openStore() }
            let options = try analysisOptions()
            let progress = ProgressLine(enabled: standardErrorIsTerminal)
            let result = try failing { try Analysis.run(database: store.database, options: options, progress: progress.show) }
            progress.clear()
            let top = top ?? environment("TOP").flatMap(Int.init) ?? 10
            print(AnalysisSummary.text(result, target: options.target, top: top, language: language.language))
        }

        func analysisOptions() throws -> AnalysisOptions {
            var options = AnalysisOptions()
            try thresholds.apply(to: &options)
            if let target = outcome ?? environment("OUTCOME").flatMap(ExplainTarget.init(rawValue:)) { options.target = target }
            if let window = matchWindow ?? environment("MATCH_WINDOW").flatMap(Int.init) { options.match.windowMilliseconds = Int64(window) * 1000 }
            let since = (self.since ?? environment("SINCE")).flatMap(LocalDay.number)
            let until = (self.until ?? environment("UNTIL")).flatMap(LocalDay.number)
            if all || environment("ALL").map({ $0 != "0" }) == true {
                options.window = .all
            } else if since != nil || until != nil {
                options.window = .range(since: since, until: until)
            } else if let days = days ?? environment("DAYS").flatMap(Int.init) {
                options.window = .lastDays(days)
            }
            return options
        }
    }
}
