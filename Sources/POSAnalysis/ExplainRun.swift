/// One run of docs/analysis.md §4: one set of outcome rows against every transaction.
///
/// Steps 1–4 of the spec: n of every combination comes counted (it is the same for every run),
/// o is counted over the run's outcome rows. Explained rows leave the population: after a
/// finding, n and o of every combination, the per-value counts of the audit and the totals N and
/// O all lose that finding's rows (decremented, not recounted), so the next finding is measured
/// on what is still unexplained.
struct ExplainRun {
    /// What the run counts, for the evidence: the cause of an own-cause run, or the causes the
    /// remainder run leaves out.
    enum Scope {
        case cause(Cause)
        case remainder(excluding: [Cause])
    }

    let table: TransactionTable
    let target: ExplainTarget
    let options: ExplainOptions
    let counter: CombinationCounter
    let scope: Scope
    /// Index of this run in `runOfRow`.
    let runIndex: Int8
    /// Per row: the run whose outcome it is, −1 for no run.
    let runOfRow: [Int8]
    let outcomeRows: [Int32]
    /// Target rows of the whole table, the denominator of `share_of_unknown`.
    let allTargetRows: Int

    private var layout: CombinationLayout { counter.layout }
    private var columns: CompactColumns { counter.columns }

    /// A combination that passed support: a subset of attributes and a cell of its counts.
    struct Combination: Hashable {
        var subset: Int
        var cell: Int
    }

    /// A combination with its numbers on the current population.
    struct Tested {
        var combination: Combination
        var transactions: Int
        var outcomes: Int
        var excess: Double
        var ratio: RatioEstimate
        var test: HigherRateTest
        var qValue: Double
        var width: Int
    }

    /// Runs steps 1–4 and returns the findings, best first as found (not yet ranked).
    func findings(transactions initialTransactions: CombinationCounts, rawTransactions: ValueCounts) -> [Candidate] {
        findings(transactions: initialTransactions, rawTransactions: rawTransactions, endWhenProven: true).found
    }

    /// `findings`, and how many findings' rows were taken out of the transactions of every
    /// combination. With `endWhenProven` the run ends without taking out the last finding's rows
    /// when `nextRoundFindsNothing` proves the next round would find nothing; the findings are the
    /// same either way (tests compare them).
    func findings(
        transactions initialTransactions: CombinationCounts, rawTransactions: ValueCounts, endWhenProven: Bool
    ) -> (found: [Candidate], subtractions: Int) {
        var transactions = initialTransactions
        var outcomes = CombinationCounts(layout: layout)
        counter.add(rows: outcomeRows, sign: 1, to: &outcomes)

        let runOutcomes = outcomeRows.count
        let minimumOutcomes = options.supportThreshold(outcomes: runOutcomes)
        var population = table.count
        var remainingOutcomes = runOutcomes
        var rawPopulation = rawTransactions
        var rawOutcomes = ValueCounts(table: table)
        rawOutcomes.add(table, rows: outcomeRows)

        // Step 1: support. o only falls as rows are explained, so the list only shrinks.
        var supported = supportedCombinations(outcomes, minimumOutcomes: minimumOutcomes)

        var explained = [Bool](repeating: false, count: table.count)
        var explainedCount = 0
        /// Per packed tuple, its rows not yet explained (when the counter packs tuples).
        var remaining = counter.tuples?.weights ?? []
        var found: [Candidate] = []
        var subtractions = 0
        while found.count < options.maxFindings {
            supported.removeAll { outcomes.count(layout.subsets[$0.subset], cell: $0.cell) < minimumOutcomes }
            guard
                let best = bestCombination(
                    supported, transactions: transactions, outcomes: outcomes, population: population,
                    remainingOutcomes: remainingOutcomes, minimumOutcomes: minimumOutcomes, runOutcomes: runOutcomes)
            else { break }

            let items = self.items(of: best.combination)
            let rows = unexplainedRows(matching: items, explained: explained)
            precondition(rows.count == best.transactions, "the counts and the rows of a combination disagree")
            // Within the finding: per-value counts for the audit, which also leave the population.
            let outcomeRowsOfFinding = rows.filter { runOfRow[Int($0)] == runIndex }
            var insideRows = ValueCounts(table: table)
            insideRows.add(table, rows: rows)
            var insideOutcomes = ValueCounts(table: table)
            insideOutcomes.add(table, rows: outcomeRowsOfFinding)
            let finding = finding(
                best, items: items, rows: rows, population: population, remainingOutcomes: remainingOutcomes,
                rawPopulation: rawPopulation, rawOutcomes: rawOutcomes, explainedBefore: explainedCount,
                insideRows: insideRows, insideOutcomes: insideOutcomes)
            found.append(Candidate(finding: finding, population: .items(items)))

            // Take the finding's rows out of every count: its outcome rows first, which are few
            // and tell whether the run can go on at all.
            takeOut(outcomeRowsOfFinding, explained: explained, remainingOutcomes: remainingOutcomes, from: &outcomes)
            population -= rows.count
            remainingOutcomes -= outcomeRowsOfFinding.count
            if found.count == options.maxFindings { break }
            if endWhenProven,
                nextRoundFindsNothing(
                    supported, transactions: transactions, outcomes: outcomes, findingRows: rows, insideRows: insideRows,
                    population: population, remainingOutcomes: remainingOutcomes, minimumOutcomes: minimumOutcomes,
                    runOutcomes: runOutcomes)
            {
                break
            }
            if counter.tuples != nil {
                let taken = counter.subtract(matching: items, remaining: &remaining, from: &transactions)
                precondition(taken == rows.count, "the tuples and the rows of a finding disagree")
            } else {
                counter.add(rows: rows, sign: -1, to: &transactions)
            }
            subtractions += 1
            explained.withUnsafeMutableBufferPointer { explained in
                for row in rows { explained[Int(row)] = true }
            }
            rawPopulation.subtract(insideRows)
            rawOutcomes.subtract(insideOutcomes)
            explainedCount += rows.count
        }
        return (found, subtractions)
    }

