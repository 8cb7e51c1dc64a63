import Foundation
import POSIngest
import POSStore
import Testing

// Issue 9, the per-file side: a plain log cut mid-element is truncated; a file of which nothing
// could be read fails; a file mostly rejected, or whose times took --acquirer-tz, says so in its
// summary line (FileSummary.warnings) and in the ledger's counts.

/// A jPOS 2.1 element with an `at` jPOS 2.0.0 could not have written: a bad at for the scanner.
private func badAtElement(_ k: Int) -> String {
    "<log realm=\"cup-channel\" at=\"yesterday \(k)\">\n  <receive><io-timeout/></receive>\n</log>\n"
}

/// SystemMonitor stating the JVM zone, as jPOS 2.1.3 wrote it (danilomauricio/authorizationSwitch
/// q2.log, shortened).
private let saoPauloMonitor = """
    <log realm="org.jpos.q2.qbean.SystemMonitor" at="2022-07-13T20:41:00.632">
      <info>
             encoding: UTF-8
             timezone: America/Sao_Paulo (Horário de Brasília) -03:00
        watch service: sun.nio.fs.PollingWatchService
      </info>
    </log>

    """

@Suite("Ingest: what a file's summary says", .serialized)
struct FileVerdictTests {
    @Test("a plain acquirer log cut inside an element is truncated, its complete elements in")
    func plainLogCutMidElement() throws {
        let scratch = Scratch()
        let whole = acquirerElement(stan: "000001") + acquirerElement(stan: "000002")
        let cut = String(whole.dropLast(40))
        try scratch.write("q2.log", cut)
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .truncated)
        #expect(file.detail == "log element not closed at end of file (line 10)")
        #expect(file.rows == 1)
        #expect(file.rejectReasons == ["log element not closed at end of file": 1])
        #expect(report.exitCode == 1)
        #expect(try scratch.query("SELECT status, error FROM files") == [["truncated", "log element not closed at end of file (line 10)"]])
        // Whole, the same file is ok.
        try scratch.write("q2.log", whole)
        #expect(try scratch.ingest().files.map(\.status) == [.ok])
    }

    @Test("a gzip cut inside an element keeps the gzip reason")
    func gzipCutMidElement() throws {
        let scratch = Scratch()
        var text = ""
        for k in 0..<3000 { text += acquirerElement(stan: String(format: "%06d", k)) }
        let path = try scratch.write("q2.log.gz", text, gzip: true)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let file = try #require(try scratch.ingest().files.first)
        #expect(file.status == .truncated)
        #expect(file.detail == "gzip stream ends early (unexpected end of file)")
    }

    @Test("a file of which nothing could be read fails, naming the leading reason and an example")
    func nothingRead() throws {
        let scratch = Scratch()
        try scratch.write("q2.log", badAtElement(1) + badAtElement(2) + "<log realm=\"\" at=\"2022-07-15T10:50\"></log>\n")
        try scratch.write("ok.log", acquirerElement(stan: "000001"))
        let report = try scratch.ingest()
        let failed = try #require(report.files.first { $0.path.hasSuffix("q2.log") })
        #expect(failed.status == .failed)
        #expect(
            failed.detail
                == "nothing could be read: 3 of 3 records rejected, 2 as bad at attribute, e.g. line 1: <log realm=\"cup-channel\" at=\"yesterday 1\"> …"
        )
        #expect(failed.rows == 0)
        #expect(report.exitCode == 2)
        #expect(try scratch.query("SELECT status, error FROM files WHERE path LIKE '%q2.log'") == [["failed", failed.detail]])
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines") == 0)
        // The other file is in, and the failed one is tried again by the next run.
        #expect(try scratch.count("SELECT count(*) FROM acquirer_msgs") == 1)
        try scratch.write("q2.log", badAtElement(1) + acquirerElement(stan: "000009"))
        let again = try scratch.ingest()
        #expect(again.files.first { $0.path.hasSuffix("q2.log") }?.status == .ok)
    }

    @Test("a terminal log whose every line is rejected fails too")
    func terminalNothingRead() throws {
        let scratch = Scratch()
        try scratch.write("day.log", "tid=1 ev=txn\n\nnot logfmt at all\n")
        let file = try #require(try scratch.ingest().files.first)
        #expect(file.status == .failed)
        #expect(file.detail?.hasPrefix("nothing could be read: 2 of 2 records rejected, ") == true)
    }

    @Test("an empty file, or one of skipped elements only, is not a failure")
    func emptyIsNotFailure() throws {
        let scratch = Scratch()
        try scratch.write("empty.log", "")
        try scratch.write("sysmon.log", saoPauloMonitor)
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.ok, .ok])
        #expect(report.exitCode == 0)
    }

    @Test("a file mostly rejected is in, with a warning that says so")
    func mostlyRejected() throws {
        let scratch = Scratch()
        try scratch.write(
            "q2.log", badAtElement(1) + badAtElement(2) + badAtElement(3) + acquirerElement(stan: "000001") + acquirerElement(stan: "000002"))
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .ok)
        #expect(file.rows == 2)
        #expect(file.warnings.contains { $0.contains("mostly rejected: 3 of 5 records, 3 as bad at attribute") })
        #expect(report.exitCode == 1)
        #expect(
            try scratch.count("SELECT count(*) FROM file_counts WHERE name = 'warning:mostly rejected: 3 of 5 records, 3 as bad at attribute'") == 1)
        // Two of five: no such warning.
        try scratch.write(
            "q2.log",
            badAtElement(1) + badAtElement(2) + acquirerElement(stan: "000001") + acquirerElement(stan: "000002") + acquirerElement(stan: "000003"))
        #expect(try scratch.ingest().files.first?.warnings.contains { $0.contains("mostly rejected") } != true)
    }

    @Test("times without a zone: --acquirer-tz is named in the warning; SystemMonitor's zone needs none")
    func zoneWarning() throws {
        let scratch = Scratch()
        let element = "<log realm=\"cup-channel\" at=\"2022-07-13T20:41:19.152\">\n  <receive><io-timeout/></receive>\n</log>\n"
        try scratch.write("a/q2.log", element)
        try scratch.write("b/q2.log", saoPauloMonitor + element)
        var options = ParseOptions()
        options.acquirerOffsetMinutes = -300
        let report = try scratch.ingest(options: options)
        let byFolder = Dictionary(uniqueKeysWithValues: report.files.map { (($0.path as NSString).deletingLastPathComponent.suffix(1), $0) })
        #expect(
            byFolder["a"]?.warnings == ["1 time without a zone read at UTC-05:00 (--acquirer-tz): the log states no JVM time zone (SystemMonitor)"])
        #expect(byFolder["b"]?.warnings == [])
        #expect(report.exitCode == 0)
        #expect(
            try scratch.query("SELECT ts FROM network_events WHERE realm = 'cup-channel' ORDER BY ts") == [
                ["2022-07-13T23:41:19.152Z"], ["2022-07-14T01:41:19.152Z"],
            ])
        #expect(try scratch.count("SELECT value FROM file_counts WHERE name = 'jvm_zone:America/Sao_Paulo'") == 1)
        #expect(try scratch.count("SELECT value FROM file_counts WHERE name = 'assumed_zone_times'") == 1)
    }
}
