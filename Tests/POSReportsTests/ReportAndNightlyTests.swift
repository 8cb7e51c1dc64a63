import Foundation
import POSInput
import POSReports
import POSStore
import Testing

@Suite("Report folder")
struct ReportFolderTests {
    static let findingsHeader = [
        "rank", "kind", "pattern", "outcome", "n_txns", "n_unknown", "rate", "rate_lo", "rate_hi", "baseline_rate", "risk_ratio",
        "rr_lo", "rr_hi", "p_value", "q_value", "excess_unknown", "share_of_unknown", "top_cause", "top_codes", "confounded_by", "evidence",
        // Schema 2: the findings view adds the window of days the run's findings cover.
        "window_since", "window_until",
        // Issue 10: what to do, the sentences in Chinese, and the patterns folded into the finding.
        "recommendation", "evidence_zh", "recommendation_zh", "folded",
    ]

    static func writeReport() throws -> (folder: String, outcome: ReportOutcome) {
        let folder = try Fixture.temporaryFolder("posrca-report") + "/out"
        var context = ReportContext(toolVersion: "9.9.9")
        context.options = [("command", .string("test"))]
        context.timings = [("ingest", 1.25)]
        let outcome = try ReportWriter.write(database: fixture(), queries: repositoryQueries, folder: folder, context: context)
        return (folder, outcome)
    }

    @Test func writesEveryFileCompletely() throws {
        let (folder, outcome) = try Self.writeReport()
        let expected =
            ["findings.csv", "findings/1-terminals.csv", "findings/2-terminals.csv", "code_gap_tests.csv"]
            + repositoryQueries.queries.map { $0.name + ".csv" } + ["summary.html", "manifest.json"]
        #expect(outcome.files == expected)
        #expect(outcome.problems.isEmpty)
        #expect(outcome.findings == 2)
        // No temporary file is left beside them.
        #expect(try FileOutput.list(folder) == (expected.filter { !$0.contains("/") } + ["findings"]).sorted())
        #expect(try FileOutput.list(folder + "/findings") == ["1-terminals.csv", "2-terminals.csv"])
    }

