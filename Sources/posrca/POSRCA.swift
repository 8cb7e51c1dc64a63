import ArgumentParser
import Glibc

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

    /// Sets who may read what posrca creates before any command runs: the database and its side
    /// files, the lock, reports, archives and logs hold masked card numbers, terminal IDs, amounts
    /// and acquirer hosts, so they are the owner's alone (0600 files, 0700 folders) whatever the
    /// caller's umask, or the owner's group's too (0640, 0750) with `--group-readable` or
    /// `POSRCA_GROUP_READABLE=1`. SQLite gives its WAL and shared-memory files the database's mode.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let group = arguments.contains("--group-readable") || environment("GROUP_READABLE").map { $0 != "0" } == true
        umask(group ? 0o027 : 0o077)
        Self.main(arguments)
    }
}

/// The tool's version, written into manifests.
enum POSRCAVersion {
    static let current = "0.1.0"
}
