import Glibc

/// Outcomes among a number of transactions: one rate before it is divided.
public struct OutcomeCount: Sendable, Hashable {
    /// Transactions with the outcome.
    public let outcomes: Int
    /// All transactions counted.
    public let total: Int

    /// A count; requires 0 ≤ outcomes ≤ total.
    public init(outcomes: Int, total: Int) {
        precondition(outcomes >= 0 && outcomes <= total, "need 0 ≤ outcomes ≤ total")
        self.outcomes = outcomes
        self.total = total
    }
}

/// The difference-in-differences ratio of a firmware upgrade (docs/analysis.md §6).
///
/// The upgraded terminals' unknown rate after the upgrade over before it, divided by the same
/// ratio for terminals not yet upgraded over the same dates:
/// DiD = (a1/n1 ÷ a0/n0) / (c1/m1 ÷ c0/m0). Above 1, the upgrade raised the rate; below 1,
/// it lowered it (evidence that the old version caused it).
/// The interval is on the log scale with var = Σ (1/outcomes − 1/total) over the four rates.
/// When any of the eight cells (outcomes, or total − outcomes, of a rate) is zero, 0.5 is
/// added to every cell first, and the ratio is taken from the corrected cells.
public struct DifferenceInDifferences: Sendable, Hashable {
    /// The ratio of ratios and its 95% interval.
    public let estimate: RatioEstimate
    /// Two-sided p-value for ln DiD = 0 from the normal approximation; underflows to 0 far out.
    public let pValue: Double

    /// Compares the upgraded terminals' change with the not-yet-upgraded terminals' change.
    ///
    /// Returns nil when any of the four groups has no transactions: a rate is then undefined.
    public init?(
        upgradedAfter: OutcomeCount, upgradedBefore: OutcomeCount,
        notUpgradedAfter: OutcomeCount, notUpgradedBefore: OutcomeCount
    ) {
        guard upgradedAfter.total > 0, upgradedBefore.total > 0, notUpgradedAfter.total > 0,
            notUpgradedBefore.total > 0
        else { return nil }
        func hasZeroCell(_ count: OutcomeCount) -> Bool { count.outcomes == 0 || count.outcomes == count.total }
        let corrected =
            hasZeroCell(upgradedAfter) || hasZeroCell(upgradedBefore) || hasZeroCell(notUpgradedAfter)
            || hasZeroCell(notUpgradedBefore)
        let shift = corrected ? 0.5 : 0
        var variance = 0.0
        func rate(_ count: OutcomeCount) -> Double {
            let outcomes = Double(count.outcomes) + shift
            let others = Double(count.total - count.outcomes) + shift
            // 1/outcomes − 1/total, without cancelling two near-equal terms.
            variance += others / (outcomes * (outcomes + others))
            return outcomes / (outcomes + others)
        }
        let ratio = (rate(upgradedAfter) / rate(upgradedBefore)) / (rate(notUpgradedAfter) / rate(notUpgradedBefore))
        // Every cell is at least 0.5 here, so the variance is positive.
        let standardError = variance.squareRoot()
        estimate = RatioEstimate(ratio: ratio, standardErrorOfLog: standardError, zeroCellCorrected: corrected)
        pValue = erfc(abs(log(ratio) / standardError) * 0.70710678118654752440)
    }
}
