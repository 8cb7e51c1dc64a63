import Foundation
import POSIngest
import POSStore
import Testing

// Issue 9, item 4: the ledger knows a file by its content after decompression, so that a log
// and its gzip copy, a renamed copy, a prefix of a log already in, a log that grew and a log
// that jPOS's DailyLogListener rotated count once. Every test checks its totals against one
// ingest of the final distinct content into a new database.

/// A terminal log (logfmt) of `lines` on `day`, one every 127 s from 08:00: transactions of seven
/// terminals, and every 17th line a transaction with a decimal amount (rejected).
func terminalDay(_ lines: Range<Int>, day: String = "2026-12-04") -> String {
    var text = ""
    for k in lines {
        // Two minutes and seven seconds apart, so that a file's rows span several UTC hours.
        let second = k * 127
        let time = String(format: "%02d:%02d:%02d", 8 + second / 3600, (second / 60) % 60, second % 60)
        if k % 17 == 16 {
            text += "ts=\(day)T\(time).000+08:00 tid=2048100\(k % 7) ev=txn type=sale stan=\(String(format: "%06d", k)) amt=12.50 cur=156\n"
        } else {
            text +=
                "ts=\(day)T\(time).000+08:00 tid=2048100\(k % 7) ev=txn type=sale stan=\(String(format: "%06d", k)) amt=\(100 + k) cur=156 rc=00 disp=approved lat_ms=\(500 + k)\n"
        }
    }
    return text
}

/// jPOS's SystemMonitor block stating the JVM zone, as jPOS 2.1 writes it at start.
func systemMonitor(day: String) -> String {
    """
    <log realm="org.jpos.q2.qbean.SystemMonitor" at="\(day)T00:00:01.002">
      <info>
             timezone: America/Sao_Paulo (Brasilia Time) -03:00
      </info>
    </log>

    """
}

/// A jPOS q2.log of `elements` on `day`: a SystemMonitor block first when `elements` starts at
/// 0, then requests and responses (times without an offset, read in the stated zone), every
/// 11th element a peer-disconnect.
func q2Day(_ elements: Range<Int>, day: String = "2026-12-04") -> String {
    var text = elements.lowerBound == 0 ? systemMonitor(day: day) : ""
    for k in elements {
        let time = String(format: "%02d:%02d:%02d.%03d", 1 + k / 3600, (k / 60) % 60, k % 60, k % 1000)
        if k % 11 == 10 {
            text +=
                "<log realm=\"cup-channel/10.1.2.3:5000\" at=\"\(day)T\(time)\">\n  <receive><peer-disconnect>Connection reset</peer-disconnect></receive>\n</log>\n"
            continue
        }
        let (direction, tag, mti) = k % 2 == 0 ? ("incoming", "receive", "0200") : ("outgoing", "send", "0210")
        text += """
            <log realm="cup-channel/10.1.2.3:5000" at="\(day)T\(time)">
              <\(tag)>
                <isomsg direction="\(direction)">
                  <field id="0" value="\(mti)"/>
                  <field id="4" value="\(String(format: "%012d", 100 + k))"/>
                  <field id="11" value="\(String(format: "%06d", k / 2))"/>
                  <field id="41" value="2048100\(k % 7)"/>
                </isomsg>
              </\(tag)>
            </log>

            """
    }
    return text
}

/// What a database holds, whichever files the rows came from: the row counts and every row by
/// its line and values.
struct ContentTotals: Equatable, CustomStringConvertible {
    var transactions = 0
    var acquirerMessages = 0
    var networkEvents = 0
    var rejects = 0
    var rows: [String] = []

    init(_ scratch: Scratch) throws {
        transactions = try scratch.count("SELECT count(*) FROM terminal_txns")
        acquirerMessages = try scratch.count("SELECT count(*) FROM acquirer_msgs")
        networkEvents = try scratch.count("SELECT count(*) FROM net_events")
        rejects = try scratch.count("SELECT count(*) FROM rejected_lines")
        rows = try scratch.query(
            """
            SELECT 'txn ' || line || ' ' || stan || ' ' || coalesce(amount, '-') || ' ' || ts || ' ' || tz || ' ' || coalesce(latency_ms, '-') FROM terminal_txns
            UNION ALL SELECT 'msg ' || line || ' ' || coalesce(stan_text, '-') || ' ' || coalesce(amount, '-') || ' ' || ts || ' ' || tz FROM acquirer_msgs
            UNION ALL SELECT 'net ' || line || ' ' || ts || ' ' || tz FROM net_events
            UNION ALL SELECT 'reject ' || line || ' ' || reason || ' ' || text FROM rejected_lines
            """
        ).map { $0[0] ?? "" }.sorted()
    }

