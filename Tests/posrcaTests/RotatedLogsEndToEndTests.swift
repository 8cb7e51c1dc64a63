import Foundation
import Testing

/// Issue 9, item 4, through the binary: an acquirer's live q2.log ingested and analysed each
/// night while it grows, rotated at midnight by jPOS's DailyLogListener into
/// `q2-<date>.log.gz`, gives the analysis of the final files read once, row for row.
@Suite("Rotated and growing acquirer logs, night by night", .serialized)
struct RotatedLogsEndToEndTests {
    @Test("three nights of a live q2.log and its rotated gzips equal one analysis of the final files; the summary names what a file continues")
    func nightsWithRotation() throws {
        let work = Workspace()
        let generated = work.root + "/generated"
        try generateSampleSet(into: generated, terminals: 120, days: 3, perDay: 10, seed: 909)
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: generated).sorted()
        let dates = ["2026-11-20", "2026-11-21", "2026-11-22"]
        func files(_ prefix: String, _ date: String) -> [String] { names.filter { $0.hasPrefix(prefix) && $0.contains(date) } }
        // One realm's files are the live log; the others arrive whole, as before.
        let live = try #require(files("acquirer-", dates[0]).first).replacingOccurrences(of: dates[0], with: "DATE")
        let days = try dates.map { try gunzip(generated + "/" + live.replacingOccurrences(of: "DATE", with: $0)) }
        func copy(_ name: String) throws { try fm.copyItem(atPath: generated + "/" + name, toPath: work.inbox + "/" + name) }
        func others(_ date: String) -> [String] {
            files("terminal-", date) + files("acquirer-", date).filter { $0 != live.replacingOccurrences(of: "DATE", with: date) }
        }
        func cut(_ text: String, _ fraction: Double) -> String { String(text.prefix(Int(Double(text.count) * fraction))) }
        func night(_ number: Int) throws -> String {
            let ingest = try posrca(["ingest", "--db", work.db, work.inbox])
            #expect(ingest.exitStatus == 0 || ingest.exitStatus == 1, "night \(number) ingest: \(ingest)")
            let analyze = try posrca(["analyze", "--db", work.db])
            #expect(analyze.exitStatus == 0, "night \(number) analyze: \(analyze)")
            return ingest.stdout
        }

        try copy("inventory.csv")
        for name in files("codes-", "") + others(dates[0]) { try copy(name) }
        try cut(days[0], 0.55).write(toFile: work.inbox + "/q2.log", atomically: true, encoding: .utf8)
        _ = try night(1)

        try gzip(days[0], to: work.inbox + "/q2-\(dates[0]).log.gz")
        try cut(days[1], 0.4).write(toFile: work.inbox + "/q2.log", atomically: true, encoding: .utf8)
        for name in others(dates[1]) { try copy(name) }
        let second = try night(2)
        let rotated = try #require(second.split(separator: "\n").first { $0.contains("q2-\(dates[0]).log.gz") })
        #expect(rotated.contains("(continues \(work.inbox)/q2.log from line "), "\(rotated)")

        try gzip(days[1], to: work.inbox + "/q2-\(dates[1]).log.gz")
        try days[2].write(toFile: work.inbox + "/q2.log", atomically: true, encoding: .utf8)
        for name in others(dates[2]) { try copy(name) }
        _ = try night(3)
        #expect(try work.count("SELECT count(*) FROM dirty_marks") == 0)

        // The same final files, read and analysed once.
        let scratch = work.root + "/scratch.sqlite"
        _ = try posrca(["ingest", "--db", scratch, work.inbox])
        #expect(try posrca(["analyze", "--db", scratch]).exitStatus == 0)
        for table in ["acquirer_msgs", "net_events", "terminal_txns", "rejected_lines"] {
            #expect(try work.count("SELECT count(*) FROM \(table)") == (try work.count("SELECT count(*) FROM \(table)", db: scratch)), "\(table)")
        }
        #expect(try work.count("SELECT count(*) FROM acquirer_msgs") > 1000)
        for query in IncrementalNightsTests.comparisons {
            let incremental = try work.sql(query)
            let fromScratch = try work.sql(query, db: scratch)
            #expect(incremental.count == fromScratch.count, "\(query): \(incremental.count) rows against \(fromScratch.count)")
            if let index = zip(incremental, fromScratch).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("\(query): row \(index) differs:\n  incremental \(incremental[index])\n  scratch     \(fromScratch[index])")
            }
        }
    }
}
