import Foundation
import POSSampleData
import Testing

// `posrca prune`, `posrca export` and `posrca nightly --keep-data-days` through the real binary:
// the Hive-layout archive, what leaves the database and what stays, pruned files that come back,
// space reuse, and DuckDB reading the archive.

/// The archive's tables, as `DayArchive` names its folders.
let archiveTables = ["transactions", "acquirer_messages", "network_events", "terminal_events", "rejects"]

/// True when `python3` can import DuckDB (`.ci/run` installs it).
let duckDBAvailable: Bool = {
    guard let check = try? ChildProcess("/usr/bin/env", ["python3", "-c", "import duckdb"]) else { return false }
    return check.wait().exitStatus == 0
}()

/// One partition of an archive, header first, decompressed by `gzip -dc`; nil when it is absent.
func archivePartition(_ root: String, _ table: String, _ day: String) throws -> [[String]]? {
    let path = "\(root)/\(table)/day=\(day)/part-0.csv.gz"
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    return parseCSV(try gunzip(path))
}

/// The column names a table's `_schema.json` lists, in order.
func archiveSchemaColumns(_ root: String, _ table: String) throws -> [String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(table)/_schema.json"))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    return (object?["columns"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
}

/// The day partitions (`day=YYYY-MM-DD`) a table of an archive holds, sorted.
func archiveDays(_ root: String, _ table: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(table)")) ?? []
    return names.filter { $0.hasPrefix("day=") }.map { String($0.dropFirst(4)) }.sorted()
}

/// The size of a file in bytes, 0 when it does not exist.
func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// The `YYYY-MM-DD` a generated file's name carries, nil for the inventory and the catalogue.
func dateInName(_ path: String) -> String? {
    (path as NSString).lastPathComponent.firstMatch(of: /\d{4}-\d{2}-\d{2}/).map { String($0.output) }
}

/// Three generated days, ingested and analysed, then days 1–2 exported and pruned into an
/// archive, with what the database said before: shared by the suite (tests that change the
/// database work on copies).
/// Unchecked: every `var` is set by `shared`'s initialiser, which runs once; the tests only read them.
final class RetentionFixture: @unchecked Sendable {
    static let shared = RetentionFixture()

    static let prunedDays = ["2026-11-20", "2026-11-21"]
    static let keptDay = "2026-11-22"

    /// Per-day counts of the raw rows each archive table is made of, read from the raw tables
    /// (the views pair or join them): the oracle for the archive's row counts.
    static let rawDayCounts = [
        "acquirer_messages": "SELECT date((ts + tz * 60000) / 1000, 'unixepoch'), count(*) FROM acquirer_msgs GROUP BY 1",
        "network_events": "SELECT date((ts + tz * 60000) / 1000, 'unixepoch'), count(*) FROM net_events GROUP BY 1",
        "terminal_events": """
        SELECT day, count(*) FROM (
            SELECT date((ts + tz * 60000) / 1000, 'unixepoch') AS day FROM terminal_boots UNION ALL
            SELECT date((ts + tz * 60000) / 1000, 'unixepoch') FROM firmware_updates UNION ALL
            SELECT date((ts + tz * 60000) / 1000, 'unixepoch') FROM terminal_signins UNION ALL
            SELECT date((ts + tz * 60000) / 1000, 'unixepoch') FROM terminal_errors)
        GROUP BY day
        """,
    ]

    /// Every daily aggregate view, in a total order.
    static let dailyViews = [
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
    ]
    static let findingsHistory = "SELECT * FROM findings_history ORDER BY run_id, rank"

    let work = Workspace.shared("retention")
    var archive: String { work.root + "/archive" }
    var export: String { work.root + "/export" }
    /// The database as analysed, before the export and the prune.
    var analysedCopy: String { work.root + "/analysed.sqlite" }

    /// The transactions view's columns.
    var transactionColumns: [String] = []
    /// Before the prune: rows per table and day (rejects by the day in their file's name).
    var countsBefore: [String: [String: Int]] = [:]
    /// Before the prune: each pruned day's transactions, as the view gives them.
    var transactionsBefore: [String: [[String]]] = [:]
    /// Before the prune: (file, line, reason, text) of every reject.
    var rejectsBefore: [[String]] = []
    var dailyBefore: [String: [[String]]] = [:]
    var findingsHistoryBefore: [[String]] = []
    var databaseBeforeExport = Data()
    var databaseAfterExport = Data()
    var exportOutcome: ProcessOutcome?
    var pruneOutcome: ProcessOutcome?

