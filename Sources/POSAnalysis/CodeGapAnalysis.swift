/// Which code tables and firmware versions lack which response codes: the code-gap test
/// (docs/analysis.md §8 "Code gaps"; how its results reach the findings: §7.4).
///
/// A terminal whose code table lacks code X shows every X as unknown; one whose table has it
/// shows X as a decline (or an approval). So for each code, the share of its arrivals shown as
/// unknown under each `code_table` value (and each `firmware` value) is compared with that share
/// under all the others. The test uses only what the terminals showed (outcome `unknown`
/// against `declined` or `approved`), never the classification into causes, which is derived
/// from the same outcome and would make the test circular.
///
/// The rules are the explain pass's (docs/analysis.md §4), on the cells of code × value:
/// - support: a cell is tested when at least max(`minSupport`, `minSupportShare` × all unknown
///   arrivals) of its arrivals were shown as unknown;
/// - test: Fisher's exact test, one-sided (the cell's unknown share is higher), whatever the
///   expected counts;
/// - multiple testing: Benjamini–Hochberg over the family of every cell of both attributes that
///   was tested or had enough arrivals to reach support (the latter with p = 1, as the explain
///   pass counts the combinations that missed support), so picking cells by their unknown count
///   does not shrink the family;
/// - a value *lacks* X when q ≤ `maxQValue` and the lower 95% bound of the risk ratio (Katz)
///   is at least `minRiskRatioLow`.
public enum CodeGapAnalysis {
    /// The attributes whose values are tested, in this order.
    public static let attributes = ["code_table", "firmware"]

    /// One value that knew a code: how many of its arrivals it showed as known.
    public struct Knowing: Sendable, Hashable {
        public var value: String
        public var known: Int
        public var arrivals: Int
    }

    /// One tested cell: code X under one value of `attribute`, against every other value.
    public struct Test: Sendable, Hashable {
        public var code: String
        /// `code_table` or `firmware`.
        public var attribute: String
        public var value: String
        /// Arrivals of the code at this value shown as unknown, and all its arrivals there
        /// (unknown, declined or approved; timeouts and errors carry no verdict).
        public var unknown: Int
        public var arrivals: Int
        /// The same at every other value of the attribute.
        public var otherUnknown: Int
        public var otherArrivals: Int
        /// Katz risk ratio of the two unknown shares; nil when no other value received the code.
        public var riskRatio: RatioEstimate?
        public var pValue: Double
        public var qValue: Double
        /// True when the value lacks the code (q and lower bound pass).
        public var lacks: Bool
        /// Values of the attribute that showed the code as known more often than as unknown,
        /// most arrivals first.
        public var knownAt: [Knowing]

        /// The unknown share at this value, and at the others (NaN without arrivals there).
        public var rate: Double { arrivals > 0 ? Double(unknown) / Double(arrivals) : .nan }
        public var otherRate: Double { otherArrivals > 0 ? Double(otherUnknown) / Double(otherArrivals) : .nan }
    }

    /// Every tested cell, codes in text order, `code_table` before `firmware`, values in text order.
    public static func analyze(_ table: TransactionTable, options: ExplainOptions = ExplainOptions()) -> [Test] {
        let selection = CodeSelection(table, options: options)
        guard !selection.codes.isEmpty else { return [] }
        let attributeIndices = attributes.map { TransactionTable.attributeIndex($0)! }
        let cells = countCells(table, selection: selection, attributeIndices: attributeIndices)
        var family = testCells(cells, table: table, selection: selection, attributeIndices: attributeIndices)
        // The cells that could have reached support count in the family with p = 1.
        let qValues = benjaminiHochbergQValues(family.pValues + [Double](repeating: 1, count: family.missedSupport))
        for index in family.tests.indices {
            family.tests[index].qValue = qValues[index]
            family.tests[index].lacks =
                qValues[index] <= options.maxQValue && (family.tests[index].riskRatio?.lower ?? 0) >= options.minRiskRatioLow
        }
        return family.tests.sorted {
            ($0.code, attributes.firstIndex(of: $0.attribute)!, $0.value) < ($1.code, attributes.firstIndex(of: $1.attribute)!, $1.value)
        }
    }

    /// The support threshold, and the codes that may have a cell in the family: those with at
    /// least `support` arrivals of any verdict.
    private struct CodeSelection {
        /// The least unknown arrivals a cell is tested with.
        var support: Int
        /// The response codes selected, ascending.
        var codes: [Int] = []
        /// Per response code: its position in `codes`, −1 when not selected.
        var slot: [Int]

        init(_ table: TransactionTable, options: ExplainOptions) {
            // Arrivals with a verdict; the unknown ones decide which codes can pass support.
            var unknownByCode = [Int](repeating: 0, count: table.codes.count)
            var totalUnknown = 0
            for row in 0..<table.count where table.outcome[row] == .unknown {
                let code = Int(table.responseCode[row])
                guard code != 0 else { continue }
                unknownByCode[code] += 1
                totalUnknown += 1
            }
            support = options.supportThreshold(outcomes: totalUnknown)
            var arrivalsByCode = [Int](repeating: 0, count: table.codes.count)
            for row in 0..<table.count where hasVerdict(table.outcome[row]) { arrivalsByCode[Int(table.responseCode[row])] += 1 }
            slot = [Int](repeating: -1, count: table.codes.count)
            for code in 1..<max(1, table.codes.count) where arrivalsByCode[code] >= support {
                slot[code] = codes.count
                codes.append(code)
            }
        }
    }

