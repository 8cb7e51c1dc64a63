import Dispatch

/// How the attribute values of a `TransactionTable` are re-coded for counting combinations.
///
/// A value keeps a code of its own only when some run can use it (it passed support on its
/// own); every other value of the attribute shares one extra code, `lumpedCode[a]`. A
/// combination holding the lumped code can never pass support (apriori), so lumping loses
/// nothing and keeps the dense count arrays small: at 1% support a run keeps at most 100
/// values of an attribute. The table's columns are not copied: counting reads the raw codes
/// through `compactOfRaw`, a table small enough to stay in the first-level cache.
struct CompactColumns: Sendable {
    /// The table whose raw codes are read.
    let table: TransactionTable
    /// The raw value code (`TransactionTable.attributes`) of compact code k < `rawValues[a].count`.
    let rawValues: [[UInt32]]
    /// `compactOfRaw[a][raw]`: the compact code of a raw value code.
    let compactOfRaw: [[UInt16]]
    /// The code the values nobody can use share, or −1 when every value has its own.
    let lumpedCode: [Int]
    /// Compact codes per attribute, the lumped code included.
    let cardinality: [Int]
    var rowCount: Int { table.count }

    /// Keeps, for each attribute, the raw codes with `keep[a][raw] == true` (at most 65,534 of
    /// them, the lowest codes first; no real attribute comes near), coded in the order of their text.
    init(table: TransactionTable, keep: [[Bool]]) {
        var rawValues: [[UInt32]] = []
        var compactOfRaw: [[UInt16]] = []
        var lumpedCode: [Int] = []
        for a in 0..<TransactionTable.attributeCount {
            var kept: [UInt32] = []
            for raw in keep[a].indices where keep[a][raw] && kept.count < Int(UInt16.max) - 1 { kept.append(UInt32(raw)) }
            // By text, not by the window's code: the same kept values code alike in every window,
            // so counts kept per day (`ExplainDayCounts`) stay valid as the window moves.
            kept.sort { table.values[a][Int($0)] < table.values[a][Int($1)] }
            let lumped = kept.count < table.values[a].count ? kept.count : -1
            var map = [UInt16](repeating: UInt16(max(lumped, 0)), count: table.values[a].count)
            for (code, raw) in kept.enumerated() { map[Int(raw)] = UInt16(code) }
            rawValues.append(kept)
            compactOfRaw.append(map)
            lumpedCode.append(lumped)
        }
        self.table = table
        self.rawValues = rawValues
        self.compactOfRaw = compactOfRaw
        self.lumpedCode = lumpedCode
        cardinality = rawValues.indices.map { rawValues[$0].count + (lumpedCode[$0] >= 0 ? 1 : 0) }
    }

    /// The compact codes of `rows` for every attribute, gathered into columns of their own.
    func gather(_ rows: [Int32]) -> [[UInt16]] {
        (0..<TransactionTable.attributeCount).map { a in
            let map = compactOfRaw[a]
            func gather<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) -> [UInt16] {
                map.withUnsafeBufferPointer { map in
                    [UInt16](unsafeUninitializedCapacity: rows.count) { out, initialized in
                        for (j, row) in rows.enumerated() { out[j] = map[Int(column[Int(row)])] }
                        initialized = rows.count
                    }
                }
            }
            return table.attributes[a].withCodes(narrow: { gather($0) }, wide: { gather($0) })
        }
    }

    /// How many of `rows` hold every item's raw value. `scratch` (as long as `rows`) is
    /// overwritten: one pass per item over the rows' codes.
    func count(_ rows: [Int32], matching items: [(attribute: Int, value: UInt32)], scratch: inout [Bool]) -> Int {
        precondition(scratch.count == rows.count, "the scratch flags must be as long as the rows")
        return scratch.withUnsafeMutableBufferPointer { matches in
            for j in matches.indices { matches[j] = true }
            for item in items {
                func keep<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
                    let value = C(truncatingIfNeeded: item.value)
                    rows.withUnsafeBufferPointer { rows in
                        for j in rows.indices { matches[j] = matches[j] && column[Int(rows[j])] == value }
                    }
                }
                table.attributes[item.attribute].withCodes(narrow: { keep($0) }, wide: { keep($0) })
            }
            return matches.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    /// The rows, among those not yet `explained`, whose raw value of each item's attribute is the
    /// item's value: one scan of the first attribute's column, then the others on the survivors.
    func rows(matching items: [(attribute: Int, value: UInt32)], explained: [Bool]) -> [Int32] {
        var rows: [Int32] = []
        guard let first = items.first else { return rows }
        func scan<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
            let value = C(truncatingIfNeeded: first.value)
            explained.withUnsafeBufferPointer { explained in
                for row in 0..<column.count where column[row] == value && !explained[row] { rows.append(Int32(row)) }
            }
        }
        table.attributes[first.attribute].withCodes(narrow: { scan($0) }, wide: { scan($0) })
        for item in items.dropFirst() {
            func keep<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
                let value = C(truncatingIfNeeded: item.value)
                rows.removeAll { column[Int($0)] != value }
            }
            table.attributes[item.attribute].withCodes(narrow: { keep($0) }, wide: { keep($0) })
        }
        return rows
    }
}

