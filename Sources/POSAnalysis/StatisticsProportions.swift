/// The unknown rate o/n of a group of transactions with its Wilson 95% score interval.
///
/// The score interval (Wilson 1927, without continuity correction; Newcombe 1998 method 3)
/// stays inside [0, 1] and keeps a sensible width at o = 0 and o = n, where the plain
/// p ± 1.96·SE interval collapses to a point. It is the interval
/// `scipy.stats.binomtest(o, n).proportion_ci(method="wilson")` returns.
/// With no transactions (n = 0) nothing is known: the rate is 0 and the interval [0, 1].
public struct WilsonInterval: Sendable, Hashable {
    /// Transactions with the outcome (unknown return codes), o.
    public let outcomes: Int
    /// Transactions in the group, n.
    public let trials: Int
    /// o/n, or 0 when n = 0.
    public let rate: Double
    /// Lower end of the 95% interval; exactly 0 when o = 0.
    public let lower: Double
    /// Upper end of the 95% interval; exactly 1 when o = n.
    public let upper: Double

    /// The rate of `outcomes` among `trials` with its 95% interval.
    ///
    /// Requires 0 ≤ outcomes ≤ trials.
    public init(outcomes: Int, trials: Int) {
        precondition(outcomes >= 0 && outcomes <= trials, "need 0 ≤ outcomes ≤ trials")
        self.outcomes = outcomes
        self.trials = trials
        guard trials > 0 else {
            rate = 0
            lower = 0
            upper = 1
            return
        }
        let o = Double(outcomes)
        let n = Double(trials)
        let z = normalQuantile975
        let zz = z * z
        rate = o / n
        // The ends are the roots of (n + z²)p² − (2o + z²)p + o²/n = 0. The upper root is a sum
        // of positive terms; the lower one, written the same way, would subtract two nearly
        // equal numbers when o ≪ n, so it comes from the product of the roots instead.
        let root = (zz + 4 * o * (n - o) / n).squareRoot()
        let upperRoot = outcomes == trials ? 1 : min(1, (2 * o + zz + z * root) / (2 * (n + zz)))
        upper = upperRoot
        lower = outcomes == 0 ? 0 : (o * o) / (n * (n + zz) * upperRoot)
    }
}
