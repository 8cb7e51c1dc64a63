import Glibc
import Synchronization
public import POSFormats
import POSInput

/// Options of the parsing side of an ingest.
public struct ParseOptions: Sendable {
    /// Offset for terminal `ts` values without one (`--terminal-tz`), minutes east of UTC.
    public var terminalOffsetMinutes: Int = 480
    /// Offset for acquirer `at` values without one or with an ambiguous zone (`--acquirer-tz`).
    public var acquirerOffsetMinutes: Int = 480
    /// Forces the kind of every file (`--kind`), instead of recognising it by content.
    public var kind: InputKind?
    /// Longest line kept; longer ones are rejected with their length.
    public var maxLineBytes: Int = 1 << 20
    /// A gzip file that decompresses to more than this many times its size fails whole (`--max-inflate-ratio`).
    public var maxInflateRatio: Double? = 200

    public init() {}
}

/// Reads one file on the parsing thread and sends its items down the channel in batches.
struct FileParser {
    let options: ParseOptions
    let channel: BatchChannel
    let progress: IngestProgress
    private var batch: [PipelineItem] = []
    static let batchSize = 4096

    init(options: ParseOptions, channel: BatchChannel, progress: IngestProgress) {
        self.options = options
        self.channel = channel
        self.progress = progress
        batch.reserveCapacity(Self.batchSize)
    }

    /// Sends what is batched. Returns false when the writer has stopped listening.
    @discardableResult
    mutating func flush() -> Bool {
        guard !batch.isEmpty else { return true }
        let ok = channel.send(batch)
        batch = []
        batch.reserveCapacity(Self.batchSize)
        return ok
    }

    @inline(__always)
    mutating func emit(_ item: PipelineItem) {
        batch.append(item)
        if batch.count >= Self.batchSize { flush() }
    }

    /// Parses `path` whole. Never throws: a file that cannot be read becomes a `.failed` item.
    mutating func parse(path: String) {
        let started = monotonicSeconds()
        let source: LineSource
        do {
            source = try LineSource(path: path, maxLineBytes: options.maxLineBytes, maxInflateRatio: options.maxInflateRatio)
        } catch {
            emit(.failed(path: path, reason: "\(error)", file: nil))
            return
        }
        var lastReported: Int64 = 0
        let progress = self.progress
        func reportBytes() {
            let now = source.rawBytesRead
            progress.bytesRead.add(now - lastReported, ordering: .relaxed)
            lastReported = now
        }
        do {
            let kind = try options.kind ?? InputKind.sniff(source.head())
            emit(.begin(path: path, kind: kind))
            var counts: [String: Int] = [:]
            let end: SourceEnd
            switch kind {
            case .terminalLog: end = try parseTerminalLog(source, counts: &counts, report: reportBytes)
            case .acquirerLog: end = try parseAcquirerLog(source, counts: &counts, report: reportBytes)
            case .inventory, .catalogue: end = try parseCSV(source, kind: kind, counts: &counts, report: reportBytes)
            }
            reportBytes()
            let parsed = ParsedFile(
                path: path, kind: kind, compression: source.compression.rawValue, sha256: try source.sha256(),
                bytes: source.rawSize, decodedBytes: end.decodedBytes, modificationTimeNanoseconds: source.modificationTimeNanoseconds,
                lines: end.lines, truncation: end.truncation, counts: counts, seconds: monotonicSeconds() - started
            )
            emit(.end(parsed))
        } catch let failure as CSVFileFailure {
            reportBytes()
            emit(.failed(path: path, reason: failure.reason, file: nil))
        } catch {
            reportBytes()
            emit(.failed(path: path, reason: "\(error)", file: nil))
        }
    }

    // MARK: - Kinds

    private mutating func parseTerminalLog(_ source: LineSource, counts: inout [String: Int], report: () -> Void) throws -> SourceEnd {
        var parser = TerminalLogParser(defaultOffsetMinutes: options.terminalOffsetMinutes)
        var recordCounts = (txn: 0, other: 0)
        var sinceReport = 0
        let end = try source.forEachLine { item in
            sinceReport += 1
            if sinceReport == 8192 {
                sinceReport = 0
                progress.lines.add(8192, ordering: .relaxed)
                report()
            }
            switch item {
            case .line(let bytes, let number):
                switch parser.parse(line: bytes, number: number) {
                case .record(let record):
                    if case .transaction = record { recordCounts.txn += 1 } else { recordCounts.other += 1 }
                    if case .ignored = record { return }
                    emit(.terminal(record))
                case .rejected(let rejection):
                    emit(.rejected(rejection))
                case .blank:
                    break
                }
            case .overlong(let prefix, let number, let length):
                let text = Self.cutAtLimit(prefix) { parser.rejectText($0) }
                emit(.rejected(Rejection(line: number, reason: "line longer than \(options.maxLineBytes) bytes", text: text + "…[\(length) bytes in all]")))
            case .incomplete(let bytes, let number):
                emit(.rejected(Rejection(line: number, reason: "incomplete line at truncation", text: parser.rejectText(bytes))))
            }
        }
        progress.lines.add(Int64(sinceReport), ordering: .relaxed)
        let stats = parser.statistics
        for (event, n) in stats.ignoredEvents { counts["ignored_event:\(event)"] = n }
        for (key, n) in stats.unknownKeys { counts["unknown_key:\(key)"] = n }
        counts["masked_pans"] = stats.maskedPANs
        counts["invalid_utf8"] = stats.invalidUTF8
        counts["blank_lines"] = stats.blankLines
        counts["records:txn"] = recordCounts.txn
        counts["records"] = end.lines - stats.blankLines
        return end
    }