    var description: String {
        "\(transactions) transactions, \(acquirerMessages) acquirer messages, \(networkEvents) network events, \(rejects) rejects"
    }

    /// The totals of one ingest of `files` (name → content, gzip when the name ends in .gz) into a new database.
    static func ofOneIngest(_ files: [(String, String)], name: String = #function) throws -> ContentTotals {
        let reference = Scratch("reference-\(name)")
        for (file, text) in files { try reference.write(file, text, gzip: file.hasSuffix(".gz")) }
        _ = try reference.ingest()
        return try ContentTotals(reference)
    }
}

/// Checks that the ledger agrees with the rows: each file's recorded rows and rejects are what
/// the tables hold for it, its day ranges count them, and no two files' ranges overlap.
func expectLedgerConsistent(_ scratch: Scratch, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let tables = ["terminal_txns", "terminal_boots", "firmware_updates", "terminal_signins", "terminal_errors", "net_events", "acquirer_msgs"]
    let perFile = tables.map { "SELECT file_id, count(*) AS n FROM \($0) GROUP BY file_id" }.joined(separator: " UNION ALL ")
    let mismatched = try scratch.query(
        """
        SELECT f.path, f.rows, (SELECT coalesce(sum(n), 0) FROM (\(perFile)) WHERE file_id = f.id),
               f.rejects, (SELECT count(*) FROM rejected_lines WHERE file_id = f.id)
        FROM input_files AS f
        WHERE f.rows <> (SELECT coalesce(sum(n), 0) FROM (\(perFile)) WHERE file_id = f.id)
           OR f.rejects <> (SELECT count(*) FROM rejected_lines WHERE file_id = f.id)
        """)
    #expect(mismatched.isEmpty, "ledger rows against table rows: \(mismatched)", sourceLocation: sourceLocation)
    for table in tables {
        let ranged = try scratch.count("SELECT coalesce(sum(rows), 0) FROM file_days WHERE table_name = '\(table)'")
        let stored = try scratch.count("SELECT count(*) FROM \(table)")
        #expect(ranged == stored, "\(table): file_days count \(ranged) rows, the table holds \(stored)", sourceLocation: sourceLocation)
        let ranges = try scratch.query("SELECT file_id, first_id, last_id FROM file_days WHERE table_name = '\(table)' ORDER BY first_id")
        for (a, b) in zip(ranges, ranges.dropFirst()) where a[0] != b[0] {
            #expect(Int(b[1]!)! > Int(a[2]!)!, "\(table): ranges of files \(a[0]!) and \(b[0]!) overlap", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Rotated and growing logs count once", .serialized)
struct RotatedLogsTests {
    @Test("a log and its gzip copy are the same content, whichever comes first", arguments: [false, true])
    func plainAndGzip(gzipFirst: Bool) throws {
        let scratch = Scratch("plain-gzip-\(gzipFirst)")
        let text = q2Day(0..<40)
        let first = try scratch.write(gzipFirst ? "a/q2.log.gz" : "a/q2.log", text, gzip: gzipFirst)
        #expect(try scratch.ingest().files.map(\.status) == [.ok])
        let second = try scratch.write(gzipFirst ? "b/q2.log" : "b/q2.log.gz", text, gzip: !gzipFirst)
        let report = try scratch.ingest([second])
        #expect(report.files.map(\.status) == [.skippedDuplicate])
        #expect(report.files.first?.detail == "same content as \(first)")
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("q2.log", text)]))
        // Content identity in the ledger and the files view; the raw hash keeps the quick check.
        #expect(try scratch.count("SELECT count(DISTINCT sha256) FROM files") == 1)
        #expect(try scratch.count("SELECT count(DISTINCT raw_sha256) FROM files") == 2)
        #expect(try scratch.ingest().files.map(\.status.rawValue).sorted() == ["skipped_duplicate", "unchanged"])
    }

    @Test("a renamed copy in another folder is a recorded duplicate")
    func renamedCopy() throws {
        let scratch = Scratch()
        let text = terminalDay(0..<60)
        let original = try scratch.write("tms/day.log", text)
        _ = try scratch.ingest()
        let copy = try scratch.write("backup/2026-12-04-terminals.txt.gz", text, gzip: true)
        let report = try scratch.ingest([copy])
        #expect(report.files.map(\.status) == [.skippedDuplicate])
        #expect(report.files.first?.detail == "same content as \(original)")
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("day.log", text)]))
    }

    @Test(
        "a prefix of a log already in (whole lines or cut mid-line, plain or gzip) adds nothing",
        arguments: [
            (38, false), (38, true), (60, false),
        ])
    func prefixDuplicate(lines: Int, cutMidLine: Bool) throws {
        let scratch = Scratch("prefix-\(lines)-\(cutMidLine)")
        let whole = terminalDay(0..<60)
        let longer = try scratch.write("q2.log", whole)
        _ = try scratch.ingest()
        var prefix = terminalDay(0..<min(lines, 59))
        if cutMidLine || lines == 60 { prefix += String(terminalDay(min(lines, 59)..<(min(lines, 59) + 1)).prefix(70)) }
        #expect(prefix.utf8.count > 4096)
        let plain = try scratch.write("old/q2.log", prefix)
        let gzip = try scratch.write("old/q2.log.gz", prefix, gzip: true)
        let report = try scratch.ingest([plain, gzip])
        #expect(report.files.map(\.status) == [.skippedDuplicate, .skippedDuplicate])
        #expect(report.files.first?.detail == "a prefix of \(longer), already ingested")
        #expect(report.files.last?.detail == "a prefix of \(longer), already ingested" || report.files.last?.detail == "same content as \(plain)")
        #expect(report.rows == 0)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("q2.log", whole)]))
        #expect(try scratch.ingest().files.allSatisfy { $0.status == .unchanged || $0.status == .skippedDuplicate })
        try expectLedgerConsistent(scratch)
    }

    @Test("a growing plain log ingested three times: each reading adds the new lines only, the line cut the first time counts once")
    func growingPlainLog() throws {
        let scratch = Scratch()
        let whole = terminalDay(0..<120)
        let lines = whole.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        // Night 1: 40 lines and the start of line 41, cut inside its time: a rejected line.
        let night1 = lines[0..<40].joined() + String(lines[40].prefix(14))
        let path = try scratch.write("q2.log", night1)
        let first = try scratch.ingest()
        #expect(first.files.map(\.status) == [.ok])
        #expect(first.files.first?.rejects == 3)  // lines 17 and 34, and 41
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines WHERE line = 41") == 1)
        try scratch.clearDirtyMarks()

        // Night 2: line 41 completed, and 40 more.
        try scratch.write("q2.log", lines[0..<80].joined())
        let second = try scratch.ingest()
        let file = try #require(second.files.first)
        #expect(file.status == .ok)
        #expect(file.continues == path)
        #expect(file.fromLine == 41)
        #expect(file.lines == 80)
        #expect(file.rows + file.rejects == 40)
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines WHERE line = 41") == 0)
        #expect(try scratch.count("SELECT count(*) FROM terminal_txns WHERE line = 41") == 1)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("q2.log", lines[0..<80].joined())]))
        #expect(try scratch.query("SELECT continues, from_line FROM files ORDER BY ingested_at DESC, rowid DESC LIMIT 1") == [[path, "41"]])
        // The analysis is told about the new rows' terminals and day.
        #expect(try scratch.count("SELECT count(*) FROM dirty_marks WHERE day = 20791") >= 7)
        try expectLedgerConsistent(scratch)

        // Night 3: 40 more, the last without its newline; a chain: it continues night 2.
        try scratch.write("q2.log", lines[0..<119].joined() + String(lines[119].dropLast()))
        let third = try scratch.ingest()
        #expect(third.files.first?.fromLine == 81)
        #expect(third.files.first?.continues == path)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("q2.log", whole)]))
        #expect(try scratch.count("SELECT count(*) FROM input_files WHERE path = '\(path)'") == 3)
        #expect(try scratch.count("SELECT count(*) FROM input_files WHERE continues IS NOT NULL") == 2)
        try expectLedgerConsistent(scratch)
        // Nothing new: unchanged.
        #expect(try scratch.ingest().files.map(\.status) == [.unchanged])
        // Grown by the newline alone: the last line is the same, counted once.
        try scratch.write("q2.log", whole)
        #expect(try scratch.ingest().files.map(\.status) == [.ok])
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("q2.log", whole)]))
        try expectLedgerConsistent(scratch)
    }

    @Test("a last line cut inside a value was read as a row: that row goes, and the analysis is told of its terminal")
    func partialLineRowWithdrawn() throws {
        let scratch = Scratch()
        var lines = terminalDay(0..<60).split(separator: "\n").map { String($0) + "\n" }
        // Line 31 has its terminal id last; cut inside it, it reads as a transaction of terminal 2048100.
        lines[30] = "ts=2026-12-04T08:00:30.000+08:00 ev=txn type=sale stan=000030 amt=130 cur=156 rc=00 disp=approved tid=20481002\n"
        let cut = lines[30].range(of: "tid=2048100")!.upperBound
        try scratch.write("tms.log", lines[0..<30].joined() + String(lines[30][..<cut]))
        _ = try scratch.ingest()
        #expect(try scratch.count("SELECT count(*) FROM transactions WHERE tid = '2048100'") == 1)
        try scratch.clearDirtyMarks()
        try scratch.write("tms.log", lines.joined())
        let report = try scratch.ingest()
        #expect(report.files.first?.fromLine == 31)
        #expect(try scratch.count("SELECT count(*) FROM transactions WHERE tid = '2048100'") == 0)
        #expect(try scratch.count("SELECT count(*) FROM dirty_marks WHERE tid = (SELECT id FROM dictionary WHERE value = '2048100')") >= 1)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("tms.log", lines.joined())]))
        try expectLedgerConsistent(scratch)
    }

    @Test("a growing jPOS log cut inside an element: the element is read whole once, its reject goes, the JVM zone carries on")
    func growingXMLLog() throws {
        let scratch = Scratch()
        let whole = q2Day(0..<90)
        // Cut inside the 31st element's isomsg.
        let marker = "<field id=\"11\" value=\"000015\"/>"
        let night1 = String(whole[..<whole.range(of: marker)!.upperBound])
        let path = try scratch.write("q2.log", night1)
        let first = try scratch.ingest()
        #expect(first.files.first?.status == .truncated)
        #expect(first.files.first?.rejectReasons == ["log element not closed at end of file": 1])
        let openLine = try scratch.count("SELECT line FROM rejected_lines")
        try scratch.clearDirtyMarks()

        try scratch.write("q2.log", whole)
        let report = try scratch.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .ok)
        #expect(file.continues == path)
        #expect(file.fromLine == openLine)
        #expect(file.rejects == 0)
        #expect(try scratch.count("SELECT count(*) FROM rejected_lines") == 0)
        // Times of the rest are read in the zone the log stated before it: -03:00.
        #expect(try scratch.query("SELECT DISTINCT tz FROM acquirer_msgs") == [["-180"]])
        #expect(try scratch.count("SELECT count(*) FROM dirty_marks") > 0)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("q2.log", whole)]))
        try expectLedgerConsistent(scratch)
    }

    @Test("DailyLogListener over three nights: yesterday's rotated gzip continues it, the new q2.log is new, every row counts once")
    func dailyRotation() throws {
        let scratch = Scratch()
        let day1 = q2Day(0..<80, day: "2026-12-04")
        let day2 = q2Day(0..<70, day: "2026-12-05")
        let day3 = q2Day(0..<30, day: "2026-12-06")
        func cut(_ text: String, at fraction: Double) -> String { String(text.prefix(Int(Double(text.count) * fraction))) }

        // Night 1: the live log, cut mid-element.
        try scratch.write("q2.log", cut(day1, at: 0.5))
        #expect(try scratch.ingest().files.map(\.status) == [.truncated])

        // Night 2: at midnight day 1 went into q2-2026-12-04.log.gz; q2.log is day 2 so far.
        try scratch.write("q2-2026-12-04.log.gz", day1, gzip: true)
        try scratch.write("q2.log", cut(day2, at: 0.6))
        let night2 = try scratch.ingest()
        #expect(night2.files.map(\.status) == [.ok, .truncated] || night2.files.map(\.status) == [.ok, .ok])
        #expect(night2.files[0].continues == scratch.inbox + "/q2.log")
        #expect(night2.files[1].continues == nil)
        #expect(night2.files[1].replaced == false)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("a.gz", day1), ("b.log", cut(day2, at: 0.6))]))
        try expectLedgerConsistent(scratch)

        // Night 3: day 2 rotated too; q2.log is day 3 so far.
        try scratch.write("q2-2026-12-05.log.gz", day2, gzip: true)
        try scratch.write("q2.log", cut(day3, at: 0.7))
        let night3 = try scratch.ingest()
        #expect(night3.files.map(\.status).prefix(2) == [.unchanged, .ok])
        #expect(night3.files[1].continues == scratch.inbox + "/q2.log")
        let expected = try ContentTotals.ofOneIngest([("a.gz", day1), ("b.gz", day2), ("c.log", cut(day3, at: 0.7))])
        let totals = try ContentTotals(scratch)
        #expect(totals == expected, "got \(totals), one ingest of the content gives \(expected)")
        #expect(totals.acquirerMessages == expected.acquirerMessages && totals.acquirerMessages > 150)
        try expectLedgerConsistent(scratch)
        // A night with nothing new.
        #expect(try scratch.ingest().files.map(\.status) == [.unchanged, .unchanged, .unchanged])
        #expect(try ContentTotals(scratch) == expected)
    }

    @Test("a corrected file (same start, not an extension or a prefix) still replaces the old rows")
    func correctedFileReplaces() throws {
        let scratch = Scratch()
        let original = terminalDay(0..<80)
        try scratch.write("day.log", original)
        _ = try scratch.ingest()
        // Line 60 corrected, and the file grows: not an extension of what was read.
        var lines = terminalDay(0..<100).split(separator: "\n").map { String($0) + "\n" }
        lines[59] = lines[59].replacingOccurrences(of: "amt=", with: "amt=9")
        let corrected = lines.joined()
        try scratch.write("day.log", corrected)
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.ok])
        #expect(report.files.first?.replaced == true)
        #expect(report.files.first?.continues == nil)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("day.log", corrected)]))
        #expect(try scratch.count("SELECT count(*) FROM input_files") == 1)
        try expectLedgerConsistent(scratch)
        // Shorter and different: replaces too.
        let shorter = terminalDay(0..<50).replacingOccurrences(of: "disp=approved", with: "disp=ok")
        try scratch.write("day.log", shorter)
        #expect(try scratch.ingest().files.first?.replaced == true)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("day.log", shorter)]))
    }

    @Test("a growing log and its copy in one run: the copy, read after it, waits for it and is a duplicate or continuation")
    func relatedFilesInOneRun() throws {
        let scratch = Scratch()
        let lines = terminalDay(0..<90).split(separator: "\n").map { String($0) + "\n" }
        try scratch.write("a/tms.log", lines[0..<45].joined())
        try scratch.write("b/tms.log.gz", lines[0..<90].joined(), gzip: true)
        try scratch.write("c/tms.log", lines[0..<45].joined())
        try scratch.write("d/tms.log", lines[0..<38].joined())
        let report = try scratch.ingest()
        #expect(report.files.map(\.status) == [.ok, .ok, .skippedDuplicate, .skippedDuplicate])
        #expect(report.files[1].continues == scratch.inbox + "/a/tms.log")
        // A prefix of the shortest file already in that begins with it.
        #expect(report.files[3].detail == "a prefix of \(scratch.inbox)/a/tms.log, already ingested")
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("tms.log", lines.joined())]))
        try expectLedgerConsistent(scratch)
    }
}

