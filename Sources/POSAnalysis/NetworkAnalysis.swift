import Glibc

/// Settings of the network pass (docs/analysis.md §5); the defaults are those of the spec.
public struct NetworkOptions: Sendable, Hashable {
    /// Windows before each transaction (and after it, the negative control), in seconds; they
    /// are used in ascending order, duplicates and non-positive values dropped.
    public var windowsSeconds: [Int]
    /// Circular shifts of the permutation test; 0 skips the test (every p-value is then 1).
    public var permutations: Int
    /// Seed of the shifts and of the row sample: the same seed gives the same p-values.
    public var seed: UInt64
    /// The permutation statistic is taken over at most this many target rows and this many
    /// other rows, each a seeded random sample when there are more.
    public var permutationSampleSize: Int
    /// The window whose finding is reported when it passes: 60 s, the `net_event_60s` of §2.
    public var findingWindowSeconds: Int
    /// A window passes when its q-value and its permutation p-value are at most this…
    public var significance: Double
    /// …and the lower end of its risk-ratio interval is at least this.
    public var minimumRiskRatioLow: Double

    /// The defaults: windows of 10, 60 and 300 s, 999 shifts, seed 20261120, samples of
    /// 20,000 rows, the 60 s finding, q and p ≤ 0.05, rr_lo ≥ 1.5.
    public init(
        windowsSeconds: [Int] = [10, 60, 300], permutations: Int = 999, seed: UInt64 = 20_261_120,
        permutationSampleSize: Int = 20_000, findingWindowSeconds: Int = 60, significance: Double = 0.05,
        minimumRiskRatioLow: Double = 1.5
    ) {
        self.windowsSeconds = windowsSeconds
        self.permutations = permutations
        self.seed = seed
        self.permutationSampleSize = permutationSampleSize
        self.findingWindowSeconds = findingWindowSeconds
        self.significance = significance
        self.minimumRiskRatioLow = minimumRiskRatioLow
    }
}

/// The network pass's numbers for one window (docs/analysis.md §5).
///
/// "Exposed" means the transaction's terminal logged `net state=down|weak|switch`, or its
/// acquirer realm logged a link event, in the window: the `seconds` before the transaction
/// (event time in [t − w, t], as `net_event_60s`) for `before`, the `seconds` after it (in
/// (t, t + w]) for `after`.
/// In both tables S, the inside, is the exposed transactions.
public struct NetworkWindowResult: Sendable, Hashable {
    /// The window, in seconds.
    public let seconds: Int
    /// Target outcomes among transactions with an event in the window before them, and the rest.
    public let before: TwoByTwoTable
    /// Risk ratio exposed vs not, Katz interval; nil when every transaction or none is exposed.
    public let beforeRatio: RatioEstimate?
    /// One-sided p-value that exposed transactions have the higher rate (chi-square or Fisher).
    public let pValue: Double
    /// Benjamini–Hochberg q-value of `pValue` over the windows.
    public let qValue: Double
    /// The same for an event in the window after the transaction: the negative control.
    public let after: TwoByTwoTable
    public let afterRatio: RatioEstimate?
    /// Circular-shift permutation p-value, (1 + shifts at least as extreme)/(1 + shifts).
    public let permutationPValue: Double
    /// Shifts run (0 when the test could not run: no target rows, no events, 0 permutations).
    public let permutationShifts: Int
    /// q, rr_lo and the permutation p all pass the thresholds of `NetworkOptions`.
    public let passes: Bool
    /// Both ratios are significantly above 1 (lower ends > 1) and the after-window ratio is at
    /// least half the before-window one: events and failures come together (a shared outage)
    /// rather than events first.
    public let sharedOutage: Bool
}

/// The target rate of one `rssi_band` value: the dose–response table of docs/analysis.md §5.
public struct NetworkSignalBand: Sendable, Hashable {
    /// `>=-85`, `-86..-95`, `-96..-105`, `<-105`, `unknown` (in that order), then any other value.
    public let band: String
    /// Target outcomes o among n transactions, with the Wilson interval.
    public let rate: WilsonInterval
}

