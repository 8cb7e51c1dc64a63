import Foundation
public import POSFormats
public import POSIngest
import POSInput
public import POSReports
import POSStore

/// How an ingest reads files (docs/cli.md §2.1): each value is the library's default until the
/// command line sets it.
public struct IngestSettings: Sendable {
    /// Read every file as this kind instead of recognising it (`--kind`).
    public var kind: InputKind?
    /// The zone of terminal times written without an offset (`--terminal-tz`; default +08:00).
    public var terminalZone: TimeZoneSetting?
    /// The zone of acquirer times without one or with an ambiguous zone (`--acquirer-tz`).
    public var acquirerZone: TimeZoneSetting?
    /// Longest line kept (`--max-line-bytes`).
    public var maxLineBytes = ParseOptions().maxLineBytes
    /// Fail a gzip file that decompresses to more than this many times its size (`--max-inflate-ratio`).
    public var maxInflateRatio = ParseOptions().maxInflateRatio
    /// Hash files that look unchanged before skipping them (`--verify-unchanged`).
    public var verifyUnchanged = false

    public init() {}

    /// What the parser reads files with.
    var parseOptions: ParseOptions {
        var options = ParseOptions()
        options.terminalTimeZone = terminalZone?.zone
        options.acquirerTimeZone = acquirerZone?.zone
        options.kind = kind
        options.maxLineBytes = maxLineBytes
        options.maxInflateRatio = maxInflateRatio
        return options
    }
}

/// How a job shows its work: the log's format and whether a progress bar may be drawn.
public struct OutputSettings: Sendable {
    /// Text or JSON lines (`--log-format`).
    public var logFormat = LogFormat.text
    /// No progress bar (`--quiet`).
    public var quiet = false

    public init() {}
}

/// An ingest as the `ingest` and `nightly` commands run it: progress, a line per file and the
/// totals on standard output (docs/cli.md §2.1, §7.4).
public struct IngestJob: Job {
    public static let abstract = "Stream terminal logs, acquirer logs, inventories and code catalogues into the database."
    public static let discussion = """
        Files may be plain or gzip; folders are read recursively; each file's kind is recognised by its \
        content. A file already ingested with the same content (SHA-256 after decompression) is skipped, \
        without being read when its path, size and modification time are those recorded; a path whose \
        content changed replaces that file's rows. Exit status: 0 clean, 1 lines rejected or a file \
        truncated, 2 a file or path failed, 64 usage error.
        """

    public var database: String
    public var inputs: [String]
    public var settings: IngestSettings
    public var output: OutputSettings
    /// Holds the run lock itself unless the caller (nightly) holds it already.
    public var takeLock = true

    public init(database: String, inputs: [String], settings: IngestSettings, output: OutputSettings) {
        self.database = database
        self.inputs = inputs
        self.settings = settings
        self.output = output
    }

    public func run() throws -> ExitStatus { ExitStatus(try ingest()) }

    /// Runs the ingest and returns what it did to each file.
    public func ingest() throws -> IngestReport {
        let runLock = takeLock ? try DatabaseAccess.holdRunLock(database: database, shared: false, wait: true) : nil
        defer { runLock?.release() }
        let store: IngestStore
        do {
            store = try DatabaseAccess.openStore(database)
        } catch {
            Console.error("posrca: cannot open the database \(database): \(error)")
            throw JobExit(.failed)
        }
        let ingester = Ingester(store: store, options: settings.parseOptions)
        ingester.verifyUnchanged = settings.verifyUnchanged
        for suffix in ["", "-wal", "-shm", "-journal"] {
            if let id = InputDiscovery.identity(of: database + suffix) { ingester.excluded.insert(id) }
        }
        let bar = ProgressBar(enabled: !output.quiet && Console.standardErrorIsTerminal, progress: ingester.progress)
        let log = RunLog(format: output.logFormat, destination: .standardOutput)
        let report = try ingester.run(
            paths: inputs,
            onFile: { summary in
                bar.clear()
                log.record(text: summary.textLine, json: summary.json)
            },
            onProgress: { index, count in bar.update(fileIndex: index, fileCount: count) }
        )
        bar.clear()
        for problem in report.problems + report.skippedLoops { Console.error("posrca: \(problem)") }
        log.record(
            text: "\(report.files.count) files, \(report.rows) rows, \(report.rejects) rejects in \(String(format: "%.2f", report.seconds)) s",
            json: .object([
                ("event", .string("ingest_done")), ("files", .integer(Int64(report.files.count))), ("rows", .integer(Int64(report.rows))),
                ("rejects", .integer(Int64(report.rejects))), ("seconds", .fixed(report.seconds, places: 3)),
                ("exit", .integer(Int64(ExitStatus(report).rawValue))),
            ])
        )
        return report
    }
}

extension FileSummary {
    /// One line for a person: status, kind, path and the counts that matter (docs/cli.md §7.4).
    public var textLine: String {
        var parts = [
            status.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0), (kind ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0),
            path,
        ]
        if status.holdsRows {
            parts.append("lines \(lines)")
            parts.append("rows \(rows)")
            var rejectText = "rejects \(rejects)"
            if !rejectReasons.isEmpty {
                rejectText +=
                    " ("
                    + rejectReasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
            }
            parts.append(rejectText)
            if ignoredEvents > 0 { parts.append("ignored events \(ignoredEvents)") }
            if unknownKeys > 0 { parts.append("unknown keys \(unknownKeys)") }
            if skippedElements > 0 { parts.append("skipped elements \(skippedElements)") }
            if invalidUTF8 > 0 { parts.append("invalid UTF-8 \(invalidUTF8)") }
            parts.append("masked PANs \(maskedPANs)")
            parts.append(String(format: "%.2f s", seconds))
            if replaced { parts.append("(replaced the earlier version)") }
            if let continues, let fromLine { parts.append("(continues \(continues) from line \(fromLine))") }
        }
        if let detail { parts.append("— \(detail)") }
        for warning in warnings { parts.append("warning: \(warning)") }
        return parts.joined(separator: "  ")
    }

    /// The same as one JSON object, for schedulers: the `file` event of docs/cli.md §7.4.
    public var json: JSONValue {
        .object([
            ("event", .string("file")), ("status", .string(status.rawValue)), ("kind", .optional(kind)), ("path", .string(path)),
            ("lines", .integer(Int64(lines))), ("rows", .integer(Int64(rows))), ("rejects", .integer(Int64(rejects))),
            ("reject_reasons", .object(rejectReasons.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })),
            ("ignored_events", .integer(Int64(ignoredEvents))), ("unknown_keys", .integer(Int64(unknownKeys))),
            ("skipped_elements", .integer(Int64(skippedElements))), ("masked_pans", .integer(Int64(maskedPANs))),
            ("invalid_utf8", .integer(Int64(invalidUTF8))), ("seconds", .fixed(seconds, places: 3)), ("detail", .optional(detail)),
            ("continues", .optional(continues)), ("from_line", fromLine.map { .integer(Int64($0)) } ?? .null),
            ("warnings", .array(warnings.map(JSONValue.string))),
        ])
    }
}