extension Scratch {
    /// Empties `dirty_marks`, as an analysis does once it has recomputed them.
    func clearDirtyMarks() throws {
        try Database(path: db).execute("DELETE FROM dirty_marks")
    }
}

@Suite("A database written before content identity", .serialized)
struct LedgerMigrationTests {
    /// Makes `scratch`'s database look as a build before content identity left it: no new
    /// columns, `sha256` the hash of the raw bytes, the schema text of another build.
    static func makeEarlier(_ scratch: Scratch) throws {
        let database = try Database(path: scratch.db)
        // The ledger table as schema 2 had it before (its text as written then, comments and all).
        try database.execute(
            """
            PRAGMA legacy_alter_table = ON;
            DROP VIEW files;
            CREATE TABLE earlier_input_files (
                id             INTEGER PRIMARY KEY,
                path           TEXT NOT NULL,
                sha256         TEXT NOT NULL,
                kind           TEXT NOT NULL,
                compression    TEXT NOT NULL,
                bytes          INTEGER NOT NULL,
                decoded_bytes  INTEGER NOT NULL DEFAULT 0,
                mtime_ns       INTEGER NOT NULL DEFAULT 0,
                lines          INTEGER NOT NULL DEFAULT 0,
                rows           INTEGER NOT NULL DEFAULT 0,
                rejects        INTEGER NOT NULL DEFAULT 0,
                status         TEXT NOT NULL CHECK (status IN ('ok', 'truncated', 'failed', 'skipped_duplicate')),
                error          TEXT,
                duplicate_of   INTEGER,
                ingested_at    INTEGER NOT NULL,
                seconds        REAL NOT NULL DEFAULT 0,
                -- When `posrca prune` archived and removed the file's rows (its ledger row stays, so that the
                -- same content is never ingested again).
                pruned_at      INTEGER
            );
            INSERT INTO earlier_input_files
            SELECT id, path, raw_sha256, kind, compression, bytes, decoded_bytes, mtime_ns, lines, rows, rejects, status, error,
                duplicate_of, ingested_at, seconds, pruned_at
            FROM input_files;
            DROP TABLE input_files;
            ALTER TABLE earlier_input_files RENAME TO input_files;
            CREATE INDEX input_files_by_path ON input_files(path);
            CREATE INDEX input_files_by_sha256 ON input_files(sha256);
            PRAGMA legacy_alter_table = OFF;
            UPDATE meta SET value = 'an earlier build' WHERE key = 'schema_hash';
            """)
        #expect(try database.scalarInt("SELECT count(*) FROM pragma_table_info('input_files') WHERE name = 'raw_sha256'") == 0)
    }