/// What the network pass found (docs/analysis.md §5).
public struct NetworkReport: Sendable, Hashable {
    /// One result per window of `NetworkOptions.windowsSeconds`, shortest first.
    public let windows: [NetworkWindowResult]
    /// Target rate by `rssi_band`, strongest signal first.
    public let doseResponse: [NetworkSignalBand]
    /// Cochran–Armitage trend z over the four known bands (scores 0–3, strongest to weakest):
    /// positive when the rate rises as the signal weakens; nil when it cannot be computed.
    public let signalTrendZ: Double?
    /// Target rows and other rows the permutation statistic was taken over.
    public let permutationTargets: Int
    public let permutationOthers: Int
    /// At most one finding of kind `network` (see `NetworkAnalysis.analyze`).
    public var findings: [Finding]
    /// The rows the finding is about: those with an event in its window before them.
    var findingRows: [Int32] = []
}

/// Do failures follow network trouble? The network pass of docs/analysis.md §5.
public enum NetworkAnalysis {
    /// The `rssi_band` values in dose order, strongest signal first.
    public static let signalBands = [">=-85", "-86..-95", "-96..-105", "<-105", "unknown"]

    /// Risk ratios of "a network event in the w seconds before" for each window, the same after
    /// the transaction as a negative control, a circular-shift permutation test, and the
    /// dose–response table by `rssi_band`, for the rows whose outcome `isTarget` accepts.
    ///
    /// Returns at most one finding, of kind `network`: the window of
    /// `options.findingWindowSeconds` (pattern `net_event_60s=yes`) when it passes, otherwise
    /// the passing window with the largest excess (`net_event_10s=yes`, …). A window passes when
    /// its q-value (over the windows) and its permutation p-value are at most
    /// `options.significance` and its rr_lo is at least `options.minimumRiskRatioLow`. The
    /// finding's p_value is the one-sided chi-square/Fisher p, its q_value the q of that; the
    /// permutation p, the other windows, the signal trend and the after-window control are in
    /// its evidence. The realm of a transaction is its `acquirer` attribute code; the events'
    /// realm codes must be codes of that attribute. Rows need not be in time order.
    /// `excess_unknown` is o − n·r0 (r0 the rate of the unexposed), `share_of_unknown` o over
    /// all target rows, as the combination findings have them.
    public static func analyze(
        _ table: TransactionTable, events: NetworkEvents, isTarget: (Outcome) -> Bool, targetName: String,
        options: NetworkOptions = NetworkOptions()
    ) -> NetworkReport {
        analyze(
            table, events: events, isTarget: isTarget, targetName: targetName, options: options,
            denseEventCount: 8 * max(1, options.permutations))
    }

    /// `analyze` with the event count above which a source's shifts are searched one by one
    /// rather than bucketed; both ways give the same numbers, so tests can force either.
    package static func analyze(
        _ table: TransactionTable, events: NetworkEvents, isTarget: (Outcome) -> Bool, targetName: String,
        options: NetworkOptions, denseEventCount: Int
    ) -> NetworkReport {
        let targetOf = Outcome.allCases.map(isTarget)
        let target = TargetRows(outcome: table.outcome, targetOf: targetOf)
        let seconds = Set(options.windowsSeconds.filter { $0 > 0 }).sorted()
        let windows = seconds.map { Int64($0) * 1000 }
        let exposure = Exposure(table, events: events, windows: windows)
        let counts = WindowCounts(exposure, target: target, windowCount: windows.count)

        var permutation = NetworkPermutationTest(
            table: table, isTarget: target, beforeClass: exposure.beforeClass, windows: windows,
            terminalEvents: exposure.terminalEvents, realmEvents: exposure.realmEvents,
            realmAttribute: exposure.realmAttribute, periodStart: exposure.periodStart, period: exposure.period,
            shifts: max(0, options.permutations), seed: options.seed, rowCap: max(1, options.permutationSampleSize),
            denseEventCount: denseEventCount)
        let anyExposed = counts.exposedBefore.contains { $0 > 0 }
        let permutations: [NetworkPermutationTest.WindowOutcome] =
            anyExposed && counts.targetTotal > 0
            ? permutation.run()
            : Array(repeating: .init(pValue: 1, exceedances: 0, shifts: 0), count: windows.count)
        let results = windowResults(counts, seconds: seconds, permutations: permutations, options: options)

        let (bands, trend) = signalDose(table, target: target)
        var report = NetworkReport(
            windows: results, doseResponse: bands, signalTrendZ: trend,
            permutationTargets: permutation.sampledTargets, permutationOthers: permutation.sampledOthers, findings: [])
        if let (finding, window) = finding(
            report, table: table, target: target, beforeClass: exposure.beforeClass, targetTotal: counts.targetTotal,
            targetName: targetName, options: options)
        {
            report.findings = [finding]
            report.findingRows = exposure.beforeClass.indices.compactMap { Int(exposure.beforeClass[$0]) <= window ? Int32($0) : nil }
        }
        return report
    }