    init() {
        do {
            try setUp()
        } catch {
            Issue.record("the retention fixture could not be built: \(error)")
        }
    }

    private func setUp() throws {
        // The default faults include malformed lines: the rejects table has rows to archive.
        try generateSampleSet(into: work.inbox, terminals: 150, days: 3, perDay: 10, seed: 4242)
        let ingest = try posrca(["ingest", "--db", work.db, work.inbox])
        #expect(ingest.exitStatus == 1, "rejected lines make exit 1: \(ingest)")
        let analyze = try posrca(["analyze", "--db", work.db])
        #expect(analyze.exitStatus == 0, "\(analyze)")
        try FileManager.default.copyItem(atPath: work.db, toPath: analysedCopy)

        let header = try posrca(["sql", "--db", work.db, "--format", "csv", "SELECT * FROM transactions LIMIT 0"])
        transactionColumns = parseCSV(header.stdout).first ?? []
        for row in try work.sql("SELECT day, count(*) FROM transactions GROUP BY day") {
            countsBefore["transactions", default: [:]][row[0]] = Int(row[1])
        }
        for (table, query) in Self.rawDayCounts {
            for row in try work.sql(query) { countsBefore[table, default: [:]][row[0]] = Int(row[1]) }
        }
        rejectsBefore = try work.sql("SELECT file, line, reason, text FROM rejects ORDER BY file, line")
        for reject in rejectsBefore {
            if let day = dateInName(reject[0]) { countsBefore["rejects", default: [:]][day, default: 0] += 1 }
        }
        let archived = transactionColumns.filter { $0 != "day" }.joined(separator: ", ")
        for day in Self.prunedDays {
            transactionsBefore[day] = try work.sql("SELECT \(archived) FROM transactions WHERE day = '\(day)' ORDER BY file, line")
        }
        for query in Self.dailyViews { dailyBefore[query] = try work.sql(query) }
        findingsHistoryBefore = try work.sql(Self.findingsHistory)

        databaseBeforeExport = fileBytes(work.db)
        exportOutcome = try posrca(["export", "--db", work.db, "--since", Self.prunedDays[0], "--until", Self.prunedDays[1], "--out", export])
        databaseAfterExport = fileBytes(work.db)
        pruneOutcome = try posrca(["prune", "--db", work.db, "--before", Self.keptDay, "--archive", archive])
    }

    /// A copy of the pruned database in `workspace`, for a test that changes it.
    func copyOfPrunedDatabase(into workspace: Workspace) throws {
        #expect(fileSize(work.db + "-wal") == 0, "prune checkpointed the WAL: the main file is the whole database")
        try FileManager.default.copyItem(atPath: work.db, toPath: workspace.db)
    }
}

