/// The thresholds of docs/analysis.md §4 (listed in §9); every one is an option of `posrca analyze`.
///
/// The defaults are the spec's. Shares are fractions (0.01 = 1%). A threshold that is the larger
/// of a count and a share (`minSupport`/`minSupportShare`, `causeMinimum`/`causeMinimumShare`)
/// keeps small data sets from testing combinations of a handful of rows.
public struct ExplainOptions: Sendable, Hashable {
    /// Step 1: a combination needs at least this many outcome rows…
    public var minSupport: Int
    /// …and at least this share of the run's outcome rows.
    public var minSupportShare: Double
    /// Step 2: the largest Benjamini–Hochberg q-value of a candidate.
    public var maxQValue: Double
    /// Step 2: the smallest lower 95% bound of a candidate's risk ratio; also the bound below
    /// which the stratified ratio of step 4 marks a finding confounded.
    public var minRiskRatioLow: Double
    /// Step 3: a child replaces its parent when its excess is at least this share of the parent's.
    public var childKeep: Double
    /// Step 3: stop when the best excess is below this share of the run's outcome rows.
    public var stopShare: Double
    /// Step 3: at most this many findings per run.
    public var maxFindings: Int
    /// Step 1: combinations of 1 to this many attribute values.
    public var maxAttributes: Int
    /// A cause gets a run of its own with at least this many outcome rows…
    public var causeMinimum: Int
    /// …and at least this share of all outcome rows.
    public var causeMinimumShare: Double

    /// The spec's thresholds unless given.
    public init(
        minSupport: Int = 20, minSupportShare: Double = 0.01, maxQValue: Double = 0.05, minRiskRatioLow: Double = 1.5,
        childKeep: Double = 0.85, stopShare: Double = 0.02, maxFindings: Int = 10, maxAttributes: Int = 3,
        causeMinimum: Int = 20, causeMinimumShare: Double = 0.02
    ) {
        self.minSupport = minSupport
        self.minSupportShare = minSupportShare
        self.maxQValue = maxQValue
        self.minRiskRatioLow = minRiskRatioLow
        self.childKeep = childKeep
        self.stopShare = stopShare
        self.maxFindings = maxFindings
        self.maxAttributes = maxAttributes
        self.causeMinimum = causeMinimum
        self.causeMinimumShare = causeMinimumShare
    }
}

/// Which transactions are "the outcome" of an analysis run (`posrca analyze --outcome`).
public enum ExplainTarget: String, Sendable, CaseIterable {
    /// The terminal showed a code it did not know (the default).
    case unknown
    /// No response reached the terminal.
    case timeout
    /// Anything but approved: declined, unknown, timeout and local errors.
    case failed

    /// True when a transaction with outcome `outcome` counts as the target.
    public func matches(_ outcome: Outcome) -> Bool {
        switch self {
        case .unknown: outcome == .unknown
        case .timeout: outcome == .timeout
        case .failed: outcome != .approved
        }
    }

    /// How the evidence sentence names one target transaction, e.g. "an unknown code".
    var phrase: String {
        switch self {
        case .unknown: "an unknown code"
        case .timeout: "a timeout"
        case .failed: "a failure"
        }
    }

    /// How the evidence sentence names the target transactions together, e.g. "unknown codes".
    var pluralPhrase: String {
        switch self {
        case .unknown: "unknown codes"
        case .timeout: "timeouts"
        case .failed: "failures"
        }
    }
}

/// The thresholds of the firmware pass (docs/analysis.md §6); every one is an option of `posrca analyze`.
public struct FirmwareOptions: Sendable, Hashable {
    /// Days before and after an upgrade compared.
    public var windowDays: Int
    /// The least change a finding needs, either way: DiD ≥ minFold or ≤ 1/minFold.
    public var minFold: Double
    /// The least target outcomes of the upgraded terminals, before and after together.
    public var minOutcomes: Int
    /// The largest Benjamini–Hochberg q-value, over every pair of every run.
    public var maxQValue: Double
    /// At most this many firmware-change findings.
    public var maxFindings: Int

    public init(windowDays: Int = 14, minFold: Double = 1.5, minOutcomes: Int = 20, maxQValue: Double = 0.05, maxFindings: Int = 5) {
        self.windowDays = windowDays
        self.minFold = minFold
        self.minOutcomes = minOutcomes
        self.maxQValue = maxQValue
        self.maxFindings = maxFindings
    }
}
