import Glibc

/// The circular-shift permutation test of docs/analysis.md §5.
///
/// Under the null hypothesis the network events of a terminal (and the link events of a realm)
/// are unrelated to which of its transactions fail, so shifting all of a source's event times
/// by one random offset, wrapping around inside the observed period, gives an equally likely
/// data set. The shift keeps each source's own clustering of events and each terminal's own
/// rhythm of transactions; only their alignment is broken. Every source gets its own offset.
///
/// Statistic: the exposure odds ratio ln((a_T + ½)(n_O − a_O + ½) / ((n_T − a_T + ½)(a_O + ½)))
/// between target rows (a_T exposed of n_T) and other rows (a_O of n_O). It compares the two
/// groups, so transactions that follow events by design (a terminal retries after a reconnect)
/// raise both and do not count as evidence; it does not depend on the sampling fractions below.
///
/// Cost: the test runs on at most `rowCap` target rows and `rowCap` other rows, each a seeded
/// random sample (all of them when fewer). For each sampled row and each event of its terminal
/// and realm, the shifts that move the event into the largest window before the row are read
/// from the source's shifts bucketed by value (`NetworkShiftBuckets`): O(1) per (row, event),
/// whatever the number of shifts, so the whole test costs O(sampled rows × events per source)
/// and nothing per shift beyond drawing it. A source with more than `denseEventCount` events
/// (a realm logging a session per transaction) is looked up per shift instead, through a
/// `NetworkEventGrid`: O(shifts) per row.
struct NetworkPermutationTest {
    /// Outcome of the test for one window.
    struct WindowOutcome: Hashable {
        var pValue: Double
        var exceedances: Int
        var shifts: Int
    }

    let table: TransactionTable
    let isTarget: TargetRows
    let beforeClass: [UInt8]
    let windows: [Int64]
    let terminalEvents: NetworkEventIndex
    let realmEvents: NetworkEventIndex
    let realmAttribute: Int
    let periodStart: Int64
    let period: Int64
    let shifts: Int
    let seed: UInt64
    let rowCap: Int
    let denseEventCount: Int

    /// Sampled rows: how many target and other rows the statistic is taken over.
    private(set) var sampledTargets = 0
    private(set) var sampledOthers = 0

    init(
        table: TransactionTable, isTarget: TargetRows, beforeClass: [UInt8], windows: [Int64],
        terminalEvents: NetworkEventIndex, realmEvents: NetworkEventIndex, realmAttribute: Int,
        periodStart: Int64, period: Int64, shifts: Int, seed: UInt64, rowCap: Int, denseEventCount: Int
    ) {
        self.table = table
        self.isTarget = isTarget
        self.beforeClass = beforeClass
        self.windows = windows
        self.terminalEvents = terminalEvents
        self.realmEvents = realmEvents
        self.realmAttribute = realmAttribute
        self.periodStart = periodStart
        self.period = period
        self.shifts = shifts
        self.seed = seed
        self.rowCap = rowCap
        self.denseEventCount = denseEventCount
    }

