public import ArgumentParser
import POSFormats
import POSReports
import POSStore

extension POSRCA {
    /// `posrca codes`: the response-code catalogue in force.
    struct Codes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the response-code catalogue in force, with where and how often each code was seen.",
            discussion: """
                The built-in ISO 8583:1987 and China UnionPay 2015 tables, plus codes from catalogue files \
                ingested into the database. Codes seen in the logs but in no catalogue are listed too, as \
                non-standard.
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Option(name: .long, help: "Output format: table, csv, json or jsonl.")
        var format: OutputFormat = .table

        func run() throws {
            // A reading command: a typo in --db must not leave an empty database behind.
            try requireDatabase(database.path)
            let store = try database.openStore()
            let table = try CodeCatalogueReport.table(database: store.database)
            print(TableRenderer.render(table, as: format), terminator: "")
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
