/// The Mantel–Haenszel risk ratio of S over strata of another attribute, with the
/// Greenland–Robins (1985) variance: the confounder audit of docs/analysis.md §4.
///
/// Each stratum is a `TwoByTwoTable` of S within one value of the stratifying attribute X.
/// RR_MH = Σ(a·n0/N) / Σ(c·n1/N), and
/// var ln RR_MH = Σ(m1·n1·n0/N² − a·c/N) / (Σ(a·n0/N) · Σ(c·n1/N)), m1 = a + c, N = n1 + n0
/// (Greenland & Robins, Biometrics 41:55–68, 1985). With one stratum it equals the Katz ratio.
///
/// A stratum in which S does not vary (n1 = 0 or n0 = 0) says nothing about S and is skipped;
/// `contributingStrata` counts the others. When one of the two sums is zero (no outcome in S,
/// or none outside it, in every contributing stratum) the ratio would be 0 or ∞ with no
/// interval: then 0.5 is added to every cell of every contributing stratum, the stratified
/// form of the Katz rule, and `estimate.zeroCellCorrected` is set.
public struct MantelHaenszelRiskRatio: Sendable, Hashable {
    /// The pooled ratio and its 95% interval.
    public let estimate: RatioEstimate
    /// How many strata had transactions both in S and outside it.
    public let contributingStrata: Int

    /// Pools `strata` in one pass without allocating.
    ///
    /// Returns nil when no stratum contributes: X takes a single value on S and another off it,
    /// so X is aliased with S (the same transactions), not a confounder of it.
    public init?<Strata: Sequence<TwoByTwoTable>>(strata: Strata) {
        var plain = Sums()
        var corrected = Sums()
        var contributing = 0
        for stratum in strata where stratum.sizeInside > 0 && stratum.sizeOutside > 0 {
            contributing += 1
            plain.add(
                a: Double(stratum.outcomesInside), n1: Double(stratum.sizeInside),
                c: Double(stratum.outcomesOutside), n0: Double(stratum.sizeOutside))
            corrected.add(
                a: Double(stratum.outcomesInside) + 0.5, n1: Double(stratum.sizeInside) + 1,
                c: Double(stratum.outcomesOutside) + 0.5, n0: Double(stratum.sizeOutside) + 1)
        }
        guard contributing > 0 else { return nil }
        let needsCorrection = plain.numerator == 0 || plain.denominator == 0
        let sums = needsCorrection ? corrected : plain
        let variance = sums.variance / (sums.numerator * sums.denominator)
        estimate = RatioEstimate(
            ratio: sums.numerator / sums.denominator, standardErrorOfLog: max(0, variance).squareRoot(),
            zeroCellCorrected: needsCorrection)
        contributingStrata = contributing
    }

    /// The three running sums of the estimator, kept both plain and with 0.5 added to every
    /// cell so that one pass over the strata serves either case.
    private struct Sums {
        var numerator = 0.0
        var denominator = 0.0
        var variance = 0.0

        mutating func add(a: Double, n1: Double, c: Double, n0: Double) {
            let total = n1 + n0
            numerator += a * n0 / total
            denominator += c * n1 / total
            variance += (a + c) * n1 * n0 / (total * total) - a * c / total
        }
    }
}
