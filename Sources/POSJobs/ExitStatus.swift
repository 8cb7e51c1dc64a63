public import POSIngest

/// How a posrca run ends: the process's exit status (docs/cli.md §3).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Done, nothing rejected.
    case success = 0
    /// Done, but lines were rejected, a file was truncated or a folder loop was skipped.
    case rejects = 1
    /// A file, a path or a step failed; nothing of the failing file or step was changed.
    case failed = 2
    /// A bad option or `POSRCA_*` value (swift-argument-parser's code for a validation error).
    case usage = 64
    /// Another run holds the database's lock (`EX_TEMPFAIL`: try again later).
    case locked = 75

    /// The status an ingest's report calls for: `success`, `rejects` or `failed`.
    public init(_ report: IngestReport) {
        self = ExitStatus(rawValue: report.exitCode) ?? .failed
    }
}

/// A job that stops before its end with `status`; what went wrong has been written to
/// standard error already (`posrca: …`), so the command line only exits.
public struct JobExit: Error, Sendable, CustomStringConvertible {
    public let status: ExitStatus

    public init(_ status: ExitStatus) {
        self.status = status
    }

    public var description: String { "exit status \(status.rawValue)" }
}

/// A usage error a job finds only once it runs (a canned query's unknown parameter, …): the
/// command line reports it as it reports a bad option, exit 64 (docs/cli.md §3).
public struct JobUsageError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The tool's version, written into manifests and printed by `posrca --version`.
public enum POSRCAVersion {
    public static let current = "0.1.0"
}