/// Where the counts of every attribute subset of 1 to `maxAttributes` attributes live, and the
/// blocks the counting passes fill.
///
/// Each subset's counts form a dense array indexed by the combined compact code
/// Σ code[aᵢ]·strideᵢ (the last attribute has stride 1). A subset whose array would exceed
/// `denseLimit` cells is kept in a hash map instead (it takes attributes with hundreds of usable
/// values each; the real ones have tens).
///
/// Counting every subset over every row costs a pass per subset (833 for 17 attributes). A
/// block is a set of attributes whose joint array (the "cube") stays under `blockLimit` cells:
/// one pass over the rows fills it, and every subset of the block is a sum over it. Blocks
/// are a greedy covering of the subsets, so 2M rows cost about 50 passes instead of 833.
struct CombinationLayout: Sendable {
    struct Subset: Sendable {
        /// Attribute indices, ascending (the order of `TransactionTable.attributeNames`).
        var attributes: [Int]
        var strides: [Int]
        /// Product of the attributes' compact cardinalities.
        var size: Int
        /// Start in `CombinationCounts.dense`, or −1 when the subset is sparse.
        var offset: Int
        /// Index in `CombinationCounts.sparse`, or −1 when the subset is dense.
        var sparseSlot: Int
        var mask: UInt64
    }

    struct Block: Sendable {
        var attributes: [Int]
        var strides: [Int]
        var size: Int
        /// The dense subsets summed out of this block.
        var members: [Int]
    }

    static let blockLimit = 1 << 16
    static let denseLimit = 1 << 22

    var subsets: [Subset] = []
    var subsetByMask: [UInt64: Int] = [:]
    var denseCount = 0
    var sparseCount = 0
    var blocks: [Block] = []
    /// Subsets in the per-row layout: `maxWidth` (attribute, stride) slots each, padded with the
    /// always-zero extra attribute.
    var maxWidth = 0
    /// Sum over the dense subsets of the size of the block each is summed from.
    var marginalCost = 0

    /// Subsets of 1 to `maxAttributes` of the attributes with at least one usable value.
    init(columns: CompactColumns, maxAttributes: Int) {
        let cardinality = columns.cardinality
        let usable = cardinality.indices.filter { !columns.rawValues[$0].isEmpty }
        maxWidth = max(1, min(maxAttributes, usable.count))
        var chosen: [Int] = []
        func enumerate(from start: Int) {
            if !chosen.isEmpty { addSubset(chosen, cardinality: cardinality) }
            guard chosen.count < maxWidth else { return }
            for i in start..<usable.count {
                chosen.append(usable[i])
                enumerate(from: i + 1)
                chosen.removeLast()
            }
        }
        enumerate(from: 0)
        buildBlocks(cardinality: cardinality, usable: usable)
    }

    private mutating func addSubset(_ attributes: [Int], cardinality: [Int]) {
        var strides = [Int](repeating: 1, count: attributes.count)
        var size = 1
        for i in attributes.indices.reversed() {
            strides[i] = size
            size *= cardinality[attributes[i]]
        }
        let mask = attributes.reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
        var subset = Subset(attributes: attributes, strides: strides, size: size, offset: -1, sparseSlot: -1, mask: mask)
        if size <= Self.denseLimit {
            subset.offset = denseCount
            denseCount += size
        } else {
            subset.sparseSlot = sparseCount
            sparseCount += 1
        }
        subsetByMask[mask] = subsets.count
        subsets.append(subset)
    }

    /// A greedy covering: start from the first subset not yet covered, add the attribute that
    /// covers the most uncovered subsets while the cube stays under `blockLimit`; then sum each
    /// subset out of the smallest block holding it.
    private mutating func buildBlocks(cardinality: [Int], usable: [Int]) {
        let dense = subsets.indices.filter { subsets[$0].offset >= 0 }
        var covered = Set<Int>()
        var blockMasks: [(mask: UInt64, size: Int)] = []
        for first in dense where !covered.contains(first) {
            var mask = subsets[first].mask
            var size = subsets[first].size
            while true {
                var best = -1
                var bestGain = 0
                for x in usable where mask & (1 << UInt64(x)) == 0 && size * cardinality[x] <= Self.blockLimit {
                    let grown = mask | (1 << UInt64(x))
                    var gain = 0
                    for s in dense where !covered.contains(s) {
                        let m = subsets[s].mask
                        if m & (1 << UInt64(x)) != 0 && m & ~grown == 0 { gain += 1 }
                    }
                    if gain > bestGain || (gain == bestGain && gain > 0 && cardinality[x] < cardinality[best]) {
                        best = x
                        bestGain = gain
                    }
                }
                guard best >= 0 else { break }
                mask |= 1 << UInt64(best)
                size *= cardinality[best]
            }
            for s in dense where subsets[s].mask & ~mask == 0 { covered.insert(s) }
            blockMasks.append((mask, size))
        }
        blocks = blockMasks.map { entry in
            let attributes = (0..<64).filter { entry.mask & (1 << UInt64($0)) != 0 }
            var strides = [Int](repeating: 1, count: attributes.count)
            var size = 1
            for i in attributes.indices.reversed() {
                strides[i] = size
                size *= cardinality[attributes[i]]
            }
            return Block(attributes: attributes, strides: strides, size: size, members: [])
        }
        marginalCost = 0
        for s in dense {
            var home = -1
            for b in blocks.indices where subsets[s].mask & ~blockMasks[b].mask == 0 {
                if home < 0 || blocks[b].size < blocks[home].size { home = b }
            }
            blocks[home].members.append(s)
            marginalCost += blocks[home].size
        }
    }
}

/// Counts of every combination of a `CombinationLayout`, as transactions or outcome rows.
struct CombinationCounts: Sendable {
    var dense: [Int32]
    var sparse: [[Int: Int32]]

    init(layout: CombinationLayout) {
        dense = [Int32](repeating: 0, count: layout.denseCount)
        sparse = Array(repeating: [:], count: layout.sparseCount)
    }

    func count(_ subset: CombinationLayout.Subset, cell: Int) -> Int {
        subset.offset >= 0 ? Int(dense[subset.offset + cell]) : Int(sparse[subset.sparseSlot][cell] ?? 0)
    }
}