    /// Per window, the transactions with an event in it before them and after them, and the
    /// target outcomes among those: the cells of the 2×2 tables.
    private struct WindowCounts {
        var exposedBefore: [Int]
        var exposedBeforeTargets: [Int]
        var exposedAfter: [Int]
        var exposedAfterTargets: [Int]
        /// Target rows, and all rows.
        var targetTotal = 0
        var rows: Int

        /// Counts every row: an event in window w counts in every longer window too.
        init(_ exposure: Exposure, target: TargetRows, windowCount: Int) {
            exposedBefore = [Int](repeating: 0, count: windowCount)
            exposedBeforeTargets = [Int](repeating: 0, count: windowCount)
            exposedAfter = [Int](repeating: 0, count: windowCount)
            exposedAfterTargets = [Int](repeating: 0, count: windowCount)
            rows = target.count
            for row in 0..<target.count {
                let isTarget = target[row]
                if isTarget { targetTotal += 1 }
                let before = Int(exposure.beforeClass[row])
                if before < windowCount {
                    for window in before..<windowCount {
                        exposedBefore[window] += 1
                        if isTarget { exposedBeforeTargets[window] += 1 }
                    }
                }
                let after = Int(exposure.afterClass[row])
                if after < windowCount {
                    for window in after..<windowCount {
                        exposedAfter[window] += 1
                        if isTarget { exposedAfterTargets[window] += 1 }
                    }
                }
            }
        }

        /// The 2×2 table of an event in window `window` before the transaction.
        func before(_ window: Int) -> TwoByTwoTable { table(exposedBefore[window], exposedBeforeTargets[window]) }
        /// The 2×2 table of an event in window `window` after the transaction.
        func after(_ window: Int) -> TwoByTwoTable { table(exposedAfter[window], exposedAfterTargets[window]) }

        private func table(_ exposed: Int, _ exposedTargets: Int) -> TwoByTwoTable {
            TwoByTwoTable(
                outcomesInside: exposedTargets, sizeInside: exposed, outcomesOutside: targetTotal - exposedTargets,
                sizeOutside: rows - exposed)
        }
    }

    /// Each window's result: its tables, ratios, p-value, q-value over the windows, permutation
    /// p-value, whether it passes and whether it looks like a shared outage.
    private static func windowResults(
        _ counts: WindowCounts, seconds: [Int], permutations: [NetworkPermutationTest.WindowOutcome], options: NetworkOptions
    ) -> [NetworkWindowResult] {
        let befores = seconds.indices.map { counts.before($0) }
        let pValues = befores.map { $0.higherRateTest().pValue }
        let qValues = benjaminiHochbergQValues(pValues)
        var results: [NetworkWindowResult] = []
        for window in seconds.indices {
            let before = befores[window]
            let after = counts.after(window)
            let beforeRatio = before.riskRatio()
            let afterRatio = after.riskRatio()
            let passes =
                qValues[window] <= options.significance && (beforeRatio?.lower ?? 0) >= options.minimumRiskRatioLow
                && permutations[window].pValue <= options.significance
            var sharedOutage = false
            if let beforeRatio, let afterRatio {
                sharedOutage =
                    beforeRatio.lower > 1 && afterRatio.lower > 1 && afterRatio.ratio >= beforeRatio.ratio / 2
            }
            results.append(
                NetworkWindowResult(
                    seconds: seconds[window], before: before, beforeRatio: beforeRatio,
                    pValue: pValues[window], qValue: qValues[window], after: after, afterRatio: afterRatio,
                    permutationPValue: permutations[window].pValue, permutationShifts: permutations[window].shifts,
                    passes: passes, sharedOutage: sharedOutage))
        }
        return results
    }

