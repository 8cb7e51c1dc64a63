import ArgumentParser
import Foundation
import POSFormats
import POSIngest
import POSInput
import POSReports
import POSStore
import Synchronization

extension POSRCA {
    /// `posrca ingest`: stream files and folders into the database.
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stream terminal logs, acquirer logs, inventories and code catalogues into the database.",
            discussion: """
                Files may be plain or gzip; folders are read recursively; each file's kind is recognised by its \
                content. A file already ingested with the same content (SHA-256 after decompression) is skipped, \
                without being read when its path, size and modification time are those recorded; a path whose \
                content changed replaces that file's rows. Exit status: 0 clean, 1 lines rejected or a file \
                truncated, 2 a file or path failed, 64 usage error.
                """
        )

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var timeZones: TimeZoneOptions

        @Option(name: .long, help: "Read every file as this kind instead of recognising it: terminal_log, acquirer_log, inventory or catalogue. (env POSRCA_KIND)")
        var kind: InputKind?

        @Option(name: .long, help: "Longest line kept, in bytes; longer lines are rejected with their length. (env POSRCA_MAX_LINE_BYTES)")
        var maxLineBytes: Int?

        @Option(name: .long, help: "Fail a gzip file that decompresses to more than this many times its size, a likely gzip bomb; checked past 64 MiB. (env POSRCA_MAX_INFLATE_RATIO; default 200)")
        var maxInflateRatio: Double?

        @Flag(name: .long, help: "Hash files whose path, size and modification time match the ledger before skipping them as unchanged (slower; by default they are skipped unread). (env POSRCA_VERIFY_UNCHANGED=1)")
        var verifyUnchanged = false

        @Argument(help: "Files and folders to ingest. (env POSRCA_INBOX; default SampleLogs)")
        var paths: [String] = []

        func validate() throws {
            if let maxLineBytes, maxLineBytes < 1024 { throw ValidationError("--max-line-bytes must be at least 1024.") }
            if let maxInflateRatio, maxInflateRatio < 2 { throw ValidationError("--max-inflate-ratio must be at least 2.") }
        }

        func run() throws {
            let inputs = paths.isEmpty ? [environment("INBOX") ?? "SampleLogs"] : paths
            let status = try IngestRun(
                databasePath: database.path, output: output, timeZones: timeZones,
                kind: kind ?? environment("KIND").flatMap(InputKind.init(rawValue:)),
                maxLineBytes: maxLineBytes ?? environment("MAX_LINE_BYTES").flatMap(Int.init) ?? (1 << 20),
                maxInflateRatio: maxInflateRatio ?? environment("MAX_INFLATE_RATIO").flatMap(Double.init) ?? 200,
                verifyUnchanged: verifyUnchanged || environment("VERIFY_UNCHANGED") == "1"
            ).run(inputs).exitCode
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// An ingest as the `ingest` and `nightly` commands run it: progress, per-file lines, totals.
struct IngestRun {
    var databasePath: String
    var output: OutputOptions
    var timeZones: TimeZoneOptions
    var kind: InputKind?
    var maxLineBytes: Int
    var maxInflateRatio: Double = 200
    /// Hash files that look unchanged before skipping them.
    var verifyUnchanged = false

    /// Holds the run lock itself unless the caller (nightly) holds it already.
    var takeLock = true

    func run(_ inputs: [String]) throws -> IngestReport {
        let runLock = takeLock ? try holdRunLock(database: databasePath, shared: false, wait: true) : nil
        defer { runLock?.release() }
        let store: IngestStore
        do {
            store = try IngestStore(database: Database(path: databasePath))
        } catch {
            printError("posrca: cannot open the database \(databasePath): \(error)")
            throw ExitCode(2)
        }
        var options = ParseOptions()
        options.terminalTimeZone = timeZones.terminalZone
        options.acquirerTimeZone = timeZones.acquirerZone
        options.kind = kind
        options.maxLineBytes = maxLineBytes
        options.maxInflateRatio = maxInflateRatio
        let ingester = Ingester(store: store, options: options)
        ingester.verifyUnchanged = verifyUnchanged
        for suffix in ["", "-wal", "-shm", "-journal"] {
            if let id = InputDiscovery.identity(of: databasePath + suffix) { ingester.excluded.insert(id) }
        }
        let bar = ProgressBar(enabled: !output.isQuiet && standardErrorIsTerminal, progress: ingester.progress)
        let json = output.resolvedLogFormat == .json
        let report = try ingester.run(
            paths: inputs,
            onFile: { summary in
                bar.clear()
                print(json ? summary.jsonLine : summary.textLine)
            },
            onProgress: { index, count in bar.update(fileIndex: index, fileCount: count) }
        )
        bar.clear()
        for problem in report.problems + report.skippedLoops { printError("posrca: \(problem)") }
        let totals = "\(report.files.count) files, \(report.rows) rows, \(report.rejects) rejects in \(String(format: "%.2f", report.seconds)) s"
        if json {
            print("{\"event\":\"ingest_done\",\"files\":\(report.files.count),\"rows\":\(report.rows),\"rejects\":\(report.rejects),\"seconds\":\(String(format: "%.3f", report.seconds)),\"exit\":\(report.exitCode)}")
        } else {
            print(totals)
        }
        return report
    }
}

extension FileSummary {
    /// One line for a person: status, kind, path and the counts that matter.
    var textLine: String {
        var parts = [status.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0), (kind ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0), path]
        if status.holdsRows {
            parts.append("lines \(lines)")
            parts.append("rows \(rows)")
            var rejectText = "rejects \(rejects)"
            if !rejectReasons.isEmpty {
                rejectText += " (" + rejectReasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
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

    /// The same as one JSON object, for schedulers.
    var jsonLine: String {
        let reasons = rejectReasons.sorted { $0.key < $1.key }
            .map { "\(TableRenderer.jsonString($0.key)):\($0.value)" }.joined(separator: ",")
        return "{\"event\":\"file\",\"status\":\(TableRenderer.jsonString(status.rawValue)),\"kind\":\(kind.map(TableRenderer.jsonString) ?? "null"),"
            + "\"path\":\(TableRenderer.jsonString(path)),\"lines\":\(lines),\"rows\":\(rows),\"rejects\":\(rejects),"
            + "\"reject_reasons\":{\(reasons)},\"ignored_events\":\(ignoredEvents),\"unknown_keys\":\(unknownKeys),"
            + "\"skipped_elements\":\(skippedElements),\"masked_pans\":\(maskedPANs),\"invalid_utf8\":\(invalidUTF8),"
            + "\"seconds\":\(String(format: "%.3f", seconds)),\"detail\":\(detail.map(TableRenderer.jsonString) ?? "null"),"
            + "\"continues\":\(continues.map(TableRenderer.jsonString) ?? "null"),\"from_line\":\(fromLine.map(String.init) ?? "null"),"
            + "\"warnings\":[\(warnings.map(TableRenderer.jsonString).joined(separator: ","))]}"
    }
}

/// A one-line progress bar on standard error: bytes, lines and rate.
final class ProgressBar {
    let enabled: Bool
    let progress: IngestProgress
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool, progress: IngestProgress) {
        self.enabled = enabled
        self.progress = progress
    }

    func update(fileIndex: Int, fileCount: Int) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let bytes = Double(progress.bytesRead.load(ordering: .relaxed))
        let lines = Double(progress.lines.load(ordering: .relaxed))
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let text = String(
            format: "\r file %d/%d  %.1f MB read  %.0fk lines  %.1f MB/s  %.0fk lines/s ",
            fileIndex, fileCount, bytes / 1e6, lines / 1e3, bytes / 1e6 / elapsed, lines / 1e3 / elapsed
        )
        FileHandle.standardError.write(Data(text.utf8))
        drawn = true
    }

    func clear() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}

/// One line of progress on standard error, rewritten in place, only when it is a terminal.
final class ProgressLine: @unchecked Sendable {
    // Unchecked: used from the thread that runs the command only.
    let enabled: Bool
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func show(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K posrca: " + text).utf8))
        drawn = true
    }

    func clear() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
