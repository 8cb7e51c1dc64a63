import Foundation
import POSFormats
import POSSampleData
import Testing

@Suite("Single terminal log for benchmarks")
struct BenchmarkLogTests {
    @Test("Exactly the asked number of transactions, the same text plain and gzip, the same bytes for the same seed")
    func exactCount() throws {
        let base = NSTemporaryDirectory() + "posrca-bench-test-\(getpid())"
        defer {
            for suffix in [".log", ".log.gz", "-again.log.gz"] { try? FileManager.default.removeItem(atPath: base + suffix) }
        }
        let plain = try writeTerminalLog(transactions: 3000, seed: 5, to: base + ".log", gzip: false)
        let zipped = try writeTerminalLog(transactions: 3000, seed: 5, to: base + ".log.gz", gzip: true)
        try writeTerminalLog(transactions: 3000, seed: 5, to: base + "-again.log.gz", gzip: true)
        #expect(plain.transactions == 3000)
        #expect(zipped.transactions == 3000 && zipped.lines == plain.lines && zipped.textBytes == plain.textBytes)
        #expect(plain.fileBytes == plain.textBytes && zipped.fileBytes < plain.textBytes / 3)
        let text = try Data(contentsOf: URL(fileURLWithPath: base + ".log"))
        #expect(try runGzip(["-dc", base + ".log.gz"]).output == text)
        #expect(try Data(contentsOf: URL(fileURLWithPath: base + ".log.gz")) == Data(contentsOf: URL(fileURLWithPath: base + "-again.log.gz")))
        let lines = text.split(separator: 0x0A)
        #expect(lines.count == plain.lines)
        var transactions = 0
        var previous = ""
        for line in lines {
            let fields = try #require(logfmtFields(Data(line)))
            let ts = try #require(fields["ts"])
            #expect(Timestamps.parseRFC3339(ts, defaultOffsetMinutes: 0) != nil)
            if fields["ev"] == "txn" { transactions += 1 }
            previous = ts
        }
        #expect(transactions == 3000)
        #expect(!previous.isEmpty)
    }
}
