import Foundation
import Testing

// Issue 5, part 5, through the real binary: `posrca sql` and canned queries refuse anything that
// writes (exit 2 with a message), parameters holding quotes and SQL are only values, and the
// database file is byte for byte what it was.

/// A small database built once by `posrca ingest`, never written to by the tests.
final class QueryFixture: Sendable {
    static let shared = QueryFixture()
    let workspace = Workspace.shared("query-fixture")

    init() {
        try! workspace.write(
            "day.log",
            """
            ts=2026-11-20T08:16:02.500+08:00 tid=20481234 ev=txn type=sale stan=000123 amt=1250 cur=156 rc=P1 disp=unknown lat_ms=2310
            ts=2026-11-20T08:17:11.000+08:00 tid=20481234 ev=txn type=sale stan=000124 amt=990 cur=156 disp=timeout lat_ms=60000
            ts=2026-11-20T08:18:00.000+08:00 tid=20489999 ev=txn type=sale stan=000001 amt=100 cur=156 rc=00 disp=approved lat_ms=800

            """)
        let run = try! posrca(["ingest", "--db", workspace.db, workspace.inbox])
        precondition(run.exitStatus == 0, "\(run)")
        try! FileManager.default.createDirectory(atPath: workspace.root + "/queries", withIntermediateDirectories: true)
        try! """
        -- title: Transactions of one terminal
        -- description: Counts one terminal's transactions.
        -- param: tid text 20481234   The terminal.
        SELECT count(*) AS n FROM transactions WHERE tid = :tid;
        """.write(toFile: workspace.root + "/queries/by_tid.sql", atomically: true, encoding: .utf8)
        try! "-- title: Evil\n-- description: Writes.\nDELETE FROM input_files;\n"
            .write(toFile: workspace.root + "/queries/evil_delete.sql", atomically: true, encoding: .utf8)
        try! "-- title: Evil too\n-- description: Reads, then writes.\nSELECT 1; DROP TABLE input_files;\n"
            .write(toFile: workspace.root + "/queries/evil_second.sql", atomically: true, encoding: .utf8)
    }

    /// The bytes of the database, its WAL and its rollback journal (a missing file reads as empty).
    /// The `-shm` index is left out: a reader may create or update it without changing any data.
    func files() -> [String: Data] {
        var result: [String: Data] = [:]
        for suffix in ["", "-wal", "-journal"] {
            result["posrca.sqlite" + suffix] = fileBytes(workspace.db + suffix)
        }
        return result
    }
}

@Suite("Queries cannot write, through the real binary", .serialized)
struct QueryWriteRefusalTests {
    static let refusal = "refused: only a read-only query can run here"

    @Test(arguments: [
        ("DROP TABLE files", refusal),
        ("DROP TABLE input_files", refusal),
        ("DROP VIEW transactions", refusal),
        ("INSERT INTO input_files(path, sha256, kind, compression, bytes, status, ingested_at) VALUES ('x', '', 'k', 'none', 0, 'ok', 0)", refusal),
        ("REPLACE INTO dictionary(id, value) VALUES (1, 'x')", refusal),
        ("UPDATE dictionary SET value = 'x'", refusal),
        ("DELETE FROM terminal_txns", refusal),
        ("WITH doomed AS (SELECT id FROM input_files) DELETE FROM input_files WHERE id IN doomed", refusal),
        ("CREATE TABLE evil(x)", refusal),
        ("CREATE TRIGGER evil AFTER INSERT ON dictionary BEGIN DELETE FROM input_files; END", refusal),
        ("ATTACH DATABASE '/tmp/posrca-evil-attach.sqlite' AS evil", refusal),
        ("PRAGMA writable_schema = 1", refusal),
        ("PRAGMA writable_schema = ON", refusal),
        ("PRAGMA query_only = 0", refusal),
        ("PRAGMA journal_mode = DELETE", refusal),
        ("PRAGMA user_version = 99", refusal),
        ("PRAGMA wal_checkpoint(TRUNCATE)", refusal),
        ("VACUUM", refusal),
        ("VACUUM INTO '/tmp/posrca-evil-vacuum.sqlite'", refusal),
        ("REINDEX", refusal),
        ("ANALYZE", refusal),
        ("BEGIN EXCLUSIVE", refusal),
        // Extension loading is off in SQLite itself: refused when it runs, with SQLite's words.
        ("SELECT load_extension('/tmp/evil.so')", "not authorized"),
        ("SELECT 1; DROP TABLE input_files", "only one statement is allowed"),
        ("SELECT 1; PRAGMA writable_schema = 1", "only one statement is allowed"),
    ])
    func sqlRefusesWrites(statement: String, message: String) throws {
        let fixture = QueryFixture.shared
        let before = fixture.files()
        #expect(before["posrca.sqlite"].map { $0.count > 4096 } == true)
        let run = try posrca(["sql", "--db", fixture.workspace.db, statement])
        #expect(run.exitStatus == 2, "\(run)")
        #expect(run.stderr.hasPrefix("posrca: SQLite error"), "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(fixture.files() == before, "the database files changed")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/posrca-evil-attach.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/posrca-evil-vacuum.sqlite"))
        #expect(try fixture.workspace.count("SELECT count(*) FROM transactions") == 3)
    }