    /// For every row, whether its terminal logged a network event (or its realm a link event)
    /// in the `seconds` before it: event time in [t − seconds, t]. The value of the
    /// `net_event_60s` attribute (docs/analysis.md §2) with `seconds` = 60, by the same rule the
    /// network pass uses.
    public static func eventBefore(_ table: TransactionTable, events: NetworkEvents, seconds: Int) -> [Bool] {
        let exposure = Exposure(table, events: events, windows: [Int64(seconds) * 1000])
        return exposure.beforeClass.map { $0 == 0 }
    }

    // MARK: Exposure of every row

    /// For each row, the smallest window that holds the latest event before it (`beforeClass`)
    /// and the earliest event after it (`afterClass`), as a window index; `windows.count` when
    /// none does. Terminal and realm events count alike. `windows` must be ascending.
    struct Exposure {
        var beforeClass: [UInt8]
        var afterClass: [UInt8]
        var terminalEvents: NetworkEventIndex
        var realmEvents: NetworkEventIndex
        var realmAttribute: Int
        var periodStart: Int64
        /// Length of the observed period in ms; every row lies in [periodStart, periodStart + period).
        var period: Int64

        init(_ table: TransactionTable, events: NetworkEvents, windows: [Int64]) {
            precondition(windows.count < 255, "at most 254 windows")
            realmAttribute = TransactionTable.attributeIndex("acquirer")!
            let terminalCount = max(table.terminals.count, Int(table.terminal.max() ?? 0) + 1)
            if let grouped = events.terminalIndex, grouped.sourceCount >= terminalCount {
                terminalEvents = grouped
            } else {
                terminalEvents = NetworkEventIndex(
                    sourceCount: terminalCount, events: events.terminalEvents, source: { $0.terminal }, time: { $0.time })
            }
            let realmCount = max(
                table.values[realmAttribute].count, Int(table.attributes[realmAttribute].max() ?? 0) + 1)
            realmEvents = NetworkEventIndex(
                sourceCount: realmCount, events: events.realmEvents, source: { $0.realm }, time: { $0.time })

            var first = events.periodStart
            var last = events.periodEnd
            if let earliest = table.time.min(), let latest = table.time.max() {
                first = min(first, earliest)
                last = max(last, latest)
            }
            periodStart = first
            period = max(1, last - first + 1)

            func windowClass(_ distance: Int64) -> UInt8 {
                for (index, window) in windows.enumerated() where distance <= window { return UInt8(index) }
                return UInt8(windows.count)
            }
            var before = [UInt8](repeating: UInt8(windows.count), count: table.count)
            var after = [UInt8](repeating: UInt8(windows.count), count: table.count)
            var terminals = NetworkEventCursor(terminalEvents)
            var realms = NetworkEventCursor(realmEvents)
            let realmColumn = table.attributes[realmAttribute]
            // A chunk of rows at a time, its columns read into plain buffers first.
            let chunk = 4096
            var time = [Int64](repeating: 0, count: chunk)
            var terminal = [UInt32](repeating: 0, count: chunk)
            var realm = [UInt32](repeating: 0, count: chunk)
            var nearest = [(before: Int64, after: Int64)](repeating: (.max, .max), count: chunk)
            for start in stride(from: 0, to: table.count, by: chunk) {
                let rows = start..<min(start + chunk, table.count)
                table.time.copy(rows, into: &time)
                table.terminal.copy(rows, into: &terminal)
                realmColumn.copy(rows, into: &realm)
                for k in 0..<rows.count { nearest[k] = (.max, .max) }
                terminals.distances(sources: terminal, times: time, count: rows.count, nearest: &nearest)
                realms.distances(sources: realm, times: time, count: rows.count, nearest: &nearest)
                for k in 0..<rows.count {
                    before[start + k] = windowClass(nearest[k].before)
                    after[start + k] = windowClass(nearest[k].after)
                }
            }
            beforeClass = before
            afterClass = after
        }
    }

