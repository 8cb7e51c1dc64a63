import Foundation
import POSSampleData
import Testing

// Two nightly runs whose windows hold different planted causes: the findings history keeps both
// runs with their windows, the findings view shows the latest, and the nightly log and
// summary.html say what is new, what is still there and what is gone.

@Suite("Findings history across two nightly runs", .serialized)
struct FindingsHistoryTests {
    /// Night 1 has days 1–2 with a code table gap and garbled responses; night 2 adds days 3–4
    /// with non-standard codes and garbled responses. Each night analyses its last two days
    /// (POSRCA_DAYS=2), so the code table gap leaves the window, the non-standard codes enter
    /// it and the garbling stays.
    static func generate(into inbox: String, start: CalendarDate, causes: Set<PlantedCause>) throws {
        var config = SampleConfiguration(seed: 5, startDate: start, days: 2, terminals: 200, transactionsPerTerminalPerDay: 12)
        config.plantedCauses = causes
        // Strong enough to be found on 2 days of 200 terminals.
        config.effectStrength = 3
        _ = try SampleGenerator(config).write(to: inbox)
    }

    /// A finding as the history identifies it across runs.
    struct Finding: Hashable, CustomStringConvertible {
        var kind: String
        var pattern: String
        var topCause: String
        var description: String { "\(kind) \(pattern) (\(topCause))" }
    }

    @Test("findings_history keeps both runs with their windows; findings shows the latest; the log and summary.html count new, still there and gone")
    func twoNights() throws {
        let work = Workspace()
        let environment = ["POSRCA_DAYS": "2"]
        try Self.generate(
            into: work.inbox + "/night1", start: CalendarDate(year: 2026, month: 11, day: 20), causes: [.codeTableGap, .networkGarbling])
        let first = try posrca(["nightly", "--db", work.db, "--inbox", work.inbox, "--reports", work.reports], environment: environment)
        #expect(first.exitStatus == 1, "done, with the generated rejects: \(first)")

        // Night 2's files; the fleet's inventory and catalogue stay night 1's.
        let second = work.inbox + "/night2"
        try Self.generate(into: second, start: CalendarDate(year: 2026, month: 11, day: 22), causes: [.nonstandardCode, .networkGarbling])
        try FileManager.default.removeItem(atPath: second + "/inventory.csv")
        try FileManager.default.removeItem(atPath: second + "/codes-private.csv")
        let night2 = try posrca(["nightly", "--db", work.db, "--inbox", work.inbox, "--reports", work.reports], environment: environment)
        #expect(night2.exitStatus == 1, "\(night2)")

        // One analysis_history row per run, each with its window.
        let runs = try work.sql("SELECT run_id, window_since, window_until, findings FROM analysis_history ORDER BY run_id")
        try #require(runs.count == 2, "\(runs)")
        #expect(runs.map { [$0[1], $0[2]] } == [["2026-11-20", "2026-11-21"], ["2026-11-22", "2026-11-23"]])
        let (run1, run2) = (runs[0][0], runs[1][0])

        // findings_history: every row carries its run's window, and each run has as many as it counted.
        let history = try work.sql(
            "SELECT run_id, window_since, window_until, rank, kind, pattern, top_cause, evidence FROM findings_history ORDER BY run_id, rank")
        for run in runs {
            let rows = history.filter { $0[0] == run[0] }
            #expect(rows.count == Int(run[3]), "run \(run[0]): \(rows.count) findings in the history, \(run[3]) counted")
            #expect(rows.allSatisfy { $0[1] == run[1] && $0[2] == run[2] }, "run \(run[0]): windows \(Set(rows.map { $0[1] + "…" + $0[2] }))")
            #expect(rows.map { $0[3] } == (0..<rows.count).map { String($0 + 1) }, "ranks 1…n")
        }
        func findings(_ run: String) -> [Finding] {
            history.filter { $0[0] == run }.map { Finding(kind: $0[4], pattern: $0[5], topCause: $0[6]) }
        }
        let before = findings(run1)
        let after = findings(run2)
        #expect(!before.isEmpty && !after.isEmpty, "both nights find something: \(before) / \(after)")

        // findings: exactly the latest run's rows, with its window.
        let latest = try work.sql("SELECT window_since, window_until, rank, kind, pattern, top_cause, evidence FROM findings ORDER BY rank")
        #expect(latest == history.filter { $0[0] == run2 }.map { Array($0.dropFirst()) })

        // New, still there and gone, by kind and pattern, counted here from the history.
        let key = { (f: Finding) in f.kind + " " + f.pattern }
        let beforeKeys = Set(before.map(key))
        let afterKeys = Set(after.map(key))
        let new = after.filter { !beforeKeys.contains(key($0)) }
        let persisting = after.filter { beforeKeys.contains(key($0)) }
        let gone = before.filter { !afterKeys.contains(key($0)) }
        // The planted change shows: the code table gap went, the non-standard codes came, the garbling stayed.
        #expect(gone.contains { $0.topCause.hasPrefix("code_table_gap") }, "gone: \(gone)")
        #expect(new.contains { $0.topCause.hasPrefix("nonstandard_code") }, "new: \(new)")
        #expect(persisting.contains { $0.topCause.hasPrefix("garbled_response") }, "still there: \(persisting)")

        #expect(first.stderr.contains("posrca nightly first analysis run: \(before.count) findings"), "\(first.stderr)")
        let change = "posrca nightly findings since the previous run: \(new.count) new, \(persisting.count) still there, \(gone.count) gone"
        #expect(night2.stderr.contains(change), "expected “\(change)” in\n\(night2.stderr)")
        let logLine = night2.stderr.split(separator: "\n").first { $0.contains("findings since the previous run") }.map(String.init) ?? ""
        for finding in gone { #expect(logLine.contains(finding.pattern), "the log names the gone \(finding)") }
        for finding in new { #expect(logLine.contains(finding.pattern), "the log names the new \(finding)") }

        // summary.html of the second night (both nights write today's folder; the second replaced it).
        let folders = try FileManager.default.contentsOfDirectory(atPath: work.reports).filter { !$0.hasPrefix(".") }
        try #require(folders.count == 1, "\(folders)")
        let html = try String(contentsOfFile: work.reports + "/" + folders[0] + "/summary.html", encoding: .utf8)
        #expect(
            html.contains("Since the previous run: \(new.count) new, \(persisting.count) still there, \(gone.count) gone."), "\(html.prefix(4000))")
        for finding in gone { #expect(html.contains("<code>\(htmlEscaped(finding.pattern))</code>"), "summary.html names the gone \(finding)") }
    }
}

/// `text` with the characters HTML escapes (&, <, >, ") escaped.
func htmlEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
