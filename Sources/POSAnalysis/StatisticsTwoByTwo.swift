import Glibc

/// The counts of one 2×2 table: the outcome inside a set S of transactions and outside it.
///
/// S is an attribute value or a combination of them (docs/analysis.md §3–§4), the outcome is an
/// unknown return code (or one cause of it). In the usual letters: a = `outcomesInside`,
/// n1 = `sizeInside`, c = `outcomesOutside`, n0 = `sizeOutside`, b = n1 − a, d = n0 − c.
public struct TwoByTwoTable: Sendable, Hashable {
    /// a: transactions in S with the outcome.
    public let outcomesInside: Int
    /// n1: transactions in S.
    public let sizeInside: Int
    /// c: transactions outside S with the outcome.
    public let outcomesOutside: Int
    /// n0: transactions outside S.
    public let sizeOutside: Int

    /// A table from the two groups' counts.
    ///
    /// Requires 0 ≤ outcomesInside ≤ sizeInside and 0 ≤ outcomesOutside ≤ sizeOutside.
    public init(outcomesInside: Int, sizeInside: Int, outcomesOutside: Int, sizeOutside: Int) {
        precondition(outcomesInside >= 0 && outcomesInside <= sizeInside, "need 0 ≤ a ≤ n1")
        precondition(outcomesOutside >= 0 && outcomesOutside <= sizeOutside, "need 0 ≤ c ≤ n0")
        self.outcomesInside = outcomesInside
        self.sizeInside = sizeInside
        self.outcomesOutside = outcomesOutside
        self.sizeOutside = sizeOutside
    }

    /// b = n1 − a: transactions in S without the outcome.
    public var othersInside: Int { sizeInside - outcomesInside }
    /// d = n0 − c: transactions outside S without the outcome.
    public var othersOutside: Int { sizeOutside - outcomesOutside }

    /// True when a margin is empty (no transaction in S, none outside, no outcome, or nothing
    /// but the outcome): only one arrangement of the table is possible, so it carries no evidence.
    public var isDegenerate: Bool {
        sizeInside == 0 || sizeOutside == 0 || outcomesInside + outcomesOutside == 0
            || othersInside + othersOutside == 0
    }
}

/// A ratio of rates with its 95% interval, computed on the log scale.
public struct RatioEstimate: Sendable, Hashable {
    /// The point estimate.
    public let ratio: Double
    /// Lower end of the 95% interval: ratio · exp(−1.96 · `standardErrorOfLog`).
    public let lower: Double
    /// Upper end of the 95% interval: ratio · exp(+1.96 · `standardErrorOfLog`).
    public let upper: Double
    /// The standard error of ln(ratio).
    public let standardErrorOfLog: Double
    /// True when 0.5 was added to every cell because one was zero. The ratio is then taken
    /// from the corrected cells too, so it always lies inside its interval and is never 0 or ∞.
    public let zeroCellCorrected: Bool

    /// An estimate from its ratio and the standard error of its logarithm; the interval follows.
    public init(ratio: Double, standardErrorOfLog: Double, zeroCellCorrected: Bool) {
        self.ratio = ratio
        self.standardErrorOfLog = standardErrorOfLog
        self.zeroCellCorrected = zeroCellCorrected
        let halfWidth = normalQuantile975 * standardErrorOfLog
        lower = ratio * exp(-halfWidth)
        upper = ratio * exp(halfWidth)
    }
}

/// Which test produced a one-sided p-value.
public enum HigherRateTestMethod: String, Sendable, Hashable {
    /// Pearson's chi-square without Yates' correction, one-sided through its signed root:
    /// used when every expected count is at least 5.
    case chiSquare = "chi_square"
    /// Fisher's exact test, alternative "greater": used when an expected count is below 5.
    case fisherExact = "fisher_exact"
    /// No test: a margin of the table is empty, a single arrangement is possible, p = 1.
    case degenerateTable = "degenerate"
}

/// A one-sided p-value that S has the higher outcome rate, with the test that gave it.
public struct HigherRateTest: Sendable, Hashable {
    /// The p-value; it underflows to 0 below about 1e-308.
    public let pValue: Double
    /// ln of the p-value, finite even where `pValue` underflows: rank or compare by this.
    public let logPValue: Double
    /// The test used.
    public let method: HigherRateTestMethod
}

extension TwoByTwoTable {
    /// The risk ratio (a/n1)/(c/n0) with the Katz (log) 95% interval.
    ///
    /// var ln RR = 1/a − 1/n1 + 1/c − 1/n0. When a cell a, b, c or d is zero, 0.5 is added to
    /// every cell first (and `zeroCellCorrected` is set); otherwise the counts are used as they
    /// are. Returns nil when S or its complement is empty (n1 = 0 or n0 = 0): there is nothing
    /// to compare, e.g. an attribute with a single value.
    public func riskRatio() -> RatioEstimate? {
        guard sizeInside > 0, sizeOutside > 0 else { return nil }
        let corrected = outcomesInside == 0 || othersInside == 0 || outcomesOutside == 0 || othersOutside == 0
        let shift = corrected ? 0.5 : 0
        let a = Double(outcomesInside) + shift
        let b = Double(othersInside) + shift
        let c = Double(outcomesOutside) + shift
        let d = Double(othersOutside) + shift
        let n1 = a + b
        let n0 = c + d
        // 1/a − 1/n1 = b/(a·n1): the same value without cancelling two near-equal terms.
        let variance = b / (a * n1) + d / (c * n0)
        return RatioEstimate(
            ratio: (a / n1) / (c / n0), standardErrorOfLog: variance.squareRoot(), zeroCellCorrected: corrected)
    }

