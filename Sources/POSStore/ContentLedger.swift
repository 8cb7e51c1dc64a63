/// What the ledger knows of an ingested file's content: enough to recognise another file that
/// begins with all of it (a log that grew, a rotated copy with more lines) or is a prefix of it.
public struct IngestedContent: Sendable, Hashable {
    /// The ledger row (`input_files.id`).
    public var id: Int64
    public var path: String
    /// SHA-256 of the decoded content, lowercase hex.
    public var sha256: String
    public var decodedBytes: Int64
    /// Where a file that continues this one is read from: the decoded offset where its last
    /// complete record ended (a line with its newline; for an acquirer log, the start of a line
    /// before any `<log>` element still open at its end), and the lines before that offset.
    public var resumeBytes: Int64
    public var resumeLine: Int
    /// The JVM time zone an acquirer log stated (SystemMonitor), for reading the rest of the log.
    public var statedZone: StatedZone?

    /// True when a file continuing this one reads again from before its end: rows and rejects
    /// of its lines after `resumeLine` (a partial last line, an element cut short) give way.
    public var hasTailToWithdraw: Bool { resumeBytes < decodedBytes }

    public init(id: Int64, path: String, sha256: String, decodedBytes: Int64, resumeBytes: Int64, resumeLine: Int, statedZone: StatedZone? = nil) {
        self.id = id
        self.path = path
        self.sha256 = sha256
        self.decodedBytes = decodedBytes
        self.resumeBytes = resumeBytes
        self.resumeLine = resumeLine
        self.statedZone = statedZone
    }
}

/// A JVM time zone as an acquirer log stated it, as the ledger keeps it in `file_counts`
/// (`jvm_zone:<identifier>` with the line, `jvm_zone_stated_offset:<minutes>`).
public struct StatedZone: Sendable, Hashable {
    public var identifier: String
    public var line: Int
    public var statedOffsetMinutes: Int?

    public init(identifier: String, line: Int, statedOffsetMinutes: Int?) {
        self.identifier = identifier
        self.line = line
        self.statedOffsetMinutes = statedOffsetMinutes
    }

    /// The count name that keeps the stated offset (its value is 1: a zero value is not stored).
    public static func offsetCountName(_ minutes: Int) -> String { "jvm_zone_stated_offset:\(minutes)" }
}

/// Looks up, in the ledger, the ingested files a new file may continue or be a prefix of.
///
/// Used by the parsing side of an ingest on a connection of its own (read-only), while the
/// writing side commits: a candidate is only a hint, which the caller checks against the new
/// file's bytes, and the commit checks again that it is still in the ledger.
public final class ContentLedger {
    public let database: Database

    /// Files this long or longer are found by the hash of their first `headLength` bytes.
    public static let headLength = 4096

    public init(database: Database) {
        self.database = database
    }

    /// Ingested log files of `kind` (with rows, not failed) whose content may be a prefix of a new
    /// file's or the other way round, given the new file's first bytes.
    ///
    /// `headSHA256` is the hash of the new file's first `headLength` bytes (nil when it is
    /// shorter): it finds every file of at least that length with the same start. A shorter file
    /// is whole in its head hash, so `prefixSHA256(n)` (the hash of the new file's first `n`
    /// bytes, for `n` up to `available`) finds those no longer than what the new file has read.
    public func candidates(
        kind: String, headSHA256: String?, available: Int, prefixSHA256: (Int) -> String
    ) throws -> [IngestedContent] {
        var found: [IngestedContent] = []
        if let headSHA256 {
            found += try contents(
                "kind = ?1 AND head_sha256 = ?2 AND decoded_bytes >= ?3", [.text(kind), .text(headSHA256), .integer(Int64(Self.headLength))])
        }
        let sizes = try database.prepare(
            """
            SELECT DISTINCT decoded_bytes FROM input_files
            WHERE kind = ?1 AND status IN ('ok', 'truncated') AND head_sha256 IS NOT NULL AND resume_bytes IS NOT NULL
                AND decoded_bytes BETWEEN 1 AND ?2
            """)
        sizes.bind(kind, at: 1)
        sizes.bind(Int64(min(available, Self.headLength - 1)), at: 2)
        var lengths: [Int] = []
        while try sizes.step() { lengths.append(Int(sizes.int64(0))) }
        for length in lengths {
            found += try contents(
                "kind = ?1 AND decoded_bytes = ?2 AND sha256 = ?3", [.text(kind), .integer(Int64(length)), .text(prefixSHA256(length))])
        }
        return found
    }