    @Test func eachFindingHasItsTerminalsFile() throws {
        let (folder, _) = try Self.writeReport()
        let first = readCSV(try FileOutput.readText(folder + "/findings/1-terminals.csv"))
        #expect(
            first == [
                ["tid", "brand", "model", "channel", "agent", "region", "firmware", "n", "unknown"],
                ["T2", "Landi", "A8", "third_party", "汇联代理", "乌鲁木齐", "A8_OLD", "6", "3"],
            ])
        #expect(readCSV(try FileOutput.readText(folder + "/findings/2-terminals.csv")).dropFirst().map { $0[0] } == ["T1"])
    }

    @Test func aReportOverAnOlderOneLeavesNoStaleTerminalsList() throws {
        let (folder, _) = try Self.writeReport()
        try FileOutput.writeAtomically("tid\r\nT9\r\n", to: folder + "/findings/7-terminals.csv")
        _ = try ReportWriter.write(database: fixture(), queries: repositoryQueries, folder: folder, context: ReportContext(toolVersion: "9.9.9"))
        #expect(try FileOutput.list(folder + "/findings") == ["1-terminals.csv", "2-terminals.csv"])
    }

    @Test func findingsCSVHasTheColumnsOfTheSpec() throws {
        let (folder, _) = try Self.writeReport()
        let records = readCSV(try FileOutput.readText(folder + "/findings.csv"))
        #expect(records.first == Self.findingsHeader)
        #expect(records.count == 3)
        #expect(records[1][2] == "brand=Landi&fee_tier=waived")
        #expect(records[1][20] == "Landi terminals on the waived tier showed \"unknown\" in 3 of 6, a rate of 50%.")
        #expect(records[2][20] == "After the upgrade, 1 of 2, with a comma, and a\nline break.")
        #expect(records[2][19] == "channel" && records[1][19] == "")
        #expect(records.dropFirst().allSatisfy { $0[21] == Fixture.day1 && $0[22] == Fixture.day2 })
    }

    @Test func eachQueryCSVLoadsBackWithItsRows() throws {
        let (folder, _) = try Self.writeReport()
        for query in repositoryQueries.queries {
            let table = try query.run(on: fixture())
            let records = readCSV(try FileOutput.readText(folder + "/\(query.name).csv"))
            #expect(records.first == table.columns, "\(query.name)")
            #expect(Array(records.dropFirst()) == table.rows.map { $0.map { $0 ?? "" } }, "\(query.name)")
        }
    }

    /// Every other query runs on a second connection: a failing query there or here is a problem
    /// with no file, the others still write theirs, and the manifest keeps the library's order.
    @Test func queriesOnBothConnectionsKeepOrderAndFailures() throws {
        func query(_ name: String, _ sql: String) throws -> CannedQuery {
            try CannedQuery(name: name, text: "-- title: \(name)\n-- description: test.\n\(sql)\n")
        }
        let library = QueryLibrary(
            queries: [
                try query("a_ok", "SELECT count(*) AS n FROM transactions;"), try query("b_fails", "SELECT no_such_column FROM transactions;"),
                try query("c_ok", "SELECT 3 AS three;"), try query("d_ok", "SELECT count(*) AS n FROM findings;"),
                try query("e_fails", "SELECT * FROM no_such_table;"),
            ], origin: "test")
        let folder = try Fixture.temporaryFolder("posrca-report-both") + "/out"
        let outcome = try ReportWriter.write(database: fixture(), queries: library, folder: folder, context: ReportContext(toolVersion: "9.9.9"))
        #expect(outcome.problems.count == 2)
        #expect(outcome.problems[0].hasPrefix("query b_fails:") && outcome.problems[1].hasPrefix("query e_fails:"))
        #expect(outcome.files.filter { $0.hasSuffix("_ok.csv") } == ["a_ok.csv", "c_ok.csv", "d_ok.csv"])
        #expect(readCSV(try FileOutput.readText(folder + "/c_ok.csv")) == [["three"], ["3"]])
        let direct = try library.queries[3].run(on: fixture())
        #expect(Array(readCSV(try FileOutput.readText(folder + "/d_ok.csv")).dropFirst()) == direct.rows.map { $0.map { $0 ?? "" } })
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(try FileOutput.readText(folder + "/manifest.json").utf8)) as? [String: Any])
        let entries = try #require(manifest["queries"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["a_ok", "b_fails", "c_ok", "d_ok", "e_fails"])
        #expect(entries.map { $0["status"] as? String } == ["ok", "failed", "ok", "ok", "failed"])
    }

    @Test func manifestIsValidJSONWithInputsVersionsAndTimings() throws {
        let (folder, _) = try Self.writeReport()
        let text = try FileOutput.readText(folder + "/manifest.json")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((manifest["tool"] as? [String: Any])?["version"] as? String == "9.9.9")
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.count == 4)
        let terminal = try #require(inputs.first { ($0["path"] as? String)?.hasSuffix("terminal.log") == true })
        #expect(terminal["rejects"] as? Int == 3)
        #expect(terminal["status"] as? String == "ok")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: terminal["path"] as! String))
        #expect(terminal["sha256"] as? String == SHA256Digest.hex(of: Array(bytes)))
        let queries = try #require(manifest["queries"] as? [[String: Any]])
        #expect(queries.count == repositoryQueries.queries.count)
        for (entry, query) in zip(queries, repositoryQueries.queries) {
            #expect(entry["name"] as? String == query.name)
            #expect(entry["sha256"] as? String == query.version)
            #expect(entry["status"] as? String == "ok")
        }
        let files = try #require(manifest["files"] as? [[String: Any]])
        for file in files {
            let name = file["name"] as! String
            #expect(file["sha256"] as? String == SHA256Digest.hex(of: Array(try FileOutput.readText(folder + "/" + name).utf8)), "\(name)")
        }
        let totals = try #require(manifest["totals"] as? [String: Any])
        #expect(totals["transactions"] as? Int == 16)
        #expect((totals["outcomes"] as? [String: Any])?["unknown"] as? Int == 5)
        let phases = (manifest["timings"] as? [[String: Any]])?.compactMap { $0["phase"] as? String }
        #expect(phases == ["ingest", "findings", "queries", "summary", "report"])
        // The totals are those of the latest run's window, which holds the fixture's two days.
        let analysis = try #require(manifest["analysis"] as? [String: Any])
        #expect(analysis["run_id"] as? Int == 1)
        #expect(analysis["window_since"] as? String == Fixture.day1 && analysis["window_until"] as? String == Fixture.day2)
        let change = try #require(manifest["findings_change"] as? [String: Any])
        #expect(change["compared_with_previous_run"] as? Bool == false)
        #expect(
            (change["new"] as? [[String: Any]])?.compactMap { $0["pattern"] as? String }
                == ["brand=Landi&fee_tier=waived", "firmware=A920_V1→A920_V2"])
        #expect((manifest["options"] as? [String: Any])?["command"] as? String == "test")
    }

    @Test func summaryIsSelfContainedHTMLWithChartsAndEvidence() throws {
        let (folder, _) = try Self.writeReport()
        let html = try FileOutput.readText(folder + "/summary.html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        // The only URL is the SVG namespace, which is a name, not something fetched.
        #expect(html.components(separatedBy: "http").count == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count)
        #expect(html.components(separatedBy: "<figure class=\"chart\">").count - 1 == 4)
        // The fixture's day chart has its two days; its groups are too small for the bar charts.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 1)
        #expect(html.contains("No group has 30 transactions or more yet"))
        // Evidence is escaped, not injected.
        #expect(html.contains("Landi terminals on the waived tier showed &quot;unknown&quot; in 3 of 6, a rate of 50%."))
        #expect(html.contains("brand=Landi&amp;fee_tier=waived"))
        // The window of the latest analysis run, and no earlier run to compare its findings with.
        #expect(html.contains("Transactions of 2026-11-20 – 2026-11-21 (analysis window 2026-11-20 – 2026-11-21)"))
        #expect(html.contains("First analysis run: every finding is new."))
    }
}