/// Fills `CombinationCounts` from rows, by whichever of two passes costs less.
///
/// A pass per subset reads its columns and bumps one cell per row: the rows times the subsets
/// (833), each cheap because the subset's cells stay in cache. A pass per block fills the
/// block's cube and sums its subsets out of it: the rows times the blocks (about 50), plus the
/// sums. All rows take the blocks; the outcome rows of a run are usually few enough for the
/// subsets. Rows given as a list are first gathered into columns of their own, so that no pass
/// strides through the whole table. Both passes use two threads, whose subsets are disjoint.
struct CombinationCounter: Sendable {
    let columns: CompactColumns
    let layout: CombinationLayout
    private let denseSubsets: [Int]
    private let sparseSubsets: [Int]
    /// The rows as weighted distinct packed tuples, when their compact codes fit in 64 bits and
    /// the policy keeps them.
    let tuples: PackedTuples?
    /// Whether a count over the table reads it by runs of equal terminal-level codes (`RowRuns`,
    /// found afresh over the rows each count reads).
    let useRuns: Bool

    /// When the rows are packed into weighted distinct tuples.
    enum TuplePolicy: Sendable {
        /// When they are at most `PackedTuples.compactShare` of the rows: only then does counting
        /// tuples save time, and the tuples cost 12 bytes each. A window whose transactions carry
        /// per-transaction values (hour, signal band, network event) is rarely that compact.
        case whenCompact
        /// Always when they fit in 64 bits, and never (for tests: both ways count alike).
        case always, never
    }

    /// `useRuns` false counts every row attribute by attribute (for tests: both ways count alike).
    init(columns: CompactColumns, layout: CombinationLayout, tuples policy: TuplePolicy = .whenCompact, useRuns: Bool = true) {
        self.columns = columns
        self.layout = layout
        denseSubsets = layout.subsets.indices.filter { layout.subsets[$0].offset >= 0 }
        sparseSubsets = layout.subsets.indices.filter { layout.subsets[$0].sparseSlot >= 0 }
        switch policy {
        case .whenCompact: tuples = PackedTuples(columns: columns, maximumShare: PackedTuples.compactShare)
        case .always: tuples = PackedTuples(columns: columns, maximumShare: 1)
        case .never: tuples = nil
        }
        self.useRuns = useRuns
    }

    /// Takes out of `counts` every row matching `items` (raw values) that `remaining` (a weight
    /// per tuple, the rows not yet explained) still holds, and zeroes their weights; returns the
    /// rows taken. Needs `tuples`.
    func subtract(matching items: [(attribute: Int, value: UInt32)], remaining: inout [Int32], from counts: inout CombinationCounts) -> Int {
        guard let tuples else { return 0 }
        let wanted = items.map {
            (shift: tuples.shifts[$0.attribute], mask: tuples.masks[$0.attribute], code: UInt64(columns.compactOfRaw[$0.attribute][Int($0.value)]))
        }
        var keys: [UInt64] = []
        var weights: [Int32] = []
        var taken = 0
        tuples.keys.withUnsafeBufferPointer { all in
            remaining.withUnsafeMutableBufferPointer { remaining in
                for i in 0..<all.count where remaining[i] > 0 {
                    let key = all[i]
                    var matches = true
                    for w in wanted where (key >> w.shift) & w.mask != w.code {
                        matches = false
                        break
                    }
                    guard matches else { continue }
                    keys.append(key)
                    weights.append(remaining[i])
                    taken += Int(remaining[i])
                    remaining[i] = 0
                }
            }
        }
        count(tuples: tuples.with(keys: keys, weights: weights), sign: -1, into: &counts)
        return taken
    }

    /// Which pass counts: the cheaper one, or one forced (for tests).
    enum Pass {
        case cheaper, bySubset, byBlock
    }

    /// Counts over every row of the table, read through the compact-code tables.
    ///
    /// When the compact codes of a row fit in 64 bits, the rows are first packed and sorted and
    /// equal ones counted once with their weight (`PackedTuples`): the window's millions of rows
    /// are a few times fewer distinct combinations of compact codes, and each pass over them
    /// reads one word a tuple instead of a byte per attribute.
    func countAllRows(pass: Pass = .cheaper) -> CombinationCounts {
        var counts = CombinationCounts(layout: layout)
        if pass == .cheaper, let tuples {
            count(tuples: tuples, sign: 1, into: &counts)
        } else {
            count(source: tableSource(0..<columns.rowCount), rowCount: columns.rowCount, sign: 1, into: &counts, pass: pass)
        }
        return counts
    }

    /// Counts over the rows of `range` only (a day of the window), read as `countAllRows` reads
    /// the table when it packs no tuples.
    func countRows(in range: Range<Int>) -> CombinationCounts {
        var counts = CombinationCounts(layout: layout)
        count(source: tableSource(range), rowCount: range.count, sign: 1, into: &counts, pass: .cheaper)
        return counts
    }

    private func tableSource(_ rows: Range<Int>) -> Source {
        .table(rows, useRuns ? RowRuns(columns: columns, rows: rows) : nil)
    }