    /// Takes a finding's outcome rows out of `outcomes`. When the finding holds most of the
    /// `remainingOutcomes`, the run's outcome rows left (neither `explained` nor in the finding)
    /// are counted afresh instead: the same counts, fewer rows to count.
    private func takeOut(
        _ findingOutcomes: [Int32], explained: [Bool], remainingOutcomes: Int, from outcomes: inout CombinationCounts
    ) {
        guard findingOutcomes.count * 2 > remainingOutcomes else {
            counter.add(rows: findingOutcomes, sign: -1, to: &outcomes)
            return
        }
        // Both lists ascend: the run's rows were listed in row order, the finding's filtered from a scan.
        var left: [Int32] = []
        left.reserveCapacity(max(0, remainingOutcomes - findingOutcomes.count))
        var next = 0
        for row in outcomeRows {
            while next < findingOutcomes.count && findingOutcomes[next] < row { next += 1 }
            if next < findingOutcomes.count && findingOutcomes[next] == row { continue }
            if !explained[Int(row)] { left.append(row) }
        }
        outcomes = CombinationCounts(layout: layout)
        counter.add(rows: left, sign: 1, to: &outcomes)
    }

    /// The most (attribute, value) checks per row of a finding that proving the end may cost:
    /// about a quarter of what taking the rows out of every combination costs.
    private var proofBudget: Int { max(1, layout.subsets.count / 4) }