    @Test("reads still run, and a read does not change the file")
    func readsRun() throws {
        let fixture = QueryFixture.shared
        let before = fixture.files()
        let run = try posrca([
            "sql", "--db", fixture.workspace.db, "--format", "csv", "SELECT tid, count(*) AS n FROM transactions GROUP BY tid ORDER BY tid",
        ])
        #expect(run.exitStatus == 0, "\(run)")
        #expect(run.stdout == "tid,n\r\n20481234,2\r\n20489999,1\r\n" || run.stdout == "tid,n\n20481234,2\n20489999,1\n", "\(run)")
        #expect(fixture.files() == before)
    }

    @Test(arguments: [
        (
            "unknown_rate_by_day", "since=2026-11-20' OR '1'='1",
            "parameter since of query unknown_rate_by_day must be a date YYYY-MM-DD, got 2026-11-20' OR '1'='1"
        ),
        (
            "unknown_rate_by_day", "until=2026-11-20'); DROP TABLE input_files; --",
            "parameter until of query unknown_rate_by_day must be a date YYYY-MM-DD, got 2026-11-20'); DROP TABLE input_files; --"
        ),
        (
            "terminals_most_unknown", "limit=1; DELETE FROM input_files",
            "parameter limit of query terminals_most_unknown must be an integer, got 1; DELETE FROM input_files"
        ),
        ("terminals_most_unknown", "since=:until", "parameter since of query terminals_most_unknown must be a date YYYY-MM-DD, got :until"),
    ])
    func cannedQueriesRefuseSQLInTypedParameters(query: String, parameter: String, message: String) throws {
        let fixture = QueryFixture.shared
        let before = fixture.files()
        let run = try posrca(["query", "run", query, "--db", fixture.workspace.db, "--param", parameter])
        #expect(run.exitStatus == 64, "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
        #expect(fixture.files() == before)
    }

    @Test("a text parameter holding quotes and SQL is only a value: no rows match it, nothing changes")
    func textParameterIsOnlyAValue() throws {
        let fixture = QueryFixture.shared
        let before = fixture.files()
        let queries = fixture.workspace.root + "/queries"
        for hostile in ["20481234' OR '1'='1", "x'; DROP TABLE input_files; --", "\"); DELETE FROM dictionary; --", "20481234 ", "%"] {
            let run = try posrca([
                "query", "run", "by_tid", "--queries", queries, "--db", fixture.workspace.db, "--format", "csv", "--param", "tid=\(hostile)",
            ])
            #expect(run.exitStatus == 0, "\(hostile): \(run)")
            #expect(parseCSV(run.stdout) == [["n"], ["0"]], "\(hostile): \(run)")
        }
        let plain = try posrca(["query", "run", "by_tid", "--queries", queries, "--db", fixture.workspace.db, "--format", "csv"])
        #expect(parseCSV(plain.stdout) == [["n"], ["2"]], "\(plain)")
        #expect(fixture.files() == before)
    }

    @Test(
        "a canned query file that writes is refused like ad-hoc SQL",
        arguments: [
            ("evil_delete", refusal), ("evil_second", "only one statement is allowed"),
        ])
    func cannedQueryThatWrites(name: String, message: String) throws {
        let fixture = QueryFixture.shared
        let before = fixture.files()
        let run = try posrca(["query", "run", name, "--queries", fixture.workspace.root + "/queries", "--db", fixture.workspace.db])
        #expect(run.exitStatus == 2, "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
        #expect(fixture.files() == before)
        #expect(try fixture.workspace.count("SELECT count(*) FROM files") == 1)
    }
}
