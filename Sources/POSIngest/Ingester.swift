import Foundation
import POSFormats
public import POSInput
public import POSStore
import Synchronization

/// What happened to one file in an ingest run.
public struct FileSummary: Sendable {
    /// `ok`, `truncated`, `failed`, `skipped_duplicate`, or `unchanged` (already in, same content).
    public var status: FileStatus
    public var path: String
    public var kind: String?
    public var lines: Int = 0
    public var rows: Int = 0
    public var rejects: Int = 0
    /// Rejects by reason.
    public var rejectReasons: [String: Int] = [:]
    public var ignoredEvents: Int = 0
    public var unknownKeys: Int = 0
    public var skippedElements: Int = 0
    public var maskedPANs: Int = 0
    public var invalidUTF8: Int = 0
    public var seconds: Double = 0
    /// Why it failed, was truncated, or is a duplicate.
    public var detail: String?
    /// Why a `truncated` file stopped early (`detail` holds its text).
    public var truncation: Truncation?
    /// True when the rows replaced an earlier version of the same path.
    public var replaced = false
    /// The ingested file whose whole content this one begins with (a log that grew, a rotated
    /// copy): only the rest was read, from line `fromLine`.
    public var continues: String?
    public var fromLine: Int?
    /// What the reader of an `ok` or `truncated` file should know although nothing failed: the
    /// time zone assumed for its times, that most of its records were rejected, rows left out
    /// before the retention cut-off. Empty when there is nothing to say.
    public var warnings: [String] = []
}

/// The totals of an ingest run.
public struct IngestReport: Sendable {
    public var files: [FileSummary] = []
    /// Paths that could not be read (a missing argument, an unreadable entry): exit 2.
    public var problems: [String] = []
    /// Loops of symbolic links, reported and skipped: nothing behind them is lost, exit 1.
    public var skippedLoops: [String] = []
    public var seconds: Double = 0

    /// docs/cli.md §3 exit code: 0 clean, 1 something rejected, truncated or skipped (a link loop), 2 a file or path failed.
    public var exitCode: Int32 {
        if !problems.isEmpty || files.contains(where: { $0.status == .failed }) { return 2 }
        if !skippedLoops.isEmpty || files.contains(where: { $0.status == .truncated || $0.rejects > 0 }) { return 1 }
        return 0
    }

    public var rows: Int { files.reduce(0) { $0 + $1.rows } }
    public var rejects: Int { files.reduce(0) { $0 + $1.rejects } }
}

/// Streams files into the store: one thread reads and parses, the calling thread writes.
///
/// Decompression and parsing of the next batches overlap SQLite's inserts of the previous ones,
/// which is how an ingest keeps close to the speed of SQLite itself on two cores.
public final class Ingester {
    public let store: IngestStore
    public let options: ParseOptions
    public let progress = IngestProgress()
    /// Files (by identity) never to ingest: the database itself and its journals.
    public var excluded: Set<InputDiscovery.FileIdentity> = []
    /// Hash a file whose path, size and modification time match the ledger before calling it
    /// unchanged. Off by default: a night then costs what its new files cost, not a re-read of
    /// every log kept in the inbox (`--verify-unchanged`).
    public var verifyUnchanged = false

    public init(store: IngestStore, options: ParseOptions) {
        self.store = store
        self.options = options
    }

    /// SHA-256 of a file's raw bytes, nil when it cannot be read.
    static func rawHash(of path: String) -> String? {
        guard let source = try? LineSource(path: path) else { return nil }
        return try? source.sha256()
    }

