import Glibc
public import POSFormats

/// What the ledger knows of one ingested file.
public struct LedgerEntry: Sendable, Hashable {
    public var id: Int64
    public var path: String
    /// SHA-256 of the decoded content (of the raw bytes for rows written before content identity).
    public var sha256: String
    public var bytes: Int64
    public var modificationTimeNanoseconds: Int64
    public var status: FileStatus
    /// SHA-256 of the raw bytes on disk.
    public var rawSHA256: String = ""
    public var duplicateOf: Int64?
    public var continues: Int64?
}

/// What is recorded of a file when its rows are committed.
public struct FileRecord: Sendable {
    public var path: String
    /// SHA-256 of the decoded content.
    public var sha256: String
    /// SHA-256 of the raw bytes (the same as `sha256` for a plain file).
    public var rawSHA256: String
    /// SHA-256 of the first 4096 bytes of content (all of it when shorter); nil for a file that
    /// another may not continue (a failed one, a table).
    public var headSHA256: String?
    /// Where a file continuing this one resumes (`IngestedContent.resumeBytes`), with the lines
    /// before it; nil when none may continue it.
    public var resume: (bytes: Int64, line: Int)?
    /// The ingested file whose whole content this one begins with: its rows are the rest only.
    public var continues: IngestedContent?
    /// Ledger rows whose whole content this file's begins with: an earlier version of its path
    /// among them, if not continued, gives way to it whatever else holds its content (this file
    /// holds it all).
    public var beginsWith: [Int64] = []
    public var kind: InputKind
    public var compression: String
    public var bytes: Int64
    public var decodedBytes: Int64
    public var modificationTimeNanoseconds: Int64
    public var lines: Int
    public var status: FileStatus
    public var error: String?
    public var seconds: Double
    /// Counters by name (`reject:<reason>`, `ignored_event:<ev>`, `masked_pans`, …).
    public var counts: [String: Int]

    public init(
        path: String, sha256: String, kind: InputKind, compression: String, bytes: Int64, decodedBytes: Int64,
        modificationTimeNanoseconds: Int64, lines: Int, status: FileStatus, error: String?, seconds: Double, counts: [String: Int],
        rawSHA256: String? = nil, headSHA256: String? = nil, resume: (bytes: Int64, line: Int)? = nil, continues: IngestedContent? = nil,
        beginsWith: [Int64] = []
    ) {
        self.beginsWith = beginsWith
        self.path = path
        self.sha256 = sha256
        self.rawSHA256 = rawSHA256 ?? sha256
        self.headSHA256 = headSHA256
        self.resume = resume
        self.continues = continues
        self.kind = kind
        self.compression = compression
        self.bytes = bytes
        self.decodedBytes = decodedBytes
        self.modificationTimeNanoseconds = modificationTimeNanoseconds
        self.lines = lines
        self.status = status
        self.error = error
        self.seconds = seconds
        self.counts = counts
    }
}

/// How a file's commit ended.
public enum FileCommitOutcome: Sendable, Equatable {
    /// The rows are in; `replaced` is true when they replaced an earlier version of the same path.
    /// `beforeCutoff` rows were left out because their day is before the retention cut-off (those
    /// days are archived and pruned; see `Retention`).
    case committed(fileID: Int64, rows: Int, rejects: Int, replaced: Bool, beforeCutoff: Int)
    /// The same content was already in under `existingPath`: nothing was added.
    case duplicate(existingPath: String)
    /// The content is a prefix of what `existingPath` had, already in: nothing was added.
    case prefix(existingPath: String)
}

/// The ledger changed under a file between planning its reading and committing it (another
/// process wrote to the database meanwhile): the file must be read again.
public struct LedgerConflict: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason); run ingest again" }
}

/// Writes ingested records into the database, one transaction per file.
///
/// Use: `beginFile()`, the `add` calls, then `commitFile(_:)` or `rollbackFile()`. A file's rows land
/// whole or not at all. Repeated text is dictionary-encoded through an in-memory map loaded once.
public final class IngestStore {
    public let database: Database
    private var dictionary: [String: Int64] = [:]
    private var addedInFile: [String] = []
    private var fileID: Int64 = 0
    private var rows = 0
    private var rejects = 0

    private let insertDictionary: Statement
    private let selectDictionary: Statement
    private let insertTxn: Statement
    private let insertBoot: Statement
    private let insertFirmwareUpdate: Statement
    private let insertSignIn: Statement
    private let insertError: Statement
    private let insertNet: Statement
    private let insertMessage: Statement
    private let insertInventory: Statement
    private let insertCatalogue: Statement
    private let insertReject: Statement
    private let insertFileRow: Statement

    /// Large tables whose rows of a file are found by rowid range (`file_days`).
    static let segmentedTables = [
        "terminal_txns", "terminal_boots", "firmware_updates", "terminal_signins", "terminal_errors", "net_events", "acquirer_msgs",
    ]
    /// Small tables whose rows of a file are found by their `file_id` index.
    static let indexedTables = ["inventory", "catalogue_entries", "rejected_lines", "file_counts", "acquirer_coverage"]
    /// What this file adds day by day: rowid ranges, acquirer coverage, the pairs to recompute.
    private var tracker: FileDayTracker
    /// Terminals whose inventory row this file changed or added.
    private var inventoryChanged: Set<Int64> = []
    private var catalogueChanged = false
    /// Days before this one were pruned: rows of them are not stored again.
    private var prunedBefore: Int64 = .min
    private var beforeCutoff = 0
    private let selectInventory: Statement

