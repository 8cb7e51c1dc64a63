/// The outcome rate of one attribute value against all other transactions (docs/analysis.md §3).
public struct AttributeRate: Sendable, Hashable {
    /// The attribute's name (docs/analysis.md §2).
    public var attribute: String
    /// The value's text.
    public var value: String
    /// n: transactions with this value.
    public var transactions: Int
    /// o: target transactions among them.
    public var outcomes: Int
    /// o/n.
    public var rate: Double
    /// Wilson 95% interval of the rate.
    public var rateLow: Double
    public var rateHigh: Double
    /// Risk ratio against every transaction without this value, with its Katz 95% interval;
    /// nil when every transaction has this value (an attribute with a single value).
    public var riskRatio: Double?
    public var riskRatioLow: Double?
    public var riskRatioHigh: Double?
    /// One-sided p-value that this value has the higher rate; 1 when nothing could be tested.
    public var pValue: Double
    /// Benjamini–Hochberg q-value over every value tested; 1 for a value that was not tested.
    public var qValue: Double
    /// Chi-square, Fisher's exact test, or none (`degenerate`: a margin of the table is empty).
    public var testMethod: HigherRateTestMethod
}

/// Rates per attribute value (docs/analysis.md §3).
public enum Rates {
    /// Every value of every attribute that occurs in `table`: n, o, rate with Wilson interval,
    /// risk ratio against the other transactions with Katz interval, one-sided p and BH q.
    ///
    /// Rows come in the order of `TransactionTable.attributeNames`, then of the value codes;
    /// values no transaction has are left out. A value whose 2×2 table has an empty margin (it
    /// covers every transaction, or the table has no target row or nothing else) is not a test:
    /// it gets p = 1 and q = 1 and does not count in the number of tests of the BH step.
    /// One pass over the rows; no allocation per row.
    public static func perAttributeValue(_ table: TransactionTable, target: ExplainTarget) -> [AttributeRate] {
        var counts = ValueCounts(table: table)
        counts.add(table, rows: nil)
        return perAttributeValue(table, target: target, transactionCounts: counts)
    }

    /// The same, with the transactions per value counted already (the explain pass needs them too).
    static func perAttributeValue(_ table: TransactionTable, target: ExplainTarget, transactionCounts: ValueCounts) -> [AttributeRate] {
        let attributeCount = TransactionTable.attributeCount
        let isTarget = Outcome.allCases.map { target.matches($0) }
        var targetRows: [Int32] = []
        for row in 0..<table.count where isTarget[Int(table.outcome[row].rawValue)] { targetRows.append(Int32(row)) }
        let totalOutcomes = targetRows.count
        var outcomeCounts = ValueCounts(table: table)
        outcomeCounts.add(table, rows: targetRows)
        let transactions = (0..<attributeCount).map { a in table.values[a].indices.map { transactionCounts[a, $0] } }
        let outcomes = (0..<attributeCount).map { a in table.values[a].indices.map { outcomeCounts[a, $0] } }

        var rates: [AttributeRate] = []
        var pValuesForBH: [Double] = []
        for a in 0..<attributeCount {
            for code in transactions[a].indices where transactions[a][code] > 0 {
                let n = transactions[a][code]
                let o = outcomes[a][code]
                let wilson = WilsonInterval(outcomes: o, trials: n)
                let twoByTwo = TwoByTwoTable(
                    outcomesInside: o, sizeInside: n, outcomesOutside: totalOutcomes - o, sizeOutside: table.count - n)
                let ratio = twoByTwo.riskRatio()
                let test = twoByTwo.higherRateTest()
                pValuesForBH.append(test.method == .degenerateTable ? .nan : test.pValue)
                rates.append(
                    AttributeRate(
                        attribute: TransactionTable.attributeNames[a], value: table.values[a][code], transactions: n,
                        outcomes: o, rate: wilson.rate, rateLow: wilson.lower, rateHigh: wilson.upper,
                        riskRatio: ratio?.ratio, riskRatioLow: ratio?.lower, riskRatioHigh: ratio?.upper,
                        pValue: test.pValue, qValue: 1, testMethod: test.method))
            }
        }
        let qValues = benjaminiHochbergQValues(pValuesForBH)
        for i in rates.indices where !qValues[i].isNaN { rates[i].qValue = qValues[i] }
        return rates
    }
}