    @Test("it opens with the columns added and raw hashes copied; unchanged files stay unchanged, copies are duplicates, a grown file replaces")
    func earlierDatabaseKeepsWorking() throws {
        let scratch = Scratch()
        let terminal = terminalDay(0..<50)
        let acquirer = q2Day(0..<30)
        let plain = try scratch.write("tms.log", terminal)
        let gzip = try scratch.write("q2.log.gz", acquirer, gzip: true)
        _ = try scratch.ingest()
        try Self.makeEarlier(scratch)
        let rawOfGzip = try scratch.query("SELECT sha256 FROM input_files WHERE path = '\(gzip)'")

        // Opening it adds the columns; the quick check of unchanged files still holds.
        let rerun = try scratch.ingest()
        #expect(rerun.files.map(\.status) == [.unchanged, .unchanged])
        #expect(try scratch.query("SELECT raw_sha256, head_sha256 FROM input_files WHERE path = '\(gzip)'") == [[rawOfGzip[0][0], nil]])
        #expect(try scratch.query("PRAGMA user_version") == [["2"]])
        // A gzip copy of the plain file is the same content; a byte copy of the gzip is too.
        // (The earlier row of a gzip knows only its raw bytes: a byte copy, not a new gzip.)
        try FileManager.default.createDirectory(atPath: scratch.inbox + "/copy", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: gzip, toPath: scratch.inbox + "/copy/q2.log.gz")
        let copies = try scratch.ingest([try scratch.write("copy/tms.log.gz", terminal, gzip: true), scratch.inbox + "/copy/q2.log.gz"])
        #expect(copies.files.map(\.detail) == ["same content as \(plain)", "same content as \(gzip)"])
        // The plain file grown: an earlier row is not continued, it is replaced (no row twice).
        try scratch.write("tms.log", terminalDay(0..<70))
        let grown = try scratch.ingest([plain])
        #expect(grown.files.first?.replaced == true)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("tms.log", terminalDay(0..<70)), ("q2.log", acquirer)]))
        // From then on it is known by its content: growing again continues it.
        try scratch.write("tms.log", terminalDay(0..<90))
        #expect(try scratch.ingest([plain]).files.first?.fromLine == 71)
        #expect(try ContentTotals(scratch) == ContentTotals.ofOneIngest([("tms.log", terminalDay(0..<90)), ("q2.log", acquirer)]))
        try expectLedgerConsistent(scratch)
    }
}
