import ArgumentParser
import POSReports
import POSStore

extension POSRCA {
    /// `posrca sql "SELECT …"`: an ad-hoc read-only query.
    struct SQL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sql",
            abstract: "Run one ad-hoc read-only SQL statement and print or save its rows.",
            discussion: """
                The connection is opened read-only and the statement must only read: INSERT, UPDATE, DELETE, \
                DROP, CREATE, ATTACH, BEGIN, PRAGMA settings and a second statement are refused (exit 2) and \
                change nothing. Query the stable views (docs/cli.md §4): transactions, acquirer_messages, \
                network_events, firmware_history, rejects, files, findings, finding_terminals, findings_history, \
                analysis_history, code_gaps, code_gap_tests and the daily_* aggregates.
                """
        )

        @Argument(help: "The SQL statement, e.g. \"SELECT day, count(*) FROM transactions GROUP BY day\".")
        var statement: String

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: ResultOutputOptions

        func run() throws {
            let connection = try openReadOnly(database.path)
            let table = try failing { try QueryRunner.run(sql: statement, on: connection) }
            try output.emit(table)
        }
    }
}
