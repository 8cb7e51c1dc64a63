import ArgumentParser
import Foundation
import POSReports
import POSStore

extension POSRCA {
    /// `posrca query list|run`: the canned queries of `Queries/`.
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List and run the canned queries (Queries/NAME.sql).",
            discussion: """
                Each query file starts with a header of -- comments: a title, a description and typed \
                parameters with defaults. Parameters are bound, never pasted into the SQL, and every query \
                runs on a read-only connection over the stable views. The folder is Queries in the working \
                directory (or --queries, POSRCA_QUERIES); without one, the copies built into posrca are used.
                """,
            subcommands: [List.self, Run.self]
        )
    }
}

extension POSRCA.Query {
    /// `posrca query list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the canned queries with their parameters and defaults.")

        @OptionGroup var queries: QueriesOptions
        @OptionGroup var output: ResultOutputOptions

        func run() throws {
            let library = try queries.library()
            try output.emit(library.listing)
        }
    }

    /// `posrca query run NAME --param k=v …`.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one canned query and print or save its rows.",
            discussion: """
                Unknown parameter names, missing parameters and values of the wrong type are usage errors \
                (exit 64) naming the parameter. Example: posrca query run unknown_rate_by_day --param \
                since=2026-11-20 --format csv --output by-day.csv
                """
        )

        @Argument(help: "The query's name: its file name without .sql (see `posrca query list`).")
        var name: String

        @Option(name: .customLong("param"), help: ArgumentHelp("A parameter as name=value; repeat for several.", valueName: "name=value"))
        var parameters: [String] = []

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var queries: QueriesOptions
        @OptionGroup var output: ResultOutputOptions

        func run() throws {
            let library = try queries.library()
            let query: CannedQuery
            let given: [String: String]
            do {
                query = try library.query(named: name)
                given = try CannedQuery.assignments(parameters)
                _ = try query.bindings(given)
            } catch let error as QueryError {
                throw ValidationError(error.message)
            }
            let connection = try openReadOnly(database.path)
            let table = try failing { try query.run(on: connection, parameters: given) }
            try output.emit(table)
        }
    }
}

/// Where the canned queries come from.
struct QueriesOptions: ParsableArguments {
    @Option(name: .long, help: "The folder of canned queries. (env POSRCA_QUERIES; default Queries, else the built-in copies)")
    var queries: String?

    func library() throws -> QueryLibrary {
        let explicit = queries ?? environment("QUERIES")
        do {
            return try QueryLibrary.resolve(folder: explicit ?? "Queries", explicit: explicit != nil)
        } catch let error as QueryError {
            printError("posrca: \(error.message)")
            throw ExitCode(2)
        }
    }
}

/// How a result table is printed or saved: `--format`, `--output`, `--excel`.
struct ResultOutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv, json or jsonl. (env POSRCA_FORMAT; default table, or from the --output file's extension)")
    var format: OutputFormat?

    @Option(name: .long, help: "Write to this file instead of standard output, atomically (a temporary name, then rename). (env POSRCA_OUTPUT)")
    var output: String?

    @Flag(name: .long, help: "Start CSV with a UTF-8 byte order mark so that Excel shows Chinese text. (env POSRCA_EXCEL=1)")
    var excel = false

    var resolvedOutput: String? { output ?? environment("OUTPUT") }

    var resolvedFormat: OutputFormat {
        if let format = format ?? environment("FORMAT").flatMap(OutputFormat.init(rawValue:)) { return format }
        if let file = resolvedOutput, let dot = file.lastIndex(of: "."), let format = OutputFormat(rawValue: String(file[file.index(after: dot)...]).lowercased()) {
            return format
        }
        return .table
    }

    var resolvedExcel: Bool { excel || environment("EXCEL").map { $0 != "0" } == true }

    func emit(_ table: ResultTable) throws {
        let text = TableRenderer.render(table, as: resolvedFormat, excel: resolvedExcel)
        if let file = resolvedOutput {
            try failing { try FileOutput.writeAtomically(text, to: file) }
        } else {
            print(text, terminator: "")
        }
    }
}

/// Opens the database read-only, with a message that says what to do when it is missing.
func openReadOnly(_ path: String) throws -> Database {
    try requireDatabase(path)
    return try failing { try Database(path: path, mode: .readOnly) }
}

/// Exits 2, creating nothing, when there is no database at `path`: a command that only reads must
/// not make an empty one out of a typo.
func requireDatabase(_ path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else {
        printError("posrca: no database at \(path): run `posrca ingest` first (or `posrca nightly`), or pass --db")
        throw ExitCode(2)
    }
}

/// Runs `body`; a runtime failure is printed and becomes exit status 2 (docs/cli.md §3: nothing changed).
func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as QueryError {
        throw ValidationError(error.message)
    } catch {
        printError("posrca: \(error)")
        throw ExitCode(2)
    }
}