    // MARK: Dose–response

    /// Target rate per `rssi_band` value and the Cochran–Armitage trend over the known bands.
    static func signalDose(_ table: TransactionTable, target: TargetRows) -> ([NetworkSignalBand], Double?) {
        let attribute = TransactionTable.attributeIndex("rssi_band")!
        let values = table.values[attribute]
        var order = signalBands
        for value in values where !order.contains(value) { order.append(value) }
        var position = [Int](repeating: 0, count: values.count)
        for (code, value) in values.enumerated() { position[code] = order.firstIndex(of: value)! }
        var transactions = [Int](repeating: 0, count: order.count)
        var outcomes = [Int](repeating: 0, count: order.count)
        for row in 0..<table.count {
            let code = Int(table.attributes[attribute][row])
            let band = code < position.count ? position[code] : order.firstIndex(of: "unknown")!
            transactions[band] += 1
            if target[row] { outcomes[band] += 1 }
        }
        let bands = order.indices.map {
            NetworkSignalBand(band: order[$0], rate: WilsonInterval(outcomes: outcomes[$0], trials: transactions[$0]))
        }

        // Cochran–Armitage: T = Σ s·(o − n·p̄), var T = p̄(1 − p̄)(Σ n·s² − (Σ n·s)²/N).
        var total = 0.0
        var events = 0.0
        var sumScore = 0.0
        var sumScoreSquared = 0.0
        var sumScoreOutcome = 0.0
        for band in 0..<4 {
            let n = Double(transactions[band])
            let o = Double(outcomes[band])
            let score = Double(band)
            total += n
            events += o
            sumScore += n * score
            sumScoreSquared += n * score * score
            sumScoreOutcome += o * score
        }
        guard total > 0 else { return (bands, nil) }
        let mean = events / total
        let statistic = sumScoreOutcome - mean * sumScore
        let variance = mean * (1 - mean) * (sumScoreSquared - sumScore * sumScore / total)
        guard variance > 0 else { return (bands, nil) }
        return (bands, statistic / variance.squareRoot())
    }

    // MARK: The finding

    /// The finding of the network pass, and the index of its window: the window of
    /// `options.findingWindowSeconds` when it passes, else the passing window with the largest
    /// excess; nil when none passes.
    private static func finding(
        _ report: NetworkReport, table: TransactionTable, target: TargetRows, beforeClass: [UInt8], targetTotal: Int,
        targetName: String, options: NetworkOptions
    ) -> (Finding, window: Int)? {
        let passing = report.windows.indices.filter { report.windows[$0].passes }
        let chosen =
            passing.first { report.windows[$0].seconds == options.findingWindowSeconds }
            ?? passing.max { excess(report.windows[$0]) < excess(report.windows[$1]) }
        guard let chosen, let ratio = report.windows[chosen].beforeRatio else { return nil }
        let result = report.windows[chosen]
        let before = result.before
        let rate = WilsonInterval(outcomes: before.outcomesInside, trials: before.sizeInside)
        let baseline = Double(before.outcomesOutside) / Double(before.sizeOutside)
        let exposedTargets = (0..<table.count).lazy.filter { target[$0] && Int(beforeClass[$0]) <= chosen }
        let text = NetworkFindingText.self
        let finding = Finding(
            kind: "network", pattern: "net_event_\(result.seconds)s=yes", outcome: targetName,
            transactions: before.sizeInside, outcomes: before.outcomesInside, rate: rate.rate, rateLow: rate.lower,
            rateHigh: rate.upper, baselineRate: baseline, riskRatio: ratio.ratio, riskRatioLow: ratio.lower,
            riskRatioHigh: ratio.upper, pValue: result.pValue, qValue: result.qValue, excess: excess(result),
            shareOfOutcome: targetTotal > 0 ? Double(before.outcomesInside) / Double(targetTotal) : 0,
            topCause: text.topCause(table, rows: exposedTargets), topCodes: text.topCodes(table, rows: exposedTargets),
            confoundedBy: nil,
            evidence: evidence(report, result: result, ratio: ratio, rate: rate, baseline: baseline, targetName: targetName),
            evidenceZH: evidenceZH(report, result: result, ratio: ratio, rate: rate, baseline: baseline, targetName: targetName))
        return (finding, chosen)
    }