    /// True when the next round is sure to return nothing, so the finding's transactions need
    /// not be taken out of every combination's count (on a window of millions of rows that is
    /// most of a run's time). A round returns nothing when the best candidate's excess
    /// o − n·r0 is below `stopShare` of the run's outcomes, r0 = (O − o)/(N − n) the rate
    /// outside. `outcomes`, `population` (N) and `remainingOutcomes` (O) are already without
    /// the finding; n is not. The excess falls as n grows, and n without the finding is at least
    /// n − (the finding's rows with the rarest of the combination's values there), which
    /// `insideRows` tells: a combination whose excess stays below the stop at that n cannot
    /// pass. Those left (when few) get n counted exactly on the finding's rows; the run goes on
    /// if one of them could be the next round's best, as `testCandidates` and `bestCombination`
    /// decide it: excess at the stop, ratio's lower bound and p-value within the thresholds.
    private func nextRoundFindsNothing(
        _ supported: [Combination], transactions: CombinationCounts, outcomes: CombinationCounts, findingRows: [Int32],
        insideRows: ValueCounts, population: Int, remainingOutcomes: Int, minimumOutcomes: Int, runOutcomes: Int
    ) -> Bool {
        let stop = options.stopShare * Double(runOutcomes)
        func table(o: Int, n: Int) -> TwoByTwoTable {
            TwoByTwoTable(outcomesInside: o, sizeInside: n, outcomesOutside: remainingOutcomes - o, sizeOutside: population - n)
        }
        /// The excess at n, nil when the combination would not be tested as a candidate.
        func excess(o: Int, n: Int) -> Double? {
            guard table(o: o, n: n).riskRatio() != nil else { return nil }
            return Double(o) - Double(n) * (Double(remainingOutcomes - o) / Double(population - n))
        }
        /// True when the combination at its exact n could be the best candidate of the next round
        /// and pass the stop: its excess, its ratio's lower bound and its p-value (a q-value is
        /// never below its p) all reach the thresholds, as `testCandidates` computes them.
        func canPass(o: Int, n: Int) -> Bool {
            let table = table(o: o, n: n)
            guard let excess = excess(o: o, n: n), excess >= stop, let ratio = table.riskRatio(),
                ratio.lower >= options.minRiskRatioLow
            else { return false }
            return table.higherRateTest().pValue <= options.maxQValue
        }
        var contenders: [(combination: Combination, items: [(attribute: Int, value: UInt32)], o: Int, n: Int)] = []
        var checks = 0
        for combination in supported {
            let subset = layout.subsets[combination.subset]
            // Excess ≤ o, as r0 ≥ 0.
            let o = outcomes.count(subset, cell: combination.cell)
            guard o >= minimumOutcomes, Double(o) >= stop else { continue }
            let n = transactions.count(subset, cell: combination.cell)
            let items = items(of: combination)
            let shared = items.map { insideRows[$0.attribute, Int($0.value)] }.min() ?? 0
            let least = max(o, n - shared)
            // n − shared ≤ n without the finding ≤ n; the excess is largest at the smallest n.
            // The slack keeps rounding from ever leaving out a combination at the stop itself.
            if least <= 0 || least >= population || (excess(o: o, n: least) ?? 0) >= stop - 1e-9 * max(1, stop) {
                checks += items.count
                if checks > proofBudget { return false }
                contenders.append((combination, items, o, n))
            }
        }
        var matches = [Bool](repeating: true, count: contenders.isEmpty ? 0 : findingRows.count)
        for contender in contenders {
            let n = contender.n - columns.count(findingRows, matching: contender.items, scratch: &matches)
            if canPass(o: contender.o, n: n) { return false }
        }
        return true
    }

    /// The combinations with at least `minimumOutcomes` outcome rows and no lumped value, by
    /// subset then cell.
    private func supportedCombinations(_ outcomes: CombinationCounts, minimumOutcomes: Int) -> [Combination] {
        var supported: [Combination] = []
        for (s, subset) in layout.subsets.enumerated() {
            if subset.offset >= 0 {
                for cell in 0..<subset.size where Int(outcomes.dense[subset.offset + cell]) >= minimumOutcomes {
                    if !hasLumpedValue(subset, cell: cell) { supported.append(Combination(subset: s, cell: cell)) }
                }
            } else {
                for (cell, o) in outcomes.sparse[subset.sparseSlot] where Int(o) >= minimumOutcomes {
                    if !hasLumpedValue(subset, cell: cell) { supported.append(Combination(subset: s, cell: cell)) }
                }
            }
        }
        supported.sort { ($0.subset, $0.cell) < ($1.subset, $1.cell) }
        return supported
    }

    /// Steps 2–3 on the current population: the best tested combination, refined into a longer
    /// one while that keeps `childKeep` of its excess; nil when none passes or the best explains
    /// less than `stopShare` of the run's outcomes.
    private func bestCombination(
        _ supported: [Combination], transactions: CombinationCounts, outcomes: CombinationCounts, population: Int,
        remainingOutcomes: Int, minimumOutcomes: Int, runOutcomes: Int
    ) -> Tested? {
        let candidates = testCandidates(
            supported, transactions: transactions, outcomes: outcomes, population: population,
            remainingOutcomes: remainingOutcomes, minimumOutcomes: minimumOutcomes)
        guard var best = candidates.values.max(by: { isBetter($1, than: $0) }) else { return nil }
        if best.excess < options.stopShare * Double(runOutcomes) { return nil }
        while best.width < options.maxAttributes,
            let child = bestChild(of: best, among: candidates),
            child.excess >= options.childKeep * best.excess
        {
            best = child
        }
        return best
    }

