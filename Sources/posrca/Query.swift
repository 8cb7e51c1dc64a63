import ArgumentParser
import POSJobs
import POSReports

extension POSRCA {
    /// `posrca query list|run`: the canned queries of `Queries/` (docs/cli.md §2.3).
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

        /// `posrca query list`.
        struct List: JobCommand {
            @OptionGroup var queries: QueriesOptions
            @OptionGroup var output: ResultOutputOptions

            func job() throws -> QueryListJob { QueryListJob(queries: queries.source, output: try output.settings()) }
        }

        /// `posrca query run NAME --param k=v …`.
        struct Run: JobCommand {
            @Argument(help: "The query's name: its file name without .sql (see `posrca query list`).")
            var name: String
            @Option(name: .customLong("param"), help: ArgumentHelp("A parameter as name=value; repeat for several.", valueName: "name=value"))
            var parameters: [String] = []
            @OptionGroup var database: DatabaseOptions
            @OptionGroup var queries: QueriesOptions
            @OptionGroup var output: ResultOutputOptions

            func job() throws -> QueryRunJob {
                QueryRunJob(name: name, parameters: parameters, database: database.path, queries: queries.source, output: try output.settings())
            }
        }
    }

    /// `posrca sql "SELECT …"`: an ad-hoc read-only query (docs/cli.md §2.4).
    struct SQL: JobCommand {
        static let configuration = CommandConfiguration(commandName: "sql", abstract: SQLJob.abstract, discussion: SQLJob.discussion)

        @Argument(help: "The SQL statement, e.g. \"SELECT day, count(*) FROM transactions GROUP BY day\".")
        var statement: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: ResultOutputOptions

        func job() throws -> SQLJob { SQLJob(statement: statement, database: database.path, output: try output.settings()) }
    }

    /// `posrca codes`: the response-code catalogue in force (docs/cli.md §2.9).
    struct Codes: JobCommand {
        @OptionGroup var database: DatabaseOptions
        @Option(help: .init(Settings.format, default: "table")) var format: OutputFormat?

        func job() throws -> CodesJob { CodesJob(database: database.path, format: try Settings.format.resolve(format) ?? .table) }
    }
}