@Suite("Retention: prune, export and nightly --keep-data-days through the real binary", .serialized)
struct RetentionTests {
    @Test("prune writes each pruned day of every table as gzip CSV under TABLE/day=YYYY-MM-DD with TABLE/_schema.json, row for row")
    func archiveLayoutAndRows() throws {
        let fixture = RetentionFixture.shared
        let prune = try #require(fixture.pruneOutcome)
        #expect(prune.exitStatus == 0, "\(prune)")
        #expect((fixture.countsBefore["rejects"]?[RetentionFixture.prunedDays[0]] ?? 0) > 0, "the first pruned day has rejected lines to archive")

        for table in archiveTables {
            let columns = try archiveSchemaColumns(fixture.archive, table)
            #expect(columns.contains("file") && columns.contains("line"), "\(table): every archived row names its file and line")
            #expect(archiveDays(fixture.archive, table) == RetentionFixture.prunedDays, "\(table): only the pruned days are archived")
            for day in RetentionFixture.prunedDays {
                let rows = try #require(try archivePartition(fixture.archive, table, day), "\(table) \(day)")
                #expect(rows.first == columns, "\(table) \(day): the header is the schema's columns")
                let expected = fixture.countsBefore[table]?[day] ?? 0
                #expect(rows.count - 1 == expected, "\(table) \(day): \(rows.count - 1) rows archived, the database had \(expected)")
            }
        }
        #expect(try archiveSchemaColumns(fixture.archive, "rejects") == ["file", "line", "reason", "text"], "the rejects view's columns")
        // The transactions partition is the view's rows of the day, every column but the partition's.
        #expect(try archiveSchemaColumns(fixture.archive, "transactions") == fixture.transactionColumns.filter { $0 != "day" })
        for day in RetentionFixture.prunedDays {
            let archived = try #require(try archivePartition(fixture.archive, "transactions", day)).dropFirst()
            let archivedColumns = fixture.transactionColumns.filter { $0 != "day" }
            let (f, l) = (archivedColumns.firstIndex(of: "file")!, archivedColumns.firstIndex(of: "line")!)
            let byFileAndLine = archived.sorted { ($0[f], Int($0[l]) ?? 0) < ($1[f], Int($1[l]) ?? 0) }
            let before = fixture.transactionsBefore[day] ?? []
            #expect(!before.isEmpty)
            #expect(byFileAndLine == before, "\(day): the archived transactions are the rows the view gave before the prune")
        }
        // The archived rejects are the database's, by file, line, reason and text.
        var archivedRejects: [[String]] = []
        for day in RetentionFixture.prunedDays { archivedRejects += try archivePartition(fixture.archive, "rejects", day)?.dropFirst() ?? [] }
        let prunedRejects = fixture.rejectsBefore.filter { dateInName($0[0]).map(RetentionFixture.prunedDays.contains) == true }
        #expect(archivedRejects.sorted { $0.lexicographicallyPrecedes($1) } == prunedRejects.sorted { $0.lexicographicallyPrecedes($1) })

        // What prune says it removed is what it archived: nothing leaves unarchived.
        for day in RetentionFixture.prunedDays {
            var archived = 0
            for table in archiveTables { archived += (try archivePartition(fixture.archive, table, day)?.count ?? 1) - 1 }
            #expect(prune.stdout.contains("\(day): archived and removed \(archived) rows"), "\(day): \(archived) rows archived\n\(prune.stdout)")
        }
    }

    @Test(
        "after the prune: no raw row of the pruned days is left; daily aggregates and findings history are unchanged; files whose rows are gone are marked pruned"
    )
    func whatLeavesAndWhatStays() throws {
        let fixture = RetentionFixture.shared
        let work = fixture.work
        let pruned = RetentionFixture.prunedDays.map { "'\($0)'" }.joined(separator: ", ")
        #expect(try work.count("SELECT count(*) FROM transactions WHERE day IN (\(pruned))") == 0)
        #expect(
            try work.count("SELECT count(*) FROM transactions WHERE day = '\(RetentionFixture.keptDay)'")
                == fixture.countsBefore["transactions"]?[RetentionFixture.keptDay])
        for (table, query) in RetentionFixture.rawDayCounts {
            let after = Dictionary(try work.sql(query).map { ($0[0], Int($0[1]) ?? 0) }, uniquingKeysWith: +)
            for day in RetentionFixture.prunedDays { #expect(after[day] == nil, "\(table) still has rows of \(day)") }
            #expect(after[RetentionFixture.keptDay] == fixture.countsBefore[table]?[RetentionFixture.keptDay], "\(table): the kept day is whole")
        }
        // The acquirer_messages view (UTC times; the acquirer logs are +08:00) has nothing of those days either.
        #expect(
            try work.count(
                """
                SELECT count(*) FROM acquirer_messages
                WHERE date(coalesce(request_ts, response_ts), '+8 hours') IN (\(pruned))
                """) == 0)

        for query in RetentionFixture.dailyViews {
            let after = try work.sql(query)
            #expect(after == fixture.dailyBefore[query], "\(query) changed with the prune")
        }
        #expect(try work.count("SELECT count(*) FROM daily_outcomes WHERE day IN (\(pruned))") > 0, "the pruned days keep their aggregates")
        #expect(try work.sql(RetentionFixture.findingsHistory) == fixture.findingsHistoryBefore)