    /// Ingests `paths` (files and folders). `onFile` is called on the calling thread after each file.
    public func run(paths: [String], onFile: (FileSummary) -> Void = { _ in }, onProgress: (Int, Int) -> Void = { _, _ in }) throws -> IngestReport {
        let started = monotonicSeconds()
        var report = IngestReport()
        let (found, problems) = InputDiscovery.files(in: paths, excluding: excluded)
        report.problems = problems.filter { !$0.isLoop }.map(\.description)
        report.skippedLoops = problems.filter(\.isLoop).map(\.description)

        // Files whose path, size and modification time (to the nanosecond) match the ledger are
        // unchanged without being read, as make and rsync decide; with `verifyUnchanged` their raw
        // bytes are hashed first.
        var toParse: [String] = []
        for file in found {
            if let entry = try store.ledgerEntry(path: file.path), entry.status != .failed,
                entry.bytes == file.size, entry.modificationTimeNanoseconds == file.modificationTimeNanoseconds,
                !verifyUnchanged || Self.rawHash(of: file.path) == entry.rawSHA256
            {
                let duplicate = entry.status == .skippedDuplicate
                var summary = FileSummary(status: duplicate ? .skippedDuplicate : .unchanged, path: file.path)
                summary.detail = duplicate ? "already recorded as a duplicate, same content" : "already ingested, same content"
                report.files.append(summary)
                onFile(summary)
                continue
            }
            toParse.append(file.path)
        }

        let channel = BatchChannel(capacity: 8)
        let options = self.options
        let progress = self.progress
        let files = toParse
        // The parsing side asks the ledger on a connection of its own which ingested files a
        // file may continue; without one (a database in memory) every file is read whole.
        let ledgerPath = store.database.path
        let producer = Thread {
            do {
                let ledger = (try? Database(path: ledgerPath, mode: .readOnly)).map(ContentLedger.init)
                var parser = FileParser(options: options, channel: channel, progress: progress, ledger: ledger)
                for (index, path) in files.enumerated() {
                    progress.fileIndex.store(index + 1, ordering: .relaxed)
                    parser.parse(path: path, sequence: index + 1)
                    parser.flush()
                }
            }
            // The read connection is closed by now: the writer's, closed last, checkpoints the
            // WAL into the database file and removes it, as a read-only connection cannot.
            channel.close()
        }
        producer.stackSize = 8 << 20
        producer.start()
        defer { channel.close() }

        var writer = FileWriter(store: store)
        while let batch = channel.receive() {
            for item in batch {
                if let summary = writer.handle(item) {
                    channel.fileDone()
                    report.files.append(summary)
                    onFile(summary)
                }
            }
            onProgress(progress.fileIndex.load(ordering: .relaxed), files.count)
        }
        report.seconds = monotonicSeconds() - started
        return report
    }
}

/// The writing side: applies items to the store and closes each file with its summary.
struct FileWriter {
    let store: IngestStore
    private var current: FileSummary?
    /// Set when the store failed mid-file: the rest of that file's items are dropped.
    private var failure: String?
    /// Rows added for the current file (before the commit says how many it kept).
    private var added = 0
    /// The first rejection of each reason in the current file, to name in its summary.
    private var examples: [String: Rejection] = [:]

    init(store: IngestStore) {
        self.store = store
    }

    mutating func handle(_ item: PipelineItem) -> FileSummary? {
        switch item {
        case .begin(let path, let kind):
            current = FileSummary(status: .ok, path: path, kind: kind.rawValue)
            failure = nil
            added = 0
            examples = [:]
            do { try store.beginFile(path: path) } catch { failure = "\(error)" }
            return nil
        case .end(let parsed):
            if let duplicate = parsed.duplicate { return recordDuplicate(parsed, of: duplicate.of, prefix: duplicate.prefix) }
            return finish(parsed)
        case .discard:
            store.rollbackFile()
            current = nil
            failure = nil
            return nil
        case .failed(let path, let reason, _):
            store.rollbackFile()
            var summary = current ?? FileSummary(status: .failed, path: path)
            summary.status = .failed
            summary.detail = reason
            summary.rows = 0
            summary.rejects = 0
            summary.rejectReasons = [:]
            current = nil
            recordFailure(path: path, kind: summary.kind, reason: reason)
            return summary
        default:
            guard failure == nil, current != nil else { return nil }
            do {
                switch item {
                case .terminal(let record): try store.add(record)
                case .message(let message): try store.add(message)
                case .link(let event): try store.add(event)
                case .inventory(let row): try store.add(row)
                case .catalogue(let entry): try store.add(entry)
                case .rejected(let rejection):
                    try store.add(rejection)
                    current!.rejectReasons[rejection.reason, default: 0] += 1
                    if examples[rejection.reason] == nil, examples.count < 64 { examples[rejection.reason] = rejection }
                default: break
                }
                if case .rejected = item {} else { added += 1 }
            } catch {
                failure = "\(error)"
                store.rollbackFile()
            }
            return nil
        }
    }