    /// Opens the store on `database`, creating the schema when needed.
    public init(database: Database) throws {
        self.database = database
        try Schema.install(on: database)
        // Another ingest may add the same value after this store loaded the dictionary: take its id.
        insertDictionary = try database.prepare("INSERT INTO dictionary(value) VALUES (?) ON CONFLICT(value) DO NOTHING")
        selectDictionary = try database.prepare("SELECT id FROM dictionary WHERE value = ?")
        insertTxn = try database.prepare(
            """
            INSERT INTO terminal_txns(file_id, line, ts, tz, tid, type, stan, batch, amount, currency, rc, disp, latency_ms, entry, pan, err, reason, mcc)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
            """)
        insertBoot = try database.prepare(
            """
            INSERT INTO terminal_boots(file_id, line, ts, tz, tid, firmware, app_version, code_table) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        insertFirmwareUpdate = try database.prepare(
            """
            INSERT INTO firmware_updates(file_id, line, ts, tz, tid, from_fw, to_fw, succeeded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        insertSignIn = try database.prepare("INSERT INTO terminal_signins(file_id, line, ts, tz, tid, rc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        insertError = try database.prepare(
            "INSERT INTO terminal_errors(file_id, line, ts, tz, tid, err, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        insertNet = try database.prepare(
            """
            INSERT INTO net_events(file_id, line, ts, tz, source, subject, state, net_type, rssi, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        insertMessage = try database.prepare(
            """
            INSERT INTO acquirer_msgs(file_id, line, ts, tz, realm, direction, mti, pan, proc_code, amount, stan, stan_text,
                local_time, local_date, rrn, rc, tid, mid, currency, lifespan_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
            """)
        insertInventory = try database.prepare(
            """
            INSERT OR REPLACE INTO inventory(tid, file_id, line, mid, brand, model, channel, agent, fee_tier, fee_rate, region, mcc, firmware)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """)
        insertCatalogue = try database.prepare(
            "INSERT INTO catalogue_entries(file_id, line, code, meaning, scope, meaning_zh) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        insertReject = try database.prepare("INSERT INTO rejected_lines(file_id, line, reason, text) VALUES (?1, ?2, ?3, ?4)")
        insertFileRow = try database.prepare(
            """
            INSERT INTO input_files(path, sha256, kind, compression, bytes, status, ingested_at) VALUES (?1, '', 'pending', 'none', 0, 'failed', ?2)
            """)
        selectInventory = try database.prepare(
            """
            SELECT mid, brand, model, channel, agent, fee_tier, fee_rate, region, mcc, firmware FROM inventory WHERE tid = ?
            """)
        let load = try database.prepare("SELECT id, value FROM dictionary")
        while try load.step() {
            dictionary[load.text(1) ?? ""] = load.int64(0)
        }
        tracker = FileDayTracker(reach: try Self.markReach(database), knownTerminalOffsets: try Self.terminalOffsets(database))
    }

    /// How far a change reaches into neighbouring days (meta `mark_reach_ms`, set by the analysis
    /// from its matching windows): twice the matching window, the pairing window and a minute.
    public static let defaultMarkReach: Int64 = 2 * 600_000 + 300_000 + 60_000

    static func markReach(_ database: Database) throws -> Int64 {
        try database.scalarText("SELECT value FROM meta WHERE key = 'mark_reach_ms'").flatMap { Int64($0) } ?? defaultMarkReach
    }

    /// The UTC offsets (minutes) the terminal logs in the database are written in.
    public static func knownTerminalOffsets(_ database: Database) throws -> [Int16] {
        try terminalOffsets(database)
    }

    static func terminalOffsets(_ database: Database) throws -> [Int16] {
        let text = try database.scalarText("SELECT value FROM meta WHERE key = 'terminal_offsets'") ?? ""
        return text.split(separator: ",").compactMap { Int16($0) }
    }

    // MARK: - Ledger

    /// The latest ledger entry for `path`: its rows, its failure, or its record as a duplicate.
    public func ledgerEntry(path: String) throws -> LedgerEntry? {
        try entries("WHERE path = ? ORDER BY id DESC LIMIT 1", [.text(path)]).first
    }

    /// A file already in whose content has this hash, or whose raw bytes have `rawSHA256`.
    public func fileWithContent(sha256: String, rawSHA256: String? = nil) throws -> LedgerEntry? {
        try entries(
            "WHERE (sha256 = ?1 OR raw_sha256 = ?2) AND status IN ('ok', 'truncated') ORDER BY id LIMIT 1",
            [.text(sha256), .text(rawSHA256 ?? sha256)]
        ).first
    }

    private func entries(_ whereClause: String, _ arguments: [DatabaseValue]) throws -> [LedgerEntry] {
        let statement = try database.prepare(
            """
            SELECT id, path, sha256, bytes, mtime_ns, status, coalesce(raw_sha256, sha256), duplicate_of, continues
            FROM input_files \(whereClause)
            """)
        try statement.bind(arguments)
        var result: [LedgerEntry] = []
        while try statement.step() {
            result.append(
                LedgerEntry(
                    id: statement.int64(0), path: statement.text(1) ?? "", sha256: statement.text(2) ?? "",
                    bytes: statement.int64(3), modificationTimeNanoseconds: statement.int64(4),
                    status: FileStatus(rawValue: statement.text(5) ?? "") ?? .failed,
                    rawSHA256: statement.text(6) ?? "", duplicateOf: statement.optionalInt64(7), continues: statement.optionalInt64(8)
                ))
        }
        return result
    }

    /// Records a file that added nothing: a duplicate of another path's content, or one that failed.
    public func recordWithoutRows(_ file: FileRecord, duplicateOf: Int64? = nil) throws {
        try database.execute("BEGIN IMMEDIATE")
        do {
            // A failed or duplicate entry for the same path replaces the previous such entry, not good data.
            let old = try database.prepare("DELETE FROM input_files WHERE path = ? AND status IN ('failed', 'skipped_duplicate')")
            old.bind(file.path, at: 1)
            try old.run()
            try insertFileRow.bind(.text(file.path), at: 1)
            insertFileRow.bind(Self.nowMilliseconds(), at: 2)
            try insertFileRow.run()
            let id = database.lastInsertRowID
            try finishFileRow(id: id, file, rows: 0, rejects: 0, duplicateOf: duplicateOf)
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Records `file` as a duplicate of an ingested file found before its rows were read: the
    /// same content (`prefix` false), or a prefix of it. The same content at the same path is
    /// that path unchanged: its entry takes the file's time and raw identity.
    public func recordDuplicate(_ file: FileRecord, of existing: IngestedContent, prefix: Bool) throws -> FileCommitOutcome {
        rollbackFile()
        if !prefix, existing.path == file.path {
            try touch(entryID: existing.id, file)
            return .duplicate(existingPath: existing.path)
        }
        var duplicate = file
        duplicate.status = .skippedDuplicate
        duplicate.error = prefix ? "a prefix of \(existing.path), already ingested" : "same content as \(existing.path)"
        duplicate.lines = 0
        duplicate.counts = [:]
        duplicate.headSHA256 = nil
        duplicate.resume = nil
        duplicate.continues = nil
        try recordWithoutRows(duplicate, duplicateOf: existing.id)
        return prefix ? .prefix(existingPath: existing.path) : .duplicate(existingPath: existing.path)
    }

    /// Updates a file's modification time in the ledger (same content, touched file).
    public func touch(entryID: Int64, modificationTimeNanoseconds: Int64) throws {
        let statement = try database.prepare("UPDATE input_files SET mtime_ns = ? WHERE id = ?")
        statement.bind(modificationTimeNanoseconds, at: 1)
        statement.bind(entryID, at: 2)
        try statement.run()
    }

    /// Gives an entry the time and raw identity of the file now at its path, whose content is
    /// the same (touched, or compressed again), so that the quick check knows it next time.
    private func touch(entryID: Int64, _ file: FileRecord) throws {
        let statement = try database.prepare("UPDATE input_files SET mtime_ns = ?1, raw_sha256 = ?2, bytes = ?3, compression = ?4 WHERE id = ?5")
        statement.bind(file.modificationTimeNanoseconds, at: 1)
        statement.bind(file.rawSHA256, at: 2)
        statement.bind(file.bytes, at: 3)
        statement.bind(file.compression, at: 4)
        statement.bind(entryID, at: 5)
        try statement.run()
    }

    // MARK: - One file's transaction

    /// Starts a file: opens the write transaction and reserves its ledger row.
    public func beginFile(path: String) throws {
        try database.execute("BEGIN IMMEDIATE")
        do {
            insertFileRow.bind(path, at: 1)
            insertFileRow.bind(Self.nowMilliseconds(), at: 2)
            try insertFileRow.run()
            fileID = database.lastInsertRowID
            rows = 0
            rejects = 0
            addedInFile.removeAll(keepingCapacity: true)
            tracker = FileDayTracker(reach: try Self.markReach(database), knownTerminalOffsets: try Self.terminalOffsets(database))
            inventoryChanged.removeAll(keepingCapacity: true)
            catalogueChanged = false
            prunedBefore = try Retention.prunedBefore(database) ?? .min
            beforeCutoff = 0
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Commits the file's rows; or, when a file with the same content is already in, rolls back
    /// and reports the duplicate.
    ///
    /// A file that continues another (`FileRecord.continues`) holds only the rest of its content:
    /// the rows and rejects of the continued file after its resume point give way, since this
    /// file read them whole. Earlier versions of the same path give way to this one, except those
    /// whose content lives on in another file, rotated or copied (a row elsewhere continues it or
    /// is its duplicate), and those this file continues: that is rotation or growth, not a
    /// corrected file.
    public func commitFile(_ file: FileRecord) throws -> FileCommitOutcome {
        do {
            if let existing = try fileWithContent(sha256: file.sha256, rawSHA256: file.rawSHA256), existing.id != fileID {
                rollbackFile()
                if existing.path != file.path {
                    var duplicate = file
                    duplicate.status = .skippedDuplicate
                    duplicate.error = "same content as \(existing.path)"
                    duplicate.lines = 0
                    duplicate.counts = [:]
                    duplicate.headSHA256 = nil
                    duplicate.resume = nil
                    duplicate.continues = nil
                    try recordWithoutRows(duplicate, duplicateOf: existing.id)
                } else {
                    try touch(entryID: existing.id, file)
                }
                return .duplicate(existingPath: existing.path)
            }
            var kept: Set<Int64> = []
            if let continued = file.continues {
                kept = try continuedChain(continued, path: file.path)
                if continued.hasTailToWithdraw { try withdrawTail(of: continued) }
            }
            // Earlier versions of this path (and failed attempts) give way to this one, unless kept.
            let earlier = try entries("WHERE path = ? AND id <> ?", [.text(file.path), .integer(fileID)])
            let extended = Set(file.beginsWith).subtracting(kept)
            kept.formUnion(try livingOn(earlier.filter { !extended.contains($0.id) }, path: file.path, kept: kept))
            var replaced = false
            for entry in earlier where !kept.contains(entry.id) {
                try deleteRows(ofFile: entry.id)
                if entry.status.holdsRows { replaced = true }
            }
            var recorded = file
            if beforeCutoff > 0 { recorded.counts["before_retention_cutoff"] = beforeCutoff }
            try finishFileRow(id: fileID, recorded, rows: rows, rejects: rejects, duplicateOf: nil)
            try writeDays()
            try database.execute("COMMIT")
            addedInFile.removeAll(keepingCapacity: true)
            return .committed(fileID: fileID, rows: rows, rejects: rejects, replaced: replaced, beforeCutoff: beforeCutoff)
        } catch {
            rollbackFile()
            throw error
        }
    }

    /// The continued file and the files it continues in turn: checks that it is in the ledger as
    /// the reading of this file found it (another process may have replaced it since).
    private func continuedChain(_ continued: IngestedContent, path: String) throws -> Set<Int64> {
        let check = try database.prepare(
            """
            SELECT continues FROM input_files
            WHERE id = ?1 AND sha256 = ?2 AND decoded_bytes = ?3 AND resume_bytes = ?4 AND resume_line = ?5 AND status IN ('ok', 'truncated')
            """)
        check.bind(continued.id, at: 1)
        check.bind(continued.sha256, at: 2)
        check.bind(continued.decodedBytes, at: 3)
        check.bind(continued.resumeBytes, at: 4)
        check.bind(Int64(continued.resumeLine), at: 5)
        guard try check.step() else {
            throw LedgerConflict(path: path, reason: "the file it continues (\(continued.path)) changed in the ledger while it was read")
        }
        var chain: Set<Int64> = [continued.id]
        var next = check.optionalInt64(0)
        check.reset()
        let parent = try database.prepare("SELECT continues FROM input_files WHERE id = ?")
        while let id = next, chain.insert(id).inserted {
            parent.bind(id, at: 1)
            next = try parent.step() ? parent.optionalInt64(0) : nil
            parent.reset()
        }
        return chain
    }

    /// The entries of `earlier` (the path's other ledger rows) whose content lives on in another
    /// file: a row of another path, or one kept already, continues it or is its duplicate (whole
    /// or a prefix). Their rows stay when the path's new content is not theirs.
    private func livingOn(_ earlier: [LedgerEntry], path: String, kept: Set<Int64>) throws -> Set<Int64> {
        let links = try database.prepare(
            """
            SELECT id, path FROM input_files WHERE (continues = ?1 OR duplicate_of = ?1) AND id <> ?2 AND status <> 'failed'
            """)
        var living = kept
        var changed = true
        while changed {
            changed = false
            for entry in earlier where !living.contains(entry.id) && entry.status.holdsRows {
                links.bind(entry.id, at: 1)
                links.bind(fileID, at: 2)
                var lives = false
                while !lives, try links.step() {
                    lives = links.text(1) != path || living.contains(links.int64(0))
                }
                links.reset()
                if lives {
                    living.insert(entry.id)
                    changed = true
                }
            }
        }
        return living.subtracting(kept)
    }

    /// Abandons the file's rows, and forgets the dictionary entries they added.
    public func rollbackFile() {
        if database.inTransaction { try? database.execute("ROLLBACK") }
        for value in addedInFile { dictionary[value] = nil }
        addedInFile.removeAll(keepingCapacity: true)
    }

    /// Deletes a file's rows, and marks what they touched for the next analysis: every terminal of
    /// the days their rows were on and the days either side (a replaced or withdrawn file is rare,
    /// and its rows may have been matched across midnight), the terminals whose inventory row goes,
    /// every day when catalogue entries go. Facts derived from its transactions go with them.
    private func deleteRows(ofFile id: Int64) throws {
        let ranges = try database.prepare(
            "SELECT table_name, day, min(first_id), max(last_id) FROM file_days WHERE file_id = ? GROUP BY table_name, day")
        ranges.bind(id, at: 1)
        var found: [(table: String, day: Int64, first: Int64, last: Int64)] = []
        while try ranges.step() { found.append((ranges.text(0) ?? "", ranges.int64(1), ranges.int64(2), ranges.int64(3))) }
        let mark = try database.prepare("INSERT OR IGNORE INTO dirty_marks(day, tid) VALUES (?, -1)")
        for day in Set(found.map(\.day)).flatMap({ [$0 - 1, $0, $0 + 1] }) {
            mark.bind(day, at: 1)
            try mark.run()
        }
        for (table, _, first, last) in found where Self.segmentedTables.contains(table) {
            let statement = try database.prepare("DELETE FROM \(table) WHERE id BETWEEN ? AND ? AND file_id = ?")
            statement.bind(first, at: 1)
            statement.bind(last, at: 2)
            statement.bind(id, at: 3)
            try statement.run()
            if table == "terminal_txns" {
                let facts = try database.prepare("DELETE FROM txn_facts WHERE txn_id BETWEEN ? AND ?")
                facts.bind(first, at: 1)
                facts.bind(last, at: 2)
                try facts.run()
            }
        }
        let inventory = try database.prepare("SELECT tid FROM inventory WHERE file_id = ?")
        inventory.bind(id, at: 1)
        while try inventory.step() { inventoryChanged.insert(inventory.int64(0)) }
        if try database.scalarInt("SELECT count(*) FROM catalogue_entries WHERE file_id = ?", [.integer(id)]) ?? 0 > 0 {
            catalogueChanged = true
        }
        for table in Self.indexedTables + ["file_days"] {
            let statement = try database.prepare("DELETE FROM \(table) WHERE file_id = ?")
            statement.bind(id, at: 1)
            try statement.run()
        }
        let statement = try database.prepare("DELETE FROM input_files WHERE id = ?")
        statement.bind(id, at: 1)
        try statement.run()
    }

    /// Withdraws the rows and rejects of `continued` after its resume point (its partial last
    /// line, the reject of an element it cut short): the file continuing it reads them whole.
    ///
    /// A file's rows of a table are contiguous and in line order, so its trailing rows are found
    /// walking back from its last. Their (day, terminal) pairs are marked as new rows' are, and
    /// the continued file's day ranges, acquirer coverage and counts are brought up to date.
    private func withdrawTail(of continued: IngestedContent) throws {
        let id = continued.id
        let afterLine = Int64(continued.resumeLine)
        var withdrawnRows: Int64 = 0
        for (index, table) in Self.segmentedTables.enumerated() {
            withdrawnRows += try withdrawRows(ofFile: id, table: table, index: index, afterLine: afterLine)
        }
        let withdrawnRejects = try withdrawRejects(ofFile: id, afterLine: afterLine)
        let ledger = try database.prepare("UPDATE input_files SET rows = rows - ?1, rejects = rejects - ?2 WHERE id = ?3")
        ledger.bind(withdrawnRows, at: 1)
        ledger.bind(withdrawnRejects, at: 2)
        ledger.bind(id, at: 3)
        try ledger.run()
    }

    /// A file's rows of one table after a line, as found walking back from its last.
    private struct TailRows {
        /// The lowest row ID among them; nil when there are none.
        var lowest: Int64?
        var ids: [Int64] = []
        /// Their local days.
        var days: Set<Int64> = []
    }

    /// Withdraws a file's rows of `table` (the `index`th of `segmentedTables`) after `afterLine`
    /// (and the facts of its transactions), and recounts its ranges of their days; returns how
    /// many rows went.
    private func withdrawRows(ofFile id: Int64, table: String, index: Int, afterLine: Int64) throws -> Int64 {
        let span = try database.prepare("SELECT min(first_id), max(last_id) FROM file_days WHERE file_id = ? AND table_name = ?")
        span.bind(id, at: 1)
        span.bind(table, at: 2)
        guard try span.step(), !span.isNull(0) else { return 0 }
        let (low, high) = (span.int64(0), span.int64(1))
        span.reset()
        let tail = try tailRows(ofFile: id, table: table, index: index, from: low, to: high, afterLine: afterLine)
        guard let lowest = tail.lowest else { return 0 }
        let delete = try database.prepare("DELETE FROM \(table) WHERE id BETWEEN ?1 AND ?2 AND file_id = ?3 AND line > ?4")
        delete.bind(lowest, at: 1)
        delete.bind(high, at: 2)
        delete.bind(id, at: 3)
        delete.bind(afterLine, at: 4)
        try delete.run()
        let withdrawn = Int64(database.changes)
        if table == "terminal_txns" {
            let facts = try database.prepare("DELETE FROM txn_facts WHERE txn_id = ?")
            for rowID in tail.ids {
                facts.bind(rowID, at: 1)
                try facts.run()
            }
        }
        for day in tail.days { try refreshDay(ofFile: id, table: table, day: day) }
        return withdrawn
    }

    /// Finds a file's rows of `table` after `afterLine` among its row IDs `low...high`, walking
    /// back from the last, and marks each as its kind is marked when added.
    private func tailRows(ofFile id: Int64, table: String, index: Int, from low: Int64, to high: Int64, afterLine: Int64) throws -> TailRows {
        let columns: String
        switch table {
        case "net_events": columns = "source, subject, NULL"
        case "acquirer_msgs": columns = "NULL, tid, realm"
        default: columns = "NULL, tid, NULL"
        }
        let walk = try database.prepare(
            """
            SELECT id, line, ts, tz, \(columns) FROM \(table) WHERE id BETWEEN ?1 AND ?2 AND file_id = ?3 ORDER BY id DESC
            """)
        walk.bind(low, at: 1)
        walk.bind(high, at: 2)
        walk.bind(id, at: 3)
        var tail = TailRows()
        while try walk.step(), walk.int64(1) > afterLine {
            let rowID = walk.int64(0)
            let utc = walk.int64(2)
            let offset = Int16(truncatingIfNeeded: walk.int64(3))
            let day = LocalDay.of(utcMilliseconds: utc, offsetMinutes: Int(offset))
            tail.lowest = rowID
            tail.ids.append(rowID)
            tail.days.insert(day)
            switch (index, walk.text(4)) {
            case (6, _): tracker.markRemovedMessage(tid: walk.optionalInt64(5) ?? 0, utc: utc, offset: offset)
            case (5, "acquirer"): tracker.markLinkEvent(utc: utc, offset: offset)
            case (3, _), (4, _): break  // sign-ins and errors mark nothing when added either
            default: tracker.markTerminal(tid: walk.int64(5), utc: utc, offset: offset, day: day)
            }
        }
        walk.reset()
        return tail
    }

    /// Withdraws a file's rejects after `afterLine`, and their counts by reason; returns how many went.
    private func withdrawRejects(ofFile id: Int64, afterLine: Int64) throws -> Int64 {
        let reasons = try database.prepare("SELECT reason, count(*) FROM rejected_lines WHERE file_id = ? AND line > ? GROUP BY reason")
        reasons.bind(id, at: 1)
        reasons.bind(afterLine, at: 2)
        var withdrawnRejects: Int64 = 0
        var byReason: [(String, Int64)] = []
        while try reasons.step() {
            byReason.append((reasons.text(0) ?? "", reasons.int64(1)))
            withdrawnRejects += reasons.int64(1)
        }
        guard withdrawnRejects > 0 else { return 0 }
        let delete = try database.prepare("DELETE FROM rejected_lines WHERE file_id = ? AND line > ?")
        delete.bind(id, at: 1)
        delete.bind(afterLine, at: 2)
        try delete.run()
        let count = try database.prepare("UPDATE file_counts SET value = value - ?1 WHERE file_id = ?2 AND name = ?3")
        for (reason, n) in byReason {
            count.bind(n, at: 1)
            count.bind(id, at: 2)
            count.bind("reject:" + reason, at: 3)
            try count.run()
        }
        try database.execute("DELETE FROM file_counts WHERE file_id = \(id) AND value = 0")
        return withdrawnRejects
    }

    /// Recounts a file's ranges of a table on a day (one per UTC hour) from the rows it still has
    /// there (and its acquirer coverage of that day), after some of them were withdrawn.
    private func refreshDay(ofFile id: Int64, table: String, day: Int64) throws {
        // The local day and UTC hour of a row, as `LocalDay.of` and the tracker count them (floor division).
        let localDay = "((ts + tz * 60000) - CASE WHEN ts + tz * 60000 < 0 THEN 86399999 ELSE 0 END) / 86400000"
        let utcHour = "((ts - CASE WHEN ts < 0 THEN 3599999 ELSE 0 END) / 3600000)"
        let range = try database.prepare(
            """
            SELECT min(first_id), max(last_id) FROM file_days WHERE file_id = ? AND table_name = ? AND day = ?
            """)
        range.bind(id, at: 1)
        range.bind(table, at: 2)
        range.bind(day, at: 3)
        guard try range.step(), !range.isNull(0) else { return }
        let (first, last) = (range.int64(0), range.int64(1))
        range.reset()
        let drop = try database.prepare("DELETE FROM file_days WHERE file_id = ? AND table_name = ? AND day = ?")
        drop.bind(id, at: 1)
        drop.bind(table, at: 2)
        drop.bind(day, at: 3)
        try drop.run()
        let recount = try database.prepare(
            """
            INSERT INTO file_days(file_id, table_name, day, hour, first_id, last_id, rows, min_ts, max_ts)
            SELECT ?3, ?5, ?4, \(utcHour), min(id), max(id), count(*), min(ts), max(ts) FROM \(table)
            WHERE id BETWEEN ?1 AND ?2 AND file_id = ?3 AND \(localDay) = ?4 GROUP BY \(utcHour)
            """)
        recount.bind(first, at: 1)
        recount.bind(last, at: 2)
        recount.bind(id, at: 3)
        recount.bind(day, at: 4)
        recount.bind(table, at: 5)
        try recount.run()
        guard table == "acquirer_msgs" else { return }
        let clear = try database.prepare("DELETE FROM acquirer_coverage WHERE file_id = ? AND day = ?")
        clear.bind(id, at: 1)
        clear.bind(day, at: 2)
        try clear.run()
        let coverage = try database.prepare(
            """
            INSERT INTO acquirer_coverage(file_id, realm, day, min_ts, max_ts)
            SELECT file_id, realm, ?4, min(ts), max(ts) FROM acquirer_msgs
            WHERE id BETWEEN ?1 AND ?2 AND file_id = ?3 AND \(localDay) = ?4 GROUP BY realm
            """)
        coverage.bind(first, at: 1)
        coverage.bind(last, at: 2)
        coverage.bind(id, at: 3)
        coverage.bind(day, at: 4)
        try coverage.run()
    }

    /// Writes what the tracker gathered for this file: its (table, day) ranges, acquirer coverage,
    /// the (day, terminal) pairs to recompute, the offsets of its terminal rows.
    private func writeDays() throws {
        let range = try database.prepare(
            """
            INSERT OR REPLACE INTO file_days(file_id, table_name, day, hour, first_id, last_id, rows, min_ts, max_ts)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """)
        for (key, r) in tracker.ranges {
            range.bind(fileID, at: 1)
            range.bind(Self.segmentedTables[key.table], at: 2)
            range.bind(key.day, at: 3)
            range.bind(key.hour, at: 4)
            range.bind(r.first, at: 5)
            range.bind(r.last, at: 6)
            range.bind(r.rows, at: 7)
            range.bind(r.minTime, at: 8)
            range.bind(r.maxTime, at: 9)
            try range.run()
        }
        let coverage = try database.prepare(
            "INSERT OR REPLACE INTO acquirer_coverage(file_id, realm, day, min_ts, max_ts) VALUES (?1, ?2, ?3, ?4, ?5)")
        for (key, span) in tracker.coverage {
            coverage.bind(fileID, at: 1)
            coverage.bind(key >> 32, at: 2)
            coverage.bind(Int64(Int32(truncatingIfNeeded: key)), at: 3)
            coverage.bind(span.minTime, at: 4)
            coverage.bind(span.maxTime, at: 5)
            try coverage.run()
        }
        let mark = try database.prepare("INSERT OR IGNORE INTO dirty_marks(day, tid) VALUES (?, ?)")
        for key in tracker.marks {
            mark.bind(DirtyMark.day(key), at: 1)
            mark.bind(DirtyMark.tid(key), at: 2)
            try mark.run()
        }
        if !inventoryChanged.isEmpty {
            // The days those terminals have data on: their attributes change there.
            let days = try database.prepare("INSERT OR IGNORE INTO dirty_marks(day, tid) SELECT day, tid FROM terminal_days WHERE tid = ?")
            for tid in inventoryChanged {
                days.bind(tid, at: 1)
                try days.run()
            }
        }
        if catalogueChanged {
            // Whether a code is standard decides outcomes: every day with transactions.
            try database.execute(
                """
                INSERT OR IGNORE INTO dirty_marks(day, tid) SELECT DISTINCT day, -1 FROM file_days WHERE table_name = 'terminal_txns'
                """)
        }
        let offsets = Set(try Self.terminalOffsets(database)).union(tracker.terminalOffsets)
        if offsets.count != tracker.knownTerminalOffsets.count {
            let text = offsets.sorted().map(String.init).joined(separator: ",")
            try database.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('terminal_offsets', '\(text)')")
        }
    }

    private func finishFileRow(id: Int64, _ file: FileRecord, rows: Int, rejects: Int, duplicateOf: Int64?) throws {
        let update = try database.prepare(
            """
            UPDATE input_files SET sha256 = ?1, kind = ?2, compression = ?3, bytes = ?4, decoded_bytes = ?5, mtime_ns = ?6,
                lines = ?7, rows = ?8, rejects = ?9, status = ?10, error = ?11, duplicate_of = ?12, seconds = ?13,
                raw_sha256 = ?15, head_sha256 = ?16, resume_bytes = ?17, resume_line = ?18, continues = ?19
            WHERE id = ?14
            """)
        update.bind(file.sha256, at: 1)
        update.bind(file.kind.rawValue, at: 2)
        update.bind(file.compression, at: 3)
        update.bind(file.bytes, at: 4)
        update.bind(file.decodedBytes, at: 5)
        update.bind(file.modificationTimeNanoseconds, at: 6)
        update.bind(Int64(file.lines), at: 7)
        update.bind(Int64(rows), at: 8)
        update.bind(Int64(rejects), at: 9)
        update.bind(file.status.rawValue, at: 10)
        update.bind(file.error, at: 11)
        update.bind(duplicateOf, at: 12)
        update.bind(file.seconds, at: 13)
        update.bind(id, at: 14)
        update.bind(file.rawSHA256, at: 15)
        update.bind(file.headSHA256, at: 16)
        update.bind(file.resume?.bytes, at: 17)
        update.bind(file.resume.map { Int64($0.line) }, at: 18)
        update.bind(file.continues?.id, at: 19)
        try update.run()
        let counts = try database.prepare("INSERT OR REPLACE INTO file_counts(file_id, name, value) VALUES (?, ?, ?)")
        for (name, value) in file.counts.sorted(by: { $0.key < $1.key }) where value != 0 {
            counts.bind(id, at: 1)
            counts.bind(name, at: 2)
            counts.bind(Int64(value), at: 3)
            try counts.run()
        }
    }

    static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    // MARK: - Dictionary

    /// The dictionary id of `value`, adding it when new.
    @inline(__always)
    func id(_ value: String) throws -> Int64 {
        if let id = dictionary[value] { return id }
        insertDictionary.bind(value, at: 1)
        try insertDictionary.run()
        let id: Int64
        if database.changes > 0 {
            id = database.lastInsertRowID
            addedInFile.append(value)
        } else {
            // A concurrent ingest committed this value after the map was loaded: it is not ours to forget.
            selectDictionary.bind(value, at: 1)
            defer { selectDictionary.reset() }
            guard try selectDictionary.step() else {
                throw DatabaseError(resultCode: .error, message: "dictionary value vanished between insert and lookup", sql: selectDictionary.sql)
            }
            id = selectDictionary.int64(0)
        }
        dictionary[value] = id
        return id
    }

    @inline(__always)
    func id(_ value: String?) throws -> Int64? {
        guard let value else { return nil }
        return try id(value)
    }

    // MARK: - Rows

    /// Notes the row just inserted into segmented table `index`; returns its local day.
    @inline(__always)
    @discardableResult
    private func noteRow(_ index: Int, _ time: LoggedTime) -> Int64 {
        tracker.noteRow(table: index, id: database.lastInsertRowID, utc: time.utcMilliseconds, offset: time.offsetMinutes)
    }

    @inline(__always)
    private func markTerminal(_ tid: Int64, _ time: LoggedTime, day: Int64) {
        tracker.markTerminal(tid: tid, utc: time.utcMilliseconds, offset: time.offsetMinutes, day: day)
    }

    private func dictionaryValue(_ text: String?) throws -> DatabaseValue {
        try id(text).map(DatabaseValue.integer) ?? .null
    }

    @inline(__always)
    private func bindHeader(_ s: Statement, line: Int, time: LoggedTime) {
        s.bind(fileID, at: 1)
        s.bind(Int64(line), at: 2)
        s.bind(time.utcMilliseconds, at: 3)
        s.bind(Int64(time.offsetMinutes), at: 4)
    }

    /// True (and counted) when a row's day is before the retention cut-off.
    @inline(__always)
    private func isBeforeCutoff(_ time: LoggedTime) -> Bool {
        guard prunedBefore != .min, LocalDay.of(utcMilliseconds: time.utcMilliseconds, offsetMinutes: Int(time.offsetMinutes)) < prunedBefore else {
            return false
        }
        beforeCutoff += 1
        return true
    }

    /// Adds one terminal-log record. `.ignored` adds nothing (it is counted by the parser).
    public func add(_ record: TerminalRecord) throws {
        if let header = record.header, isBeforeCutoff(header.time) { return }
        switch record {
        case .transaction(let t):
            let s = insertTxn
            let tid = try id(t.header.tid)
            bindHeader(s, line: t.header.line, time: t.header.time)
            s.bind(tid, at: 5)
            s.bind(try id(t.type), at: 6)
            s.bind(t.stan.map(Int64.init), at: 7)
            s.bind(t.batch.map(Int64.init), at: 8)
            s.bind(t.amount, at: 9)
            s.bind(t.currency.map(Int64.init), at: 10)
            s.bind(try id(t.responseCode), at: 11)
            s.bind(try id(t.display), at: 12)
            s.bind(t.latencyMs, at: 13)
            s.bind(try id(t.entry), at: 14)
            s.bind(t.maskedPAN, at: 15)
            s.bind(try id(t.error), at: 16)
            s.bind(try id(t.reason), at: 17)
            s.bind(try id(t.mcc), at: 18)
            try s.run()
            markTerminal(tid, t.header.time, day: noteRow(0, t.header.time))
        case .boot(let b):
            let s = insertBoot
            let tid = try id(b.header.tid)
            bindHeader(s, line: b.header.line, time: b.header.time)
            s.bind(tid, at: 5)
            s.bind(try id(b.firmware), at: 6)
            s.bind(try id(b.appVersion), at: 7)
            s.bind(try id(b.codeTable), at: 8)
            try s.run()
            markTerminal(tid, b.header.time, day: noteRow(1, b.header.time))
        case .firmwareUpdate(let u):
            let s = insertFirmwareUpdate
            let tid = try id(u.header.tid)
            bindHeader(s, line: u.header.line, time: u.header.time)
            s.bind(tid, at: 5)
            s.bind(try id(u.from), at: 6)
            s.bind(try id(u.to), at: 7)
            s.bind(Int64(u.succeeded ? 1 : 0), at: 8)
            try s.run()
            markTerminal(tid, u.header.time, day: noteRow(2, u.header.time))
        case .network(let n):
            let s = insertNet
            let tid = try id(n.header.tid)
            bindHeader(s, line: n.header.line, time: n.header.time)
            s.bind("terminal", at: 5)
            s.bind(tid, at: 6)
            s.bind(try id(n.state), at: 7)
            s.bind(try id(n.networkType), at: 8)
            s.bind(n.rssi.map(Int64.init), at: 9)
            s.bind(n.reason, at: 10)
            try s.run()
            markTerminal(tid, n.header.time, day: noteRow(5, n.header.time))
        case .signIn(let x):
            let s = insertSignIn
            bindHeader(s, line: x.header.line, time: x.header.time)
            s.bind(try id(x.header.tid), at: 5)
            s.bind(try id(x.responseCode), at: 6)
            try s.run()
            noteRow(3, x.header.time)
        case .error(let e):
            let s = insertError
            bindHeader(s, line: e.header.line, time: e.header.time)
            s.bind(try id(e.header.tid), at: 5)
            s.bind(try id(e.error), at: 6)
            s.bind(e.message, at: 7)
            try s.run()
            noteRow(4, e.header.time)
        case .ignored:
            return
        }
        rows += 1
    }

    /// Adds one acquirer message.
    public func add(_ m: AcquirerMessage) throws {
        if isBeforeCutoff(m.time) { return }
        let s = insertMessage
        let realm = try id(m.realm)
        let tid = try id(m.tid)
        bindHeader(s, line: m.line, time: m.time)
        s.bind(realm, at: 5)
        s.bind(m.direction.rawValue, at: 6)
        s.bind(try id(m.mti), at: 7)
        s.bind(m.maskedPAN, at: 8)
        s.bind(try id(m.processingCode), at: 9)
        s.bind(m.amount, at: 10)
        s.bind(m.stan.flatMap(Self.digitsValue), at: 11)
        s.bind(m.stan, at: 12)
        s.bind(m.localTime, at: 13)
        s.bind(m.localDate, at: 14)
        s.bind(m.rrn, at: 15)
        s.bind(try id(m.responseCode), at: 16)
        s.bind(tid, at: 17)
        s.bind(try id(m.mid), at: 18)
        s.bind(try id(m.currency), at: 19)
        s.bind(m.lifespanMs, at: 20)
        try s.run()
        let day = noteRow(6, m.time)
        tracker.markMessage(tid: tid ?? 0, realm: realm, utc: m.time.utcMilliseconds, offset: m.time.offsetMinutes, day: day)
        rows += 1
    }

    /// Adds one acquirer link event as a network event of its realm.
    public func add(_ e: AcquirerLinkEvent) throws {
        if isBeforeCutoff(e.time) { return }
        let s = insertNet
        bindHeader(s, line: e.line, time: e.time)
        s.bind("acquirer", at: 5)
        s.bind(try id(e.realm), at: 6)
        s.bind(try id(e.kind), at: 7)
        s.bind(nil as Int64?, at: 8)
        s.bind(nil as Int64?, at: 9)
        s.bind(e.detail, at: 10)
        try s.run()
        noteRow(5, e.time)
        tracker.markLinkEvent(utc: e.time.utcMilliseconds, offset: e.time.offsetMinutes)
        rows += 1
    }

    /// Adds (or replaces) one terminal's inventory row, noting the terminal when the row changes
    /// anything: its transactions' attributes change with it.
    public func add(_ r: InventoryRow) throws {
        let tid = try id(r.tid)
        let values: [DatabaseValue] = [
            r.mid.map(DatabaseValue.text) ?? .null, try dictionaryValue(r.brand), try dictionaryValue(r.model),
            try dictionaryValue(r.channel), try dictionaryValue(r.agent), try dictionaryValue(r.feeTier),
            r.feeRate.map(DatabaseValue.real) ?? .null, try dictionaryValue(r.region), try dictionaryValue(r.mcc),
            try dictionaryValue(r.firmware),
        ]
        selectInventory.bind(tid, at: 1)
        if try selectInventory.step() {
            if (0..<values.count).contains(where: { selectInventory.value($0) != values[$0] }) { inventoryChanged.insert(tid) }
        } else {
            inventoryChanged.insert(tid)
        }
        selectInventory.reset()
        let s = insertInventory
        s.bind(tid, at: 1)
        s.bind(fileID, at: 2)
        s.bind(Int64(r.line), at: 3)
        s.bind(r.mid, at: 4)
        s.bind(try id(r.brand), at: 5)
        s.bind(try id(r.model), at: 6)
        s.bind(try id(r.channel), at: 7)
        s.bind(try id(r.agent), at: 8)
        s.bind(try id(r.feeTier), at: 9)
        s.bind(r.feeRate, at: 10)
        s.bind(try id(r.region), at: 11)
        s.bind(try id(r.mcc), at: 12)
        s.bind(try id(r.firmware), at: 13)
        try s.run()
        rows += 1
    }

    /// Adds one user catalogue entry.
    public func add(_ e: CatalogueEntry) throws {
        catalogueChanged = true
        let s = insertCatalogue
        s.bind(fileID, at: 1)
        s.bind(Int64(e.line), at: 2)
        s.bind(e.code, at: 3)
        s.bind(e.meaning, at: 4)
        s.bind(e.scope, at: 5)
        s.bind(e.meaningZH.isEmpty ? nil : e.meaningZH, at: 6)
        try s.run()
        rows += 1
    }

    /// Keeps a rejected line.
    public func add(_ r: Rejection) throws {
        let s = insertReject
        s.bind(fileID, at: 1)
        s.bind(Int64(r.line), at: 2)
        s.bind(r.reason, at: 3)
        s.bind(r.text, at: 4)
        try s.run()
        rejects += 1
    }

    static func digitsValue(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 18 else { return nil }
        var v: Int64 = 0
        for b in text.utf8 {
            guard b >= 0x30, b <= 0x39 else { return nil }
            v = v * 10 + Int64(b - 0x30)
        }
        return v
    }
}

extension TerminalRecord {
    /// The line's common keys; nil for an ignored event.
    fileprivate var header: TerminalEventHeader? {
        switch self {
        case .transaction(let t): t.header
        case .boot(let b): b.header
        case .firmwareUpdate(let u): u.header
        case .network(let n): n.header
        case .signIn(let x): x.header
        case .error(let e): e.header
        case .ignored: nil
        }
    }
}
