import ArgumentParser
@preconcurrency import Glibc
import POSAnalysis
import POSReports
import POSStore

extension POSRCA {
    /// `posrca report`: every report file into one folder.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write findings.csv, one CSV per canned query, summary.html and manifest.json.",
            discussion: """
                Reads the database as the last `posrca analyze` left it. Each file is written to a temporary \
                name and renamed when complete; manifest.json comes last and records the inputs (with their \
                SHA-256), the version of the tool and of each query, the options and the timings. \
                Exit status: 0 done, 2 a query or the database failed.
                """
        )

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var queries: QueriesOptions
        @OptionGroup var lock: LockOptions
        @OptionGroup var language: LanguageOptions

        @Option(name: .long, help: "The folder to write into; created when missing. (env POSRCA_OUT; default reports)")
        var out: String?

        func run() throws {
            let folder = out ?? environment("OUT") ?? "reports"
            let library = try queries.library()
            try requireDatabase(database.path)
            let runLock = try holdRunLock(database: database.path, shared: true, wait: lock.waits)
            defer { runLock.release() }
            let connection = try openReadOnly(database.path)
            var context = ReportContext(toolVersion: POSRCAVersion.current)
            context.language = language.language
            context.options = [
                ("command", .string("report")), ("db", .string(database.path)), ("out", .string(folder)), ("queries", .string(library.origin)),
                ("lang", .string(language.language.rawValue)),
            ]
            let outcome = try failing { try ReportWriter.write(database: connection, queries: library, folder: folder, context: context) }
            for problem in outcome.problems { printError("posrca: \(problem)") }
            print("Wrote \(outcome.files.count) files to \(folder)/ in \(String(outcome.seconds.rounded(toPlaces: 2))) s: \(outcome.findings) findings, \(library.queries.count) queries.")
            if !outcome.problems.isEmpty { throw ExitCode(2) }
        }
    }
}

extension Double {
    /// Rounded to `places` decimals, for log lines.
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}

/// Makes standard output line-buffered, so that lines printed there and lines written straight to
/// standard error keep their order when both go to one file, and a killed run loses none.
/// (Here rather than in Nightly.swift because Foundation's import of Glibc is not `@preconcurrency`.)
func lineBufferStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
