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
