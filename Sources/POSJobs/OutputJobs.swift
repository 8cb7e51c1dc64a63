import Foundation
public import POSAnalysis
public import POSReports
import POSStore

/// How a result table is printed or saved (docs/cli.md §7.1): `--format`, `--output`, `--excel`.
public struct ResultOutput: Sendable {
    /// The format; nil follows the `--output` file's extension, else `table`.
    public var format: OutputFormat?
    /// The file to write atomically instead of standard output.
    public var file: String?
    /// Start CSV with a UTF-8 byte order mark.
    public var excel = false

    public init(format: OutputFormat? = nil, file: String? = nil, excel: Bool = false) {
        self.format = format
        self.file = file
        self.excel = excel
    }

    /// The format given, else the output file's extension's, else `table`.
    var resolvedFormat: OutputFormat {
        if let format { return format }
        if let file, let dot = file.lastIndex(of: "."), let format = OutputFormat(rawValue: String(file[file.index(after: dot)...]).lowercased()) {
            return format
        }
        return .table
    }

    func emit(_ table: ResultTable) throws {
        let text = TableRenderer.render(table, as: resolvedFormat, excel: excel)
        if let file {
            try failing { try FileOutput.writeAtomically(text, to: file) }
        } else {
            print(text, terminator: "")
        }
    }
}

/// `posrca report`: every report file into one folder (docs/cli.md §2.5, §6).
public struct ReportJob: Job {
    public static let abstract = "Write findings.csv, one CSV per canned query, summary.html and manifest.json."
    public static let discussion = """
        Reads the database as the last `posrca analyze` left it. Each file is written to a temporary \
        name and renamed when complete; manifest.json comes last and records the inputs (with their \
        SHA-256), the version of the tool and of each query, the options and the timings. \
        Exit status: 0 done, 2 a query or the database failed.
        """

    public var database: String
    public var folder: String
    public var queries: QuerySource
    public var language: Language
    /// Wait for another run that writes the database (false: `--no-wait`).
    public var wait: Bool

    public init(database: String, folder: String, queries: QuerySource, language: Language, wait: Bool) {
        self.database = database
        self.folder = folder
        self.queries = queries
        self.language = language
        self.wait = wait
    }

    public func run() throws -> ExitStatus {
        let library = try queries.library()
        try DatabaseAccess.requireDatabase(database)
        let runLock = try DatabaseAccess.holdRunLock(database: database, shared: true, wait: wait)
        defer { runLock.release() }
        let connection = try DatabaseAccess.openReadOnly(database)
        var context = ReportContext(toolVersion: POSRCAVersion.current)
        context.language = language
        context.options = [
            ("command", .string("report")), ("db", .string(database)), ("out", .string(folder)), ("queries", .string(library.origin)),
            ("lang", .string(language.rawValue)),
        ]
        let outcome = try failing { try ReportWriter.write(database: connection, queries: library, folder: folder, context: context) }
        for problem in outcome.problems { Console.error("posrca: \(problem)") }
        print(
            "Wrote \(outcome.files.count) files to \(folder)/ in \(String(outcome.seconds.rounded(toPlaces: 2))) s: \(outcome.findings) findings, \(library.queries.count) queries."
        )
        return outcome.problems.isEmpty ? .success : .failed
    }
}

/// `posrca query list` (docs/cli.md §2.3).
public struct QueryListJob: Job {
    public static let abstract = "List the canned queries with their parameters and defaults."
    public static let discussion = ""

    public var queries: QuerySource
    public var output: ResultOutput

    public init(queries: QuerySource, output: ResultOutput) {
        self.queries = queries
        self.output = output
    }

    public func run() throws -> ExitStatus {
        try output.emit(try queries.library().listing)
        return .success
    }
}

/// `posrca query run NAME --param k=v …` (docs/cli.md §2.3).
public struct QueryRunJob: Job {
    public static let abstract = "Run one canned query and print or save its rows."
    public static let discussion = """
        Unknown parameter names, missing parameters and values of the wrong type are usage errors \
        (exit 64) naming the parameter. Example: posrca query run unknown_rate_by_day --param \
        since=2026-11-20 --format csv --output by-day.csv
        """

    public var name: String
    /// `name=value` assignments, as given.
    public var parameters: [String]
    public var database: String
    public var queries: QuerySource
    public var output: ResultOutput

    public init(name: String, parameters: [String], database: String, queries: QuerySource, output: ResultOutput) {
        self.name = name
        self.parameters = parameters
        self.database = database
        self.queries = queries
        self.output = output
    }

    /// Unknown or missing parameters and values of the wrong type are usage errors naming the parameter.
    public func run() throws -> ExitStatus {
        let library = try queries.library()
        let query: CannedQuery
        let given: [String: String]
        do {
            query = try library.query(named: name)
            given = try CannedQuery.assignments(parameters)
            _ = try query.bindings(given)
        } catch let error as QueryError {
            throw JobUsageError(error.message)
        }
        let connection = try DatabaseAccess.openReadOnly(database)
        let table = try failing { try query.run(on: connection, parameters: given) }
        try output.emit(table)
        return .success
    }
}

/// `posrca sql "SELECT …"`: one ad-hoc statement on a read-only connection (docs/cli.md §2.4).
public struct SQLJob: Job {
    public static let abstract = "Run one ad-hoc read-only SQL statement and print or save its rows."
    public static let discussion = """
        The connection is opened read-only and the statement must only read: INSERT, UPDATE, DELETE, \
        DROP, CREATE, ATTACH, BEGIN, PRAGMA settings and a second statement are refused (exit 2) and \
        change nothing. Query the stable views (docs/cli.md §4): transactions, acquirer_messages, \
        network_events, firmware_history, rejects, files, findings, finding_terminals, findings_history, \
        analysis_history, code_gaps, code_gap_tests and the daily_* aggregates.
        """

    public var statement: String
    public var database: String
    public var output: ResultOutput

    public init(statement: String, database: String, output: ResultOutput) {
        self.statement = statement
        self.database = database
        self.output = output
    }

    public func run() throws -> ExitStatus {
        let connection = try DatabaseAccess.openReadOnly(database)
        let table = try failing { try QueryRunner.run(sql: statement, on: connection) }
        try output.emit(table)
        return .success
    }
}

/// `posrca codes`: the response-code catalogue in force (docs/cli.md §2.9).
public struct CodesJob: Job {
    public static let abstract = "List the response-code catalogue in force, with where and how often each code was seen."
    public static let discussion = """
        The built-in ISO 8583:1987 and China UnionPay 2015 tables, plus codes from catalogue files \
        ingested into the database. Codes seen in the logs but in no catalogue are listed too, as \
        non-standard.
        """

    public var database: String
    public var format: OutputFormat

    public init(database: String, format: OutputFormat) {
        self.database = database
        self.format = format
    }

    public func run() throws -> ExitStatus {
        // A reading command: read-only, so that a typo in --db leaves no empty database behind and
        // a run writing the database is never disturbed.
        let connection = try DatabaseAccess.openReadOnly(database)
        let table = try failing { try CodeCatalogueReport.table(database: connection) }
        print(TableRenderer.render(table, as: format), terminator: "")
        return .success
    }
}
