/// The result of matching a batch's terminal transactions to acquirer pairs.
struct MatchResult {
    /// For each transaction (in `AnalysisData.transactions` order), the index of its pair, if any.
    var pairOfTransaction: [Int?]
    /// Each transaction's terminal clock offset in ms (acquirer time − terminal time) for its day,
    /// nil when the terminal matched nothing that day.
    var clockOffset: [Int64?]
    /// The realm each (terminal, day) matched most often, by `Correlation.dayKey`.
    var usualRealm: [Int64: Int64]
    /// Pairs taken from transactions of later days outside the batch: (day, terminal) to redo.
    var stolenFrom: Set<DayTerminal>
}

/// A (local day, terminal) pair, the unit the analysis recomputes.
struct DayTerminal: Hashable, Comparable, Sendable {
    var day: Int64
    var tid: Int64

    static func < (a: DayTerminal, b: DayTerminal) -> Bool { (a.day, a.tid) < (b.day, b.tid) }
}

extension Correlation {
    /// A (terminal, day) pair as one integer key.
    @inline(__always)
    static func dayKey(tid: Int64, day: Int64) -> Int64 { tid << 24 | (day & 0xFF_FFFF) }

    /// What keys a pair across recomputes: its request's message id, else its response's, negated.
    @inline(__always)
    static func pairKey(_ pair: AcquirerPair, _ data: AnalysisData) -> Int64 {
        if let request = pair.request { return data.messages.id[request] }
        if let response = pair.response { return -data.messages.id[response] }
        return 0
    }

    /// Matches every transaction of the batch to the acquirer pair with its TID and STAN nearest in
    /// time, within the window, after correcting the terminal's clock offset for that day (the
    /// median of its first-pass differences). Each pair serves at most one transaction; reversals
    /// match 04xx pairs only.
    ///
    /// Transactions take pairs in the canonical order — day, terminal, time — so that the result
    /// is the same however the days were split into recomputes: a pair held by a transaction of an
    /// earlier day outside the batch is not free; one held by a later day's transaction is, and
    /// taking it sends that (day, terminal) back for recomputing.
    static func match(_ data: AnalysisData, pairs: inout [AcquirerPair], options: MatchOptions) -> MatchResult {
        let index = PairIndex(pairs, reversalType: data.dictionary.id(of: "reversal"))
        var outside = outsideClaims(data, pairs: pairs)
        let offsets = clockOffsets(data, pairs: pairs, index: index, options: options)
        let taken = takeNearestPairs(data, pairs: &pairs, index: index, offsets: offsets, outside: &outside, options: options)
        var usual: [Int64: Int64] = [:]
        for (key, votes) in taken.realmVotes {
            usual[key] = votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key
        }
        return MatchResult(pairOfTransaction: taken.pairOf, clockOffset: taken.offsetOf, usualRealm: usual, stolenFrom: taken.stolen)
    }

    /// The usable pairs (with a terminal and a STAN) sorted by (tid, stan) key, then time, and
    /// how transactions look them up.
    private struct PairIndex {
        /// Per usable pair: its (tid, stan) key, its time, its index in `pairs`.
        let keyed: [(key: Int64, time: Int64, index: Int32)]
        let keys: [Int64]
        /// The dictionary id of the transaction type `reversal`.
        let reversalType: Int64

        /// Sorts the pairs: a counting sort by terminal, then small sorts.
        init(_ pairs: [AcquirerPair], reversalType: Int64) {
            let usable = pairs.indices.filter { pairs[$0].tid != 0 && pairs[$0].stan >= 0 }
            let maxTID = usable.map { Int(pairs[$0].tid) }.max() ?? 0
            let order = AnalysisData.groupedOrder(
                usable.count, key: { Int(pairs[usable[$0]].tid) }, keyCount: maxTID + 1,
                before: { a, b in
                    let x = pairs[usable[a]]
                    let y = pairs[usable[b]]
                    return x.stan != y.stan ? x.stan < y.stan : x.time < y.time
                })
            keyed = order.map {
                let pair = pairs[usable[$0]]
                return (pair.tid << 21 | Int64(pair.stan & 0x1F_FFFF), pair.time, Int32(usable[$0]))
            }
            keys = keyed.map(\.key)
            self.reversalType = reversalType
        }

        /// The positions in `keyed` of the pairs with the transaction's TID and STAN.
        func candidates(_ row: Int, _ t: AnalysisData.Transactions) -> Range<Int> {
            guard t.stan[row] >= 0 else { return 0..<0 }
            let key = t.tid[row] << 21 | Int64(t.stan[row] & 0x1F_FFFF)
            var lo = 0
            var hi = keys.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if keys[mid] < key { lo = mid + 1 } else { hi = mid }
            }
            var end = lo
            while end < keys.count, keys[end] == key { end += 1 }
            return lo..<end
        }

