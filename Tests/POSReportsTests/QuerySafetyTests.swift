import Foundation
import POSInput
import POSReports
import POSStore
import Testing

@Suite("Canned query headers and parameters")
struct QueryParameterTests {
    static let text = """
        -- title: Test query
        -- description: Counts transactions in a window.
        -- param: since date 2026-11-20   First day.
        -- param: min_txns int 1          Fewest transactions.
        -- param: share real 0.5          A fraction.
        -- param: tid text -              Required terminal.
        SELECT count(*) AS n FROM transactions
        WHERE day >= :since AND tid = :tid AND :min_txns >= 0 AND :share >= 0;
        """

    @Test func parsesTheHeader() throws {
        let query = try CannedQuery(name: "test", text: Self.text)
        #expect(query.title == "Test query")
        #expect(query.description == "Counts transactions in a window.")
        #expect(
            query.parameters == [
                QueryParameter(name: "since", type: .date, defaultValue: "2026-11-20", description: "First day."),
                QueryParameter(name: "min_txns", type: .int, defaultValue: "1", description: "Fewest transactions."),
                QueryParameter(name: "share", type: .real, defaultValue: "0.5", description: "A fraction."),
                QueryParameter(name: "tid", type: .text, defaultValue: nil, description: "Required terminal."),
            ])
        #expect(query.version == SHA256Digest.hex(of: Array(Self.text.utf8)))
    }

    @Test func bindsGivenValuesAndDefaults() throws {
        let query = try CannedQuery(name: "test", text: Self.text)
        #expect(
            try query.bindings(["tid": "T2", "min_txns": "3"]) == [
                "since": .text("2026-11-20"), "min_txns": .integer(3), "share": .real(0.5), "tid": .text("T2"),
            ])
        expectRows(try query.run(on: fixture(), parameters: ["tid": "T2"]), [[.int(6)]])
        expectRows(try query.run(on: fixture(), parameters: ["tid": "T2", "since": "2026-11-21"]), [[.int(3)]])
        expectRows(try query.run(on: fixture(), parameters: ["tid": "T1", "since": "2026-11-21"]), [[.int(2)]])
    }

    @Test(arguments: [
        (
            ["tid": "T1", "until": "2026-11-21"],
            QueryError.unknownParameter(name: "until", query: "test", known: ["since", "min_txns", "share", "tid"]),
            "unknown parameter until for query test: it takes since, min_txns, share, tid"
        ),
        ([:], .missingParameter(name: "tid", type: .text, query: "test"), "missing parameter tid (text) for query test: give --param tid=VALUE"),
        (
            ["tid": "T1", "since": "2026-02-30"], .invalidValue(parameter: "since", query: "test", type: .date, value: "2026-02-30"),
            "parameter since of query test must be a date YYYY-MM-DD, got 2026-02-30"
        ),
        (
            ["tid": "T1", "since": "20261120"], .invalidValue(parameter: "since", query: "test", type: .date, value: "20261120"),
            "parameter since of query test must be a date YYYY-MM-DD, got 20261120"
        ),
        (
            ["tid": "T1", "min_txns": "3.5"], .invalidValue(parameter: "min_txns", query: "test", type: .int, value: "3.5"),
            "parameter min_txns of query test must be an integer, got 3.5"
        ),
        (
            ["tid": "T1", "share": "half"], .invalidValue(parameter: "share", query: "test", type: .real, value: "half"),
            "parameter share of query test must be a number, got half"
        ),
        (
            ["tid": "T1", "share": "nan"], .invalidValue(parameter: "share", query: "test", type: .real, value: "nan"),
            "parameter share of query test must be a number, got nan"
        ),
    ])
    func rejectsBadParameters(given: [String: String], error: QueryError, message: String) throws {
        let query = try CannedQuery(name: "test", text: Self.text)
        #expect(error.description == message)
        #expect(throws: error) { try query.bindings(given) }
        #expect(throws: error) { try query.run(on: fixture(), parameters: given) }
    }

    @Test func acceptsLeapDays() throws {
        let query = try CannedQuery(name: "test", text: Self.text)
        #expect(try query.bindings(["tid": "T1", "since": "2028-02-29"])["since"] == .text("2028-02-29"))
        #expect(throws: QueryError.invalidValue(parameter: "since", query: "test", type: .date, value: "2026-02-29")) {
            try query.bindings(["tid": "T1", "since": "2026-02-29"])
        }
    }

    @Test func parsesAssignments() throws {
        #expect(try CannedQuery.assignments(["since=2026-11-20", "note=a=b", "empty="]) == ["since": "2026-11-20", "note": "a=b", "empty": ""])
        #expect(throws: QueryError.malformedAssignment("since")) { try CannedQuery.assignments(["since"]) }
        #expect(throws: QueryError.malformedAssignment("=x")) { try CannedQuery.assignments(["=x"]) }
        #expect(throws: QueryError.parameterGivenTwice("a")) { try CannedQuery.assignments(["a=1", "a=2"]) }
        #expect(QueryError.malformedAssignment("since").message == "--param since must be name=value, e.g. --param since=2026-11-01")
        #expect(QueryError.malformedAssignment("=x").message == "--param =x must be name=value, e.g. --param since=2026-11-01")
        #expect(QueryError.parameterGivenTwice("a").message == "parameter a is given twice")
    }

    @Test(arguments: [
        ("-- description: no title\nSELECT 1;", QueryError.missingTitle(query: "q"), "query q has no `-- title:` line in its header"),
        (
            "-- title: t\n-- param: since date\nSELECT :since;", .malformedParameterLine(query: "q", line: 2, text: "since date"),
            "query q, line 2: a parameter line is `-- param: name type default  description`, got `since date`"
        ),
        (
            "-- title: t\n-- param: since day 2026-01-01  x\nSELECT :since;", .unknownParameterType(query: "q", line: 2, name: "since", type: "day"),
            "query q, line 2: parameter since has type day; use date, int, real or text"
        ),
        (
            "-- title: t\n-- param: n int ten  x\nSELECT :n;",
            .invalidDefault(query: "q", line: 2, name: "n", reason: .invalidValue(parameter: "n", query: "", type: .int, value: "ten")),
            "query q, line 2: the default of n is not valid: parameter n must be an integer, got ten"
        ),
        (
            "-- title: t\n-- param: n int 1  x\n-- param: n int 2  y\nSELECT :n;", .parameterDeclaredTwice(query: "q", line: 3, name: "n"),
            "query q, line 3: parameter n is declared twice"
        ),
        (
            "-- title: t\n-- param: 1n int 1  x\nSELECT 1;", .invalidParameterName(query: "q", line: 2, name: "1n"),
            "query q, line 2: parameter name 1n must be letters, digits and _"
        ),
    ])
    func rejectsBadHeaders(text: String, error: QueryError, message: String) {
        #expect(error.description == message)
        #expect(throws: error) { try CannedQuery(name: "q", text: text) }
    }

    @Test func rejectsBadQueryNames() {
        #expect(throws: QueryError.invalidQueryName("a b")) { try CannedQuery(name: "a b", text: "-- title: t\nSELECT 1;") }
        #expect(QueryError.invalidQueryName("a b").message == "query name a b must be letters, digits, _ or -")
    }

    @Test func refusesUndeclaredAndPositionalParameters() throws {
        let undeclared = try CannedQuery(name: "q", text: "-- title: t\nSELECT :since;")
        #expect(throws: QueryError.undeclaredParameter(name: "since", query: "q")) { try undeclared.run(on: fixture()) }
        #expect(
            QueryError.undeclaredParameter(name: "since", query: "q").message
                == "query q uses :since, which its header does not declare; add `-- param: since TYPE DEFAULT  description`"
        )
        let positional = try CannedQuery(name: "q", text: "-- title: t\nSELECT ?;")
        #expect(throws: QueryError.positionalParameter(query: "q")) { try positional.run(on: fixture()) }
        #expect(
            QueryError.positionalParameter(query: "q").message
                == "query q uses a positional parameter (?); name it, e.g. :since, and declare it in the header"
        )
    }

    @Test func libraryNamesMissingQueries() throws {
        do {
            _ = try repositoryQueries.query(named: "nope")
            Issue.record("found a query called nope")
        } catch QueryError.noSuchQuery(let name, let origin, let available) {
            #expect(name == "nope" && origin == repositoryQueries.origin && available == repositoryQueries.queries.map(\.name))
        }
        #expect(
            QueryError.noSuchQuery(name: "nope", origin: "Queries", available: ["a", "b"]).message
                == "no query nope in Queries; `posrca query list` shows: a, b"
        )
        #expect(throws: QueryError.missingFolder("/nonexistent/queries")) {
            try QueryLibrary.resolve(folder: "/nonexistent/queries", explicit: true)
        }
        #expect(QueryError.missingFolder("/nonexistent/queries").message == "the queries folder /nonexistent/queries does not exist")
        #expect(try QueryLibrary.resolve(folder: "/nonexistent/queries", explicit: false).origin == "built-in")
    }

    @Test func aBadFileInTheFolderIsNamed() throws {
        let folder = try Fixture.temporaryFolder("posrca-queries")
        try FileOutput.writeAtomically("SELECT 1;\n", to: folder + "/untitled.sql")
        let error = QueryError.inFile(path: folder + "/untitled.sql", reason: .missingTitle(query: "untitled"))
        #expect(throws: error) { try QueryLibrary.load(folder: folder) }
        #expect(error.message == folder + "/untitled.sql: query untitled has no `-- title:` line in its header")
    }

    @Test func listingShowsParametersWithDefaults() {
        let row = repositoryQueries.listing.rows.first { $0[0] == "unknown_rate_by_day" }
        // Schema 2: the date defaults are the latest analysis window's first and last day.
        #expect(row?[2] == "since date = window_start; until date = window_end")
    }
}

