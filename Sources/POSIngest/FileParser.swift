import Glibc
public import POSFormats
import POSInput
import POSStore
import Synchronization

/// Options of the parsing side of an ingest.
public struct ParseOptions: Sendable {
    /// Offset for terminal `ts` values without one (`--terminal-tz`), minutes east of UTC.
    public var terminalOffsetMinutes: Int = 480
    /// Offset for acquirer `at` values without one or with an ambiguous zone (`--acquirer-tz`).
    public var acquirerOffsetMinutes: Int = 480
    /// The zone of terminal `ts` values without an offset when `--terminal-tz` names one
    /// (`Asia/Shanghai`, daylight saving time followed); when set, it wins over
    /// `terminalOffsetMinutes`.
    public var terminalTimeZone: JVMTimeZone?
    /// The zone of acquirer `at` values without a usable zone while the log states no JVM zone,
    /// when `--acquirer-tz` names one (`America/Sao_Paulo`); when set, it wins over
    /// `acquirerOffsetMinutes`.
    public var acquirerTimeZone: JVMTimeZone?
    /// Forces the kind of every file (`--kind`), instead of recognising it by content.
    public var kind: InputKind?
    /// Longest line kept; longer ones are rejected with their length.
    public var maxLineBytes: Int = 1 << 20
    /// A gzip file that decompresses to more than this many times its size fails whole (`--max-inflate-ratio`).
    public var maxInflateRatio: Double? = 200

    public init() {}
}

/// Reads one file on the parsing thread and sends its items down the channel in batches.
///
/// A log file that begins with the whole content of one already ingested (a log that grew, a
/// rotated copy with more lines) is read from where that one's last complete record ended; one
/// that is that content or a prefix of it is a duplicate (see `ContentMatcher`).
struct FileParser {
    let options: ParseOptions
    let channel: BatchChannel
    let progress: IngestProgress
    private var batch: [PipelineItem] = []
    static let batchSize = 4096
    /// Finds the ingested files a file may continue or repeat; nil without a ledger to ask.
    private var matcher: ContentMatcher?

