/// Event times grouped by source (a terminal or an acquirer realm), each group sorted: the
/// lookup structure of the network pass (docs/analysis.md §5).
///
/// Compressed rows: the times of source `s` are `times[offsets[s]..<offsets[s + 1]]`.
struct NetworkEventIndex {
    var offsets: [Int]
    var times: [Int64]

    /// Groups `events` by source; sources at or beyond `sourceCount` are dropped (they cannot
    /// match a transaction). The input need not be sorted.
    init<Events: Collection>(
        sourceCount: Int, events: Events, source: (Events.Element) -> UInt32, time: (Events.Element) -> Int64
    ) {
        var offsets = [Int](repeating: 0, count: sourceCount + 1)
        for event in events where Int(source(event)) < sourceCount { offsets[Int(source(event)) + 1] += 1 }
        for index in 0..<sourceCount { offsets[index + 1] += offsets[index] }
        var cursor = offsets
        var times = [Int64](repeating: 0, count: offsets[sourceCount])
        for event in events where Int(source(event)) < sourceCount {
            let key = Int(source(event))
            times[cursor[key]] = time(event)
            cursor[key] += 1
        }
        self.offsets = offsets
        self.times = times
        sortEachSource()
    }

    /// The same sources with every time replaced by `transform(time)`, re-sorted.
    func mapped(_ transform: (Int64) -> Int64) -> NetworkEventIndex {
        var copy = self
        for index in copy.times.indices { copy.times[index] = transform(copy.times[index]) }
        copy.sortEachSource()
        return copy
    }

    var sourceCount: Int { offsets.count - 1 }

    func count(_ source: Int) -> Int { offsets[source + 1] - offsets[source] }

    private mutating func sortEachSource() {
        for source in 0..<(offsets.count - 1) {
            let range = offsets[source]..<offsets[source + 1]
            var sorted = true
            var index = range.lowerBound + 1
            while index < range.upperBound {
                if times[index - 1] > times[index] {
                    sorted = false
                    break
                }
                index += 1
            }
            if !sorted { times[range].sort() }
        }
    }

    /// First index in `range` whose time is ≥ `value`.
    func lowerBound(_ value: Int64, in range: Range<Int>) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = (low + high) >> 1
            if times[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Walks transactions in time order and answers, for each, how long ago the source's last
/// event was and how soon its next one comes.
///
/// A cursor per source moves forward only, so a pass over rows in time order costs
/// O(rows + events); a row earlier than the previous one of its source (rows out of order)
/// falls back to a binary search, so the answers never depend on the order.
struct NetworkEventCursor {
    private let index: NetworkEventIndex
    private var cursor: [Int]
    private var lastTime: [Int64]

    init(_ index: NetworkEventIndex) {
        self.index = index
        cursor = Array(index.offsets.dropLast())
        lastTime = [Int64](repeating: .min, count: index.sourceCount)
    }

    /// For row k (source `sources[k]` at `times[k]`): t − the latest event at or before t, and
    /// the earliest event after t − t, each kept in `nearest[k]` when smaller than what it holds
    /// (start it at `Int64.max`: no event). An event at exactly t counts before (distance 0), as
    /// in `net_event_60s`. The rows come a chunk at a time, the cursors carried from one to the next.
    mutating func distances(
        sources: UnsafePointer<UInt32>, times: UnsafePointer<Int64>, count: Int, nearest: UnsafeMutablePointer<(before: Int64, after: Int64)>
    ) {
        let index = self.index
        index.offsets.withUnsafeBufferPointer { offsets in
            index.times.withUnsafeBufferPointer { events in
                cursor.withUnsafeMutableBufferPointer { cursor in
                    lastTime.withUnsafeMutableBufferPointer { lastTime in
                        for k in 0..<count {
                            let source = Int(sources[k])
                            guard source < lastTime.count else { continue }
                            let begin = offsets[source]
                            let end = offsets[source + 1]
                            if begin == end { continue }
                            let time = times[k]
                            var position: Int
                            if time < lastTime[source] {
                                position = index.lowerBound(time + 1, in: begin..<end)
                            } else {
                                position = cursor[source]
                                while position < end && events[position] <= time { position += 1 }
                            }
                            cursor[source] = position
                            lastTime[source] = time
                            if position > begin { nearest[k].before = min(nearest[k].before, time - events[position - 1]) }
                            if position < end { nearest[k].after = min(nearest[k].after, events[position] - time) }
                        }
                    }
                }
            }
        }
    }
}