    /// A seed for one stream of draws: the sample (stream 0), a terminal's shifts (1) or a realm's (2).
    static func streamSeed(_ seed: UInt64, stream: UInt64, index: UInt64) -> UInt64 {
        seed ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ ((index &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Runs the test; one outcome per window, in the order of `windows`.
    mutating func run() -> [WindowOutcome] {
        let sample = drawSample()
        sampledTargets = sample.targets
        sampledOthers = sample.others
        let windowCount = windows.count
        guard shifts > 0, sample.targets > 0, sample.others > 0, period > 0 else {
            return Array(repeating: WindowOutcome(pValue: 1, exceedances: 0, shifts: 0), count: windowCount)
        }

        // Observed exposures of the sample, from the real event times.
        var observedTargets = [Int](repeating: 0, count: windowCount)
        var observedOthers = [Int](repeating: 0, count: windowCount)
        for row in sample.rows {
            let first = Int(beforeClass[row])
            guard first < windowCount else { continue }
            for window in first..<windowCount {
                if isTarget[row] { observedTargets[window] += 1 } else { observedOthers[window] += 1 }
            }
        }

        let counts = shiftedExposures(rows: sample.rows)
        var outcomes: [WindowOutcome] = []
        for window in 0..<windowCount {
            let observed = Self.statistic(
                exposedTargets: observedTargets[window], targets: sample.targets,
                exposedOthers: observedOthers[window], others: sample.others)
            var exceedances = 0
            for shift in 0..<shifts {
                let slot = window * shifts + shift
                let shifted = Self.statistic(
                    exposedTargets: Int(counts.targets[slot]), targets: sample.targets,
                    exposedOthers: Int(counts.others[slot]), others: sample.others)
                if shifted >= observed { exceedances += 1 }
            }
            outcomes.append(
                WindowOutcome(
                    pValue: Double(1 + exceedances) / Double(1 + shifts), exceedances: exceedances, shifts: shifts))
        }
        return outcomes
    }

    /// The exposure log odds ratio with ½ added to every cell, so no count makes it infinite.
    static func statistic(exposedTargets: Int, targets: Int, exposedOthers: Int, others: Int) -> Double {
        let a = Double(exposedTargets) + 0.5
        let b = Double(targets - exposedTargets) + 0.5
        let c = Double(exposedOthers) + 0.5
        let d = Double(others - exposedOthers) + 0.5
        return log(a * d) - log(b * c)
    }

    /// Sampled rows sorted by terminal then time, with the group sizes.
    private func drawSample() -> (rows: [Int], targets: Int, others: Int) {
        var targetTotal = 0
        for row in 0..<table.count where isTarget[row] { targetTotal += 1 }
        let otherTotal = table.count - targetTotal
        let targetWanted = min(targetTotal, rowCap)
        let otherWanted = min(otherTotal, rowCap)
        // Selection sampling (Knuth's algorithm S): each row is kept with probability
        // wanted/left, which gives every subset of the wanted size the same chance.
        var generator = Xoshiro256StarStar(seed: Self.streamSeed(seed, stream: 0, index: 0))
        var rows: [Int] = []
        rows.reserveCapacity(targetWanted + otherWanted)
        var targetsLeft = targetTotal
        var targetsNeeded = targetWanted
        var othersLeft = otherTotal
        var othersNeeded = otherWanted
        for row in 0..<table.count {
            if isTarget[row] {
                if targetsNeeded == targetsLeft
                    || (targetsNeeded > 0 && generator.uniform(below: targetsLeft) < targetsNeeded)
                {
                    rows.append(row)
                    targetsNeeded -= 1
                }
                targetsLeft -= 1
            } else {
                if othersNeeded == othersLeft
                    || (othersNeeded > 0 && generator.uniform(below: othersLeft) < othersNeeded)
                {
                    rows.append(row)
                    othersNeeded -= 1
                }
                othersLeft -= 1
            }
        }
        let terminal = table.terminal
        let time = table.time
        rows.sort { terminal[$0] != terminal[$1] ? terminal[$0] < terminal[$1] : (time[$0], $0) < (time[$1], $1) }
        return (rows, targetWanted, otherWanted)
    }

    /// For every window and shift, how many sampled target and other rows are exposed.
    /// Slot `window * shifts + shift`.
    private func shiftedExposures(rows: [Int]) -> (targets: [Int32], others: [Int32]) {
        let windowCount = windows.count
        let widest = windows.max() ?? 0
        let start = periodStart
        let period = self.period
        func wrap(_ time: Int64) -> Int64 {
            let offset = (time - start) % period
            return offset < 0 ? offset + period : offset
        }
        let terminalOffsets = terminalEvents.mapped(wrap)
        let realmOffsets = realmEvents.mapped(wrap)

        var realmShifts: [NetworkShiftBuckets?] = []
        var realmGrids: [NetworkEventGrid?] = []
        for realm in 0..<realmOffsets.sourceCount {
            guard realmOffsets.count(realm) > 0 else {
                realmShifts.append(nil)
                realmGrids.append(nil)
                continue
            }
            var buckets = NetworkShiftBuckets(shifts: shifts, period: period)
            buckets.draw(seed: Self.streamSeed(seed, stream: 2, index: UInt64(realm)))
            realmShifts.append(buckets)
            realmGrids.append(
                realmOffsets.count(realm) > denseEventCount
                    ? NetworkEventGrid(realmOffsets, source: realm, period: period) : nil)
        }
        var terminalShifts = NetworkShiftBuckets(shifts: shifts, period: period)
        var terminalGrid: NetworkEventGrid?
        var shiftsOfTerminal = -1

        var targets = [Int32](repeating: 0, count: windowCount * shifts)
        var others = [Int32](repeating: 0, count: windowCount * shifts)
        var stamp = [Int32](repeating: -1, count: windowCount * shifts)
        var hits: [(shift: Int32, distance: Int64)] = []
        hits.reserveCapacity(64)

        for (sampleIndex, row) in rows.enumerated() {
            let rowOffset = table.time[row] - start
            let low = max(0, rowOffset - widest)
            hits.removeAll(keepingCapacity: true)

            let terminal = Int(table.terminal[row])
            if terminal < terminalOffsets.sourceCount, terminalOffsets.count(terminal) > 0 {
                if shiftsOfTerminal != terminal {
                    terminalShifts.draw(seed: Self.streamSeed(seed, stream: 1, index: UInt64(terminal)))
                    terminalGrid =
                        terminalOffsets.count(terminal) > denseEventCount
                        ? NetworkEventGrid(terminalOffsets, source: terminal, period: period) : nil
                    shiftsOfTerminal = terminal
                }
                collect(
                    source: terminal, events: terminalOffsets, shifts: terminalShifts, grid: terminalGrid,
                    rowOffset: rowOffset, low: low, into: &hits)
            }
            let realm = Int(table.attributes[realmAttribute][row])
            if realm < realmShifts.count, let buckets = realmShifts[realm] {
                collect(
                    source: realm, events: realmOffsets, shifts: buckets, grid: realmGrids[realm], rowOffset: rowOffset,
                    low: low, into: &hits)
            }

            // A row counts once per shift and window however many events fall in it.
            let mark = Int32(truncatingIfNeeded: sampleIndex)
            let target = isTarget[row]
            for hit in hits {
                for window in 0..<windowCount where hit.distance <= windows[window] {
                    let slot = window * shifts + Int(hit.shift)
                    if stamp[slot] != mark {
                        stamp[slot] = mark
                        if target { targets[slot] += 1 } else { others[slot] += 1 }
                    }
                }
            }
        }
        return (targets, others)
    }

    /// Appends (shift, t − shifted event) for every shift that puts an event of `source` in
    /// [max(period start, t − widest window), t]. Offsets are from the period start.
    private func collect(
        source: Int, events: NetworkEventIndex, shifts buckets: NetworkShiftBuckets, grid: NetworkEventGrid?,
        rowOffset: Int64,
        low: Int64, into hits: inout [(shift: Int32, distance: Int64)]
    ) {
        let begin = events.offsets[source]
        let end = events.offsets[source + 1]
        // Shifted events in [low, rowOffset], both ends included; never longer than the period.
        let length = rowOffset - low + 1
        if let grid {
            // Per shift: the latest event before the row in the source's own (unshifted) time is
            // the latest shifted event before the row.
            for shift in 0..<shifts {
                var position = rowOffset - buckets.delta[shift]
                if position < 0 { position += period }
                let next = grid.firstAfter(position, in: events)
                let distance =
                    next > begin ? position - events.times[next - 1] : position - events.times[end - 1] + period
                if distance < length { hits.append((Int32(shift), distance)) }
            }
            return
        }
        for index in begin..<end {
            let event = events.times[index]
            // Shifts d with (event + d) mod period in [low, rowOffset]. Both lie in [0, period),
            // so one addition wraps the difference; the remainder is for anything else.
            var first = low - event
            if first < 0 { first += period }
            if first < 0 || first >= period {
                first = (low - event) % period
                if first < 0 { first += period }
            }
            if first + length <= period {
                buckets.scan(from: first, to: first + length, event: event, rowOffset: rowOffset, into: &hits)
            } else {
                buckets.scan(from: first, to: period, event: event, rowOffset: rowOffset, into: &hits)
                buckets.scan(from: 0, to: first + length - period, event: event, rowOffset: rowOffset, into: &hits)
            }
        }
    }
}

/// One source's shifts, drawn uniformly in [0, period) and bucketed by value so that the shifts
/// in a short range are found without a search: with K shifts in at most K buckets of width
/// 2^k ≥ period/K (a power of two, so a value's bucket is a shift, not a division), a range as
/// short as a window (minutes, against a period of days) touches one or two buckets.
struct NetworkShiftBuckets {
    let shifts: Int
    let period: Int64
    /// log2 of the buckets' width.
    let widthShift: Int64
    let buckets: Int
    /// The offset of each shift, by shift number.
    private(set) var delta: [Int64]
    private var bucketStart: [Int32]
    private var bucketDelta: [Int64]
    private var bucketShift: [Int32]

    init(shifts: Int, period: Int64) {
        self.shifts = shifts
        self.period = period
        var widthShift: Int64 = 0
        while widthShift < 62 && (Int64(1) << widthShift) * Int64(max(1, shifts)) < period { widthShift += 1 }
        self.widthShift = widthShift
        buckets = Int((max(1, period) - 1) >> widthShift) + 1
        delta = [Int64](repeating: 0, count: shifts)
        bucketStart = [Int32](repeating: 0, count: buckets + 1)
        bucketDelta = [Int64](repeating: 0, count: shifts)
        bucketShift = [Int32](repeating: 0, count: shifts)
    }

    /// Draws the shifts of one source from its own stream, so a source's shifts do not depend
    /// on which other sources were drawn before it.
    mutating func draw(seed: UInt64) {
        var generator = Xoshiro256StarStar(seed: seed)
        for index in 0..<(buckets + 1) { bucketStart[index] = 0 }
        for shift in 0..<shifts {
            let value = Int64(generator.uniform(below: UInt64(period)))
            delta[shift] = value
            bucketStart[Int(value >> widthShift) + 1] += 1
        }
        for index in 0..<buckets { bucketStart[index + 1] += bucketStart[index] }
        var fill = bucketStart
        for shift in 0..<shifts {
            let bucket = Int(delta[shift] >> widthShift)
            let slot = Int(fill[bucket])
            bucketDelta[slot] = delta[shift]
            bucketShift[slot] = Int32(shift)
            fill[bucket] += 1
        }
    }

    /// Appends (shift, rowOffset − (event + shift value) mod period) for the shifts with a value
    /// in [from, to).
    func scan(
        from: Int64, to: Int64, event: Int64, rowOffset: Int64, into hits: inout [(shift: Int32, distance: Int64)]
    ) {
        guard from < to else { return }
        let firstBucket = Int(from >> widthShift)
        let lastBucket = min(buckets - 1, Int((to - 1) >> widthShift))
        guard firstBucket <= lastBucket else { return }
        for slot in Int(bucketStart[firstBucket])..<Int(bucketStart[lastBucket + 1]) {
            let value = bucketDelta[slot]
            if value >= from && value < to {
                var shifted = event + value
                if shifted >= period { shifted -= period }
                hits.append((bucketShift[slot], rowOffset - shifted))
            }
        }
    }
}

/// A lookup table over one source's sorted event offsets in [0, period): cell c of width
/// period/events holds the index of the first event at or after c·width, so the first event
/// after any position is found in expected O(1) steps, without a binary search through
/// megabytes of times per shift.
struct NetworkEventGrid {
    private let end: Int
    private let width: Int64
    private var firstAtOrAfter: [Int32]

    init(_ events: NetworkEventIndex, source: Int, period: Int64) {
        let begin = events.offsets[source]
        end = events.offsets[source + 1]
        let cells = max(1, end - begin)
        width = max(1, (period + Int64(cells) - 1) / Int64(cells))
        var first = [Int32](repeating: 0, count: cells + 1)
        var index = begin
        for cell in 0...cells {
            let cellStart = Int64(cell) * width
            while index < end && events.times[index] < cellStart { index += 1 }
            first[cell] = Int32(index)
        }
        firstAtOrAfter = first
    }

    /// The index of the first event of the source after `position` (in [0, period)), or the end
    /// of the source's events.
    func firstAfter(_ position: Int64, in events: NetworkEventIndex) -> Int {
        var index = Int(firstAtOrAfter[Int(position / width)])
        while index < end && events.times[index] <= position { index += 1 }
        return index
    }
}