    /// Arrivals of one code at one value, shown as unknown or as known.
    private struct Cell {
        var unknown = 0
        var known = 0
    }

    /// The cells of every selected code × value, per attribute of `attributeIndices`:
    /// `cells[k][code slot][value]`.
    ///
    /// Counted in flat arrays, an attribute at a time, row r in copy r mod 4: a terminal's rows
    /// mostly share code and value, and one counter bumped row after row waits each time for its
    /// own previous store; four independent ones do not.
    private static func countCells(_ table: TransactionTable, selection: CodeSelection, attributeIndices: [Int]) -> [[[Cell]]] {
        let slots = selection.codes.count
        return attributeIndices.map { a in
            let width = table.values[a].count
            // [copy][slot][value][known 0 | unknown 1]
            let copy = slots * width * 2
            var counts = [Int](repeating: 0, count: 4 * copy)
            counts.withUnsafeMutableBufferPointer { counts in
                table.outcome.withUnsafeBufferPointer { outcome in
                    table.responseCode.withUnsafeBufferPointer { code in
                        selection.slot.withUnsafeBufferPointer { slotOf in
                            func count<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
                                for row in 0..<column.count {
                                    let outcome = outcome[row]
                                    guard hasVerdict(outcome) else { continue }
                                    let slot = slotOf[Int(code[row])]
                                    guard slot >= 0 else { continue }
                                    let cell = (row & 3) &* copy &+ ((slot &* width &+ Int(column[row])) << 1)
                                    counts[cell &+ (outcome == .unknown ? 1 : 0)] &+= 1
                                }
                            }
                            table.attributes[a].withCodes(narrow: { count($0) }, wide: { count($0) })
                        }
                    }
                }
            }
            return (0..<slots).map { slot in
                (0..<width).map { value in
                    let cell = (slot * width + value) << 1
                    return Cell(
                        unknown: interleavedTotal(counts, stride: copy, at: cell + 1), known: interleavedTotal(counts, stride: copy, at: cell))
                }
            }
        }
    }

    /// The tested cells (q-values not yet set) with their p-values, and how many cells had
    /// enough arrivals to reach support but too few unknown ones.
    private struct TestFamily {
        var tests: [Test] = []
        var pValues: [Double] = []
        var missedSupport = 0
    }

    /// Tests every cell with at least `support` unknown arrivals against the other values of its
    /// attribute (Fisher, one-sided), with the values that knew the code.
    private static func testCells(
        _ cells: [[[Cell]]], table: TransactionTable, selection: CodeSelection, attributeIndices: [Int]
    ) -> TestFamily {
        let support = selection.support
        var family = TestFamily()
        for (index, code) in selection.codes.enumerated() {
            for (k, a) in attributeIndices.enumerated() {
                let row = cells[k][index]
                let allUnknown = row.reduce(0) { $0 + $1.unknown }
                let allArrivals = row.reduce(0) { $0 + $1.unknown + $1.known }
                let knowing = row.indices
                    .filter { row[$0].known > 0 && row[$0].known >= row[$0].unknown }
                    .sorted { (row[$0].known + row[$0].unknown, table.values[a][$1]) > (row[$1].known + row[$1].unknown, table.values[a][$0]) }
                    .map { Knowing(value: table.values[a][$0], known: row[$0].known, arrivals: row[$0].known + row[$0].unknown) }
                for (value, cell) in row.enumerated() {
                    let arrivals = cell.unknown + cell.known
                    guard cell.unknown >= support else {
                        if arrivals >= support { family.missedSupport += 1 }
                        continue
                    }
                    let twoByTwo = TwoByTwoTable(
                        outcomesInside: cell.unknown, sizeInside: arrivals, outcomesOutside: allUnknown - cell.unknown,
                        sizeOutside: allArrivals - arrivals)
                    let p = twoByTwo.fisherExactHigherTest().pValue
                    family.pValues.append(p)
                    family.tests.append(
                        Test(
                            code: table.codes[code], attribute: attributes[k], value: table.values[a][value], unknown: cell.unknown,
                            arrivals: arrivals, otherUnknown: allUnknown - cell.unknown, otherArrivals: allArrivals - arrivals,
                            riskRatio: twoByTwo.riskRatio(), pValue: p, qValue: .nan, lacks: false, knownAt: knowing))
                }
            }
        }
        return family
    }

    /// Unknown, declined and approved arrivals carry a verdict on the code; timeouts and errors do not.
    static func hasVerdict(_ outcome: Outcome) -> Bool {
        outcome == .unknown || outcome == .declined || outcome == .approved
    }
}
