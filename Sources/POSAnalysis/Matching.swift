/// The result of matching terminal transactions to acquirer pairs.
struct MatchResult {
    /// For each transaction (in `AnalysisData.transactions` order), the index of its pair, if any.
    var pairOfTransaction: [Int?]
    /// Each terminal's clock offset in ms (acquirer time − terminal time), by terminal dictionary id.
    var clockOffset: [Int64: Int64]
    /// Each terminal's usual realm (most matched pairs), by terminal dictionary id.
    var usualRealm: [Int64: Int64]
}

extension Correlation {
    /// Matches every terminal transaction to the acquirer pair with its TID and STAN nearest in time,
    /// within the window, after correcting each terminal's constant clock offset (the median of its
    /// first-pass differences). Each pair serves at most one transaction; reversals match 04xx pairs only.
    static func match(_ data: AnalysisData, pairs: inout [AcquirerPair], options: MatchOptions) -> MatchResult {
        let t = data.transactions
        // Pairs sorted by (tid, stan) key, then time: a counting sort by terminal, then small sorts.
        let snapshot = pairs
        let usable = snapshot.indices.filter { snapshot[$0].tid != 0 && snapshot[$0].stan >= 0 }
        let maxTID = usable.map { Int(snapshot[$0].tid) }.max() ?? 0
        let order = AnalysisData.groupedOrder(usable.count, key: { Int(snapshot[usable[$0]].tid) }, keyCount: maxTID + 1) { a, b in
            let x = snapshot[usable[a]]
            let y = snapshot[usable[b]]
            return x.stan != y.stan ? x.stan < y.stan : x.time < y.time
        }
        let keyed: [(key: Int64, time: Int64, index: Int32)] = order.map {
            let pair = snapshot[usable[$0]]
            return (pair.tid << 21 | Int64(pair.stan & 0x1F_FFFF), pair.time, Int32(usable[$0]))
        }
        let keys = keyed.map(\.key)

        func candidates(_ row: Int) -> Range<Int> {
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
        var reversalType: Int64 = -1
        for (id, value) in data.dictionary where value == "reversal" { reversalType = id }
        func compatible(_ row: Int, _ pair: AcquirerPair) -> Bool {
            (t.type[row] == reversalType) == pair.isReversal
        }
        /// When the terminal sent the request, by its own clock.
        func sendTime(_ row: Int) -> Int64 { t.ts[row] - max(t.latencyMs[row], 0) }

        // Pass 1: each terminal's offset, the median of its nearest differences.
        var samples: [Int64: [Int64]] = [:]
        for row in 0..<t.count {
            let send = sendTime(row)
            var best: Int64?
            for k in candidates(row) {
                let pair = pairs[Int(keyed[k].index)]
                guard let requestTime = pair.requestTime, compatible(row, pair) else { continue }
                let difference = requestTime - send
                guard abs(difference) <= options.windowMilliseconds else { continue }
                if best == nil || abs(difference) < abs(best!) { best = difference }
            }
            if let best { samples[t.tid[row], default: []].append(best) }
        }
        var offsets: [Int64: Int64] = [:]
        for (tid, values) in samples {
            let sorted = values.sorted()
            offsets[tid] = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }

        // Pass 2: nearest free pair after correction.
        var pairOf = [Int?](repeating: nil, count: t.count)
        var realmVotes: [Int64: [Int64: Int]] = [:]
        for row in 0..<t.count {
            let send = sendTime(row) + (offsets[t.tid[row]] ?? 0)
            var best: (index: Int, distance: Int64)?
            for k in candidates(row) {
                let index = Int(keyed[k].index)
                let pair = pairs[index]
                guard pair.matchedTransaction == nil, compatible(row, pair) else { continue }
                let distance = abs(pair.time - send)
                guard distance <= options.windowMilliseconds else { continue }
                if best == nil || distance < best!.distance { best = (index, distance) }
            }
            if let best {
                pairs[best.index].matchedTransaction = row
                pairOf[row] = best.index
                realmVotes[t.tid[row], default: [:]][pairs[best.index].realm, default: 0] += 1
            }
        }
        var usual: [Int64: Int64] = [:]
        for (tid, votes) in realmVotes {
            usual[tid] = votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key
        }
        return MatchResult(pairOfTransaction: pairOf, clockOffset: offsets, usualRealm: usual)
    }
}