    /// Adds `sign` × the weighted packed tuples to `counts`: each block's cube, then its subsets.
    private func count(tuples: PackedTuples, sign: Int32, into counts: inout CombinationCounts) {
        guard tuples.count > 0 else { return }
        let jobs: [(index: Int, cost: Int)] = layout.blocks.indices.map {
            ($0, tuples.count * (layout.blocks[$0].attributes.count + 2) + layout.blocks[$0].size * (layout.blocks[$0].members.count + 1))
        }
        let threads = tuples.count * layout.blocks.count >= 1_000_000 ? 2 : 1
        var dealt = [[Int]](repeating: [], count: threads)
        var load = [Int](repeating: 0, count: threads)
        for job in jobs.sorted(by: { $0.cost > $1.cost }) {
            let t = load.indices.min { load[$0] < load[$1] }!
            dealt[t].append(job.index)
            load[t] += job.cost
        }
        let jobsOfThread = dealt
        counts.dense.withUnsafeMutableBufferPointer { dense in
            let target = DisjointWrites(base: dense.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var cube: [Int32] = []
                for b in jobsOfThread[t] {
                    let block = layout.blocks[b]
                    if cube.count < block.size { cube = [Int32](repeating: 0, count: block.size) }
                    cube.withUnsafeMutableBufferPointer { cube in
                        for i in 0..<block.size { cube[i] = 0 }
                        tuples.accumulate(attributes: block.attributes, strides: block.strides, into: cube.baseAddress!)
                        for member in block.members {
                            sumOut(cube: UnsafeBufferPointer(cube), block: block, subset: layout.subsets[member], sign: sign, into: target.base)
                        }
                    }
                }
            }
        }
        for s in sparseSubsets {
            let subset = layout.subsets[s]
            var map = counts.sparse[subset.sparseSlot]
            for i in 0..<tuples.count {
                var cell = 0
                for (k, a) in subset.attributes.enumerated() { cell += tuples.code(a, i) * subset.strides[k] }
                map[cell, default: 0] &+= sign &* tuples.weights[i]
            }
            counts.sparse[subset.sparseSlot] = map
        }
    }

    /// Adds `sign` (1 or −1) for every row of `rows` to `counts`.
    func add(rows: [Int32], sign: Int32, to counts: inout CombinationCounts, pass: Pass = .cheaper) {
        guard !rows.isEmpty else { return }
        count(source: .gathered(columns.gather(rows)), rowCount: rows.count, sign: sign, into: &counts, pass: pass)
    }

    /// Where a pass reads its codes: a range of the table's raw columns (mapped to compact codes on
    /// the way) or compact codes already gathered for a list of rows.
    enum Source {
        /// Rows of the table, with their runs when they pay.
        case table(Range<Int>, RowRuns?)
        case gathered([[UInt16]])
    }

    private static let chunk = 2048

    /// The count array shared by the threads of a pass, which write disjoint subsets.
    /// Unchecked: each thread writes only the subsets dealt to it, and the pass joins the threads
    /// before the array is read.
    private struct DisjointWrites: @unchecked Sendable {
        let base: UnsafeMutablePointer<Int32>
    }

    private func count(source: Source, rowCount: Int, sign: Int32, into counts: inout CombinationCounts, pass: Pass) {
        let perSubset = rowCount * denseSubsets.count * 2
        let perBlock = layout.blocks.reduce(0) { $0 + rowCount * ($1.attributes.count + 2) } + layout.marginalCost
        let bySubset = pass == .cheaper ? perSubset <= perBlock : pass == .bySubset
        // Jobs: subsets or blocks, each with its cost, dealt largest first to the less loaded thread.
        let jobs: [(index: Int, cost: Int)] =
            bySubset
            ? denseSubsets.map { ($0, rowCount * 2) }
            : layout.blocks.indices.map {
                ($0, rowCount * (layout.blocks[$0].attributes.count + 2) + layout.blocks[$0].size * (layout.blocks[$0].members.count + 1))
            }
        let threads = min(perSubset, perBlock) >= 4_000_000 ? 2 : 1
        var dealt = [[Int]](repeating: [], count: threads)
        var load = [Int](repeating: 0, count: threads)
        for job in jobs.sorted(by: { $0.cost > $1.cost }) {
            let t = load.indices.min { load[$0] < load[$1] }!
            dealt[t].append(job.index)
            load[t] += job.cost
        }
        let jobsOfThread = dealt
        counts.dense.withUnsafeMutableBufferPointer { dense in
            let target = DisjointWrites(base: dense.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var index = [UInt32](repeating: 0, count: Self.chunk)
                if bySubset {
                    for s in jobsOfThread[t] {
                        let subset = layout.subsets[s]
                        if case .gathered(let codes) = source {
                            countSubset(subset, codes: codes, rowCount: rowCount, sign: sign, into: target.base)
                        } else {
                            accumulate(
                                attributes: subset.attributes, strides: subset.strides, source: source, rowCount: rowCount,
                                sign: sign, index: &index, into: target.base + subset.offset)
                        }
                    }
                } else {
                    var cube: [Int32] = []
                    for b in jobsOfThread[t] {
                        countBlock(layout.blocks[b], source: source, rowCount: rowCount, sign: sign, cube: &cube, index: &index, into: target.base)
                    }
                }
            }
        }
        if !sparseSubsets.isEmpty { addSparse(source: source, rowCount: rowCount, sign: sign, to: &counts) }
    }

