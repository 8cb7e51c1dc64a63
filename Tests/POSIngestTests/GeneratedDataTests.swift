import Foundation
import POSIngest
import POSSampleData
import POSStore
import Testing

/// A generated data set with every fault, ingested once for the suite.
/// Unchecked: built once by `shared`'s initialiser, then only read (`Scratch` is not Sendable).
final class GeneratedSet: @unchecked Sendable {
    static let shared = GeneratedSet()
    let scratch = Scratch("generated")
    let truth: GroundTruth
    let report: IngestReport

    init() {
        var config = SampleConfiguration()
        config.terminals = 120
        config.days = 2
        config.transactionsPerTerminalPerDay = 12
        truth = try! SampleGenerator(config).write(to: scratch.inbox)
        report = try! scratch.ingest()
    }

    func summary(_ relative: String) -> FileSummary? {
        report.files.first { $0.path == scratch.inbox + "/" + relative }
    }
}

@Suite("Ingest of generated logs with known answers", .serialized)
struct GeneratedDataTests {
    let set = GeneratedSet.shared

    @Test("every file lands with the status, lines, transactions and rejects the generator wrote")
    func perFile() throws {
        for file in set.truth.files {
            let summary = try #require(set.summary(file.path), "no summary for \(file.path)")
            if let original = file.duplicateOf {
                // Whichever of the two is read first lands; the other is the recorded duplicate.
                let other = try #require(set.summary(original))
                #expect(Set([summary.status, other.status]) == [.ok, .skippedDuplicate], "\(file.path)")
                continue
            }
            if set.truth.files.contains(where: { $0.duplicateOf == file.path }) { continue }
            #expect(summary.status == (file.truncated ? .truncated : .ok), "\(file.path)")
            #expect(summary.rejects == file.rejects.count + (file.truncated ? 1 : 0), "\(file.path): \(summary.rejectReasons)")
            #expect(summary.ignoredEvents == file.ignoredEvents, "\(file.path)")
            #expect(summary.unknownKeys == file.unknownKeys, "\(file.path)")
            switch file.kind {
            case "terminal_log":
                #expect(summary.lines == file.lines + (file.truncated ? 1 : 0), "\(file.path)")
                let stored = try set.scratch.count(
                    """
                    SELECT count(*) FROM terminal_txns t JOIN input_files f ON f.id = t.file_id WHERE f.path = '\(set.scratch.inbox)/\(file.path)'
                    """)
                #expect(stored == file.transactions, "\(file.path)")
                #expect(summary.rows == file.events.values.reduce(0, +), "\(file.path)")
                #expect(summary.maskedPANs >= file.fullCardNumbers, "\(file.path)")
            case "acquirer_log":
                #expect(
                    summary.rows == file.acquirerRequests + file.acquirerResponses + file.networkManagementMessages + file.linkEvents, "\(file.path)")
                #expect(summary.skippedElements == file.skippedElements, "\(file.path)")
            default:
                #expect(summary.rows == file.rows, "\(file.path)")
            }
        }
        #expect(set.report.exitCode == 1)
    }

    @Test("rejected lines are kept at the generator's line numbers")
    func rejectLines() throws {
        for file in set.truth.files where !file.rejects.isEmpty {
            let lines = try set.scratch.query("SELECT line FROM rejects WHERE file = '\(set.scratch.inbox)/\(file.path)' ORDER BY line")
            let expected = file.rejects.map(\.line).sorted()
            #expect(lines.compactMap { $0[0].flatMap(Int.init) }.filter { expected.contains($0) } == expected, "\(file.path)")
        }
    }

    @Test("every terminal transaction the generator wrote is in the transactions view, padded TIDs trimmed")
    func totals() throws {
        #expect(try set.scratch.count("SELECT count(*) FROM transactions") == set.truth.totals.transactions)
        #expect(try set.scratch.count("SELECT count(*) FROM transactions WHERE tid LIKE ' %' OR tid LIKE '% '") == 0)
        #expect(try set.scratch.count("SELECT count(*) FROM acquirer_msgs m JOIN dictionary d ON d.id = m.tid WHERE d.value LIKE '% '") == 0)
    }

    @Test("no full card number and no track data written by the generator is anywhere in the database")
    func noCardData() throws {
        var bytes = Data()
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: set.scratch.db + suffix) { bytes.append(data) }
        }
        #expect(!set.truth.fullCardNumbers.isEmpty)
        for card in set.truth.fullCardNumbers {
            #expect(bytes.range(of: Data(card.pan.utf8)) == nil, "full PAN of \(card.file):\(card.line) stored")
        }
        // Track data: the '=' separator followed by an expiry never appears in a stored value.
        #expect(try set.scratch.count("SELECT count(*) FROM rejected_lines WHERE text LIKE '%id=\"35\"%' AND text NOT LIKE '%[removed]%'") == 0)
    }

    @Test("a re-run ingests nothing new and exits 0")
    func rerun() throws {
        let again = try set.scratch.ingest()
        #expect(again.rows == 0)
        #expect(Set(again.files.map(\.status)).isSubset(of: [.unchanged, .skippedDuplicate]))
        #expect(again.exitCode == 0)
    }
}