@Suite("Read-only queries")
struct ReadOnlyTests {
    /// A writable copy of the fixture, so that a fence that failed would show as a change.
    static func writableCopy() throws -> String {
        let folder = try Fixture.temporaryFolder("posrca-readonly")
        let path = folder + "/copy.sqlite"
        let source = try Database(path: Fixture.path)
        try source.execute("VACUUM INTO '\(path)'")
        try Database(path: path).execute("PRAGMA journal_mode = WAL")
        return path
    }

    @Test(arguments: [
        "INSERT INTO input_files(path, sha256, kind, compression, bytes, status, ingested_at) VALUES ('x', '', 'k', 'none', 0, 'ok', 0)",
        "DELETE FROM input_files",
        "UPDATE input_files SET path = 'x'",
        "DROP TABLE input_files",
        "DROP VIEW files",
        "CREATE TABLE evil(x)",
        "CREATE TEMP TABLE evil(x)",
        "ATTACH DATABASE ':memory:' AS other",
        "DETACH DATABASE main",
        "PRAGMA writable_schema = 1",
        "PRAGMA query_only = 0",
        "PRAGMA journal_mode = DELETE",
        "BEGIN IMMEDIATE",
        "SAVEPOINT s",
        "VACUUM",
        "REINDEX",
        "ANALYZE",
        "SELECT 1; DELETE FROM input_files",
        "SELECT load_extension('/tmp/evil.so')",
    ])
    func refusesAnythingThatIsNotARead(sql: String) throws {
        let path = try Self.writableCopy()
        // A read-write connection, to show the statement fence holds on its own.
        let database = try Database(path: path)
        #expect(throws: DatabaseError.self) { try QueryRunner.run(sql: sql, on: database) }
        #expect(try database.scalarInt("SELECT count(*) FROM input_files") == 4)
        #expect(try database.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'evil'") == 0)
        #expect(try database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try database.scalarInt("PRAGMA query_only") == 0)
        #expect(!database.inTransaction)
    }

