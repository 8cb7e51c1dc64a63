public import POSAnalysis
import POSReports
import POSStore

/// What the printed analysis summary shows (docs/cli.md §2.2).
public struct SummarySettings: Sendable {
    /// The language of the summary and of `summary.html` (`--lang`).
    public var language: Language
    /// How many findings to print (`--top`).
    public var top: Int

    /// English and 10 findings unless given.
    public init(language: Language = .english, top: Int? = nil) {
        self.language = language
        self.top = top ?? 10
    }
}

/// `posrca analyze`: lock, match, classify, run every pass, store the findings and print the top
/// ones (docs/cli.md §2.2).
public struct AnalyzeJob: Job {
    public static let abstract = "Match both sides, classify every transaction and explain where the unknown codes come from."
    public static let discussion = """
        Runs every pass of the analysis (matching with clock correction, outcome and cause, rates per \
        attribute value, explain with confounder audit, network windows with a permutation test, \
        firmware difference-in-differences, code tables), stores the findings and prints the top ones. \
        Re-running is cheap and gives the same answer; acquirer logs that arrive later are matched then.
        """

    public var database: String
    public var options: AnalysisOptions
    public var summary: SummarySettings
    /// Wait for another run that writes the database (false: `--no-wait`).
    public var wait: Bool

    public init(database: String, options: AnalysisOptions, summary: SummarySettings, wait: Bool) {
        self.database = database
        self.options = options
        self.summary = summary
        self.wait = wait
    }

    public func run() throws -> ExitStatus {
        try DatabaseAccess.requireDatabase(database)
        let runLock = try DatabaseAccess.holdRunLock(database: database, shared: false, wait: wait)
        defer { runLock.release() }
        let store = try failing { try DatabaseAccess.openStore(database) }
        let progress = ProgressLine(enabled: Console.standardErrorIsTerminal)
        let result = try failing { try Analysis.run(database: store.database, options: options, progress: progress.show) }
        progress.clear()
        print(AnalysisSummary.text(result, target: options.target, top: summary.top, language: summary.language))
        return .success
    }
}