    /// True when a value of the cell is the lumped code of the values no run can use.
    private func hasLumpedValue(_ subset: CombinationLayout.Subset, cell: Int) -> Bool {
        for (k, a) in subset.attributes.enumerated() where (cell / subset.strides[k]) % columns.cardinality[a] == columns.lumpedCode[a] {
            return true
        }
        return false
    }

    /// Step 2 on the current population: every supported combination tested, BH over all of
    /// them, and the candidates (q ≤ maxQValue, lower bound ≥ minRiskRatioLow) by combination.
    private func testCandidates(
        _ supported: [Combination], transactions: CombinationCounts, outcomes: CombinationCounts, population: Int,
        remainingOutcomes: Int, minimumOutcomes: Int
    ) -> [Combination: Tested] {
        var tested: [Tested] = []
        tested.reserveCapacity(supported.count)
        var pValues: [Double] = []
        pValues.reserveCapacity(supported.count)
        /// Where each of `tested` is in `pValues`.
        var testIndex: [Int] = []
        for combination in supported {
            let subset = layout.subsets[combination.subset]
            let n = transactions.count(subset, cell: combination.cell)
            let o = outcomes.count(subset, cell: combination.cell)
            let table = TwoByTwoTable(
                outcomesInside: o, sizeInside: n, outcomesOutside: remainingOutcomes - o, sizeOutside: population - n)
            let test = table.higherRateTest()
            pValues.append(test.pValue)
            // A combination holding every row left compares with nothing: it gets a p (1) but
            // can never be a candidate.
            guard let ratio = table.riskRatio() else { continue }
            let baseline = Double(remainingOutcomes - o) / Double(population - n)
            tested.append(
                Tested(
                    combination: combination, transactions: n, outcomes: o, excess: Double(o) - Double(n) * baseline,
                    ratio: ratio, test: test, qValue: .nan, width: subset.attributes.count))
            testIndex.append(pValues.count - 1)
        }
        // Support picks combinations by their outcome count, the very thing tested; BH over the
        // survivors alone would forget the combinations that could have passed and did not, and
        // null data would give findings. So every combination with at least `minimumOutcomes`
        // transactions counts as a test (those that missed support with p = 1), which scales
        // each q by (tests) / (survivors), capped at 1.
        let supportedQValues = benjaminiHochbergQValues(pValues)
        let missed = eligibleCombinations(transactions: transactions, outcomes: outcomes, minimumOutcomes: minimumOutcomes)
        let scale = pValues.isEmpty ? 1 : Double(pValues.count + missed) / Double(pValues.count)
        var candidates: [Combination: Tested] = [:]
        for (k, var t) in tested.enumerated() {
            t.qValue = min(1, supportedQValues[testIndex[k]] * scale)
            if t.qValue <= options.maxQValue && t.ratio.lower >= options.minRiskRatioLow { candidates[t.combination] = t }
        }
        return candidates
    }

    /// Cells with at least `minimumOutcomes` transactions that did not pass support: the
    /// combinations that could have been tested. A cell holding a lumped value stands for one
    /// or more combinations and counts once, so the count errs low.
    private func eligibleCombinations(transactions: CombinationCounts, outcomes: CombinationCounts, minimumOutcomes: Int) -> Int {
        let minimum = Int32(minimumOutcomes)
        var eligible = 0
        transactions.dense.withUnsafeBufferPointer { n in
            outcomes.dense.withUnsafeBufferPointer { o in
                for cell in 0..<n.count where n[cell] >= minimum && o[cell] < minimum { eligible += 1 }
            }
        }
        for (slot, cells) in transactions.sparse.enumerated() {
            for (cell, n) in cells where n >= minimum && (outcomes.sparse[slot][cell] ?? 0) < minimum { eligible += 1 }
        }
        return eligible
    }

