/// Did an upgrade change the target rate? The firmware pass of docs/analysis.md §6.
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
    /// One run of the pass: which rows are its target, and how the evidence names them.
    public struct Run: Sendable {
        /// The target outcome's name for the `outcome` column, e.g. `unknown`.
        public var outcome: String
        /// The cause the run is restricted to, nil for all target rows.
        public var cause: Cause?
        /// Per `Outcome` (raw value), true when a row with it is a target row (of `cause`, if given).
        public var isTargetOutcome: [Bool]

        public init(outcome: String, cause: Cause?, isTargetOutcome: [Bool]) {
            self.outcome = outcome
            self.cause = cause
            self.isTargetOutcome = isTargetOutcome
        }

        /// True when `row` of `table` is a target row of the run.
        func isTarget(_ table: TransactionTable, _ row: Int) -> Bool {
            isTargetOutcome[Int(table.outcome[row].rawValue)] && (cause == nil || table.cause[row] == cause)
        }
    }

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
        /// Benjamini–Hochberg q of the DiD p-value over every pair of every run that has one; NaN otherwise.
        public let qValue: Double
    }

    /// A finding with the firmware version its recommendation is about: `from` when the rate
    /// fell with the upgrade, `to` when it rose.
    public struct Result: Sendable {
        public var finding: Finding
        public var worseVersion: String
        public var betterVersion: String
    }

    /// Firmware-change findings (kind `firmware_change`, pattern `firmware=A→B`) of one run.
    public static func analyze(
        _ table: TransactionTable, upgrades: [FirmwareUpgrade], isTarget: (Outcome) -> Bool, targetName: String,
        options: FirmwareOptions = FirmwareOptions()
    ) -> [Finding] {
        compare(table, upgrades: upgrades, isTarget: isTarget, targetName: targetName, options: options).findings
    }

    /// Every pair's four counts and DiD, in pair order (`from`, then `to`), and the findings of
    /// one run over the rows whose outcome `isTarget` accepts.
    public static func compare(
        _ table: TransactionTable, upgrades: [FirmwareUpgrade], isTarget: (Outcome) -> Bool, targetName: String,
        options: FirmwareOptions = FirmwareOptions()
    ) -> (comparisons: [Comparison], findings: [Finding]) {
        let run = Run(outcome: targetName, cause: nil, isTargetOutcome: Outcome.allCases.map(isTarget))
        let (comparisons, results) = analyze(table, upgrades: upgrades, runs: [run], options: options)
        return (comparisons.first ?? [], results.map(\.finding))
    }

    /// The pass over several runs (all target rows, then one run per cause with enough of them)
    /// as one family: the DiD p-values of every pair of every run take their Benjamini–Hochberg
    /// q-values together, so running per cause does not multiply the chances of a false finding.
    ///
    /// A pair of a run is tested when the upgraded terminals had at least `options.minOutcomes`
    /// target outcomes before and after together, and reported only when also: the 95% interval
    /// of its DiD ratio excludes 1; its q ≤ `options.maxQValue` over the pairs tested; and the
    /// ratio is at least `options.minFold` either way (≥ minFold or ≤ 1/minFold). Of those, the
    /// `options.maxFindings` smallest p-values are kept, a pattern once (the larger excess).
    /// `risk_ratio`, `rr_lo`, `rr_hi` are the DiD ratio and its interval (below 1: the rate fell
    /// with the upgrade, so `from` caused it; above 1: `to` did); `rate` is the upgraded terminals'
    /// rate after, `baseline_rate` before; `n_txns`/`n_unknown` count them after.
    /// `excess_unknown` is the target outcomes the worse version added beyond the controls'
    /// trend, in the half it ran: a0·(1 − DiD) for a fall, a1·(1 − 1/DiD) for a rise;
    /// `top_cause`/`top_codes` describe the upgraded terminals' target rows in that half, and
    /// `share_of_unknown` is their number over all target rows of the run.
    /// `options.windowDays` is each half's length; upgrades with `from == to` are ignored.
    /// Returns each run's comparisons (run order) and the findings, smallest p first.
    public static func analyze(
        _ table: TransactionTable, upgrades: [FirmwareUpgrade], runs: [Run], options: FirmwareOptions
    ) -> (comparisons: [[Comparison]], results: [Result]) {
        let rows = relevantRows(table, upgrades: upgrades)
        let measured = measure(table, rows: rows, upgrades: upgrades, runs: runs, windowDays: options.windowDays)
        // The family: every pair of every run with a DiD whose upgraded terminals had enough target
        // outcomes to be reported. The filter is on the total of both halves, which under no effect
        // says nothing of how they split, so it leaves the p-values of the pairs kept as they were
        // (independent filtering); a pair that could never be reported does not dilute the others.
        var tested: [(run: Int, pair: Int)] = []
        for (r, pairs) in measured.enumerated() {
            for (k, pair) in pairs.enumerated()
            where pair.did != nil && pair.counts.upgradedBefore.outcomes + pair.counts.upgradedAfter.outcomes >= options.minOutcomes {
                tested.append((r, k))
            }
        }
        let qValues = benjaminiHochbergQValues(tested.map { measured[$0.run][$0.pair].did!.pValue })
        var qOf: [[Double]] = measured.map { [Double](repeating: .nan, count: $0.count) }
        for (index, t) in tested.enumerated() { qOf[t.run][t.pair] = qValues[index] }

        let comparisons = measured.indices.map { r in
            measured[r].indices.map { k in
                let m = measured[r][k]
                return Comparison(
                    from: m.from, to: m.to, upgradedTerminals: m.terminals, upgradedBefore: m.counts.upgradedBefore.outcomeCount,
                    upgradedAfter: m.counts.upgradedAfter.outcomeCount, notUpgradedBefore: m.counts.controlBefore.outcomeCount,
                    notUpgradedAfter: m.counts.controlAfter.outcomeCount, differenceInDifferences: m.did, qValue: qOf[r][k])
            }
        }

        var chosen: [(p: Double, result: Result)] = []
        for t in tested {
            let m = measured[t.run][t.pair]
            let q = qOf[t.run][t.pair]
            guard let did = m.did else { continue }
            let estimate = did.estimate
            let excludesOne = estimate.lower > 1 || estimate.upper < 1
            let largeEnough = estimate.ratio >= options.minFold || estimate.ratio <= 1 / options.minFold
            let supported = m.counts.upgradedBefore.outcomes + m.counts.upgradedAfter.outcomes >= options.minOutcomes
            guard excludesOne, largeEnough, supported, q <= options.maxQValue else { continue }
            let run = runs[t.run]
            let targetTotal = (0..<table.count).reduce(0) { $0 + (run.isTarget(table, $1) ? 1 : 0) }
            chosen.append((did.pValue, result(m, did: did, q: q, run: run, targetTotal: targetTotal, table: table, options: options)))
        }
        chosen.sort { $0.p < $1.p || ($0.p == $1.p && $0.result.finding.pattern < $1.result.finding.pattern) }
        var kept: [Result] = []
        for (_, candidate) in chosen {
            if let index = kept.firstIndex(where: { $0.finding.pattern == candidate.finding.pattern }) {
                if candidate.finding.excess > kept[index].finding.excess { kept[index] = candidate }
                continue
            }
            guard kept.count < options.maxFindings else { continue }
            kept.append(candidate)
        }
        return (comparisons, kept)
    }

    /// The finding of one pair that passed, with its sentences in both languages.
    private static func result(
        _ m: Measured, did: DifferenceInDifferences, q: Double, run: Run, targetTotal: Int, table: TransactionTable,
        options: FirmwareOptions
    ) -> Result {
        let estimate = did.estimate
        let count = m.counts
        let rise = estimate.ratio > 1
        let after = count.upgradedAfter
        let before = count.upgradedBefore
        let rate = WilsonInterval(outcomes: after.outcomes, trials: after.total)
        let baseline = Double(before.outcomes) / Double(before.total)
        let excess = rise ? Double(after.outcomes) * (1 - 1 / estimate.ratio) : Double(before.outcomes) * (1 - estimate.ratio)
        let worseRows = rise ? m.targetRowsAfter : m.targetRowsBefore
        let text = NetworkFindingText.self
        let controlBefore = Double(count.controlBefore.outcomes) / Double(count.controlBefore.total)
        let controlAfter = Double(count.controlAfter.outcomes) / Double(count.controlAfter.total)
        let days = options.windowDays
        let outcomeEN = run.cause.map { "\(run.outcome) (\($0))" } ?? run.outcome
        let outcomeZH = Wording.outcomeZH(run.outcome) + (run.cause.map { "（\(Wording.causeZH($0))）" } ?? "")
        let english =
            "After \(text.count(m.terminals)) terminal\(m.terminals == 1 ? "" : "s") upgraded \(m.from) to"
            + " \(m.to), their \(outcomeEN) rate went from \(text.percent(baseline))"
            + " (\(text.count(before.outcomes)) of \(text.count(before.total))) in the \(days) days before"
            + " to \(text.percent(rate.rate)) (\(text.count(after.outcomes)) of \(text.count(after.total)))"
            + " in the \(days) days after, while terminals still on \(m.from) went from"
            + " \(text.percent(controlBefore)) to \(text.percent(controlAfter)); difference-in-differences"
            + " ratio \(text.ratio(estimate)), p \(text.pValue(did.pValue)), q \(text.pValue(q)): "
            + (rise ? "the rate rose with the upgrade, so \(m.to) caused it." : "the rate fell with the upgrade, so \(m.from) caused it.")
        let chinese =
            "\(text.count(m.terminals)) 台终端从 \(m.from) 升级到 \(m.to) 后，其\(outcomeZH)比例由升级前 \(days) 天的"
            + " \(text.percent(baseline))（\(text.count(before.total)) 笔中 \(text.count(before.outcomes)) 笔）"
            + (rise ? "升至" : "降至") + "升级后 \(days) 天的 \(text.percent(rate.rate))"
            + "（\(text.count(after.total)) 笔中 \(text.count(after.outcomes)) 笔）；同期仍在 \(m.from) 上的终端由"
            + " \(text.percent(controlBefore)) 变为 \(text.percent(controlAfter))。双重差分比 \(text.ratio(estimate))，"
            + "p \(text.pValue(did.pValue))，q \(text.pValue(q))："
            + (rise ? "比例随升级上升，问题出在 \(m.to)。" : "比例随升级下降，问题出在 \(m.from)。")
        let finding = Finding(
            kind: "firmware_change", pattern: "firmware=\(m.from)→\(m.to)", outcome: run.outcome,
            transactions: after.total, outcomes: after.outcomes, rate: rate.rate, rateLow: rate.lower,
            rateHigh: rate.upper, baselineRate: baseline, riskRatio: estimate.ratio, riskRatioLow: estimate.lower,
            riskRatioHigh: estimate.upper, pValue: did.pValue, qValue: q, excess: excess,
            shareOfOutcome: targetTotal > 0 ? Double(worseRows.count) / Double(targetTotal) : 0,
            topCause: text.topCause(table, rows: worseRows), topCodes: text.topCodes(table, rows: worseRows),
            confoundedBy: nil, evidence: english, evidenceZH: chinese)
        return Result(finding: finding, worseVersion: rise ? m.to : m.from, betterVersion: rise ? m.from : m.to)
    }

    /// One pair's counts in one run.
    private struct Measured {
        var from: String
        var to: String
        var terminals: Int
        var counts: FourCounts
        var targetRowsBefore: [Int]
        var targetRowsAfter: [Int]
        var did: DifferenceInDifferences?
    }

    /// The only rows a comparison can count: those of terminals that upgraded, and those on a
    /// version some upgrade started from (the controls). Every run reads these alone.
    private static func relevantRows(_ table: TransactionTable, upgrades: [FirmwareUpgrade]) -> [Int32] {
        let changes = upgrades.filter { $0.from != $0.to }
        guard !changes.isEmpty else { return [] }
        let firmwareAttribute = TransactionTable.attributeIndex("firmware")!
        let terminalCount = max(table.terminals.count, Int(table.terminal.max() ?? 0) + 1, Int(changes.map(\.terminal).max() ?? 0) + 1)
        var upgraded = [Bool](repeating: false, count: terminalCount)
        for change in changes { upgraded[Int(change.terminal)] = true }
        let froms = Set(changes.map(\.from))
        let isFrom = table.values[firmwareAttribute].map { froms.contains($0) }
        let column = table.attributes[firmwareAttribute]
        var rows: [Int32] = []
        for row in 0..<table.count where upgraded[Int(table.terminal[row])] || isFrom[Int(column[row])] { rows.append(Int32(row)) }
        return rows
    }

    /// Per run, for each `from → to` pair among the upgrades (text order), the four groups' counts
    /// over the target rows of the run among `rows`, and their DiD when every group has transactions.
    private static func measure(
        _ table: TransactionTable, rows: [Int32], upgrades: [FirmwareUpgrade], runs: [Run], windowDays: Int
    ) -> [[Measured]] {
        let window = Int64(windowDays) * 86_400_000
        let changes = upgrades.filter { $0.from != $0.to }
        guard !changes.isEmpty, window > 0 else { return runs.map { _ in [] } }
        let schedule = UpgradeSchedule(table, changes: changes)
        return countGroups(table, rows: rows, schedule: schedule, runs: runs, window: window).map { groups in
            schedule.pairs.indices.map { pair in
                let count = groups.counts[pair]
                return Measured(
                    from: schedule.pairs[pair].from, to: schedule.pairs[pair].to, terminals: schedule.terminalsOfPair[pair].count, counts: count,
                    targetRowsBefore: groups.targetRowsBefore[pair], targetRowsAfter: groups.targetRowsAfter[pair],
                    did: DifferenceInDifferences(
                        upgradedAfter: count.upgradedAfter.outcomeCount, upgradedBefore: count.upgradedBefore.outcomeCount,
                        notUpgradedAfter: count.controlAfter.outcomeCount, notUpgradedBefore: count.controlBefore.outcomeCount))
            }
        }
    }

    /// A `from → to` pair, ordered by text.
    private struct UpgradePair: Hashable, Comparable {
        var from: String
        var to: String
        static func < (lhs: UpgradePair, rhs: UpgradePair) -> Bool { (lhs.from, lhs.to) < (rhs.from, rhs.to) }
    }

    /// The upgrades arranged for counting: the pairs in text order (so the output does not
    /// depend on the order of the upgrades), each terminal's upgrades by time, each pair's
    /// upgrade times and terminals, and the pairs by the firmware code of their `from`.
    private struct UpgradeSchedule {
        var pairs: [UpgradePair]
        /// Per terminal: its upgrades by time (then pair).
        var upgradesOf: [[(time: Int64, pair: Int)]]
        /// Per pair: its upgrade times, ascending.
        var timesOfPair: [[Int64]]
        var terminalsOfPair: [Set<UInt32>]
        /// Per firmware code: the pairs that start from it (the controls' rows).
        var pairsFrom: [[Int]]

        /// `changes` must not be empty and hold no upgrade with `from == to`.
        init(_ table: TransactionTable, changes: [FirmwareUpgrade]) {
            let firmwareAttribute = TransactionTable.attributeIndex("firmware")!
            pairs = Set(changes.map { UpgradePair(from: $0.from, to: $0.to) }).sorted()
            var pairIndex: [UpgradePair: Int] = [:]
            for (index, pair) in pairs.enumerated() { pairIndex[pair] = index }
            let terminalCount = max(
                table.terminals.count, Int(table.terminal.max() ?? 0) + 1,
                Int(changes.map(\.terminal).max() ?? 0) + 1)
            upgradesOf = [[(time: Int64, pair: Int)]](repeating: [], count: terminalCount)
            timesOfPair = [[Int64]](repeating: [], count: pairs.count)
            terminalsOfPair = [Set<UInt32>](repeating: [], count: pairs.count)
            for change in changes {
                let pair = pairIndex[UpgradePair(from: change.from, to: change.to)]!
                upgradesOf[Int(change.terminal)].append((change.time, pair))
                timesOfPair[pair].append(change.time)
                terminalsOfPair[pair].insert(change.terminal)
            }
            for terminal in 0..<terminalCount where upgradesOf[terminal].count > 1 {
                upgradesOf[terminal].sort { ($0.time, $0.pair) < ($1.time, $1.pair) }
            }
            for pair in pairs.indices { timesOfPair[pair].sort() }
            pairsFrom = [[Int]](repeating: [], count: table.values[firmwareAttribute].count)
            for (code, value) in table.values[firmwareAttribute].enumerated() {
                pairsFrom[code] = pairs.indices.filter { pairs[$0].from == value }
            }
        }
    }

    /// Each pair's four groups, and the target rows of its upgraded terminals before and after.
    private struct GroupCounts {
        var counts: [FourCounts]
        var targetRowsBefore: [[Int]]
        var targetRowsAfter: [[Int]]
    }

    /// Counts every row of `rows` into the groups it belongs to, for every run at once (the groups
    /// are the same; only what is a target row differs): the upgraded-before/after group of its
    /// terminal's nearest upgrades within the window, and the control groups of the pairs that
    /// start from its firmware. Returns a `GroupCounts` per run.
    private static func countGroups(
        _ table: TransactionTable, rows: [Int32], schedule: UpgradeSchedule, runs: [Run], window: Int64
    ) -> [GroupCounts] {
        let firmwareAttribute = TransactionTable.attributeIndex("firmware")!
        let pairCount = schedule.pairs.count
        var groups = runs.map { _ in
            GroupCounts(
                counts: [FourCounts](repeating: FourCounts(), count: pairCount), targetRowsBefore: [[Int]](repeating: [], count: pairCount),
                targetRowsAfter: [[Int]](repeating: [], count: pairCount))
        }
        var isTarget = [Bool](repeating: false, count: runs.count)
        let timeColumn = table.time
        let terminalColumn = table.terminal
        let firmwareColumn = table.attributes[firmwareAttribute]
        for row32 in rows {
            let row = Int(row32)
            let time = timeColumn[row]
            let terminal = Int(terminalColumn[row])
            for r in runs.indices { isTarget[r] = runs[r].isTarget(table, row) }
            schedule.upgradesOf[terminal].withUnsafeBufferPointer { own in
                // own[position - 1] is the latest upgrade at or before the row, own[position] the next.
                var position = 0
                while position < own.count && own[position].time <= time { position += 1 }
                var upgradedPairs: (after: Int, before: Int) = (-1, -1)
                if position > 0, time - own[position - 1].time < window {
                    let pair = own[position - 1].pair
                    upgradedPairs.after = pair
                    for r in runs.indices {
                        groups[r].counts[pair].upgradedAfter.add(isTarget[r])
                        if isTarget[r] { groups[r].targetRowsAfter[pair].append(row) }
                    }
                }
                if position < own.count, own[position].time - time <= window {
                    let pair = own[position].pair
                    upgradedPairs.before = pair
                    for r in runs.indices {
                        groups[r].counts[pair].upgradedBefore.add(isTarget[r])
                        if isTarget[r] { groups[r].targetRowsBefore[pair].append(row) }
                    }
                }
                let firmware = Int(firmwareColumn[row])
                guard firmware < schedule.pairsFrom.count else { return }
                for pair in schedule.pairsFrom[firmware] where upgradedPairs.after != pair && upgradedPairs.before != pair {
                    // Not a control if the terminal has made this upgrade already, or makes it within
                    // the window after the row.
                    if schedule.terminalsOfPair[pair].contains(UInt32(terminal)),
                        own[..<position].contains(where: { $0.pair == pair })
                            || own[position...].contains(where: { $0.pair == pair && $0.time - time <= window })
                    {
                        continue
                    }
                    let (before, after) = schedule.timesOfPair[pair].withUnsafeBufferPointer { times in
                        let next = upperBound(times, time)
                        return (next < times.count && times[next] - time <= window, next > 0 && time - times[next - 1] < window)
                    }
                    for r in runs.indices {
                        if before { groups[r].counts[pair].controlBefore.add(isTarget[r]) }
                        if after { groups[r].counts[pair].controlAfter.add(isTarget[r]) }
                    }
                }
            }
        }
        return groups
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
    private static func upperBound(_ values: UnsafeBufferPointer<Int64>, _ value: Int64) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) >> 1
            if values[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
