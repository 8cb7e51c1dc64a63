/// Benjamini–Hochberg q-values: the false discovery rate at which each test would be called.
///
/// The same numbers as statsmodels `multipletests(method="fdr_bh")` and
/// `scipy.stats.false_discovery_control(method="bh")`: q of the i-th smallest of m p-values is
/// min over j ≥ i of p(j)·m/j, capped at 1, so q-values are monotone in p and tied p-values get
/// tied q-values. The result is in the order of the input.
///
/// NaN p-values (tests that could not run) get NaN q-values and do not count in m, as in R's
/// `p.adjust`. An empty input gives an empty result.
public func benjaminiHochbergQValues(_ pValues: [Double]) -> [Double] {
    var qValues = [Double](repeating: .nan, count: pValues.count)
    var order = pValues.indices.filter { !pValues[$0].isNaN }
    // Stable on ties so the work, like the result, depends only on the values.
    order.sort { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
    let tested = Double(order.count)
    var runningMinimum = 1.0
    var rank = order.count
    while rank > 0 {
        let index = order[rank - 1]
        runningMinimum = min(runningMinimum, pValues[index] * tested / Double(rank))
        qValues[index] = runningMinimum
        rank -= 1
    }
    return qValues
}