    /// Adds `sign` to `cells[Σ code(aᵢ)·strideᵢ]` for every row, a chunk of rows at a time and one
    /// attribute at a time: the cell indices of a chunk build up in `index`, reading the table's raw
    /// codes through a per-attribute table of compact code × stride (a first-level-cache lookup in
    /// place of a multiplication), or the gathered compact codes as they are.
    private func accumulate(
        attributes: [Int], strides: [Int], source: Source, rowCount: Int, sign: Int32, index: inout [UInt32],
        into cells: UnsafeMutablePointer<Int32>
    ) {
        if case .table(let range, let runs?) = source, attributes.contains(where: { runs.isRunAttribute[$0] }) {
            accumulate(byRuns: runs, rows: range, attributes: attributes, strides: strides, sign: sign, index: &index, into: cells)
            return
        }
        var first = 0
        if case .table(let range, _) = source { first = range.lowerBound }
        let scaled: [[UInt32]] =
            if case .table = source {
                attributes.enumerated().map { i, a in columns.compactOfRaw[a].map { UInt32($0) &* UInt32(strides[i]) } }
            } else { [] }
        index.withUnsafeMutableBufferPointer { index in
            var start = 0
            while start < rowCount {
                let length = min(Self.chunk, rowCount - start)
                for j in 0..<length { index[j] = 0 }
                for (i, a) in attributes.enumerated() {
                    switch source {
                    case .gathered(let codes):
                        let stride = UInt32(strides[i])
                        codes[a].withUnsafeBufferPointer { column in
                            let base = column.baseAddress! + start
                            for j in 0..<length { index[j] &+= UInt32(base[j]) &* stride }
                        }
                    case .table:
                        scaled[i].withUnsafeBufferPointer { table in
                            func add<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
                                let base = column.baseAddress! + first + start
                                for j in 0..<length { index[j] &+= table[Int(base[j])] }
                            }
                            columns.table.attributes[a].withCodes(narrow: { add($0) }, wide: { add($0) })
                        }
                    }
                }
                for j in 0..<length { cells[Int(index[j])] &+= sign }
                start += length
            }
        }
    }

    /// `accumulate` over the table's `rows`, run by run: the cell index's terminal-level part is
    /// summed once a run and spread over its rows, then each transaction-level attribute is added
    /// row by row. A block of terminal-level attributes alone takes a bump of the run's length.
    private func accumulate(
        byRuns runs: RowRuns, rows: Range<Int>, attributes: [Int], strides: [Int], sign: Int32, index: inout [UInt32],
        into cells: UnsafeMutablePointer<Int32>
    ) {
        let runPart = attributes.indices.filter { runs.isRunAttribute[attributes[$0]] }
        let rowPart = attributes.indices.filter { !runs.isRunAttribute[attributes[$0]] }
        let runCodes = runPart.map { runs.codes[attributes[$0]] }
        let runStrides = runPart.map { UInt32(strides[$0]) }
        func base(_ run: Int) -> UInt32 {
            var cell: UInt32 = 0
            for i in runCodes.indices { cell &+= UInt32(runCodes[i][run]) &* runStrides[i] }
            return cell
        }
        let starts = runs.starts
        guard !rows.isEmpty else { return }
        // The run holding the range's first row.
        var run = runs.run(holding: rows.lowerBound)
        if rowPart.isEmpty {
            while run < runs.count && Int(starts[run]) < rows.upperBound {
                let length = min(Int(starts[run + 1]), rows.upperBound) - max(Int(starts[run]), rows.lowerBound)
                cells[Int(base(run))] &+= sign &* Int32(length)
                run += 1
            }
            return
        }
        let scaled: [[UInt32]] = rowPart.map { i in columns.compactOfRaw[attributes[i]].map { UInt32($0) &* UInt32(strides[i]) } }
        index.withUnsafeMutableBufferPointer { index in
            var start = rows.lowerBound
            while start < rows.upperBound {
                let length = min(Self.chunk, rows.upperBound - start)
                // The runs' parts over the chunk's rows; a run may go on into the next chunk.
                var j = 0
                while j < length {
                    while Int(starts[run + 1]) <= start + j { run += 1 }
                    let end = min(Int(starts[run + 1]) - start, length)
                    let cell = base(run)
                    while j < end {
                        index[j] = cell
                        j += 1
                    }
                }
                for (k, i) in rowPart.enumerated() {
                    scaled[k].withUnsafeBufferPointer { table in
                        func add<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
                            let base = column.baseAddress! + start
                            for j in 0..<length { index[j] &+= table[Int(base[j])] }
                        }
                        columns.table.attributes[attributes[i]].withCodes(narrow: { add($0) }, wide: { add($0) })
                    }
                }
                for j in 0..<length { cells[Int(index[j])] &+= sign }
                start += length
            }
        }
    }

    /// One subset, one pass: a cell bump per row.
    private func countSubset(
        _ subset: CombinationLayout.Subset, codes: [[UInt16]], rowCount: Int, sign: Int32, into dense: UnsafeMutablePointer<Int32>
    ) {
        let target = dense + subset.offset
        let attributes = subset.attributes
        let strides = subset.strides
        switch attributes.count {
        case 1:
            codes[attributes[0]].withUnsafeBufferPointer { c0 in
                for r in 0..<rowCount { target[Int(c0[r])] &+= sign }
            }
        case 2:
            codes[attributes[0]].withUnsafeBufferPointer { c0 in
                codes[attributes[1]].withUnsafeBufferPointer { c1 in
                    let s0 = strides[0]
                    for r in 0..<rowCount { target[Int(c0[r]) * s0 + Int(c1[r])] &+= sign }
                }
            }
        case 3:
            codes[attributes[0]].withUnsafeBufferPointer { c0 in
                codes[attributes[1]].withUnsafeBufferPointer { c1 in
                    codes[attributes[2]].withUnsafeBufferPointer { c2 in
                        let s0 = strides[0]
                        let s1 = strides[1]
                        for r in 0..<rowCount { target[Int(c0[r]) * s0 + Int(c1[r]) * s1 + Int(c2[r])] &+= sign }
                    }
                }
            }
        default:
            for r in 0..<rowCount {
                var cell = 0
                for (k, a) in attributes.enumerated() { cell += Int(codes[a][r]) * strides[k] }
                target[cell] &+= sign
            }
        }
    }

    /// Fills the block's cube from the rows, then adds each member subset's sums.
    private func countBlock(
        _ block: CombinationLayout.Block, source: Source, rowCount: Int, sign: Int32, cube: inout [Int32],
        index: inout [UInt32], into dense: UnsafeMutablePointer<Int32>
    ) {
        if cube.count < block.size { cube = [Int32](repeating: 0, count: block.size) }
        cube.withUnsafeMutableBufferPointer { cube in
            for i in 0..<block.size { cube[i] = 0 }
            accumulate(
                attributes: block.attributes, strides: block.strides, source: source, rowCount: rowCount, sign: 1, index: &index,
                into: cube.baseAddress!)
            for member in block.members {
                sumOut(cube: UnsafeBufferPointer(cube), block: block, subset: layout.subsets[member], sign: sign, into: dense)
            }
        }
    }

    /// Adds sign × the cube summed over the block attributes that are not in `subset`.
    private func sumOut(
        cube: UnsafeBufferPointer<Int32>, block: CombinationLayout.Block, subset: CombinationLayout.Subset, sign: Int32,
        into dense: UnsafeMutablePointer<Int32>
    ) {
        let width = block.attributes.count
        var targetStrides = [Int](repeating: 0, count: width)
        for (i, a) in block.attributes.enumerated() {
            if let k = subset.attributes.firstIndex(of: a) { targetStrides[i] = subset.strides[k] }
        }
        let lastCardinality = columns.cardinality[block.attributes[width - 1]]
        let lastStride = targetStrides[width - 1]
        let target = dense + subset.offset
        var digits = [Int](repeating: 0, count: width)
        var base = 0
        var offset = 0
        while offset < block.size {
            if lastStride != 0 {
                for v in 0..<lastCardinality { target[base + v * lastStride] &+= sign &* cube[offset + v] }
            } else {
                var sum: Int32 = 0
                for v in 0..<lastCardinality { sum &+= cube[offset + v] }
                target[base] &+= sign &* sum
            }
            offset += lastCardinality
            var d = width - 2
            while d >= 0 {
                digits[d] += 1
                base += targetStrides[d]
                if digits[d] < columns.cardinality[block.attributes[d]] { break }
                base -= digits[d] * targetStrides[d]
                digits[d] = 0
                d -= 1
            }
        }
    }

    /// The slow path for the rare subsets too large for a dense array: a hash map per subset.
    private func addSparse(source: Source, rowCount: Int, sign: Int32, to counts: inout CombinationCounts) {
        func code(_ a: Int, _ r: Int) -> Int {
            switch source {
            case .gathered(let codes): Int(codes[a][r])
            case .table(let range, _): Int(columns.compactOfRaw[a][Int(columns.table.attributes[a][range.lowerBound + r])])
            }
        }
        for s in sparseSubsets {
            let subset = layout.subsets[s]
            var map = counts.sparse[subset.sparseSlot]
            for r in 0..<rowCount {
                var cell = 0
                for (k, a) in subset.attributes.enumerated() { cell += code(a, r) * subset.strides[k] }
                map[cell, default: 0] &+= sign
            }
            counts.sparse[subset.sparseSlot] = map
        }
    }
}