@Suite("Nightly lock and dated folders")
struct NightlyTests {
    @Test func aSecondRunFindsTheLockHeld() throws {
        let folder = try Fixture.temporaryFolder("posrca-lock")
        let path = folder + "/db.sqlite.lock"
        guard case .acquired(let first) = try RunLock.acquire(path: path) else {
            Issue.record("the first run must get the lock")
            return
        }
        #expect(first.previousHolder == nil)
        guard case .held(let holder) = try RunLock.acquire(path: path) else {
            Issue.record("the second run must find the lock held")
            return
        }
        #expect(holder == getpid())
        first.release()
        guard case .acquired(let third) = try RunLock.acquire(path: path) else {
            Issue.record("after release the lock is free")
            return
        }
        #expect(third.previousHolder == nil)
        third.release()
    }

    @Test func anotherProcessHoldingTheLockBlocksTheRun() throws {
        let folder = try Fixture.temporaryFolder("posrca-lock")
        let path = folder + "/db.sqlite.lock"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        // A shell that locks the file with flock(1), says so, and becomes `sleep`, so that ending it frees the lock.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "exec 9>>\"$0\"; flock -n 9 || exit 1; : > \"$0.ready\"; exec sleep 10", path]
        try holder.run()
        defer {
            holder.terminate()
            holder.waitUntilExit()
        }
        for _ in 0..<250 where !FileManager.default.fileExists(atPath: path + ".ready") { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: path + ".ready"))
        guard case .held = try RunLock.acquire(path: path) else {
            Issue.record("a run must not get the lock another process holds")
            return
        }
    }

    @Test func aStaleLockFromADeadRunIsTakenOver() throws {
        let folder = try Fixture.temporaryFolder("posrca-lock")
        let path = folder + "/db.sqlite.lock"
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let pid = dead.processIdentifier
        #expect(!RunLock.isAlive(pid))
        try "\(pid)\n".write(toFile: path, atomically: true, encoding: .utf8)
        guard case .acquired(let lock) = try RunLock.acquire(path: path) else {
            Issue.record("a lock left by a dead process must be taken over")
            return
        }
        #expect(lock.previousHolder == pid)
        #expect(try FileOutput.readText(path) == "\(getpid())\n")
        lock.release()
        #expect(try FileOutput.readText(path) == "")
    }

    static func folderWith(_ files: [String: String], at path: String) throws {
        try FileOutput.makeDirectories(path)
        for (name, text) in files { try FileOutput.writeAtomically(text, to: path + "/" + name) }
    }

    @Test func aRerunTheSameDayReplacesTheFolderWhole() throws {
        let root = try Fixture.temporaryFolder("posrca-reports")
        let folders = DatedReportFolders(root: root)
        let first = folders.temporaryFolder(for: "2026-11-21", pid: 100)
        try Self.folderWith(["a.csv": "first", "only-first.csv": "x"], at: first)
        try folders.publish(temporary: first, date: "2026-11-21")
        #expect(try FileOutput.list(root) == ["2026-11-21"])

        let second = folders.temporaryFolder(for: "2026-11-21", pid: 101)
        try Self.folderWith(["a.csv": "second"], at: second)
        try folders.publish(temporary: second, date: "2026-11-21")
        #expect(try FileOutput.list(root) == ["2026-11-21"])
        #expect(try FileOutput.list(root + "/2026-11-21") == ["a.csv"])
        #expect(try FileOutput.readText(root + "/2026-11-21/a.csv") == "second")
    }

    @Test func aKilledRunLeavesEarlierReportsAndTheNextRunFinishes() throws {
        let root = try Fixture.temporaryFolder("posrca-reports")
        let folders = DatedReportFolders(root: root)
        try Self.folderWith(["summary.html": "yesterday"], at: root + "/2026-11-20")
        try Self.folderWith(["summary.html": "this morning"], at: root + "/2026-11-21")
        // A run killed while writing its reports, and one killed between moving the old folder
        // aside and renaming the new one in.
        try Self.folderWith(["findings.csv": "half"], at: root + "/.2026-11-21.tmp-4242")
        try FileOutput.removeTree(root + "/2026-11-20")
        try Self.folderWith(["summary.html": "yesterday"], at: root + "/.2026-11-20.old-4243")
        #expect(try FileOutput.readText(root + "/2026-11-21/summary.html") == "this morning")

        let handled = try folders.removeLeftovers()
        #expect(handled == [".2026-11-20.old-4243", ".2026-11-21.tmp-4242"])
        #expect(try FileOutput.list(root) == ["2026-11-20", "2026-11-21"])
        #expect(try FileOutput.readText(root + "/2026-11-20/summary.html") == "yesterday")

        // The next run writes a real report and swaps it in.
        let temporary = folders.temporaryFolder(for: "2026-11-21")
        _ = try ReportWriter.write(database: fixture(), queries: repositoryQueries, folder: temporary, context: ReportContext(toolVersion: "t"))
        try folders.publish(temporary: temporary, date: "2026-11-21")
        #expect(try FileOutput.list(root) == ["2026-11-20", "2026-11-21"])
        #expect(try FileOutput.list(root + "/2026-11-21").contains("manifest.json"))
    }

    @Test func pruneKeepsTheLastDays() throws {
        let root = try Fixture.temporaryFolder("posrca-reports")
        for date in ["2026-10-31", "2026-11-01", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"] {
            try Self.folderWith(["x": date], at: root + "/" + date)
        }
        try Self.folderWith(["keep": "not a date"], at: root + "/archive")
        let removed = try DatedReportFolders(root: root).prune(keepDays: 3, today: "2026-11-28")
        #expect(removed == ["2026-10-31", "2026-11-01", "2026-11-25"])
        #expect(try FileOutput.list(root) == ["2026-11-26", "2026-11-27", "2026-11-28", "archive"])
        #expect(try DatedReportFolders(root: root).prune(keepDays: 1, today: "2026-11-28") == ["2026-11-26", "2026-11-27"])
    }

    @Test func dayNumbersCrossMonthsAndLeapYears() {
        #expect(DatedReportFolders.dayNumber("1970-01-01") == 0)
        #expect(DatedReportFolders.dayNumber("2026-11-20") == 20_777)
        #expect(DatedReportFolders.dayNumber("2028-03-01")! - DatedReportFolders.dayNumber("2028-02-28")! == 2)
        #expect(DatedReportFolders.dayNumber("2026-13-01") == nil)
        #expect(DatedReportFolders.localDate(0).hasPrefix("1970-01-01") || DatedReportFolders.localDate(0).hasPrefix("1969-12-31"))
    }
}

@Suite("Built-in queries")
struct BuiltInQueriesTests {
    /// The EmbedQueries plugin builds each file of Queries/ in on every build: the binary holds
    /// every query, each with exactly the file's text (quotes, backslashes, Chinese, line ends).
    @Test func theBinaryHoldsEveryQueryWithItsExactText() {
        let builtIn = QueryLibrary.builtIn
        #expect(builtIn.origin == "built-in")
        #expect(builtIn.queries.map(\.name) == repositoryQueries.queries.map(\.name))
        for (embedded, file) in zip(builtIn.queries, repositoryQueries.queries) {
            #expect(Array(embedded.text.utf8) == Array(file.text.utf8), "\(file.name)")
            #expect(embedded.version == file.version, "\(file.name)")
        }
    }
}
