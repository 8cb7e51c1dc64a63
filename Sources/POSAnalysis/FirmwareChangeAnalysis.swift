/// Did an upgrade change the target rate? The firmware pass of analysis.md §6.
///
/// For each `from → to` pair among the upgrades, four counts (target outcomes among
/// transactions) feed a difference-in-differences ratio:
///
/// - upgraded, before: transactions of each terminal upgraded `from → to` in the window before
///   its upgrade, [τ − window, τ), cut at the terminal's previous upgrade;
/// - upgraded, after: its transactions in [τ, τ + window), cut at its next upgrade;
/// - not (yet) upgraded, before / after: transactions whose `firmware` attribute is `from`, of
///   terminals that have not upgraded `from → to` and do not within the window after the
///   transaction (a terminal that upgrades later serves as a control until then), falling in the before-half
///   / after-half of at least one upgrade of the pair. Such a transaction counts once in each
///   half it falls in; with staggered upgrades it can fall in both, which makes the interval
///   wider, never narrower.
///
/// A mass upgrade on one day compares exactly the same dates; staggered upgrades compare the
/// union of their windows. Transactions of the upgraded terminals are never controls.
public enum FirmwareChangeAnalysis {
    /// At most this many findings, the smallest p-values first.
    public static let maximumFindings = 5

    /// The four groups of one `from → to` pair and their difference in differences.
    public struct Comparison: Sendable, Hashable {
        public let from: String
        public let to: String
        /// Distinct terminals upgraded `from → to`.
        public let upgradedTerminals: Int
        public let upgradedBefore: OutcomeCount
        public let upgradedAfter: OutcomeCount
        public let notUpgradedBefore: OutcomeCount
        public let notUpgradedAfter: OutcomeCount
        /// nil when a group has no transactions.
        public let differenceInDifferences: DifferenceInDifferences?
        /// Benjamini–Hochberg q of the DiD p-value over the pairs that have one; NaN otherwise.
        public let qValue: Double
    }

    /// Firmware-change findings (kind `firmware_change`, pattern `firmware=A→B`).
    ///
    /// A pair is reported only when all of these hold: the 95% interval of its DiD ratio excludes
    /// 1; its two-sided p-value has a Benjamini–Hochberg q ≤ 0.05 over the pairs tested; the ratio
    /// is at least 1.5-fold either way (≥ 1.5 or ≤ 1/1.5, the effect size §4 asks of
    /// combinations); and the upgraded terminals had at least 20 target outcomes before and
    /// after together. `risk_ratio`, `rr_lo`, `rr_hi` are the DiD ratio and its interval (below
    /// 1: the rate fell with the upgrade, so `from` caused it; above 1: `to` did); `rate` is the
    /// upgraded terminals' rate after, `baseline_rate` before; `n_txns`/`n_unknown` count them
    /// after. `excess_unknown` is the target outcomes the worse version added beyond the
    /// controls' trend, in the half it ran: a0·(1 − DiD) for a fall, a1·(1 − 1/DiD) for a rise;
    /// `top_cause`/`top_codes` describe the upgraded terminals' target rows in that half, and
    /// `share_of_unknown` is their number over all target rows.
    /// `windowDays` is each half's length; upgrades with `from == to` are ignored.
    public static func analyze(
        _ table: TransactionTable, upgrades: [FirmwareUpgrade], isTarget: (Outcome) -> Bool, targetName: String,
        windowDays: Int = 14
    ) -> [Finding] {
        compare(table, upgrades: upgrades, isTarget: isTarget, targetName: targetName, windowDays: windowDays).findings
    }