/// Runs of consecutive rows in which every terminal-level attribute keeps its compact code.
///
/// The inventory and the terminal's software give ten of the attributes (`attributeNames`): they
/// stay the same for a terminal for days, and the window is read day by day, terminal by
/// terminal, so a 28-day window of 7M transactions is a few hundred thousand runs. A block's cell
/// index then takes its terminal-level part once a run, and only the transaction-level attributes
/// (acquirer, network, signal, entry, type, hour) once a row. Which attributes are used only
/// changes the speed: the runs are cut wherever any of them changes, whatever the data.
struct RowRuns: Sendable {
    static let attributeNames = [
        "brand", "model", "channel", "agent", "fee_tier", "region", "mcc", "firmware", "app_version", "code_table",
    ]
    /// Rows per run below which the runs are not worth their memory.
    static let minimumRowsPerRun = 4

    /// Per attribute: true when it is constant within a run.
    let isRunAttribute: [Bool]
    /// Run k holds rows `starts[k]..<starts[k + 1]`; the first entry is the range's first row, the
    /// last its end.
    let starts: [Int32]
    /// `codes[a][k]`: the compact code of attribute `a` in run k (empty for other attributes).
    let codes: [[UInt16]]

    var count: Int { starts.count - 1 }

    /// The run that holds `row`.
    func run(holding row: Int) -> Int {
        var low = 0
        var high = count - 1
        while low < high {
            let middle = (low + high + 1) >> 1
            if Int(starts[middle]) <= row { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The runs of `rows`; nil when they would average fewer than `minimumRowsPerRun` rows.
    init?(columns: CompactColumns, rows range: Range<Int>) {
        let end = range.upperBound
        var isRunAttribute = [Bool](repeating: false, count: TransactionTable.attributeCount)
        for name in Self.attributeNames {
            if let a = TransactionTable.attributeIndex(name), columns.cardinality[a] > 1 { isRunAttribute[a] = true }
        }
        guard !range.isEmpty, isRunAttribute.contains(true) else { return nil }
        let limit = range.count / Self.minimumRowsPerRun
        var starts: [Int32] = [Int32(range.lowerBound)]
        let chunk = 1 << 16
        var cut = [Bool](repeating: false, count: chunk)
        var start = range.lowerBound + 1
        while start < end {
            let stop = min(end, start + chunk)
            cut.withUnsafeMutableBufferPointer { cut in
                for j in 0..<(stop - start) { cut[j] = false }
                for a in isRunAttribute.indices where isRunAttribute[a] {
                    columns.compactOfRaw[a].withUnsafeBufferPointer { map in
                        func mark<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
                            for r in start..<stop where map[Int(column[r])] != map[Int(column[r - 1])] { cut[r - start] = true }
                        }
                        columns.table.attributes[a].withCodes(narrow: { mark($0) }, wide: { mark($0) })
                    }
                }
                for j in 0..<(stop - start) where cut[j] { starts.append(Int32(start + j)) }
            }
            if starts.count > limit { return nil }
            start = stop
        }
        let first = starts
        starts.append(Int32(end))
        self.starts = starts
        self.isRunAttribute = isRunAttribute
        codes = isRunAttribute.indices.map { a in
            guard isRunAttribute[a] else { return [] }
            let map = columns.compactOfRaw[a]
            return first.map { map[Int(columns.table.attributes[a][Int($0)])] }
        }
    }
}

/// Transactions (or outcome rows) per value of every attribute, in one flat array: the
/// per-value counts of the support step and of the confounder audit.
struct ValueCounts: Sendable {
    /// Where each attribute's values start in `counts`.
    let offsets: [Int]
    var counts: [Int]

    init(table: TransactionTable) {
        var offsets: [Int] = []
        var total = 0
        for values in table.values {
            offsets.append(total)
            total += values.count
        }
        self.offsets = offsets
        counts = [Int](repeating: 0, count: total)
    }

    subscript(attribute: Int, value: Int) -> Int { counts[offsets[attribute] + value] }

    /// Takes `other`'s counts (of the same table) away from these.
    mutating func subtract(_ other: ValueCounts) {
        for i in counts.indices { counts[i] -= other.counts[i] }
    }

    /// Adds `sign` for each row of `rows` (every row when nil), one column at a time.
    /// Row k is counted in table k mod 4 first, then the four are summed: rows of one terminal
    /// mostly share their values, and one counter bumped row after row waits each time for its
    /// own previous store; four independent ones do not.
    mutating func add(_ table: TransactionTable, rows: [Int32]?, sign: Int = 1) {
        for a in 0..<TransactionTable.attributeCount {
            let offset = offsets[a]
            let width = table.values[a].count
            var partial = [Int](repeating: 0, count: 4 * width)
            func add<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
                partial.withUnsafeMutableBufferPointer { partial in
                    if let rows {
                        rows.withUnsafeBufferPointer { rows in
                            for k in rows.indices { partial[(k & 3) &* width &+ Int(column[Int(rows[k])])] &+= 1 }
                        }
                    } else {
                        for row in 0..<column.count { partial[(row & 3) &* width &+ Int(column[row])] &+= 1 }
                    }
                }
            }
            table.attributes[a].withCodes(narrow: { add($0) }, wide: { add($0) })
            for value in 0..<width {
                counts[offset + value] += sign * interleavedTotal(partial, stride: width, at: value)
            }
        }
    }
}

/// Every row's compact codes packed into one 64-bit word, sorted, and equal words counted once:
/// the distinct combinations of a table's compact codes with how many rows each has.
struct PackedTuples {
    /// Distinct packed words, ascending, and their row counts.
    private(set) var keys: [UInt64] = []
    private(set) var weights: [Int32] = []
    /// Per attribute: where its code sits in a word, and the mask of its bits.
    let shifts: [UInt64]
    let masks: [UInt64]