    /// The spec's order: larger excess, then fewer attributes, higher lower bound, more
    /// outcome rows, and last the pattern's text (smaller first).
    private func isBetter(_ a: Tested, than b: Tested) -> Bool {
        if a.excess != b.excess { return a.excess > b.excess }
        if a.width != b.width { return a.width < b.width }
        if a.ratio.lower != b.ratio.lower { return a.ratio.lower > b.ratio.lower }
        if a.outcomes != b.outcomes { return a.outcomes > b.outcomes }
        return pattern(items(of: a.combination)) < pattern(items(of: b.combination))
    }

    /// The best candidate one attribute longer than `parent` that is a true refinement: a child
    /// with the parent's very rows (an attribute the parent implies) refines nothing and is skipped,
    /// and so is a child whose added value does not itself raise the rate within the parent.
    ///
    /// The second rule is ours, beyond docs/analysis.md §4's "E(C) ≥ 0.85·E(S)": a value most of the
    /// parent's rows share (`net_event_60s=no`, `txn_type=sale`, the common code table) keeps 85% of
    /// any excess without explaining anything, and the spec's rule alone would append it to every
    /// finding. So the child's rate must exceed the rate of the parent's other rows by the margin a
    /// candidate needs: the lower bound of that risk ratio (Katz, 95%) at least `minRiskRatioLow`.
    private func bestChild(of parent: Tested, among candidates: [Combination: Tested]) -> Tested? {
        let subset = layout.subsets[parent.combination.subset]
        let digits = subset.attributes.indices.map {
            (parent.combination.cell / subset.strides[$0]) % columns.cardinality[subset.attributes[$0]]
        }
        var best: Tested?
        for x in 0..<TransactionTable.attributeCount where subset.mask & (1 << UInt64(x)) == 0 {
            guard let childIndex = layout.subsetByMask[subset.mask | (1 << UInt64(x))] else { continue }
            let child = layout.subsets[childIndex]
            var base = 0
            var xStride = 0
            for (k, a) in child.attributes.enumerated() {
                if a == x {
                    xStride = child.strides[k]
                } else {
                    base += digits[subset.attributes.firstIndex(of: a)!] * child.strides[k]
                }
            }
            for value in columns.rawValues[x].indices {
                guard let tested = candidates[Combination(subset: childIndex, cell: base + value * xStride)],
                    tested.transactions < parent.transactions,
                    raisesRateWithinParent(tested, parent)
                else { continue }
                if best == nil || isBetter(tested, than: best!) { best = tested }
            }
        }
        return best
    }

    /// True when the child's rate is above that of the parent's rows outside the child by the margin a
    /// finding needs (Katz lower bound ≥ `minRiskRatioLow`).
    private func raisesRateWithinParent(_ child: Tested, _ parent: Tested) -> Bool {
        let within = TwoByTwoTable(
            outcomesInside: child.outcomes, sizeInside: child.transactions,
            outcomesOutside: parent.outcomes - child.outcomes, sizeOutside: parent.transactions - child.transactions)
        guard let ratio = within.riskRatio() else { return false }
        return ratio.lower >= options.minRiskRatioLow
    }

    /// The (attribute, raw value code) pairs of a combination, in attribute order.
    func items(of combination: Combination) -> [(attribute: Int, value: UInt32)] {
        let subset = layout.subsets[combination.subset]
        return subset.attributes.enumerated().map { k, a in
            let code = (combination.cell / subset.strides[k]) % columns.cardinality[a]
            return (a, columns.rawValues[a][code])
        }
    }

    /// `attr=value` joined by `&`, in attribute order (docs/analysis.md §7).
    func pattern(_ items: [(attribute: Int, value: UInt32)]) -> String {
        items.map { "\(TransactionTable.attributeNames[$0.attribute])=\(table.values[$0.attribute][Int($0.value)])" }
            .joined(separator: "&")
    }

    private func unexplainedRows(matching items: [(attribute: Int, value: UInt32)], explained: [Bool]) -> [Int32] {
        columns.rows(matching: items, explained: explained)
    }
}

extension ExplainOptions {
    /// Step 1's least number of outcome rows: max(minSupport, minSupportShare × outcomes, 1), the
    /// share rounded up; the 1e-12 keeps a product such as 0.01 × 2000 = 20.000000000000004 at 20.
    func supportThreshold(outcomes: Int) -> Int {
        max(minSupport, Int((minSupportShare * Double(outcomes) * (1 - 1e-12)).rounded(.up)), 1)
    }
}