    /// Target outcomes of a window's exposed transactions beyond the rate of the others: o − n·r0.
    private static func excess(_ result: NetworkWindowResult) -> Double {
        let table = result.before
        let outsideRate = table.sizeOutside > 0 ? Double(table.outcomesOutside) / Double(table.sizeOutside) : 0
        return Double(table.outcomesInside) - Double(table.sizeInside) * outsideRate
    }

    /// The finding's evidence: the chosen window's rates and tests, the ratio by window, the
    /// signal trend and the after-window control.
    private static func evidence(
        _ report: NetworkReport, result: NetworkWindowResult, ratio: RatioEstimate, rate: WilsonInterval, baseline: Double,
        targetName: String
    ) -> String {
        let before = result.before
        let seconds = result.seconds
        let text = NetworkFindingText.self
        var evidence =
            "Transactions within \(seconds) s after a network event (terminal down, weak or switch, or an acquirer"
            + " link event) were \(targetName) in \(text.percent(rate.rate))"
            + " (\(text.count(before.outcomesInside)) of \(text.count(before.sizeInside))) against"
            + " \(text.percent(baseline)) otherwise: risk ratio \(text.ratio(ratio)), q \(text.pValue(result.qValue)),"
            + " circular-shift permutation p \(text.pValue(result.permutationPValue))"
            + " (\(text.count(result.permutationShifts)) shifts)"
        let byWindow = report.windows.map { "\($0.seconds) s \($0.beforeRatio.map { text.ratio($0.ratio) } ?? "n/a")" }
        if byWindow.count > 1 { evidence += "; ratio by window: " + byWindow.joined(separator: ", ") }
        evidence += signalPhrase(report)
        if let after = result.afterRatio {
            evidence += "; in the \(seconds) s after the transaction the ratio is \(text.ratio(after))"
            if result.sharedOutage {
                evidence +=
                    ", about as high, so events and failures come together in a shared outage rather than"
                    + " events preceding failures"
            } else if after.lower > 1 {
                evidence += ", well below the \(text.ratio(ratio.ratio)) before, so events mostly precede the failures"
            } else {
                evidence += ", so this is not a shared outage"
            }
        } else if result.after.sizeInside == 0 {
            evidence += "; no transaction had an event in the \(seconds) s after it, so this is not a shared outage"
        }
        return evidence + "."
    }