    var count: Int { keys.count }

    /// The largest share of the rows that distinct tuples may be for `TuplePolicy.whenCompact`.
    static let compactShare = 0.125

    /// Nil when the codes need more than 64 bits together, or when the distinct tuples of a chunk
    /// of rows are more than `maximumShare` of its rows (it stops at the first such chunk).
    init?(columns: CompactColumns, maximumShare: Double) {
        var shifts: [UInt64] = []
        var masks: [UInt64] = []
        var shift: UInt64 = 0
        for a in 0..<TransactionTable.attributeCount {
            let largest = UInt64(max(columns.cardinality[a] - 1, 1))
            let bits = UInt64(64 - largest.leadingZeroBitCount)
            shifts.append(shift)
            masks.append((1 << bits) - 1)
            shift += bits
        }
        guard shift <= 64 else { return nil }
        self.shifts = shifts
        self.masks = masks
        // A chunk of rows at a time (sorted and counted on its own), then the chunks' distinct
        // tuples merged: the memory in hand is a chunk's, not the window's.
        let rows = columns.rowCount
        let shiftedTables = (0..<TransactionTable.attributeCount).map { a in columns.compactOfRaw[a].map { UInt64($0) << shifts[a] } }
        var distinct: [(keys: [UInt64], weights: [Int32])] = []
        var start = 0
        while start < rows {
            // A small first chunk: a window that does not pack is told at a sixteenth of the cost.
            let end = min(rows, start + (start == 0 ? Self.firstChunkRows : Self.chunkRows))
            var packed = [UInt64](repeating: 0, count: end - start)
            packed.withUnsafeMutableBufferPointer { packed in
                for a in 0..<TransactionTable.attributeCount where columns.cardinality[a] > 1 {
                    shiftedTables[a].withUnsafeBufferPointer { table in
                        func pack<C: FixedWidthInteger>(_ column: UnsafeBufferPointer<C>) {
                            for r in start..<end { packed[r - start] |= table[Int(column[r])] }
                        }
                        columns.table.attributes[a].withCodes(narrow: { pack($0) }, wide: { pack($0) })
                    }
                }
            }
            Self.radixSort(&packed, bits: Int(shift))
            let chunk = Self.runs(packed, weights: nil)
            guard Double(chunk.keys.count) <= maximumShare * Double(end - start) else { return nil }
            distinct.append(chunk)
            start = end
        }
        // The chunks' sorted lists merged two by two, equal tuples adding their weights.
        while distinct.count > 1 {
            var merged: [(keys: [UInt64], weights: [Int32])] = []
            var index = 0
            while index < distinct.count {
                if index + 1 < distinct.count {
                    merged.append(Self.merge(distinct[index], distinct[index + 1]))
                    distinct[index] = ([], [])
                    distinct[index + 1] = ([], [])
                } else {
                    merged.append(distinct[index])
                }
                index += 2
            }
            distinct = merged
        }
        (keys, weights) = distinct.first ?? ([], [])
    }