        /// True when a reversal meets a reversal pair, anything else a pair that is not one.
        func compatible(_ row: Int, _ t: AnalysisData.Transactions, _ pair: AcquirerPair) -> Bool {
            (t.type[row] == reversalType) == pair.isReversal
        }

        /// When the terminal sent the request, by its own clock.
        static func sendTime(_ row: Int, _ t: AnalysisData.Transactions) -> Int64 { t.ts[row] - max(t.latencyMs[row], 0) }
    }

    /// Claims of transactions outside the batch, by pair index.
    private static func outsideClaims(_ data: AnalysisData, pairs: [AcquirerPair]) -> [(day: Int64, txn: Int64)?] {
        var outside = [(day: Int64, txn: Int64)?](repeating: nil, count: pairs.count)
        if !data.outsideClaims.isEmpty {
            for index in pairs.indices {
                if let claim = data.outsideClaims[pairKey(pairs[index], data)] { outside[index] = claim }
            }
        }
        return outside
    }

    /// Pass 1: each terminal's clock offset per day (by `dayKey`), the median of its transactions'
    /// nearest differences to a compatible pair within the window.
    private static func clockOffsets(_ data: AnalysisData, pairs: [AcquirerPair], index: PairIndex, options: MatchOptions) -> [Int64: Int64] {
        let t = data.transactions
        var samples: [Int64: [Int64]] = [:]
        for row in 0..<t.count {
            let send = PairIndex.sendTime(row, t)
            var best: Int64?
            for k in index.candidates(row, t) {
                let pair = pairs[Int(index.keyed[k].index)]
                guard let requestTime = pair.requestTime, index.compatible(row, t, pair) else { continue }
                let difference = requestTime - send
                guard abs(difference) <= options.windowMilliseconds else { continue }
                if best == nil || abs(difference) < abs(best!) { best = difference }
            }
            if let best { samples[dayKey(tid: t.tid[row], day: t.day[row]), default: []].append(best) }
        }
        var offsets: [Int64: Int64] = [:]
        for (key, values) in samples {
            let sorted = values.sorted()
            offsets[key] = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        return offsets
    }

    /// What pass 2 decided, per transaction and per (terminal, day).
    private struct NearestPairs {
        var pairOf: [Int?]
        var offsetOf: [Int64?]
        /// Per `dayKey`: matches per realm.
        var realmVotes: [Int64: [Int64: Int]] = [:]
        var stolen = Set<DayTerminal>()
    }

    /// Pass 2: each transaction, in the canonical order, takes the nearest free compatible pair
    /// within the window after correcting its clock offset; a pair held by a later day's
    /// transaction outside the batch is free and taking it marks that (day, terminal).
    private static func takeNearestPairs(
        _ data: AnalysisData, pairs: inout [AcquirerPair], index: PairIndex, offsets: [Int64: Int64],
        outside: inout [(day: Int64, txn: Int64)?], options: MatchOptions
    ) -> NearestPairs {
        let t = data.transactions
        var taken = NearestPairs(pairOf: [Int?](repeating: nil, count: t.count), offsetOf: [Int64?](repeating: nil, count: t.count))
        for row in 0..<t.count {
            let key = dayKey(tid: t.tid[row], day: t.day[row])
            let offset = offsets[key]
            taken.offsetOf[row] = offset
            let send = PairIndex.sendTime(row, t) + (offset ?? 0)
            var best: (index: Int, distance: Int64)?
            for k in index.candidates(row, t) {
                let pairIndex = Int(index.keyed[k].index)
                let pair = pairs[pairIndex]
                guard pair.matchedTransaction == nil, index.compatible(row, t, pair) else { continue }
                if let claim = outside[pairIndex], claim.day <= t.day[row] { continue }
                let distance = abs(pair.time - send)
                guard distance <= options.windowMilliseconds else { continue }
                if best == nil || distance < best!.distance { best = (pairIndex, distance) }
            }
            if let best {
                pairs[best.index].matchedTransaction = row
                taken.pairOf[row] = best.index
                if let claim = outside[best.index] {
                    taken.stolen.insert(DayTerminal(day: claim.day, tid: t.tid[row]))
                    outside[best.index] = nil
                }
                taken.realmVotes[key, default: [:]][pairs[best.index].realm, default: 0] += 1
            }
        }
        return taken
    }
}