    private mutating func parseAcquirerLog(_ source: LineSource, counts: inout [String: Int], report: () -> Void) throws -> SourceEnd {
        var scanner = AcquirerLogScanner(defaultOffsetMinutes: options.acquirerOffsetMinutes)
        var sinceReport = 0
        var rejectCleaner = TerminalLogParser(defaultOffsetMinutes: 0)
        var end = try source.forEachLine { item in
            sinceReport += 1
            if sinceReport == 8192 {
                sinceReport = 0
                progress.lines.add(8192, ordering: .relaxed)
                report()
            }
            switch item {
            case .line(let bytes, let number):
                scanner.consume(line: bytes, number: number) { self.emit(Self.item($0)) }
            case .overlong(let prefix, let number, let length):
                let text = Self.cutAtLimit(prefix) { rejectCleaner.rejectText($0) }
                emit(.rejected(Rejection(line: number, reason: "line longer than \(options.maxLineBytes) bytes", text: text + "…[\(length) bytes in all]")))
            case .incomplete(let bytes, let number):
                scanner.consume(line: bytes, number: number) { self.emit(Self.item($0)) }
            }
        }
        scanner.finish { self.emit(Self.item($0)) }
        progress.lines.add(Int64(sinceReport), ordering: .relaxed)
        let stats = scanner.statistics
        for (name, n) in stats.skipped { counts["skipped:\(name)"] = n }
        counts["masked_pans"] = stats.maskedPANs + rejectCleaner.statistics.maskedPANs
        counts["invalid_utf8"] = stats.invalidUTF8
        counts["records:message"] = stats.messages
        counts["records:link_event"] = stats.linkEvents
        counts["records"] = stats.logElements
        counts["assumed_zone_times"] = stats.assumedZoneTimes
        if let zone = stats.jvmTimeZone { counts["jvm_zone:\(zone)"] = stats.jvmTimeZoneLine ?? 0 }
        if let warning = stats.zoneWarning { counts[Self.warningPrefix + warning] = 1 }
        // A plain file cut inside an element (or one still being written): truncated, as a
        // gzip stream that ends early is. The element itself is in the rejects.
        if end.truncation == nil, let line = stats.openElementAtEndLine {
            end.truncation = "log element not closed at end of file (line \(line))"
        }
        return end
    }

    /// Counts whose name starts with this carry a warning for the file's summary line (the value
    /// is 1); they are stored with the other counts, so the ledger keeps them too.
    static let warningPrefix = "warning:"

    /// The kept start of an overlong line, cleaned by `clean`, with the digits that run up to the
    /// cut turned to `*` first: they may be the start of a card number that the cut made too short
    /// to recognise (the first 10 digits of a PAN are more than its masked form shows).
    static func cutAtLimit(_ prefix: UnsafeRawBufferPointer, _ clean: (UnsafeRawBufferPointer) -> String) -> String {
        var bytes = Array(prefix)
        var k = bytes.count
        while k > 0, bytes[k - 1] >= 0x30, bytes[k - 1] <= 0x39 {
            k -= 1
            bytes[k] = UInt8(ascii: "*")
        }
        return bytes.withUnsafeBytes { clean($0) }
    }

    private static func item(_ entry: AcquirerLogEntry) -> PipelineItem {
        switch entry {
        case .message(let m): return .message(m)
        case .linkEvent(let e): return .link(e)
        case .rejected(let r): return .rejected(r)
        }
    }

    private mutating func parseCSV(_ source: LineSource, kind: InputKind, counts: inout [String: Int], report: () -> Void) throws -> SourceEnd {
        var table = CSVTable(kind: kind)
        let end = try source.forEachLine { item in
            switch item {
            case .line(let bytes, let number):
                try table.consume(line: bytes, number: number) { self.emit($0) }
            case .overlong(let prefix, let number, let length):
                let text = Self.cutAtLimit(prefix) { CardNumbers.mask(LogText.decode($0).text).text }
                emit(.rejected(Rejection(line: number, reason: "line longer than \(options.maxLineBytes) bytes", text: text + "…[\(length) bytes in all]")))
            case .incomplete(let bytes, let number):
                try table.consume(line: bytes, number: number) { self.emit($0) }
            }
        }
        try table.finish { self.emit($0) }
        progress.lines.add(Int64(end.lines), ordering: .relaxed)
        counts["masked_pans"] = table.maskedPANs
        counts["invalid_utf8"] = table.invalidUTF8
        return end
    }
}

/// A CSV file that cannot be taken at all (its header lacks a required column).
struct CSVFileFailure: Error {
    var reason: String
}

/// Seconds on a clock that only goes forward.
func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