    private mutating func finish(_ parsed: ParsedFile) -> FileSummary? {
        // Every file sent ends in one summary: the parsing side may be waiting for it.
        var summary = current ?? FileSummary(status: .ok, path: parsed.path, kind: parsed.kind.rawValue)
        if current == nil, failure == nil { failure = "read without its start (an ingest defect)" }
        current = nil
        summary.lines = parsed.lines
        summary.seconds = parsed.seconds
        summary.maskedPANs = parsed.counts["masked_pans"] ?? 0
        summary.invalidUTF8 = parsed.counts["invalid_utf8"] ?? 0
        summary.ignoredEvents = parsed.counts.filter { $0.key.hasPrefix("ignored_event:") }.reduce(0) { $0 + $1.value }
        summary.unknownKeys = parsed.counts.filter { $0.key.hasPrefix("unknown_key:") }.reduce(0) { $0 + $1.value }
        summary.skippedElements = parsed.counts.filter { $0.key.hasPrefix("skipped:") }.reduce(0) { $0 + $1.value }
        if let failure {
            summary.status = .failed
            summary.detail = failure
            summary.rejectReasons = [:]
            recordFailure(path: parsed.path, kind: parsed.kind.rawValue, reason: failure, parsed: parsed)
            return summary
        }
        var counts = parsed.counts
        for (reason, n) in summary.rejectReasons { counts["reject:\(reason)"] = n }
        let verdict = Self.verdict(
            rejectReasons: summary.rejectReasons, examples: examples, added: added,
            readWithoutRows: summary.skippedElements + summary.ignoredEvents, counts: counts)
        // A file continuing another read its start before: the rest being unreadable is no failure.
        if let nothingRead = verdict.failure, parsed.continues == nil {
            // Nothing of the file could be read: it fails whole (exit 2) and is tried again next run.
            store.rollbackFile()
            summary.status = .failed
            summary.detail = nothingRead
            summary.rows = 0
            summary.rejects = 0
            summary.rejectReasons = [:]
            recordFailure(path: parsed.path, kind: parsed.kind.rawValue, reason: nothingRead, parsed: parsed)
            return summary
        }
        summary.warnings = verdict.warnings
        // The ledger keeps the warnings with the counts (the parser's are there already).
        for warning in verdict.warnings { counts[FileParser.warningPrefix + warning] = 1 }
        let status: FileStatus = parsed.truncation == nil ? .ok : .truncated
        let record = Self.record(parsed, status: status, error: parsed.truncation?.description, counts: counts)
        do {
            switch try store.commitFile(record) {
            case .committed(_, let rows, let rejects, let replaced, let beforeCutoff):
                summary.status = status
                summary.rows = rows
                summary.rejects = rejects
                summary.replaced = replaced
                summary.detail = parsed.truncation?.description
                summary.truncation = parsed.truncation
                summary.continues = parsed.continues?.path
                summary.fromLine = parsed.continues.map { $0.resumeLine + 1 }
                if beforeCutoff > 0 {
                    summary.warnings.append("\(beforeCutoff) rows before the retention cut-off were not stored (those days are archived)")
                }
            case .duplicate(let existing), .prefix(let existing):
                Self.describeDuplicate(&summary, existing: existing, prefix: false)
            }
        } catch {
            summary.status = .failed
            summary.detail = "\(error)"
            summary.rows = 0
            summary.rejects = 0
            summary.rejectReasons = [:]
            recordFailure(path: parsed.path, kind: parsed.kind.rawValue, reason: "\(error)", parsed: parsed)
        }
        return summary
    }

    /// A file found to be content already in before any row was read: recorded without rows.
    private mutating func recordDuplicate(_ parsed: ParsedFile, of existing: IngestedContent, prefix: Bool) -> FileSummary {
        store.rollbackFile()
        current = nil
        var summary = FileSummary(status: .skippedDuplicate, path: parsed.path, kind: parsed.kind.rawValue)
        summary.seconds = parsed.seconds
        do {
            _ = try store.recordDuplicate(Self.record(parsed, status: .skippedDuplicate, error: nil, counts: [:]), of: existing, prefix: prefix)
            Self.describeDuplicate(&summary, existing: existing.path, prefix: prefix)
        } catch {
            summary.status = .failed
            summary.detail = "\(error)"
            recordFailure(path: parsed.path, kind: parsed.kind.rawValue, reason: "\(error)", parsed: parsed)
        }
        return summary
    }

