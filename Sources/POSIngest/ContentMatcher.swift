import POSFormats
import POSInput
import POSStore

/// Recognises, among the files the ledger holds, those a new log file continues (it begins with
/// all of one's content: a log that grew, a rotated copy with more lines) or repeats (it is the
/// same content, or a prefix of it), whatever its name or compression.
///
/// Candidates are found cheaply by the hash of the first 4 KiB of content (the whole content for
/// shorter files) and checked against the new file's bytes while they stream: `LineSource`
/// keeps the content hash at each candidate's length. A file shorter than a candidate is
/// checked by reading a file that holds the candidate's content (its own path, or a file that
/// continues or duplicates it) up to that length.
struct ContentMatcher {
    let ledger: ContentLedger
    let channel: BatchChannel
    /// The first bytes of log files sent to the writer that it may not have committed yet: a
    /// file whose start is theirs waits for them before it asks the ledger.
    private var inFlight: [(sequence: Int, head: [UInt8])] = []

    init(ledger: ContentLedger, channel: BatchChannel) {
        self.ledger = ledger
        self.channel = channel
    }

    /// The ingested files of `kind` whose content may begin the content of `source` or begin
    /// with it, for the `sequence`th file sent. Call it before reading any line of `source`.
    ///
    /// When there are some (or a file still on its way to the ledger starts the same way), the
    /// files sent before this one are waited for and the ledger asked again: the reading of
    /// this file is planned on the ledger as the writer will find it at this file's commit.
    mutating func candidates(kind: InputKind, source: LineSource, sequence: Int) throws -> [IngestedContent] {
        let head = Array(try source.head(limit: ContentLedger.headLength))
        var headSHA256: String?
        if head.count == ContentLedger.headLength {
            source.hashContent(at: [Int64(head.count)])
            headSHA256 = source.contentDigest(at: Int64(head.count))
        }
        func lookUp() throws -> [IngestedContent] {
            try ledger.candidates(kind: kind.rawValue, headSHA256: headSHA256, available: head.count) { length in
                source.hashContent(at: [Int64(length)])
                return source.contentDigest(at: Int64(length)) ?? ""
            }
        }
        let finished = channel.finishedFiles
        inFlight.removeAll { $0.sequence <= finished }
        var found = try lookUp()
        let related = inFlight.contains { Self.startTheSame($0.head, head) }
        if !found.isEmpty || related {
            channel.waitForFiles(sequence - 1)
            inFlight.removeAll()
            found = try lookUp()
        }
        inFlight.append((sequence, head))
        return found
    }

    /// The file to read `length` bytes of content as continuing: the longest candidate no longer
    /// than it (any, when the length is not known before decoding).
    static func continuation(among candidates: [IngestedContent], length: Int64?) -> IngestedContent? {
        candidates.filter { length == nil || $0.decodedBytes <= length! }
            .max { ($0.decodedBytes, $0.id) < ($1.decodedBytes, $1.id) }
    }

    /// A candidate longer than the file read whose content begins with all of the file's: the
    /// file is a prefix of what is already in. Nil when none is, or none can be read to tell.
    func ingestedFileThatBegins(with file: ParsedFile, among candidates: [IngestedContent]) throws -> IngestedContent? {
        let longer = candidates.filter { $0.decodedBytes > file.decodedBytes }.sorted { $0.decodedBytes < $1.decodedBytes }
        for candidate in longer {
            for path in try ledger.holders(of: candidate) {
                switch Self.read(path: path, holding: candidate, prefixLength: file.decodedBytes, prefixSHA256: file.sha256) {
                case .prefix: return candidate
                case .notPrefix: break
                case .notHolding: continue
                }
                break
            }
        }
        return nil
    }

    private enum Reading {
        /// The file holds the candidate's content, and the new file is a prefix of it.
        case prefix
        /// The file holds the candidate's content, and the new file is not a prefix of it.
        case notPrefix
        /// The file is gone or no longer holds the candidate's content.
        case notHolding
    }

    private static func read(path: String, holding content: IngestedContent, prefixLength: Int64, prefixSHA256: String) -> Reading {
        do {
            let source = try LineSource(path: path)
            source.hashContent(at: [prefixLength, content.decodedBytes])
            guard try source.skip(to: content.decodedBytes, linesBefore: 0),
                source.contentDigest(at: content.decodedBytes) == content.sha256
            else { return .notHolding }
            return source.contentDigest(at: prefixLength) == prefixSHA256 ? .prefix : .notPrefix
        } catch {
            return .notHolding
        }
    }

    private static func startTheSame(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let common = min(a.count, b.count)
        return common > 0 && a[0..<common] == b[0..<common]
    }
}
