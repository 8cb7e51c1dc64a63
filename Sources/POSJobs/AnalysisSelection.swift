public import POSAnalysis

/// What `analyze` was told on its command line about what to explain and over which days:
/// nil (or false) for what it was not told. `nightly` has none of these flags and reads them
/// all from the environment (docs/cli.md §2.2, §2.6).
public struct AnalysisSelection: Sendable {
    public var outcome: ExplainTarget?
    public var matchWindow: Int?
    public var top: Int?
    public var days: Int?
    public var since: String?
    public var until: String?
    public var all = false
    /// Thresholds given as flags, by name (`min-support` → `"50"`), checked by `Thresholds.all`.
    public var thresholds: [String: String] = [:]

    public init(
        outcome: ExplainTarget? = nil, matchWindow: Int? = nil, top: Int? = nil, days: Int? = nil, since: String? = nil, until: String? = nil,
        all: Bool = false, thresholds: [String: String] = [:]
    ) {
        (self.outcome, self.matchWindow, self.top, self.days) = (outcome, matchWindow, top, days)
        (self.since, self.until, self.all, self.thresholds) = (since, until, all, thresholds)
    }

    /// The analysis's options: each flag, else its variable, else the default. The window is one
    /// choice: every window variable is checked, and any window flag replaces them all.
    public func options(_ environment: Environment = .process) throws -> AnalysisOptions {
        if all && (days != nil || since != nil || until != nil) { throw JobUsageError("--all takes no --days, --since or --until.") }
        if days != nil && (since != nil || until != nil) { throw JobUsageError("Give --days or --since/--until, not both.") }
        var options = AnalysisOptions()
        for threshold in Thresholds.all {
            let flag = thresholds[threshold.name]
            guard let text = flag ?? environment[threshold.environmentName] else { continue }
            guard threshold.set(text, in: &options) else {
                throw JobUsageError("\(flag != nil ? "--\(threshold.name)" : threshold.environmentName) \(text) is not \(threshold.accepts).")
            }
        }
        options.target = try Settings.outcome.resolve(outcome, environment) ?? options.target
        if let window = try Settings.matchWindow.resolve(matchWindow, environment) { options.match.windowMilliseconds = Int64(window) * 1000 }
        let variables = (
            all: try Settings.all.isOn(false, environment), days: try Settings.days.fromEnvironment(environment),
            since: try Settings.since.fromEnvironment(environment), until: try Settings.until.fromEnvironment(environment)
        )
        let flags = all || days != nil || since != nil || until != nil
        let since = flags ? try self.since.flatMap { try Settings.since.resolve(text: $0, environment) } : variables.since
        let until = flags ? try self.until.flatMap { try Settings.until.resolve(text: $0, environment) } : variables.until
        let days = flags ? try self.days.flatMap { try Settings.days.resolve($0, environment) } : variables.days
        if flags ? all : variables.all {
            options.window = .all
        } else if since != nil || until != nil {
            options.window = .range(since: since, until: until)
        } else if let days {
            options.window = .lastDays(days)
        }
        return options
    }

    /// What the summary shows: how many findings, in `language`.
    public func summary(language: Language, _ environment: Environment = .process) throws -> SummarySettings {
        SummarySettings(language: language, top: try Settings.top.resolve(top, environment))
    }
}