    init(options: ParseOptions, channel: BatchChannel, progress: IngestProgress, ledger: ContentLedger? = nil) {
        self.options = options
        self.channel = channel
        self.progress = progress
        matcher = ledger.map { ContentMatcher(ledger: $0, channel: channel) }
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

    /// Parses the file `path`, the `sequence`th sent (from 1). Never throws: a file that cannot be
    /// read becomes a `.failed` item.
    ///
    /// Each reading starts afresh; a reading that finds the file does not continue the ingested
    /// file it was read as continuing drops what it sent (`.discard`) and the next reading knows
    /// better. The third reading reads it whole, whatever happens to it meanwhile.
    mutating func parse(path: String, sequence: Int = 0) {
        let started = monotonicSeconds()
        var knowledge = ReadingKnowledge()
        for number in 1...3 {
            let source: LineSource
            do {
                source = try LineSource(path: path, maxLineBytes: options.maxLineBytes, maxInflateRatio: options.maxInflateRatio)
            } catch {
                emit(.failed(path: path, reason: "\(error)", file: nil))
                return
            }
            let reading = Reading(path: path, sequence: sequence, number: number, started: started)
            if read(source, reading, knowledge: &knowledge) == .done { return }
        }
    }

    // MARK: - Readings

    /// One reading of a file: which file, which reading (from 1), and when the first began.
    private struct Reading {
        var path: String
        var sequence: Int
        var number: Int
        var started: Double
    }

    /// What the readings of one file have learned about the ingested files it may continue or
    /// repeat, carried from one reading to the next.
    private struct ReadingKnowledge {
        /// Ingested logs of the file's kind it may continue or repeat; nil until the first reading asks.
        var candidates: [IngestedContent]?
        /// Plain files an earlier build ingested at this path: only checked for being begun with.
        var earlier: [IngestedContent] = []
        /// Candidates a reading found the file does not begin with.
        var ruledOut: Set<Int64> = []
        /// The file's decoded length, once a reading has read to its end.
        var knownLength: Int64?

        /// The candidates not ruled out.
        var possible: [IngestedContent] { candidates?.filter { !ruledOut.contains($0.id) } ?? [] }
    }

    /// Whether a reading settled the file or another reading must.
    private enum ReadingEnd {
        case done
        case readAgain
    }

    /// Where a reading starts: the ingested files the content is checked against, and the one
    /// it continues (read from that file's resume point), if any.
    private struct ReadingPlan {
        var isLog: Bool
        /// The candidates not ruled out.
        var possible: [IngestedContent]
        /// Plain files an earlier build ingested at this path.
        var earlier: [IngestedContent]
        var continued: IngestedContent?
    }

    /// What parsing a file's content gave: how the source ended, where a file continuing it
    /// would resume, how it was cut short, and its counts.
    private struct ParsedContent {
        var end: SourceEnd
        var resume: (bytes: Int64, line: Int)?
        var truncation: Truncation?
        var counts: [String: Int]
    }

    /// Reads the file once from `source`, sending its items and its end (or its failure); asks for
    /// another reading when the file turns out not to continue the ingested file it seemed to.
    private mutating func read(_ source: LineSource, _ reading: Reading, knowledge: inout ReadingKnowledge) -> ReadingEnd {
        var lastReported: Int64 = 0
        let progress = self.progress
        func reportBytes() {
            let now = source.rawBytesRead
            progress.bytesRead.add(now - lastReported, ordering: .relaxed)
            lastReported = now
        }
        var begun = false
        var kind = options.kind ?? .terminalLog
        do {
            kind = try options.kind ?? InputKind.sniff(source.head())
            let plan = try plan(source, kind: kind, reading, knowledge: &knowledge)
            emit(.begin(path: reading.path, kind: kind))
            begun = true
            let content = try parseContent(source, kind: kind, continuing: plan.continued, report: reportBytes)
            if let continued = plan.continued, source.contentDigest(at: continued.decodedBytes) == nil {
                // Shorter than the file it seemed to continue: maybe a prefix of it.
                throw ShorterThanContinued()
            }
            reportBytes()
            try sendEnd(source, reading, kind: kind, plan: plan, content: content)
            return .done
        } catch  where error is ContentMismatch || error is ShorterThanContinued {
            // Not the continuation it seemed (or shorter than it): learn what the file is.
            if begun { emit(.discard(path: reading.path)) }
            return learnFromMismatch(source, reading, kind: kind, knowledge: &knowledge, report: reportBytes)
        } catch let failure as CSVFileFailure {
            reportBytes()
            emit(.failed(path: reading.path, reason: failure.reason, file: nil))
            return .done
        } catch {
            reportBytes()
            emit(.failed(path: reading.path, reason: "\(error)", file: nil))
            return .done
        }
    }

    /// Finds the ingested files the content may continue or repeat (asking the ledger on the
    /// first reading) and hashes the content at their lengths; before the third reading, skips
    /// to the resume point of the one it continues, once its content up to there is that file's.
    private mutating func plan(_ source: LineSource, kind: InputKind, _ reading: Reading, knowledge: inout ReadingKnowledge) throws -> ReadingPlan {
        let isLog = kind == .terminalLog || kind == .acquirerLog
        if knowledge.candidates == nil {
            knowledge.candidates = isLog ? try matcher?.candidates(kind: kind, source: source, sequence: reading.sequence) ?? [] : []
            knowledge.earlier = isLog ? try matcher?.ledger.earlierPlainFiles(kind: kind.rawValue, path: reading.path) ?? [] : []
        }
        let possible = knowledge.possible
        source.hashContent(at: (possible + knowledge.earlier).map(\.decodedBytes))
        var continued: IngestedContent?
        if reading.number < 3 {
            continued = ContentMatcher.continuation(
                among: possible, length: knowledge.knownLength ?? (source.compression == .none ? source.rawSize : nil))
        }
        if let continued {
            try source.expect(sha256: continued.sha256, at: continued.decodedBytes)
            guard try source.skip(to: continued.resumeBytes, linesBefore: continued.resumeLine) else {
                throw ShorterThanContinued()
            }
        }
        return ReadingPlan(isLog: isLog, possible: possible, earlier: knowledge.earlier, continued: continued)
    }

    /// Parses the content (from where `source` stands) as `kind`.
    private mutating func parseContent(
        _ source: LineSource, kind: InputKind, continuing continued: IngestedContent?, report: () -> Void
    ) throws -> ParsedContent {
        var counts: [String: Int] = [:]
        let end: SourceEnd
        var resume: (bytes: Int64, line: Int)?
        var truncation: Truncation?
        switch kind {
        case .terminalLog:
            end = try parseTerminalLog(source, counts: &counts, report: report)
            resume = (end.completeLinesEnd, end.completeLines)
        case .acquirerLog:
            let unclosedElementLine: Int?
            (end, resume, unclosedElementLine) = try parseAcquirerLog(source, continuing: continued, counts: &counts, report: report)
            // A plain file cut inside an element (or one still being written): truncated, as a
            // gzip stream that ends early is. The element itself is in the rejects.
            truncation = unclosedElementLine.map { .elementNotClosed(line: $0) }
        case .inventory, .catalogue:
            end = try parseCSV(source, kind: kind, counts: &counts, report: report)
        }
        if let fault = end.truncation { truncation = .stream(fault) }
        return ParsedContent(end: end, resume: resume, truncation: truncation, counts: counts)
    }

    /// Sends the end of a reading that parsed the file; when its content is already in, within a
    /// longer ingested file, what was sent goes first.
    private mutating func sendEnd(_ source: LineSource, _ reading: Reading, kind: InputKind, plan: ReadingPlan, content: ParsedContent) throws {
        var parsed = ParsedFile(
            path: reading.path, kind: kind, compression: source.compression.rawValue, sha256: try source.contentSHA256(),
            rawSHA256: try source.sha256(), headSHA256: source.headSHA256, resume: plan.isLog ? content.resume : nil, continues: plan.continued,
            bytes: source.rawSize, decodedBytes: content.end.decodedBytes, modificationTimeNanoseconds: source.modificationTimeNanoseconds,
            lines: content.end.lines, truncation: content.truncation, counts: content.counts, seconds: monotonicSeconds() - reading.started
        )
        parsed.beginsWith = (plan.possible + plan.earlier).filter { source.contentDigest(at: $0.decodedBytes) == $0.sha256 }.map(\.id)
        if let longer = try matcher?.ingestedFileThatBegins(with: parsed, among: plan.possible) {
            // Its content is already in, within a longer file: what was sent goes.
            emit(.discard(path: reading.path))
            parsed.duplicate = (longer, true)
        }
        emit(.end(parsed))
    }

    /// After a reading found the file does not continue the ingested file it seemed to: sends the
    /// file's end as a duplicate when what was read is an ingested file or the start of one, or
    /// its failure; else rules out the candidates it does not begin with, for the next reading.
    private mutating func learnFromMismatch(
        _ source: LineSource, _ reading: Reading, kind: InputKind, knowledge: inout ReadingKnowledge, report: () -> Void
    ) -> ReadingEnd {
        do {
            let sha256 = try source.contentSHA256()
            let length = source.decodedBytesRead
            knowledge.knownLength = length
            let possible = knowledge.possible
            let matching = possible.filter { $0.decodedBytes <= length && source.contentDigest(at: $0.decodedBytes) == $0.sha256 }
            knowledge.ruledOut.formUnion(possible.filter { !matching.contains($0) }.map(\.id))
            var parsed = ParsedFile(
                path: reading.path, kind: kind, compression: source.compression.rawValue,
                sha256: sha256, rawSHA256: try source.sha256(), headSHA256: source.headSHA256, bytes: source.rawSize,
                decodedBytes: length, modificationTimeNanoseconds: source.modificationTimeNanoseconds, lines: 0, truncation: nil,
                counts: [:], seconds: monotonicSeconds() - reading.started
            )
            if let same = matching.first(where: { $0.decodedBytes == length }) {
                report()
                parsed.duplicate = (same, false)
                emit(.end(parsed))
                return .done
            }
            if let longer = try matcher?.ingestedFileThatBegins(with: parsed, among: possible) {
                report()
                parsed.duplicate = (longer, true)
                emit(.end(parsed))
                return .done
            }
        } catch {
            report()
            emit(.failed(path: reading.path, reason: "\(error)", file: nil))
            return .done
        }
        report()
        return .readAgain
    }

    // MARK: - Kinds

    private mutating func parseTerminalLog(_ source: LineSource, counts: inout [String: Int], report: () -> Void) throws -> SourceEnd {
        var parser = TerminalLogParser(defaultZone: options.terminalTimeZone ?? JVMTimeZone(offsetMinutes: options.terminalOffsetMinutes))
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
                emit(
                    .rejected(
                        Rejection(line: number, reason: "line longer than \(options.maxLineBytes) bytes", text: text + "…[\(length) bytes in all]")))
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

    /// Parses an acquirer log, from the start or where the log it continues left off; returns how
    /// it ended, where a log continuing it would resume: at its end when it ended between
    /// elements (or, when its last line has no newline, at the start of that line if it began
    /// between elements), else at the start of the last line that began between elements; and
    /// the line of an element still open at the end of the file, if any.
    private mutating func parseAcquirerLog(
        _ source: LineSource, continuing continued: IngestedContent?, counts: inout [String: Int], report: () -> Void
    ) throws -> (SourceEnd, resume: (bytes: Int64, line: Int), unclosedElementLine: Int?) {
        var scanner = AcquirerLogScanner(defaultZone: options.acquirerTimeZone ?? JVMTimeZone(offsetMinutes: options.acquirerOffsetMinutes))
        if let stated = continued?.statedZone,
            let zone = JVMTimeZone(identifier: stated.identifier, statedOffsetMinutes: stated.statedOffsetMinutes)
        {
            scanner.continueLog(statedZone: zone, line: stated.line)
        }
        var sinceReport = 0
        var rejectCleaner = TerminalLogParser(defaultOffsetMinutes: 0)
        // The start of the last line read that began between elements, and the lines before it.
        var between = (bytes: continued?.resumeBytes ?? 0, line: continued?.resumeLine ?? 0)
        let end = try source.forEachLine { item in
            sinceReport += 1
            if sinceReport == 8192 {
                sinceReport = 0
                progress.lines.add(8192, ordering: .relaxed)
                report()
            }
            switch item {
            case .line(let bytes, let number):
                if scanner.isBetweenElements { between = (source.lineOffset, number - 1) }
                scanner.consume(line: bytes, number: number) { self.emit(Self.item($0)) }
            case .overlong(let prefix, let number, let length):
                let text = Self.cutAtLimit(prefix) { rejectCleaner.rejectText($0) }
                emit(
                    .rejected(
                        Rejection(line: number, reason: "line longer than \(options.maxLineBytes) bytes", text: text + "…[\(length) bytes in all]")))
            case .incomplete(let bytes, let number):
                if scanner.isBetweenElements { between = (source.lineOffset, number - 1) }
                scanner.consume(line: bytes, number: number) { self.emit(Self.item($0)) }
            }
        }
        let resume: (bytes: Int64, line: Int)
        if !scanner.isBetweenElements || (end.completeLinesEnd < end.decodedBytes && between.bytes == end.completeLinesEnd) {
            // An element still open (or skipped to its end), or a last line without a newline
            // that began between elements: read again from that line.
            resume = between
        } else {
            resume = (end.decodedBytes, end.completeLines)
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
        if let offset = stats.jvmTimeZoneStatedOffsetMinutes { counts[StatedZone.offsetCountName(offset)] = 1 }
        if let warning = stats.zoneWarning { counts[Self.warningPrefix + warning] = 1 }
        return (end, resume, stats.openElementAtEndLine)
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
                emit(
                    .rejected(
                        Rejection(line: number, reason: "line longer than \(options.maxLineBytes) bytes", text: text + "…[\(length) bytes in all]")))
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

/// The file ended before the length of the ingested file it was read as continuing.
struct ShorterThanContinued: Error {}

/// A CSV file that cannot be taken at all (its header lacks a required column).
struct CSVFileFailure: Error {
    var reason: String
}
