/// A run that one command starts (docs/cli.md §2): built from plain settings the command line
/// resolved, it does the work and says how the process ends. Its description is here, with
/// what it does, for the command's `--help`.
public protocol Job {
    /// One line: what the command does.
    static var abstract: String { get }
    /// More: how, what it changes, its exit statuses.
    static var discussion: String { get }

    /// Does the work; what went wrong is on standard error, and a `JobExit` or the status
    /// returned ends the process (docs/cli.md §3).
    func run() throws -> ExitStatus
}
