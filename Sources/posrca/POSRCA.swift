import ArgumentParser

/// The `posrca` command: why card terminals show unknown return codes.
@main
struct POSRCA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posrca",
        abstract: "Find out why card terminals show unknown return codes.",
        discussion: """
            Streams terminal event logs and jPOS acquirer logs (plain or gzip) into SQLite, matches both sides \
            and explains which terminals, firmware, channels, fee tiers, acquirers and network conditions carry \
            the unknown codes. Every option also reads an environment variable POSRCA_<NAME> \
            (for example POSRCA_DB for --db).
            """,
        version: POSRCAVersion.current,
        subcommands: [Ingest.self, Analyze.self, Query.self, SQL.self, Report.self, Nightly.self, Prune.self, Export.self, Codes.self]
    )
}

/// The tool's version, written into manifests.
enum POSRCAVersion {
    static let current = "0.1.0"
}
