import Foundation
import POSJobs
import POSReports
import POSStore
import Testing

@testable import POSIngest

// The ingest's per-file line and the log's events are built as JSON values and rendered by one
// encoder (docs/cli.md §7.4, §12.2): the same fields, in the same order, as schedulers read them.

@Suite("Log lines")
struct LogLineTests {
    private var summary: FileSummary {
        var summary = FileSummary(status: .ok, path: "inbox/a \"b\".log", kind: "terminal_log")
        summary.lines = 12
        summary.rows = 10
        summary.rejects = 2
        summary.rejectReasons = ["not logfmt": 1, "bad ts": 1]
        summary.maskedPANs = 3
        summary.seconds = 0.25
        summary.continues = "inbox/a.log.1"
        summary.fromLine = 7
        summary.warnings = ["times read as +08:00"]
        return summary
    }

    @Test("a file's JSON line has every field of docs/cli.md §7.4, in order, seconds with three decimals")
    func fileJSON() {
        #expect(
            summary.json.compact() == """
                {"event":"file","status":"ok","kind":"terminal_log","path":"inbox/a \\"b\\".log","lines":12,"rows":10,"rejects":2,\
                "reject_reasons":{"bad ts":1,"not logfmt":1},"ignored_events":0,"unknown_keys":0,"skipped_elements":0,"masked_pans":3,\
                "invalid_utf8":0,"seconds":0.250,"detail":null,"continues":"inbox/a.log.1","from_line":7,"warnings":["times read as +08:00"]}
                """)
        let parsed = try? JSONSerialization.jsonObject(with: Data(summary.json.compact().utf8)) as? [String: Any]
        #expect(parsed?["path"] as? String == "inbox/a \"b\".log")
    }

    @Test("a file's text line: status, kind, path, counts, then what applies")
    func fileText() {
        #expect(
            summary.textLine == "ok                 terminal_log  inbox/a \"b\".log  lines 12  rows 10  rejects 2 (bad ts: 1, not logfmt: 1)"
                + "  masked PANs 3  0.25 s  (continues inbox/a.log.1 from line 7)  warning: times read as +08:00")
        var duplicate = FileSummary(status: .skippedDuplicate, path: "b.log")
        duplicate.detail = "same content as a.log"
        #expect(duplicate.textLine == "skipped_duplicate  -             b.log  — same content as a.log")
        #expect(duplicate.json.compact().contains("\"status\":\"skipped_duplicate\",\"kind\":null,"))
    }

    @Test("fixed decimals render as printf does; a non-finite number as null")
    func fixedNumbers() {
        #expect(JSONValue.fixed(1, places: 3).compact() == "1.000")
        #expect(JSONValue.fixed(0.0004, places: 3).compact() == "0.000")
        #expect(JSONValue.fixed(.infinity, places: 3).compact() == "null")
    }

    @Test("exit statuses are docs/cli.md §3's")
    func exitStatuses() {
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 64, 75])
        var report = IngestReport()
        #expect(ExitStatus(report) == .success)
        report.files = [FileSummary(status: .truncated, path: "a")]
        #expect(ExitStatus(report) == .rejects)
        report.problems = ["b: No such file or directory"]
        #expect(ExitStatus(report) == .failed)
    }
}