    /// Plain files of `kind` at `path` ingested by a build before content identity (no head
    /// hash, no resume point; their `sha256` is their content's, since a plain file's raw bytes
    /// are its content): a new file at the path that begins with one of them replaces it, as it
    /// cannot continue it.
    public func earlierPlainFiles(kind: String, path: String) throws -> [IngestedContent] {
        let statement = try database.prepare(
            """
            SELECT id, path, sha256, decoded_bytes FROM input_files
            WHERE path = ?1 AND kind = ?2 AND compression = 'none' AND head_sha256 IS NULL AND status IN ('ok', 'truncated') AND decoded_bytes > 0
            """)
        statement.bind(path, at: 1)
        statement.bind(kind, at: 2)
        var found: [IngestedContent] = []
        while try statement.step() {
            let length = statement.int64(3)
            found.append(
                IngestedContent(
                    id: statement.int64(0), path: statement.text(1) ?? "", sha256: statement.text(2) ?? "", decodedBytes: length,
                    resumeBytes: length, resumeLine: 0))
        }
        return found
    }

    /// Paths of ingested files whose content begins with all of `content`'s: its own, those of
    /// files that continue it (and continue those) and of files recorded as its duplicates. Any
    /// of them still on disk can show what `content` was.
    public func holders(of content: IngestedContent, limit: Int = 16) throws -> [String] {
        var paths = [content.path]
        var seen: Set<Int64> = [content.id]
        var frontier = [content.id]
        let links = try database.prepare(
            """
            SELECT f.id, f.path FROM input_files AS f
            WHERE f.status <> 'failed'
                AND (f.continues = ?1 OR (f.duplicate_of = ?1 AND f.sha256 = (SELECT sha256 FROM input_files WHERE id = ?1)))
            ORDER BY f.id DESC
            """)
        while let id = frontier.popLast(), paths.count < limit {
            links.bind(id, at: 1)
            while try links.step() {
                let linked = links.int64(0)
                guard seen.insert(linked).inserted else { continue }
                frontier.append(linked)
                let path = links.text(1) ?? ""
                if !paths.contains(path) { paths.append(path) }
            }
            links.reset()
        }
        return Array(paths.prefix(limit))
    }

    private func contents(_ condition: String, _ arguments: [DatabaseValue]) throws -> [IngestedContent] {
        let statement = try database.prepare(
            """
            SELECT id, path, sha256, decoded_bytes, resume_bytes, resume_line FROM input_files
            WHERE status IN ('ok', 'truncated') AND head_sha256 IS NOT NULL AND resume_bytes IS NOT NULL AND \(condition)
            ORDER BY id
            """)
        try statement.bind(arguments)
        var found: [IngestedContent] = []
        while try statement.step() {
            found.append(
                IngestedContent(
                    id: statement.int64(0), path: statement.text(1) ?? "", sha256: statement.text(2) ?? "",
                    decodedBytes: statement.int64(3), resumeBytes: statement.int64(4), resumeLine: Int(statement.int64(5))))
        }
        for index in found.indices {
            found[index].statedZone = try Self.statedZone(ofFile: found[index].id, in: database)
        }
        return found
    }

    /// The JVM zone file `id` stated or carried on, from its counts.
    static func statedZone(ofFile id: Int64, in database: Database) throws -> StatedZone? {
        let statement = try database.prepare(
            """
            SELECT name, value FROM file_counts WHERE file_id = ? AND (name LIKE 'jvm\\_zone:%' ESCAPE '\\' OR name LIKE 'jvm\\_zone\\_stated\\_offset:%' ESCAPE '\\')
            """)
        statement.bind(id, at: 1)
        var identifier: String?
        var line = 0
        var offset: Int?
        while try statement.step() {
            let name = statement.text(0) ?? ""
            if name.hasPrefix("jvm_zone_stated_offset:") {
                offset = Int(name.dropFirst("jvm_zone_stated_offset:".count))
            } else {
                identifier = String(name.dropFirst("jvm_zone:".count))
                line = Int(statement.int64(1))
            }
        }
        return identifier.map { StatedZone(identifier: $0, line: line, statedOffsetMinutes: offset) }
    }
}