    @Test func refusalsAndMisusesCarryTheirResultCodes() throws {
        let database = try Database(path: try Self.writableCopy())
        let refused = #expect(throws: DatabaseError.self) { try database.prepareReadOnlyQuery("DELETE FROM input_files") }
        #expect(refused?.resultCode == .auth)
        #expect(refused?.message.hasPrefix("refused: only a read-only query can run here") == true)
        let twoStatements = #expect(throws: DatabaseError.self) { try database.prepareReadOnlyQuery("SELECT 1; SELECT 2") }
        #expect(twoStatements?.resultCode == .misuse)
        let empty = #expect(throws: DatabaseError.self) { try database.prepareReadOnlyQuery("  -- nothing") }
        #expect(empty?.resultCode == .misuse && empty?.message == "the query is empty")
    }

    @Test func allowsReadsAndDescribingPragmas() throws {
        let database = try fixture()
        expectRows(try QueryRunner.run(sql: "SELECT count(*) AS n FROM transactions", on: database), [[.int(16)]])
        expectRows(try QueryRunner.run(sql: "WITH x(v) AS (VALUES (1), (2)) SELECT sum(v) FROM x -- a trailing comment", on: database), [[.int(3)]])
        // Schema 2's files view has 14 columns: `pruned_at` (when `posrca prune` archived the file),
        // then the raw bytes' hash and the file a file continues, from which line (issue 9).
        let columns = try QueryRunner.run(sql: "PRAGMA table_info(files)", on: database)
        #expect(columns.rows.count == 14)
        #expect(columns.rows.suffix(4).map { $0[1] } == ["pruned_at", "raw_sha256", "continues", "from_line"])
        #expect(try QueryRunner.run(sql: "SELECT 1;  \n -- done\n", on: database).rows == [["1"]])
    }

    @Test func aParameterHoldingSQLIsOnlyAValue() throws {
        let path = try Self.writableCopy()
        let database = try Database(path: path)
        let query = try CannedQuery(name: "q", text: "-- title: t\n-- param: tid text T1  x\nSELECT count(*) FROM transactions WHERE tid = :tid;")
        let hostile = "T1'; DELETE FROM input_files; DROP TABLE terminal_txns; --"
        expectRows(try query.run(on: database, parameters: ["tid": hostile]), [[.int(0)]])
        expectRows(try query.run(on: database, parameters: ["tid": "T1"]), [[.int(6)]])
        #expect(try database.scalarInt("SELECT count(*) FROM input_files") == 4)
        #expect(try database.scalarInt("SELECT count(*) FROM terminal_txns") == 16)
    }

    @Test func aReadOnlyConnectionCannotWriteEvenWithoutTheFence() throws {
        let database = try fixture()
        #expect(throws: DatabaseError.self) { try database.execute("DELETE FROM input_files") }
        #expect(try database.scalarInt("SELECT count(*) FROM input_files") == 4)
    }
}