    private static func describeDuplicate(_ summary: inout FileSummary, existing: String, prefix: Bool) {
        if prefix {
            summary.status = .skippedDuplicate
            summary.detail = "a prefix of \(existing), already ingested"
        } else {
            summary.status = existing == summary.path ? .unchanged : .skippedDuplicate
            summary.detail = existing == summary.path ? "already ingested, same content" : "same content as \(existing)"
        }
        summary.rows = 0
        summary.rejects = 0
        summary.rejectReasons = [:]
    }

    /// The ledger's record of a parsed file.
    private static func record(_ parsed: ParsedFile, status: FileStatus, error: String?, counts: [String: Int]) -> FileRecord {
        FileRecord(
            path: parsed.path, sha256: parsed.sha256, kind: parsed.kind, compression: parsed.compression, bytes: parsed.bytes,
            decodedBytes: parsed.decodedBytes, modificationTimeNanoseconds: parsed.modificationTimeNanoseconds, lines: parsed.lines,
            status: status, error: error, seconds: parsed.seconds, counts: counts, rawSHA256: parsed.rawSHA256,
            headSHA256: parsed.headSHA256, resume: parsed.resume, continues: parsed.continues, beginsWith: parsed.beginsWith
        )
    }

    /// What a parsed file's rejects and counts come to: a failure when nothing of it could be
    /// read, else the warnings of its summary line.
    ///
    /// Nothing was read when there are rejects and no row, no skipped element and no ignored
    /// event: the failure names the leading reason and its first example. A file is mostly
    /// rejected when more than half of its records are (records: `<log>` elements, non-blank
    /// lines, or rows and rejects). Warnings the parser left in `warning:` counts come first.
    static func verdict(
        rejectReasons: [String: Int], examples: [String: Rejection], added: Int, readWithoutRows: Int, counts: [String: Int]
    ) -> (failure: String?, warnings: [String]) {
        var warnings = counts.keys.filter { $0.hasPrefix(FileParser.warningPrefix) }.sorted()
            .map { String($0.dropFirst(FileParser.warningPrefix.count)) }
        let rejects = rejectReasons.values.reduce(0, +)
        guard rejects > 0 else { return (nil, warnings) }
        let leading = rejectReasons.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!
        let records = max(counts["records"] ?? (added + rejects), rejects)
        if added == 0, readWithoutRows == 0 {
            var text = "nothing could be read: \(rejects) of \(records) records rejected, \(leading.value) as \(leading.key)"
            if let example = examples[leading.key] {
                text += ", e.g. line \(example.line): " + Self.excerpt(example.text)
            }
            return (text, warnings)
        }
        if rejects * 2 > records {
            warnings.append("mostly rejected: \(rejects) of \(records) records, \(leading.value) as \(leading.key)")
        }
        return (nil, warnings)
    }

    /// The start of a reject text for a one-line message: its first line, at most 120 characters.
    ///
    /// Digits running up to a cut become `*`: the text was masked whole, and the start of a long
    /// run of digits that was no card number may pass the Luhn check on its own.
    private static func excerpt(_ text: String) -> String {
        let firstLine = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard firstLine.count > 120 else { return firstLine.utf8.count < text.utf8.count ? firstLine + " …" : firstLine }
        var kept = Array(firstLine.prefix(120))
        if let next = firstLine.dropFirst(120).first, next.isASCII, next.isNumber {
            var k = kept.count
            while k > 0, kept[k - 1].isASCII, kept[k - 1].isNumber {
                k -= 1
                kept[k] = "*"
            }
        }
        return String(kept) + "…"
    }

    /// Notes a failed file in the ledger (best effort: when the disk is full even this may fail).
    private func recordFailure(path: String, kind: String?, reason: String, parsed: ParsedFile? = nil) {
        let record = FileRecord(
            path: path, sha256: parsed?.sha256 ?? "", kind: InputKind(rawValue: kind ?? "") ?? .terminalLog,
            compression: parsed?.compression ?? "none", bytes: parsed?.bytes ?? 0, decodedBytes: parsed?.decodedBytes ?? 0,
            modificationTimeNanoseconds: parsed?.modificationTimeNanoseconds ?? 0, lines: parsed?.lines ?? 0,
            status: .failed, error: reason, seconds: parsed?.seconds ?? 0, counts: [:], rawSHA256: parsed?.rawSHA256 ?? ""
        )
        try? store.recordWithoutRows(record)
    }
}
