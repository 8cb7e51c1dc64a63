import Foundation
import Testing

/// Nights of `posrca ingest` + `posrca analyze`, each adding a day, against one analysis from
/// scratch of the same final files: every stable view and daily aggregate must be equal row for
/// row, and so must the findings. The nights include what real inboxes do: acquirer files for a
/// day that arrive a night late, an inventory replaced by a changed one, and a terminal file sent
/// again with changed lines.
@Suite("Incremental nights equal a from-scratch analysis", .serialized)
struct IncrementalNightsTests {
    static let dates = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]

    /// Views compared, each in a total order.
    static let comparisons = [
        "SELECT * FROM transactions ORDER BY file, line",
        "SELECT * FROM acquirer_messages ORDER BY coalesce(request_ts, response_ts), realm, stan, tid, mti, matched",
        "SELECT * FROM firmware_history ORDER BY tid, from_ts",
        "SELECT * FROM daily_outcomes ORDER BY 1, 2, 3",
        "SELECT * FROM daily_terminals ORDER BY 1, 2",
        "SELECT * FROM daily_terminal_causes ORDER BY 1, 2, 3, 4",
        "SELECT * FROM daily_profiles ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9",
        "SELECT * FROM daily_profile_rates ORDER BY 1, 2, 3, 4, 5, 6, 7",
        "SELECT * FROM daily_software ORDER BY 1, 2, 3, 4, 5, 6",
        "SELECT * FROM daily_network ORDER BY 1, 2, 3, 4, 5, 6, 7",
        "SELECT * FROM daily_codes ORDER BY 1, 2, 3, 4, 5, 6, 7",
        "SELECT * FROM daily_code_terminals ORDER BY 1, 2, 3",
        "SELECT * FROM daily_network_windows ORDER BY 1, 2, 3",
        "SELECT * FROM daily_acquirer ORDER BY 1, 2",
        "SELECT * FROM daily_acquirer_lifespans ORDER BY 1, 2, 3",
        "SELECT rank, kind, pattern, outcome, n_txns, n_unknown, rate, rate_lo, rate_hi, baseline_rate, risk_ratio, rr_lo, rr_hi, "
            + "p_value, q_value, excess_unknown, share_of_unknown, top_cause, top_codes, confounded_by, evidence, window_since, window_until "
            + "FROM findings ORDER BY rank",
    ]

    @Test("four nights with a late acquirer day, a replaced inventory and a re-sent changed file give the scratch analysis's every row")
    func nightsEqualScratch() throws {
        let work = Workspace()
        let generated = work.root + "/generated"
        try generateSampleSet(into: generated, terminals: 240, days: 4, perDay: 10, seed: 4242)
        let fm = FileManager.default
        func copy(_ name: String, as target: String? = nil) throws {
            let destination = work.inbox + "/" + (target ?? name)
            try? fm.removeItem(atPath: destination)
            try fm.copyItem(atPath: generated + "/" + name, toPath: destination)
        }
        let names = try fm.contentsOfDirectory(atPath: generated).sorted()
        func files(_ prefix: String, _ date: String) -> [String] { names.filter { $0.hasPrefix(prefix) && $0.contains(date) } }
        let acquirers = files("acquirer-", Self.dates[0])
        #expect(acquirers.count >= 2, "the generator writes one acquirer file per realm and day")

        // A changed inventory (brand and firmware of some terminals changed, some removed) and a
        // changed day-2 terminal file (some transactions dropped, some codes changed).
        let inventory = try String(contentsOfFile: generated + "/inventory.csv", encoding: .utf8)
        var lines = inventory.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices.dropFirst() where !lines[index].isEmpty {
            var cells = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if index % 40 == 5 {
                lines[index] = ""
            } else if index % 17 == 3 {
                cells[2] = "Verifone"
                cells[cells.count - 1] = "X990_VOS3_V1.4.2"
                lines[index] = cells.joined(separator: ",")
            }
        }
        let inventoryB = lines.filter { !$0.isEmpty }.joined(separator: "\n") + "\n"
        let resent = files("terminal-", Self.dates[1]).first!
        var changed = ""
        for (index, line) in try gunzip(generated + "/" + resent).split(separator: "\n").enumerated() {
            var text = String(line)
            if text.contains("ev=txn") && index % 45 == 7 { continue }
            if text.contains("ev=txn") && index % 60 == 3 {
                text = text.replacingOccurrences(of: "rc=00", with: "rc=05").replacingOccurrences(of: "disp=approved", with: "disp=declined")
            }
            changed += text + "\n"
        }

        func night(_ number: Int) throws {
            let ingest = try posrca(["ingest", "--db", work.db, work.inbox])
            #expect(ingest.exitStatus == 0 || ingest.exitStatus == 1, "night \(number) ingest: \(ingest)")
            let analyze = try posrca(["analyze", "--db", work.db])
            #expect(analyze.exitStatus == 0, "night \(number) analyze: \(analyze)")
        }
        // Night 1: inventory, day 1's terminal files, and only half of day 1's acquirer files.
        try copy("inventory.csv")
        for name in files("codes-", "") + files("terminal-", Self.dates[0]) { try copy(name) }
        let lateHalf = Array(acquirers.suffix(acquirers.count / 2))
        for name in acquirers where !lateHalf.contains(name) { try copy(name) }
        try night(1)
        // Night 2: day 2, and day 1's acquirer files that came late.
        for name in files("terminal-", Self.dates[1]) + files("acquirer-", Self.dates[1]) + lateHalf { try copy(name) }
        try night(2)
        // Night 3: day 3, and day 2's file sent again with changes.
        for name in files("terminal-", Self.dates[2]) + files("acquirer-", Self.dates[2]) { try copy(name) }
        try gzip(changed, to: work.inbox + "/" + resent)
        try night(3)
        // Night 4: day 4, and the inventory replaced (its changed terminals' earlier days change).
        for name in files("terminal-", Self.dates[3]) + files("acquirer-", Self.dates[3]) { try copy(name) }
        try inventoryB.write(toFile: work.inbox + "/inventory.csv", atomically: true, encoding: .utf8)
        try night(4)

        // The same final files, analysed once.
        let scratch = work.root + "/scratch.sqlite"
        _ = try posrca(["ingest", "--db", scratch, work.inbox])
        let analyzed = try posrca(["analyze", "--db", scratch])
        #expect(analyzed.exitStatus == 0, "\(analyzed)")
        #expect(try work.count("SELECT count(*) FROM transactions", db: scratch) > 5000)
        #expect(try work.count("SELECT count(*) FROM dirty_marks") == 0, "every mark was recomputed")

        for query in Self.comparisons {
            let incremental = try work.sql(query)
            let fromScratch = try work.sql(query, db: scratch)
            #expect(!fromScratch.isEmpty, "\(query) has rows")
            #expect(incremental.count == fromScratch.count, "\(query): \(incremental.count) rows against \(fromScratch.count)")
            if let index = zip(incremental, fromScratch).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("\(query): row \(index) differs:\n  incremental \(incremental[index])\n  scratch     \(fromScratch[index])")
            }
        }
        // The late files, the replaced inventory and the changed file changed earlier days.
        #expect(try work.count("SELECT count(*) FROM daily_profiles WHERE brand = 'Verifone'") > 0)
        let history = try work.count("SELECT count(*) FROM findings_history")
        #expect(history >= (try work.count("SELECT count(*) FROM findings")))
        #expect(try work.count("SELECT count(*) FROM analysis_history") == 4)
    }

    @Test("analyze with no new input reads no transaction and keeps the last run's findings")
    func nothingNewDoesNoWork() throws {
        let work = Workspace()
        try generateSampleSet(into: work.inbox, terminals: 120, days: 2, perDay: 10, seed: 77)
        _ = try posrca(["ingest", "--db", work.db, work.inbox])
        let first = try posrca(["analyze", "--db", work.db])
        #expect(first.exitStatus == 0, "\(first)")
        #expect(first.stdout.contains("Recomputed"), "\(first.stdout)")
        let second = try posrca(["analyze", "--db", work.db])
        #expect(second.exitStatus == 0, "\(second)")
        #expect(second.stdout.contains("Nothing new since the last analysis; findings as the last run left them."), "\(second.stdout)")
        #expect(!second.stdout.contains("load window"), "no window was read: \(second.stdout)")
        #expect(try work.count("SELECT count(*) FROM analysis_history") == 1, "no second run is recorded")
        // Other options are another analysis: the passes run again, nothing is recomputed.
        let other = try posrca(["analyze", "--db", work.db, "--min-support", "25"])
        #expect(other.stdout.contains("Nothing new since the last analysis."), "\(other.stdout)")
        #expect(other.stdout.contains("load window"), "\(other.stdout)")
        #expect(try work.count("SELECT count(*) FROM analysis_history") == 2)
    }
}

/// The text of a gzip file, through `gzip -dc`.
func gunzip(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-dc", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Writes `text` gzip-compressed by `gzip -c` to `path`.
func gzip(_ text: String, to path: String) throws {
    let plain = path + ".plain"
    try text.write(toFile: plain, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: plain) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-nc", plain]
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    process.standardOutput = out
    try process.run()
    process.waitUntilExit()
    try out.close()
}
