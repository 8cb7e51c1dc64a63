@preconcurrency import Glibc

// Apart from Console.swift because Foundation's import of Glibc is not `@preconcurrency`, and
// `stdout` is a global variable of it.

extension Console {
    /// Sends what would be printed on standard output to standard error from now on, line by
    /// line: `nightly` says everything as log lines on standard error (docs/cli.md §12.2).
    ///
    /// Standard output is made line-buffered, so that lines printed there and lines written
    /// straight to standard error keep their order in one file, and a killed run loses none.
    public static func sendStandardOutputToStandardError() {
        fflush(nil)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        setvbuf(stdout, nil, _IOLBF, 0)
    }
}