    /// The finding's evidence in Chinese.
    private static func evidenceZH(
        _ report: NetworkReport, result: NetworkWindowResult, ratio: RatioEstimate, rate: WilsonInterval, baseline: Double,
        targetName: String
    ) -> String {
        let before = result.before
        let seconds = result.seconds
        let text = NetworkFindingText.self
        let outcomeZH = Wording.outcomeZH(targetName)
        var chinese =
            "终端发生网络事件（掉线、信号弱或切换网络，或收单链路事件）后 \(seconds) 秒内的交易，\(outcomeZH)比例为"
            + " \(text.percent(rate.rate))（\(text.count(before.sizeInside)) 笔中 \(text.count(before.outcomesInside)) 笔），"
            + "其他交易为 \(text.percent(baseline))：风险比 \(text.ratio(ratio))，q \(text.pValue(result.qValue))，"
            + "循环平移置换检验 p \(text.pValue(result.permutationPValue))（\(text.count(result.permutationShifts)) 次平移）"
        let byWindowZH = report.windows.map { "\($0.seconds) 秒 \($0.beforeRatio.map { text.ratio($0.ratio) } ?? "无")" }
        if byWindowZH.count > 1 { chinese += "；各时间窗的风险比：" + byWindowZH.joined(separator: "，") }
        chinese += signalPhraseZH(report)
        if let after = result.afterRatio {
            chinese += "；交易之后 \(seconds) 秒内有网络事件的风险比为 \(text.ratio(after))"
            if result.sharedOutage {
                chinese += "，与事件之前相当，说明事件与失败同时发生，属于共同的故障，而不是事件导致失败"
            } else if after.lower > 1 {
                chinese += "，远低于事件之前的 \(text.ratio(ratio.ratio))，说明多为先有网络事件、后有失败"
            } else {
                chinese += "，说明这不是共同的故障"
            }
        } else if result.after.sizeInside == 0 {
            chinese += "；没有交易在其后 \(seconds) 秒内出现网络事件，说明这不是共同的故障"
        }
        return chinese + "。"
    }

    /// The trend of the target rate with signal strength: the strongest and weakest of the first
    /// four bands with transactions, the Cochran–Armitage z, and whether it rises (1) or falls (−1)
    /// as the signal weakens beyond the two-sided 95% quantile, or neither (0).
    private struct SignalTrend {
        var strongest: NetworkSignalBand
        var weakest: NetworkSignalBand
        var z: Double
        var direction: Int

        init?(_ report: NetworkReport) {
            guard let z = report.signalTrendZ else { return nil }
            let known = report.doseResponse.prefix(4).filter { $0.rate.trials > 0 }
            guard let strongest = known.first, let weakest = known.last else { return nil }
            self.strongest = strongest
            self.weakest = weakest
            self.z = z
            direction = z >= normalQuantile975 ? 1 : z <= -normalQuantile975 ? -1 : 0
        }
    }

    /// The signal phrase in Chinese.
    private static func signalPhraseZH(_ report: NetworkReport) -> String {
        guard let trend = SignalTrend(report) else { return "" }
        let text = NetworkFindingText.self
        let span =
            "信号 \(trend.strongest.band) 时为 \(text.percent(trend.strongest.rate.rate))，\(trend.weakest.band) 时为"
            + " \(text.percent(trend.weakest.rate.rate))，趋势 z = \(text.fixed(trend.z, digits: 1))"
        switch trend.direction {
        case 1: return "；信号越弱比例越高（\(span)）"
        case -1: return "；信号越弱比例越低（\(span)）"
        default: return "；与信号强度无明显趋势（\(span)）"
        }
    }

    /// "; the rate rises as the signal weakens (0.41% at >=-85 to 2.90% at <-105, trend z = 5.2)".
    private static func signalPhrase(_ report: NetworkReport) -> String {
        guard let trend = SignalTrend(report) else { return "" }
        let text = NetworkFindingText.self
        let span =
            "\(text.percent(trend.strongest.rate.rate)) at \(trend.strongest.band) to \(text.percent(trend.weakest.rate.rate))"
            + " at \(trend.weakest.band), trend z = \(text.fixed(trend.z, digits: 1))"
        switch trend.direction {
        case 1: return "; the rate rises as the signal weakens (\(span))"
        case -1: return "; the rate falls as the signal weakens (\(span))"
        default: return "; no trend with signal strength (\(span))"
        }
    }
}

/// Per row, whether its outcome is a target one: read from the outcome column through a table of
/// the outcomes, not kept as a flag a row (7 MB at 7M transactions, alive beside the explain pass).
struct TargetRows: Sendable {
    let outcome: [Outcome]
    /// Per `Outcome` raw value.
    let targetOf: [Bool]

    var count: Int { outcome.count }

    subscript(row: Int) -> Bool { targetOf[Int(outcome[row].rawValue)] }
}
