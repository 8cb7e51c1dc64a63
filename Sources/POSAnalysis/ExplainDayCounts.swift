import POSStore

/// The explain pass's transactions of every combination, counted a day at a time and kept in
/// `explain_day_counts`, so that a night counts the days that changed, not its whole window.
///
/// The counts of a window are the sums of its days' counts in the same compact coding, and the
/// coding depends only on which values are kept apart (`CompactColumns` orders them by text): a
/// night whose kept values are those of the night before sums the days it finds and counts the
/// new or recomputed ones. A day's row is removed whenever its snapshot is written or deleted
/// (triggers on `analysis_days`), and rows outside the window are removed after each count, so the
/// table holds at most a window of days (about 4 bytes a combination cell a day, varint-coded).
enum ExplainDayCounts {
    /// The window's transaction counts: the days kept under this coding summed, the others
    /// counted, added and kept. Counts the whole table at once, and keeps nothing, when the counter
    /// packs its rows into tuples or has subsets too large for dense arrays.
    static func count(
        _ counter: CombinationCounter, days: [(day: Int64, rows: Range<Int>)], maxAttributes: Int, database: Database
    ) throws -> CombinationCounts {
        let layout = counter.layout
        guard counter.tuples == nil, layout.sparseCount == 0, let first = days.first?.day, let last = days.last?.day else {
            return counter.countAllRows()
        }
        let key = layoutKey(counter.columns, maxAttributes: maxAttributes)
        var total = CombinationCounts(layout: layout)
        var found = Set<Int64>()
        let read = try database.prepare("SELECT day, counts FROM explain_day_counts WHERE day BETWEEN ?1 AND ?2 AND layout = ?3")
        read.bind(first, at: 1)
        read.bind(last, at: 2)
        read.bind(key, at: 3)
        let windowDays = Set(days.map(\.day))
        while try read.step() {
            let day = read.int64(0)
            guard windowDays.contains(day), let counts = read.withBlob(1, { decode($0, count: layout.denseCount) }) else { continue }
            add(counts, to: &total.dense)
            found.insert(day)
        }
        var counted: [(day: Int64, bytes: [UInt8])] = []
        for (day, rows) in days where !found.contains(day) {
            let counts = counter.countRows(in: rows)
            add(counts.dense, to: &total.dense)
            counted.append((day, encode(counts.dense)))
        }
        try keep(counted, key: key, window: first...last, database: database)
        return total
    }

    /// Stores the days just counted and drops the rows outside `window`, in one transaction.
    private static func keep(_ counted: [(day: Int64, bytes: [UInt8])], key: String, window: ClosedRange<Int64>, database: Database) throws {
        let own = !database.inTransaction
        if own { try database.execute("BEGIN IMMEDIATE") }
        do {
            let write = try database.prepare("INSERT OR REPLACE INTO explain_day_counts(day, layout, counts) VALUES (?1, ?2, ?3)")
            for (day, bytes) in counted {
                write.bind(day, at: 1)
                write.bind(key, at: 2)
                write.bind(blob: bytes, at: 3)
                _ = try write.step()
                write.reset()
            }
            let drop = try database.prepare("DELETE FROM explain_day_counts WHERE day < ?1 OR day > ?2")
            drop.bind(window.lowerBound, at: 1)
            drop.bind(window.upperBound, at: 2)
            _ = try drop.step()
            if own { try database.execute("COMMIT") }
        } catch {
            if own { try? database.execute("ROLLBACK") }
            throw error
        }
    }

    /// What fixes the layout of the counts: the format, the subsets' width and the dense limit, and
    /// per attribute its compact cardinality and its kept values in order (each prefixed by its
    /// length in bytes, so that no two codings share a key).
    static func layoutKey(_ columns: CompactColumns, maxAttributes: Int) -> String {
        var key = "explain counts 1; max \(maxAttributes); dense \(CombinationLayout.denseLimit)\n"
        for a in 0..<TransactionTable.attributeCount {
            key += "\(TransactionTable.attributeNames[a]) \(columns.cardinality[a]):"
            for raw in columns.rawValues[a] {
                let text = columns.table.values[a][Int(raw)]
                key += " \(text.utf8.count):\(text)"
            }
            key += "\n"
        }
        return key
    }

    private static func add(_ counts: [Int32], to total: inout [Int32]) {
        total.withUnsafeMutableBufferPointer { total in
            counts.withUnsafeBufferPointer { counts in
                for i in 0..<counts.count { total[i] &+= counts[i] }
            }
        }
    }

    /// Each count as an unsigned LEB128 varint: most cells of a day hold fewer than 128.
    static func encode(_ counts: [Int32]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(counts.count * 2)
        for count in counts {
            var value = UInt32(bitPattern: count)
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    /// The counts of `encode`, nil unless the bytes hold exactly `count` of them.
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Int32]? {
        var counts = [Int32](repeating: 0, count: count)
        var position = 0
        let ok = counts.withUnsafeMutableBufferPointer { counts -> Bool in
            for i in 0..<count {
                var value: UInt32 = 0
                var shift: UInt32 = 0
                while true {
                    guard position < bytes.count, shift < 32 else { return false }
                    let byte = bytes[position]
                    position += 1
                    value |= UInt32(byte & 0x7F) << shift
                    if byte < 0x80 { break }
                    shift += 7
                }
                counts[i] = Int32(bitPattern: value)
            }
            return position == bytes.count
        }
        return ok ? counts : nil
    }
}
