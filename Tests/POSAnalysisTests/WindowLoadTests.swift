import Foundation
import POSIngest
import POSSampleData
import POSStore
import Testing

@testable import POSAnalysis

/// The window read from the day snapshots is the table the passes see: its per-value counts,
/// gathered while reading, equal a count over its rows, and its rows are the analysed days'.
@Suite("The analysis window read from day snapshots")
struct WindowLoadTests {
    /// Three days of generated logs (10 transactions a terminal a day) ingested into
    /// `folder/db.sqlite`.
    static func ingestedSample(in folder: String, seed: UInt64, terminals: Int) throws -> Database {
        var config = SampleConfiguration()
        config.seed = seed
        config.terminals = terminals
        config.days = 3
        config.transactionsPerTerminalPerDay = 10
        _ = try SampleGenerator(config).write(to: folder + "/logs")
        let database = try Database(path: folder + "/db.sqlite")
        _ = try Ingester(store: IngestStore(database: database), options: ParseOptions()).run(paths: [folder + "/logs"])
        return database
    }

    @Test("per-value counts gathered while reading equal a count over the rows; the window holds every analysed transaction, read ahead or in line")
    func valueCountsWhileReading() throws {
        let folder = NSTemporaryDirectory() + "posrca-window-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try Self.ingestedSample(in: folder, seed: 303, terminals: 150)
        let result = try Analysis.run(database: database)
        let window = try AnalysisWindow.resolve(.all, database: database)
        #expect(window.analysedDays.count == 3)
        let data = try WindowData.load(database, days: window.analysedDays)
        #expect(data.table.count == result.transactions)
        #expect(data.table.count == Int(try database.scalarInt("SELECT count(*) FROM terminal_txns") ?? -1))
        // Read ahead on a second connection or in line, the same columns.
        let inLine = try WindowData.load(database, days: window.analysedDays, readAhead: false)
        #expect(inLine.table.values == data.table.values)
        #expect(inLine.table.outcome == data.table.outcome)
        #expect(inLine.table.time.count == data.table.time.count)
        #expect(
            (0..<data.table.count).allSatisfy { inLine.table.time[$0] == data.table.time[$0] && inLine.table.terminal[$0] == data.table.terminal[$0] }
        )
        #expect(
            (0..<TransactionTable.attributeCount).allSatisfy { a in
                (0..<data.table.count).allSatisfy { inLine.table.attributes[a][$0] == data.table.attributes[a][$0] }
            })
        #expect(inLine.upgrades.count == data.upgrades.count && inLine.pairs == data.pairs && inLine.matchedPairs == data.matchedPairs)
        var recount = ValueCounts(table: data.table)
        recount.add(data.table, rows: nil)
        #expect(data.valueCounts?.counts == recount.counts)
        #expect(data.valueCounts?.counts.reduce(0, +) == data.table.count * TransactionTable.attributeCount)
    }

    @Test("the counts kept per day sum to a count of the whole window; a rewritten day is counted again, days outside go")
    func dayCountsSumToTheWindow() throws {
        let folder = NSTemporaryDirectory() + "posrca-daycounts-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try Self.ingestedSample(in: folder, seed: 305, terminals: 150)
        _ = try Analysis.run(database: database)
        let window = try AnalysisWindow.resolve(.all, database: database)
        let data = try WindowData.load(database, days: window.analysedDays)
        #expect(data.dayRows.map(\.day) == window.analysedDays)
        #expect(data.dayRows.map(\.rows.count).reduce(0, +) == data.table.count)
        let table = data.table
        let columns = CompactColumns(table: table, keep: table.values.map { $0.map { _ in true } })
        let layout = CombinationLayout(columns: columns, maxAttributes: 3)
        let counter = CombinationCounter(columns: columns, layout: layout, tuples: .never)
        let whole = counter.countAllRows().dense
        try database.execute("DELETE FROM explain_day_counts")

        // First: every day counted and kept under this coding's key.
        #expect(try ExplainDayCounts.count(counter, days: data.dayRows, maxAttributes: 3, database: database).dense == whole)
        let key = ExplainDayCounts.layoutKey(columns, maxAttributes: 3)
        let kept = try database.prepare("SELECT count(*) FROM explain_day_counts WHERE layout = ?1")
        kept.bind(key, at: 1)
        #expect(try kept.step() && kept.int64(0) == 3)
        // Then read back: a day whose kept counts are zeroed adds nothing (they are read, not recounted)...
        let day = data.dayRows[1].day
        let zeros = ExplainDayCounts.encode([Int32](repeating: 0, count: layout.denseCount))
        let update = try database.prepare("UPDATE explain_day_counts SET counts = ?1 WHERE day = ?2")
        update.bind(blob: zeros, at: 1)
        update.bind(day, at: 2)
        _ = try update.step()
        let dayCounts = counter.countRows(in: data.dayRows[1].rows).dense
        let withoutDay = zip(whole, dayCounts).map { $0 - $1 }
        #expect(try ExplainDayCounts.count(counter, days: data.dayRows, maxAttributes: 3, database: database).dense == withoutDay)
        // ...until the day's snapshot is written again, which drops its kept counts: counted anew.
        try database.execute("UPDATE analysis_days SET covered = covered WHERE day = \(day)")
        #expect(try database.scalarInt("SELECT count(*) FROM explain_day_counts WHERE day = \(day)") == 0)
        #expect(try ExplainDayCounts.count(counter, days: data.dayRows, maxAttributes: 3, database: database).dense == whole)
        // Another coding (one value fewer kept) does not read this one's counts.
        var keep = table.values.map { $0.map { _ in true } }
        let brand = TransactionTable.attributeIndex("brand")!
        keep[brand][keep[brand].count - 1] = false
        let narrower = CompactColumns(table: table, keep: keep)
        let narrowerCounter = CombinationCounter(
            columns: narrower, layout: CombinationLayout(columns: narrower, maxAttributes: 3), tuples: .never)
        #expect(ExplainDayCounts.layoutKey(narrower, maxAttributes: 3) != key)
        #expect(
            try ExplainDayCounts.count(narrowerCounter, days: data.dayRows, maxAttributes: 3, database: database).dense
                == narrowerCounter.countAllRows().dense)
        // A window of the first two days: the third day's row goes.
        _ = try ExplainDayCounts.count(counter, days: Array(data.dayRows.prefix(2)), maxAttributes: 3, database: database)
        #expect(try database.scalarInt("SELECT count(*) FROM explain_day_counts") == 2)
        try database.execute("DELETE FROM analysis_days WHERE day = \(data.dayRows[0].day)")
        #expect(try database.scalarInt("SELECT count(*) FROM explain_day_counts") == 1)
    }

    @Test("passes side by side: the first two jobs run at once, every job once, and each result keeps its place")
    func passJobs() {
        // Jobs 0 and 1 each wait for the other to start: on one thread they would time out.
        let started = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let jobs: [() -> Int] = (0..<12).map { index in
            {
                if index < 2 {
                    started[index].signal()
                    guard started[1 - index].wait(timeout: .now() + 20) == .success else { return -1 }
                }
                usleep(useconds_t(500 * (12 - index)))
                return index * index
            }
        }
        let results = PassJobs.run(jobs)
        #expect(results.map(\.value) == (0..<12).map { $0 * $0 })
        #expect(results.allSatisfy { $0.seconds > 0 })
        #expect(PassJobs.run([() -> Int]()).isEmpty)
    }

    @Test("times appended from a buffer with a shift are those appended one by one, in four and in eight bytes")
    func timeColumnBulkAppend() {
        let day: Int64 = 1_764_000_000_000
        let near = (0..<1000).map { day + Int64($0) * 61_000 }
        // 60 days apart: past what four-byte offsets hold, so the column turns to eight bytes.
        let far = [day + 5, day + 60 * LocalDay.milliseconds, day - 3]
        for values in [near, far, [], near + far, far + near] {
            for shift in [Int64(0), -3_600_000, 7_200_000] {
                var bulk = TimeColumn()
                var single = TimeColumn()
                let half = values.count / 2
                values.withUnsafeBufferPointer { values in
                    bulk.append(UnsafeBufferPointer(rebasing: values[..<half]), adding: shift)
                    bulk.append(UnsafeBufferPointer(rebasing: values[half...]), adding: shift)
                }
                for value in values { single.append(value + shift) }
                #expect(bulk.count == values.count)
                #expect((0..<values.count).allSatisfy { bulk[$0] == single[$0] && bulk[$0] == values[$0] + shift })
            }
        }
    }

    @Test("codes appended through a re-coding are the re-coded codes, counted per value, narrow and wide")
    func remappedAppend() {
        var generator = Xoshiro256StarStar(seed: 5)
        for wide in [false, true] {
            // Runs of one value, as a terminal's rows have, and single rows, over 37 source codes.
            var days: [[UInt16]] = []
            for length in [0, 1, 3, 1001] {
                var source: [UInt16] = []
                while source.count < length {
                    let code = UInt16(generator.uniform(below: 37))
                    source += repeatElement(code, count: min(length - source.count, Int(generator.uniform(below: 9)) + 1))
                }
                days.append(source)
            }
            let base: UInt32 = wide ? 300 : 0
            let remap = (0..<UInt32(37)).map { code -> UInt32 in base + (code * 7) % 37 }
            var column = AttributeColumn()
            column.append(5)
            var histogram = [Int](repeating: 0, count: 400)
            var expected = [Int](repeating: 0, count: 400)
            var codes: [UInt32] = [5]
            for source in days {
                column.append(source, remappedBy: remap, counting: &histogram)
                for code in source {
                    codes.append(remap[Int(code)])
                    expected[Int(remap[Int(code)])] += 1
                }
            }
            #expect(column.count == codes.count)
            #expect((0..<codes.count).allSatisfy { UInt32(column[$0]) == codes[$0] })
            #expect(histogram == expected)
        }
    }

    @Test("day counts are varints that decode to what was encoded, and nothing else decodes")
    func dayCountEncoding() {
        let counts: [Int32] = [0, 1, 127, 128, 300, 16_383, 16_384, 250_000, Int32.max]
        let bytes = ExplainDayCounts.encode(counts)
        #expect(bytes.count == 1 + 1 + 1 + 2 + 2 + 2 + 3 + 3 + 5)
        #expect(bytes.withUnsafeBytes { ExplainDayCounts.decode($0, count: counts.count) } == counts)
        #expect(bytes.withUnsafeBytes { ExplainDayCounts.decode($0, count: counts.count + 1) } == nil)
        #expect(bytes.withUnsafeBytes { ExplainDayCounts.decode($0, count: counts.count - 1) } == nil)
        #expect(Array(bytes.dropLast()).withUnsafeBytes { ExplainDayCounts.decode($0, count: counts.count) } == nil)
    }

    @Test("a batch's acquirer messages read on a second connection are those read after its transactions")
    func earlyMessagesEqualSequentialOnes() throws {
        let folder = NSTemporaryDirectory() + "posrca-early-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try Self.ingestedSample(in: folder, seed: 304, terminals: 120)
        // What the early read needs: the terminals' UTC offsets known, whole days, a database file.
        #expect(try !IngestStore.knownTerminalOffsets(database).isEmpty)
        let dictionary = try DictionaryTexts.load(database)
        var days: [Int64] = []
        let marked = try database.prepare("SELECT DISTINCT day FROM dirty_marks ORDER BY day")
        while try marked.step() { days.append(marked.int64(0)) }
        #expect(days.count == 3)
        // A batch is the earliest marked day, whole.
        #expect(try Recompute.nextBatch(database) == [days[0]: .all])
        let scope: BatchScope = Dictionary(uniqueKeysWithValues: days.map { ($0, TerminalFilter.all) })
        let early = try AnalysisData.load(database, scope: scope, dictionary: dictionary, options: MatchOptions())
        let sequential = try AnalysisData.load(database, scope: scope, dictionary: dictionary, options: MatchOptions(), earlyMessages: false)
        #expect(early.messages.count > 1000)
        #expect(early.messages.id == sequential.messages.id)
        #expect(early.messages.ts == sequential.messages.ts)
        #expect(early.messages.tid == sequential.messages.tid)
        #expect(early.messages.rc == sequential.messages.rc)
        #expect(early.coverage.keys.sorted() == sequential.coverage.keys.sorted())
        // One day of the three: the neighbours' messages within reach come in too, the same both ways.
        let one: BatchScope = [days[1]: .all]
        let earlyOne = try AnalysisData.load(database, scope: one, dictionary: dictionary, options: MatchOptions())
        let sequentialOne = try AnalysisData.load(database, scope: one, dictionary: dictionary, options: MatchOptions(), earlyMessages: false)
        #expect(earlyOne.messages.id == sequentialOne.messages.id)
        #expect(earlyOne.messages.count < early.messages.count)
    }
}