    /// The one-sided p-value that S has the HIGHER outcome rate than the rest.
    ///
    /// Chi-square when every expected count is at least 5 (decided in integers, so a count of
    /// exactly 5 uses chi-square): χ² = N(ad − bc)²/(n1·n0·m1·m0) without Yates' correction,
    /// made one-sided by its signed root z = sign(a − E[a])·√χ², p = 1 − Φ(z). Otherwise Fisher's
    /// exact test, alternative "greater": P(X ≥ a) for the hypergeometric count X in S given
    /// the margins. A table with an empty margin (`isDegenerate`) gets p = 1, as
    /// `scipy.stats.fisher_exact` gives. Does not allocate.
    public func higherRateTest() -> HigherRateTest {
        if isDegenerate { return HigherRateTest(pValue: 1, logPValue: 0, method: .degenerateTable) }
        let n1 = sizeInside
        let n0 = sizeOutside
        let m1 = outcomesInside + outcomesOutside
        let m0 = othersInside + othersOutside
        let total = n1 + n0
        // The smallest expected count is min(n1, n0)·min(m1, m0)/N.
        let (product, overflow) = min(n1, n0).multipliedReportingOverflow(by: min(m1, m0))
        if overflow || product >= 5 * total {
            let a = Double(outcomesInside)
            let b = Double(othersInside)
            let c = Double(outcomesOutside)
            let d = Double(othersOutside)
            let scale = Double(total) / Double(n1) / Double(n0) / Double(m1) / Double(m0)
            let signedRoot = (a * d - b * c) * scale.squareRoot()
            return HigherRateTest(
                pValue: StandardNormal.survival(signedRoot), logPValue: StandardNormal.logSurvival(signedRoot),
                method: .chiSquare)
        }
        let (p, logP) = fisherUpperTail()
        return HigherRateTest(pValue: p, logPValue: logP, method: .fisherExact)
    }

    /// Fisher's exact test, alternative "greater", whatever the expected counts: P(X ≥ a) for
    /// the hypergeometric count X in S given the margins; p = 1 for a degenerate table. The walk
    /// from the mode takes about as many terms as the smaller margin has outcomes, so use it where
    /// that is small (a response code's unknown arrivals), not on a whole population's outcomes.
    public func fisherExactHigherTest() -> HigherRateTest {
        if isDegenerate { return HigherRateTest(pValue: 1, logPValue: 0, method: .degenerateTable) }
        let (p, logP) = fisherUpperTail()
        return HigherRateTest(pValue: p, logPValue: logP, method: .fisherExact)
    }

    /// P(X ≥ a) and its logarithm, X hypergeometric: n1 draws from N = n1 + n0 transactions of
    /// which K = a + c have the outcome.
    ///
    /// Every probability is taken relative to the mode through the ratio of neighbouring terms,
    /// P(x+1)/P(x) = (K − x)(n1 − x) / ((x + 1)(N − K − n1 + x + 1)), and the sum over the whole
    /// distribution normalises them. No factorial of N is ever formed, so N in the millions
    /// loses nothing (ln-gamma differences at N = 5e6 would cost about 1e-8 of relative accuracy).
    /// Fisher runs only when an expected count is below 5; the variance of X is then below 5
    /// too, so the walks from the mode stop after a few dozen terms. When a lies above the mode
    /// the upper tail is the small side and is summed on its own, relative to P(a); the walk
    /// from the mode to a is kept in log space, rescaled before it can underflow.
    private func fisherUpperTail() -> (pValue: Double, logPValue: Double) {
        let a = outcomesInside
        let n1 = sizeInside
        let outcomes = outcomesInside + outcomesOutside
        let others = othersInside + othersOutside
        let lowest = max(0, n1 - others)
        let highest = min(n1, outcomes)
        if a <= lowest { return (1, 0) }

        let draws = Double(n1)
        let k = Double(outcomes)
        let rest = Double(others)
        func ratioUp(_ x: Int) -> Double {
            let x = Double(x)
            return ((k - x) * (draws - x)) / ((x + 1) * (rest - draws + x + 1))
        }
        func ratioDown(_ x: Int) -> Double {
            let x = Double(x)
            return (x * (rest - draws + x)) / ((k - x + 1) * (draws - x + 1))
        }

        let modeEstimate = (Double(n1 + 1) * Double(outcomes + 1) / Double(outcomes + others + 2)).rounded(.down)
        let mode = min(max(Int(modeEstimate), lowest), highest)
        let negligible = 0x1p-60

        // Sum of P(x)/P(mode) over the support, and over lowest < x < a when a ≤ mode.
        var total = 1.0
        var term = 1.0
        var x = mode
        while x < highest {
            term *= ratioUp(x)
            x += 1
            total += term
            if term < total * negligible { break }
        }
        var below = 0.0
        term = 1
        x = mode
        while x > lowest {
            term *= ratioDown(x)
            x -= 1
            total += term
            if x < a { below += term }
            if term < total * negligible { break }
        }
        if a <= mode {
            // P(X ≥ a) ≥ P(mode), never small: the complement of the lower side is exact enough.
            let p = (total - below) / total
            return (p, log(p))
        }

        var logTermAtA = 0.0
        var scaled = 1.0
        x = mode
        while x < a {
            scaled *= ratioUp(x)
            x += 1
            if scaled < 0x1p-900 {
                logTermAtA += log(scaled)
                scaled = 1
            }
        }
        logTermAtA += log(scaled)
        var tail = 1.0
        term = 1
        x = a
        while x < highest {
            term *= ratioUp(x)
            x += 1
            tail += term
            if term < tail * negligible { break }
        }
        let logP = logTermAtA + log(tail) - log(total)
        return (exp(logP), logP)
    }
}