    /// Two sorted distinct lists as one, equal keys adding their weights.
    private static func merge(
        _ a: (keys: [UInt64], weights: [Int32]), _ b: (keys: [UInt64], weights: [Int32])
    ) -> (keys: [UInt64], weights: [Int32]) {
        var keys: [UInt64] = []
        var weights: [Int32] = []
        keys.reserveCapacity(a.keys.count + b.keys.count)
        weights.reserveCapacity(a.keys.count + b.keys.count)
        var i = 0
        var j = 0
        while i < a.keys.count || j < b.keys.count {
            if j == b.keys.count || (i < a.keys.count && a.keys[i] < b.keys[j]) {
                keys.append(a.keys[i])
                weights.append(a.weights[i])
                i += 1
            } else if i == a.keys.count || b.keys[j] < a.keys[i] {
                keys.append(b.keys[j])
                weights.append(b.weights[j])
                j += 1
            } else {
                keys.append(a.keys[i])
                weights.append(a.weights[i] + b.weights[j])
                i += 1
                j += 1
            }
        }
        return (keys, weights)
    }

    /// Rows per chunk when packing, and in the first chunk.
    static let chunkRows = 1 << 20
    static let firstChunkRows = 1 << 16

    /// Equal neighbours of a sorted array counted once, with their summed weights (1 each when nil).
    private static func runs(_ sorted: [UInt64], weights: [Int32]?) -> (keys: [UInt64], weights: [Int32]) {
        var keys: [UInt64] = []
        var counts: [Int32] = []
        keys.reserveCapacity(sorted.count / 2)
        counts.reserveCapacity(sorted.count / 2)
        for (i, word) in sorted.enumerated() {
            let w = weights?[i] ?? 1
            if let last = keys.last, last == word {
                counts[counts.count - 1] += w
            } else {
                keys.append(word)
                counts.append(w)
            }
        }
        return (keys, counts)
    }

    @inline(__always)
    func code(_ attribute: Int, _ tuple: Int) -> Int { Int((keys[tuple] >> shifts[attribute]) & masks[attribute]) }

    private init(keys: [UInt64], weights: [Int32], shifts: [UInt64], masks: [UInt64]) {
        self.keys = keys
        self.weights = weights
        self.shifts = shifts
        self.masks = masks
    }

    /// Other tuples packed the same way.
    func with(keys: [UInt64], weights: [Int32]) -> PackedTuples {
        PackedTuples(keys: keys, weights: weights, shifts: shifts, masks: masks)
    }

    /// Adds each tuple's weight to `cells[Σ code(aᵢ)·strideᵢ]`.
    func accumulate(attributes: [Int], strides: [Int], into cells: UnsafeMutablePointer<Int32>) {
        let shift = attributes.map { shifts[$0] }
        let mask = attributes.map { masks[$0] }
        let stride = strides.map { UInt64($0) }
        keys.withUnsafeBufferPointer { keys in
            weights.withUnsafeBufferPointer { weights in
                switch attributes.count {
                case 1:
                    for i in 0..<keys.count { cells[Int((keys[i] >> shift[0]) & mask[0])] &+= weights[i] }
                case 2:
                    for i in 0..<keys.count {
                        let k = keys[i]
                        cells[Int(((k >> shift[0]) & mask[0]) &* stride[0] &+ ((k >> shift[1]) & mask[1]))] &+= weights[i]
                    }
                case 3:
                    let (s0, s1, s2) = (shift[0], shift[1], shift[2])
                    let (m0, m1, m2) = (mask[0], mask[1], mask[2])
                    let (t0, t1) = (stride[0], stride[1])
                    for i in 0..<keys.count {
                        let k = keys[i]
                        cells[Int(((k >> s0) & m0) &* t0 &+ ((k >> s1) & m1) &* t1 &+ ((k >> s2) & m2))] &+= weights[i]
                    }
                default:
                    // Wider blocks: the first four attributes by name, the rest in a short loop
                    // over unchecked buffers.
                    let (s0, s1, s2, s3) = (shift[0], shift[1], shift[2], shift[3])
                    let (m0, m1, m2, m3) = (mask[0], mask[1], mask[2], mask[3])
                    let (t0, t1, t2, t3) = (stride[0], stride[1], stride[2], stride[3])
                    let rest = shift.count - 4
                    shift.withUnsafeBufferPointer { shift in
                        mask.withUnsafeBufferPointer { mask in
                            stride.withUnsafeBufferPointer { stride in
                                for i in 0..<keys.count {
                                    let k = keys[i]
                                    var cell =
                                        ((k >> s0) & m0) &* t0 &+ ((k >> s1) & m1) &* t1 &+ ((k >> s2) & m2) &* t2
                                        &+ ((k >> s3) & m3) &* t3
                                    var j = 4
                                    while j < 4 + rest {
                                        cell &+= ((k >> shift[j]) & mask[j]) &* stride[j]
                                        j += 1
                                    }
                                    cells[Int(cell)] &+= weights[i]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Least-significant-digit radix sort, eight bits a pass over the `bits` low bits.
    static func radixSort(_ values: inout [UInt64], bits: Int) {
        guard values.count > 1, bits > 0 else { return }
        var scratch = [UInt64](repeating: 0, count: values.count)
        var shift: UInt64 = 0
        while shift < UInt64(bits) {
            var counts = [Int](repeating: 0, count: 257)
            values.withUnsafeBufferPointer { source in
                for v in source { counts[Int((v >> shift) & 0xFF) + 1] += 1 }
            }
            for d in 0..<256 { counts[d + 1] += counts[d] }
            values.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    for v in source {
                        let d = Int((v >> shift) & 0xFF)
                        target[counts[d]] = v
                        counts[d] += 1
                    }
                }
            }
            swap(&values, &scratch)
            shift += 8
        }
    }
}
