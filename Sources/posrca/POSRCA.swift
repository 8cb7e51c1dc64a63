import ArgumentParser
import Glibc
import POSJobs

/// The `posrca` command: why card terminals show unknown return codes.
///
/// The commands only declare their options, resolve them (each one's `Setting`: flag, then
/// `POSRCA_*`, then the default) into the plain settings of a `POSJobs` job, and run it; its
/// `ExitStatus` is the process's (docs/cli.md §3).
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
        umask(0o077)
        do {
            if try Settings.groupReadable.isOn(arguments.contains("--group-readable")) { umask(0o027) }
        } catch let error as JobUsageError {
            exit(withError: ValidationError(error.message))
        } catch {
            exit(withError: error)
        }
        Self.main(arguments)
    }
}

/// A command that runs one job: its help is the job's, its options are checked by building the
/// job before anything runs, and the job's status ends the process.
protocol JobCommand: ParsableCommand {
    associatedtype Work: Job
    /// The job, from the options: a bad flag or variable throws `JobUsageError`.
    func job() throws -> Work
}

extension JobCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(abstract: Work.abstract, discussion: Work.discussion) }

    func validate() throws { try check(job) }

    /// Runs the job. What went wrong is on standard error already; a usage error found while
    /// running is reported as a bad option is (exit 64).
    func run() throws {
        let job = try job()
        let status: ExitStatus
        do {
            status = try job.run()
        } catch let stop as JobExit {
            status = stop.status
        } catch let usage as JobUsageError {
            throw ValidationError(usage.message)
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}