        // A file is marked pruned when its rows are all gone (every generated file holds its named day).
        let files = try work.sql("SELECT path, status, rows, pruned_at FROM files ORDER BY path")
        #expect(files.count > 20)
        for file in files {
            let allGone = dateInName(file[0]).map(RetentionFixture.prunedDays.contains) == true && (Int(file[2]) ?? 0) > 0
            #expect(file[3].isEmpty == !allGone, "\(file)")
        }
        // Their rejected lines went with them (into the archive); the kept files keep theirs.
        let rejectsAfter = try work.sql("SELECT file, line, reason, text FROM rejects ORDER BY file, line")
        #expect(rejectsAfter == fixture.rejectsBefore.filter { dateInName($0[0]) == RetentionFixture.keptDay })
        #expect(!rejectsAfter.isEmpty)
    }

    @Test(
        "a pruned file that comes back, under its name or another, is not ingested again; a new file's rows of a pruned day are not stored, with a warning"
    )
    func prunedFilesComeBack() throws {
        let fixture = RetentionFixture.shared
        let work = Workspace()
        try fixture.copyOfPrunedDatabase(into: work)
        let day = RetentionFixture.prunedDays[0]
        let original = fixture.work.inbox + "/terminal-urumqi-\(day).log.gz"
        let bytes = fileBytes(original)
        #expect(!bytes.isEmpty)
        // Copied into the inbox again: a new file (new inode and time) with the same name and bytes.
        try FileManager.default.removeItem(atPath: original)
        try bytes.write(to: URL(fileURLWithPath: original))
        let renamed = try work.write("again/urumqi-resent.log.gz", [UInt8](bytes))
        let again = try posrca(["ingest", "--db", work.db, original, renamed])
        #expect(again.exitStatus == 0, "\(again)")
        let lines = again.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("unchanged ") && $0.contains(original) }, "\(again.stdout)")
        #expect(lines.contains { $0.hasPrefix("skipped_duplicate ") && $0.contains(renamed) }, "\(again.stdout)")
        #expect(again.stdout.contains("2 files, 0 rows, 0 rejects in"), "\(again.stdout)")
        #expect(try work.count("SELECT count(*) FROM transactions WHERE day = '\(day)'") == 0)

        // A new file with one row of a pruned day and one of the kept day.
        let late = try work.write(
            "late/terminal-late.log",
            """
            ts=\(day)T08:00:00Z tid=20481234 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved
            ts=\(RetentionFixture.keptDay)T08:00:00Z tid=20481234 ev=txn type=sale stan=000002 amt=100 cur=156 rc=00 disp=approved

            """)
        let ingest = try posrca(["ingest", "--db", work.db, late])
        #expect(ingest.exitStatus == 0, "\(ingest)")
        let line = try #require(ingest.stdout.split(separator: "\n").first { $0.contains(late) }.map(String.init))
        #expect(line.hasPrefix("ok "), "\(line)")
        #expect(line.contains("rows 1 "), "\(line)")
        #expect(line.contains("warning: 1 rows before the retention cut-off were not stored (those days are archived)"), "\(line)")
        #expect(try work.count("SELECT count(*) FROM transactions WHERE day = '\(day)'") == 0)
        #expect(
            try work.count("SELECT count(*) FROM transactions WHERE day = '\(RetentionFixture.keptDay)'")
                == (fixture.countsBefore["transactions"]?[RetentionFixture.keptDay] ?? 0) + 1)

        // The next analysis recomputes the kept day and leaves the pruned days' aggregates as they were.
        let analyze = try posrca(["analyze", "--db", work.db])
        #expect(analyze.exitStatus == 0, "\(analyze)")
        let pruned = RetentionFixture.prunedDays.map { "'\($0)'" }.joined(separator: ", ")
        for query in RetentionFixture.dailyViews {
            let filtered = query.replacingOccurrences(of: " ORDER BY", with: " WHERE day IN (\(pruned)) ORDER BY")
            #expect(try work.sql(filtered) == fixture.dailyBefore[query]?.filter { RetentionFixture.prunedDays.contains($0[0]) }, "\(filtered)")
        }
    }

    @Test("prune needs --archive or --no-archive (exit 64, nothing changed); --no-archive removes the days and writes nothing else")
    func archiveIsExplicit() throws {
        let fixture = RetentionFixture.shared
        let work = Workspace()
        try FileManager.default.copyItem(atPath: fixture.analysedCopy, toPath: work.db)
        let before = fileBytes(work.db)
        let usage = try posrca(["prune", "--db", work.db, "--before", RetentionFixture.keptDay])
        #expect(usage.exitStatus == 64, "\(usage)")
        #expect(usage.stderr.contains("--archive"), "\(usage.stderr)")
        #expect(fileBytes(work.db) == before, "a usage error changes nothing")

        // Every file and folder in the workspace but the database's own (-wal, -shm, .lock).
        func entries() -> Set<String> {
            Set((FileManager.default.enumerator(atPath: work.root)?.allObjects as? [String] ?? []).filter { !$0.hasPrefix("posrca.sqlite") })
        }
        let folderBefore = entries()
        let removed = try posrca(["prune", "--db", work.db, "--before", RetentionFixture.keptDay, "--no-archive"])
        #expect(removed.exitStatus == 0, "\(removed)")
        for day in RetentionFixture.prunedDays { #expect(removed.stdout.contains("\(day): removed "), "\(removed.stdout)") }
        #expect(!removed.stdout.contains("archive"), "\(removed.stdout)")
        #expect(entries() == folderBefore, "no file or folder written besides the database")
        let pruned = RetentionFixture.prunedDays.map { "'\($0)'" }.joined(separator: ", ")
        #expect(try work.count("SELECT count(*) FROM transactions WHERE day IN (\(pruned))") == 0)
        #expect(try work.count("SELECT count(*) FROM transactions") == fixture.countsBefore["transactions"]?[RetentionFixture.keptDay])
    }

    @Test("the pages a prune frees are reused: a day of the same size then grows the file by far less than its first ingest did")
    func freedSpaceIsReused() throws {
        let work = Workspace()
        // Clean files (no faults): the four days are alike in size.
        let config = SampleConfiguration(seed: 99, days: 4, terminals: 200, transactionsPerTerminalPerDay: 10, faults: [])
        _ = try SampleGenerator(config).write(to: work.root + "/generated")
        let dates = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
        let fm = FileManager.default
        for date in dates { try fm.createDirectory(atPath: work.root + "/" + date, withIntermediateDirectories: true) }
        for name in try fm.contentsOfDirectory(atPath: work.root + "/generated") {
            let date = dateInName(name) ?? dates[0]
            try fm.moveItem(atPath: work.root + "/generated/" + name, toPath: work.root + "/" + date + "/" + name)
        }
        func ingest(_ date: String) throws -> Int {
            let outcome = try posrca(["ingest", "--db", work.db, work.root + "/" + date])
            #expect(outcome.exitStatus == 0, "\(date): \(outcome)")
            #expect(fileSize(work.db + "-wal") == 0, "the WAL is checkpointed when the ingest closes")
            return fileSize(work.db)
        }
        _ = try ingest(dates[0])
        let afterSecond = try ingest(dates[1])
        let afterThird = try ingest(dates[2])
        let firstIngestGrowth = afterThird - afterSecond
        #expect(firstIngestGrowth > 200_000, "a day of 2,000 transactions and their acquirer messages takes room: \(firstIngestGrowth) bytes")

        // Free the first day (the same size as the others), checkpointed by prune itself.
        let prune = try posrca(["prune", "--db", work.db, "--before", dates[1], "--no-archive"])
        #expect(prune.exitStatus == 0, "\(prune)")
        #expect(fileSize(work.db + "-wal") == 0, "prune ends with a checkpoint")
        let afterPrune = fileSize(work.db)
        let freePages = try work.count("PRAGMA freelist_count")
        #expect(freePages * 4096 > firstIngestGrowth / 2, "the prune freed about a day of pages: \(freePages) pages")

        let afterFourth = try ingest(dates[3])
        let reuseGrowth = afterFourth - afterPrune
        // One day was freed and one day of the same size came in, so with page reuse the file
        // grows only by what is not per day: the ledger's rows, dictionary values new to the
        // database and uneven B-tree splits (about 2% here). Without reuse it grows by the whole
        // day again (100%). A quarter sits far from both, so neither noise nor a small change in
        // the generator's day sizes can flip the result.
        #expect(
            reuseGrowth < firstIngestGrowth / 4,
            "grew \(reuseGrowth) bytes after the prune; the same-size day's first ingest grew \(firstIngestGrowth)")
        #expect(try work.count("PRAGMA freelist_count") < freePages, "the new day took freed pages")
    }

    @Test("nightly --keep-data-days N --archive DIR archives and removes the days beyond N and logs each; without --archive it is a usage error")
    func nightlyKeepsDataDays() throws {
        let work = Workspace()
        try generateSampleSet(into: work.inbox, terminals: 100, days: 3, perDay: 10, seed: 31)
        let archive = work.root + "/archive"
        let refused = try posrca(["nightly", "--db", work.db, "--inbox", work.inbox, "--reports", work.reports, "--keep-data-days", "1"])
        #expect(refused.exitStatus == 64, "\(refused)")
        #expect(refused.stderr.contains("--archive"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.db), "a usage error creates no database")

        let run = try posrca([
            "nightly", "--db", work.db, "--inbox", work.inbox, "--reports", work.reports, "--keep-data-days", "1", "--archive", archive,
        ])
        #expect(run.exitStatus == 1, "done, with the generated rejects: \(run)")
        #expect(run.stdout.isEmpty, "every nightly line is a log line on standard error")
        let logLines = run.stderr.split(separator: "\n").filter { $0.contains(" posrca nightly ") }
        for day in ["2026-11-20", "2026-11-21"] {
            let line = try #require(logLines.first { $0.contains("archived and removed \(day): ") }, "\(run.stderr)")
            var archived = 0
            for table in archiveTables { archived += (try archivePartition(archive, table, day)?.count ?? 1) - 1 }
            #expect(line.hasSuffix("archived and removed \(day): \(archived) rows"), "\(line)")
            #expect((try archivePartition(archive, "transactions", day)?.count ?? 0) > 500, "\(day)")
        }
        #expect(!run.stderr.contains("archived and removed 2026-11-22"), "the last day is kept")
        #expect(archiveDays(archive, "transactions") == ["2026-11-20", "2026-11-21"])
        #expect(try work.sql("SELECT DISTINCT day FROM transactions") == [["2026-11-22"]])
        #expect(
            try work.sql("SELECT DISTINCT day FROM daily_outcomes ORDER BY day") == [["2026-11-20"], ["2026-11-21"], ["2026-11-22"]],
            "the pruned days' aggregates stay")
    }

    @Test("export --since --until --out writes the archive layout, the same bytes prune archives, and leaves the database file as it was")
    func exportChangesNothing() throws {
        let fixture = RetentionFixture.shared
        let export = try #require(fixture.exportOutcome)
        #expect(export.exitStatus == 0, "\(export)")
        #expect(!fixture.databaseBeforeExport.isEmpty)
        #expect(fixture.databaseAfterExport == fixture.databaseBeforeExport, "export changed the database file")
        let exported = Workspace.files(under: fixture.export).map { $0.replacingOccurrences(of: fixture.export, with: "") }
        let archived = Workspace.files(under: fixture.archive).map { $0.replacingOccurrences(of: fixture.archive, with: "") }
        #expect(exported.count == archiveTables.count * (1 + RetentionFixture.prunedDays.count), "\(exported)")
        #expect(exported == archived, "export and prune write the same layout")
        for path in exported where path.hasSuffix(".csv.gz") {
            #expect(try gunzip(fixture.export + path) == (try gunzip(fixture.archive + path)), "\(path) differs between export and prune")
        }

        // One day of the pruned database: only its partitions, the database untouched again.
        let work = fixture.work
        let out = work.root + "/export-kept"
        let before = fileBytes(work.db)
        let one = try posrca(["export", "--db", work.db, "--since", RetentionFixture.keptDay, "--until", RetentionFixture.keptDay, "--out", out])
        #expect(one.exitStatus == 0, "\(one)")
        #expect(fileBytes(work.db) == before)
        #expect(fileSize(work.db + "-wal") == 0, "nothing was written through the WAL either")
        for table in archiveTables { #expect(archiveDays(out, table) == [RetentionFixture.keptDay], "\(table)") }
        let rows = try #require(try archivePartition(out, "transactions", RetentionFixture.keptDay))
        #expect(rows.count - 1 == fixture.countsBefore["transactions"]?[RetentionFixture.keptDay])
    }

    /// DuckDB reads each archived table as one partitioned table.
    static let duckDBScript = """
        import sys
        import duckdb

        root = sys.argv[1]
        connection = duckdb.connect()
        for table in sys.argv[2:]:
            query = (
                f"SELECT CAST(day AS VARCHAR), count(*) "
                f"FROM read_csv('{root}/{table}/*/*.csv.gz', hive_partitioning = true) GROUP BY day ORDER BY day"
            )
            for day, count in connection.execute(query).fetchall():
                print(f"{table},{day},{count}")
        """

    @Test("DuckDB reads the archive with hive_partitioning: the counts per day are posrca's before the prune", .enabled(if: duckDBAvailable))
    func duckDBReadsTheArchive() throws {
        let fixture = RetentionFixture.shared
        let script = fixture.work.root + "/read_archive.py"
        try Self.duckDBScript.write(toFile: script, atomically: true, encoding: .utf8)
        let outcome = try ChildProcess("/usr/bin/env", ["python3", script, fixture.archive] + archiveTables).wait()
        #expect(outcome.exitStatus == 0, "\(outcome)")
        var read: [String: [String: Int]] = [:]
        for row in parseCSV(outcome.stdout) where row.count == 3 { read[row[0], default: [:]][row[1]] = Int(row[2]) }
        for table in archiveTables {
            // A day without rows (a header-only partition) is a day DuckDB groups nothing for.
            let expected = (fixture.countsBefore[table] ?? [:]).filter { RetentionFixture.prunedDays.contains($0.key) && $0.value > 0 }
            #expect(!expected.isEmpty, "\(table) has rows on the pruned days")
            #expect(read[table] ?? [:] == expected, "\(table): DuckDB counted \(read[table] ?? [:]), posrca had \(expected)")
        }
    }

    @Test("pruning days that were ingested but never analysed gives the archive and the daily aggregates that analysing first gives")
    func pruneBeforeAnalysis() throws {
        // Ops may prune right after an ingest; the analysis runs later. The pruned days' raw rows
        // are then gone before anything computed their aggregates or matched their messages.
        let fixture = RetentionFixture.shared
        let work = Workspace()
        let ingest = try posrca(["ingest", "--db", work.db, fixture.work.inbox])
        #expect(ingest.exitStatus == 1, "\(ingest)")
        let archive = work.root + "/archive"
        let prune = try posrca(["prune", "--db", work.db, "--before", RetentionFixture.keptDay, "--archive", archive])
        #expect(prune.exitStatus == 0, "\(prune)")
        let analyze = try posrca(["analyze", "--db", work.db])
        #expect(analyze.exitStatus == 0, "\(analyze)")

        var differing: [String] = []
        for query in RetentionFixture.dailyViews {
            let analysedFirst = fixture.dailyBefore[query]?.filter { RetentionFixture.prunedDays.contains($0[0]) } ?? []
            let got = try work.sql(query).filter { RetentionFixture.prunedDays.contains($0[0]) }
            if got != analysedFirst { differing.append("\(query): \(got.count) rows of the pruned days, \(analysedFirst.count) when analysed first") }
        }
        #expect(differing.isEmpty, "the pruned days' aggregates differ:\n\(differing.joined(separator: "\n"))")
        for day in RetentionFixture.prunedDays {
            // Analysed first, some acquirer messages are unmatched; never analysed, all are written as matched.
            let matched = try column("matched", of: archivePartition(archive, "acquirer_messages", day))
            let matchedFirst = try column("matched", of: archivePartition(fixture.archive, "acquirer_messages", day))
            #expect(matchedFirst.contains("no"))
            func tally(_ values: [String]) -> String { "\(values.filter { $0 == "yes" }.count) yes, \(values.filter { $0 == "no" }.count) no" }
            let sameMatches = matched == matchedFirst
            #expect(sameMatches, "\(day): matched \(tally(matched)); analysed first \(tally(matchedFirst))")
            let missing = try column("outcome", of: archivePartition(archive, "transactions", day)).filter(\.isEmpty).count
            #expect(missing == 0, "\(day): \(missing) archived transactions have no outcome")
        }
    }

    /// The values of one column of a partition read with `archivePartition`, by its header name.
    private func column(_ name: String, of partition: [[String]]?) throws -> [String] {
        let rows = try #require(partition)
        let index = try #require(rows.first?.firstIndex(of: name), "no column \(name)")
        return rows.dropFirst().map { $0[index] }
    }
}