    /// Every pair's four counts and DiD, in pair order (`from`, then `to`), and the findings
    /// `analyze` returns: the numbers behind them, for reports and tests.
    public static func compare(
        _ table: TransactionTable, upgrades: [FirmwareUpgrade], isTarget: (Outcome) -> Bool, targetName: String,
        windowDays: Int = 14
    ) -> (comparisons: [Comparison], findings: [Finding]) {
        let window = Int64(windowDays) * 86_400_000
        let changes = upgrades.filter { $0.from != $0.to }
        guard !changes.isEmpty, window > 0 else { return ([], []) }
        let targetOf = Outcome.allCases.map(isTarget)
        let firmwareAttribute = TransactionTable.attributeIndex("firmware")!

        // Pairs in text order, so the output does not depend on the order of `upgrades`.
        struct Pair: Hashable, Comparable {
            var from: String
            var to: String
            static func < (lhs: Pair, rhs: Pair) -> Bool { (lhs.from, lhs.to) < (rhs.from, rhs.to) }
        }
        let pairs = Set(changes.map { Pair(from: $0.from, to: $0.to) }).sorted()
        var pairIndex: [Pair: Int] = [:]
        for (index, pair) in pairs.enumerated() { pairIndex[pair] = index }

        // Each terminal's upgrades by time, and each pair's upgrade times.
        let terminalCount = max(
            table.terminals.count, Int(table.terminal.max() ?? 0) + 1,
            Int(changes.map(\.terminal).max() ?? 0) + 1)
        var upgradesOf = [[(time: Int64, pair: Int)]](repeating: [], count: terminalCount)
        var timesOfPair = [[Int64]](repeating: [], count: pairs.count)
        var terminalsOfPair = [Set<UInt32>](repeating: [], count: pairs.count)
        for change in changes {
            let pair = pairIndex[Pair(from: change.from, to: change.to)]!
            upgradesOf[Int(change.terminal)].append((change.time, pair))
            timesOfPair[pair].append(change.time)
            terminalsOfPair[pair].insert(change.terminal)
        }
        for terminal in 0..<terminalCount where upgradesOf[terminal].count > 1 {
            upgradesOf[terminal].sort { ($0.time, $0.pair) < ($1.time, $1.pair) }
        }
        for pair in pairs.indices { timesOfPair[pair].sort() }

        // Pairs by the firmware code of their `from`: the controls' rows.
        var pairsFrom = [[Int]](repeating: [], count: table.values[firmwareAttribute].count)
        for (code, value) in table.values[firmwareAttribute].enumerated() {
            pairsFrom[code] = pairs.indices.filter { pairs[$0].from == value }
        }

        var counts = [FourCounts](repeating: FourCounts(), count: pairs.count)
        var targetRowsBefore = [[Int]](repeating: [], count: pairs.count)
        var targetRowsAfter = [[Int]](repeating: [], count: pairs.count)
        for row in 0..<table.count {
            let time = table.time[row]
            let terminal = Int(table.terminal[row])
            let isTarget = targetOf[Int(table.outcome[row].rawValue)]
            let own = upgradesOf[terminal]
            // own[position - 1] is the latest upgrade at or before the row, own[position] the next.
            var position = 0
            while position < own.count && own[position].time <= time { position += 1 }
            var upgradedPairs: (after: Int, before: Int) = (-1, -1)
            if position > 0, time - own[position - 1].time < window {
                let pair = own[position - 1].pair
                upgradedPairs.after = pair
                counts[pair].upgradedAfter.add(isTarget)
                if isTarget { targetRowsAfter[pair].append(row) }
            }
            if position < own.count, own[position].time - time <= window {
                let pair = own[position].pair
                upgradedPairs.before = pair
                counts[pair].upgradedBefore.add(isTarget)
                if isTarget { targetRowsBefore[pair].append(row) }
            }

            let firmware = Int(table.attributes[firmwareAttribute][row])
            guard firmware < pairsFrom.count else { continue }
            for pair in pairsFrom[firmware] where upgradedPairs.after != pair && upgradedPairs.before != pair {
                // Not a control if the terminal has made this upgrade already, or makes it within
                // the window after the row.
                if terminalsOfPair[pair].contains(UInt32(terminal)),
                    own[..<position].contains(where: { $0.pair == pair })
                        || own[position...].contains(where: { $0.pair == pair && $0.time - time <= window })
                {
                    continue
                }
                let times = timesOfPair[pair]
                let next = upperBound(times, time)
                if next < times.count, times[next] - time <= window { counts[pair].controlBefore.add(isTarget) }
                if next > 0, time - times[next - 1] < window { counts[pair].controlAfter.add(isTarget) }
            }
        }

        // The DiD of every pair that has all four groups, then BH over them.
        var tested: [(pair: Int, did: DifferenceInDifferences)] = []
        for pair in pairs.indices {
            let count = counts[pair]
            if let did = DifferenceInDifferences(
                upgradedAfter: count.upgradedAfter.outcomeCount, upgradedBefore: count.upgradedBefore.outcomeCount,
                notUpgradedAfter: count.controlAfter.outcomeCount, notUpgradedBefore: count.controlBefore.outcomeCount)
            {
                tested.append((pair, did))
            }
        }
        let qValues = benjaminiHochbergQValues(tested.map(\.did.pValue))
        var comparisons: [Comparison] = []
        for pair in pairs.indices {
            let count = counts[pair]
            let testIndex = tested.firstIndex { $0.pair == pair }
            comparisons.append(
                Comparison(
                    from: pairs[pair].from, to: pairs[pair].to, upgradedTerminals: terminalsOfPair[pair].count,
                    upgradedBefore: count.upgradedBefore.outcomeCount, upgradedAfter: count.upgradedAfter.outcomeCount,
                    notUpgradedBefore: count.controlBefore.outcomeCount,
                    notUpgradedAfter: count.controlAfter.outcomeCount,
                    differenceInDifferences: testIndex.map { tested[$0].did },
                    qValue: testIndex.map { qValues[$0] } ?? .nan))
        }
        let targetTotal = table.outcome.reduce(0) { $0 + (targetOf[Int($1.rawValue)] ? 1 : 0) }

        var findings: [(p: Double, finding: Finding)] = []
        for (index, test) in tested.enumerated() {
            let estimate = test.did.estimate
            let count = counts[test.pair]
            let excludesOne = estimate.lower > 1 || estimate.upper < 1
            let largeEnough = estimate.ratio >= 1.5 || estimate.ratio <= 1 / 1.5
            let supported = count.upgradedBefore.outcomes + count.upgradedAfter.outcomes >= 20
            guard excludesOne, largeEnough, supported, qValues[index] <= 0.05 else { continue }
            let pair = pairs[test.pair]
            let rise = estimate.ratio > 1
            let terminals = terminalsOfPair[test.pair].count
            let after = count.upgradedAfter
            let before = count.upgradedBefore
            let rate = WilsonInterval(outcomes: after.outcomes, trials: after.total)
            let baseline = Double(before.outcomes) / Double(before.total)
            let excess =
                rise
                ? Double(after.outcomes) * (1 - 1 / estimate.ratio) : Double(before.outcomes) * (1 - estimate.ratio)
            let worseRows = rise ? targetRowsAfter[test.pair] : targetRowsBefore[test.pair]
            let text = NetworkFindingText.self
            let controlBefore = Double(count.controlBefore.outcomes) / Double(count.controlBefore.total)
            let controlAfter = Double(count.controlAfter.outcomes) / Double(count.controlAfter.total)
            let verdict =
                rise
                ? "the rate rose with the upgrade, so \(pair.to) caused it"
                : "the rate fell with the upgrade, so \(pair.from) caused it"
            let evidence =
                "After \(text.count(terminals)) terminal\(terminals == 1 ? "" : "s") upgraded \(pair.from) to"
                + " \(pair.to), their \(targetName) rate went from \(text.percent(baseline))"
                + " (\(text.count(before.outcomes)) of \(text.count(before.total))) in the \(windowDays) days before"
                + " to \(text.percent(rate.rate)) (\(text.count(after.outcomes)) of \(text.count(after.total)))"
                + " in the \(windowDays) days after, while terminals still on \(pair.from) went from"
                + " \(text.percent(controlBefore)) to \(text.percent(controlAfter)); difference-in-differences"
                + " ratio \(text.ratio(estimate)), p \(text.pValue(test.did.pValue)): \(verdict)."
            let finding = Finding(
                kind: "firmware_change", pattern: "firmware=\(pair.from)→\(pair.to)", outcome: targetName,
                transactions: after.total, outcomes: after.outcomes, rate: rate.rate, rateLow: rate.lower,
                rateHigh: rate.upper, baselineRate: baseline, riskRatio: estimate.ratio, riskRatioLow: estimate.lower,
                riskRatioHigh: estimate.upper, pValue: test.did.pValue, qValue: qValues[index], excess: excess,
                shareOfOutcome: targetTotal > 0 ? Double(worseRows.count) / Double(targetTotal) : 0,
                topCause: text.topCause(table, rows: worseRows), topCodes: text.topCodes(table, rows: worseRows),
                confoundedBy: nil, evidence: evidence)
            findings.append((test.did.pValue, finding))
        }
        findings.sort { $0.p < $1.p || ($0.p == $1.p && $0.finding.pattern < $1.finding.pattern) }
        return (comparisons, findings.prefix(maximumFindings).map(\.finding))
    }

    /// Target outcomes among transactions, counted as they come.
    private struct Tally {
        var outcomes = 0
        var total = 0
        mutating func add(_ isTarget: Bool) {
            total += 1
            if isTarget { outcomes += 1 }
        }
        var outcomeCount: OutcomeCount { OutcomeCount(outcomes: outcomes, total: total) }
    }

    /// The four groups of one pair's difference in differences.
    private struct FourCounts {
        var upgradedBefore = Tally()
        var upgradedAfter = Tally()
        var controlBefore = Tally()
        var controlAfter = Tally()
    }

    /// First index of sorted `values` greater than `value`.
    private static func upperBound(_ values: [Int64], _ value: Int64) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) >> 1
            if values[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
