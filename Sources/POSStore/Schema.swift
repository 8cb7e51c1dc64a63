import Glibc

/// Creates and upgrades the database schema (`schema.sql`, embedded in the binary).
public enum Schema {
    /// The schema version this build writes (`PRAGMA user_version`).
    public static let version: Int64 = 2

    /// The schema text.
    public static var sql: String { String(decoding: PackageResources.schema_sql, as: UTF8.self) }

    /// Sets the connection's pragmas and installs the schema when it is missing or older.
    ///
    /// WAL lets analysts read while a nightly run writes; `synchronous = NORMAL` in WAL mode loses no
    /// committed file on a crash of the process (only, at worst, the last commits on power loss).
    public static func install(on database: Database) throws {
        try enableWAL(on: database)
        try database.execute(
            """
            PRAGMA synchronous = NORMAL;
            PRAGMA temp_store = MEMORY;
            PRAGMA cache_size = -65536;
            PRAGMA foreign_keys = OFF;
            """)
        let current = try database.scalarInt("PRAGMA user_version") ?? 0
        if current > version {
            throw DatabaseError(
                resultCode: .error, message: "the database was written by a newer posrca (schema \(current), this build knows \(version))")
        }
        // The schema text's hash: a build whose views or indexes differ (same version, new views)
        // installs them again; tables are created only when missing, so no row is touched.
        let stored = current == 0 ? nil : try? database.scalarText("SELECT value FROM meta WHERE key = 'schema_hash'")
        if current < version || stored != hash {
            try database.execute("BEGIN IMMEDIATE")
            do {
                // Another process may have upgraded it while this one waited for the write lock.
                let now = try database.scalarInt("PRAGMA user_version") ?? 0
                let again = try? database.scalarText("SELECT value FROM meta WHERE key = 'schema_hash'")
                if now == 1 { try database.execute(Self.beforeVersion2) }
                if now >= 1 { try addContentIdentity(on: database) }
                if now >= 1 { try addMissingColumns(Self.findingColumns, to: "run_findings", on: database) }
                if now < version || again != hash { try database.execute(sql) }
                if now >= 1 { try addMissingColumns(Self.catalogueColumns, to: "catalogue_entries", on: database) }
                if now == 1 { try database.execute(Self.afterVersion2) }
                if now >= 1 { try database.execute(Self.rawHashOfEarlierRows) }
                try database.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_hash', '\(hash)')")
                try database.execute("PRAGMA user_version = \(version)")
                try database.execute("COMMIT")
            } catch {
                try? database.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// True when `database` holds this build's schema: its version and its views and indexes.
    public static func isCurrent(_ database: Database) -> Bool {
        guard (try? database.scalarInt("PRAGMA user_version")) == version else { return false }
        return (try? database.scalarText("SELECT value FROM meta WHERE key = 'schema_hash'")) == hash
    }

    /// FNV-1a of the schema text, in hex.
    static let hash: String = {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in PackageResources.schema_sql {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return String(h, radix: 16)
    }()

    /// Schema 1 → 2, before the version-2 schema is installed: tables whose layout changed go
    /// (they hold only what the next analysis derives again), the ledger and the run table grow.
    static let beforeVersion2 = """
        DROP VIEW IF EXISTS findings;
        DROP VIEW IF EXISTS acquirer_messages;
        DROP VIEW IF EXISTS firmware_history;
        DROP TABLE IF EXISTS acquirer_pairs;
        DROP TABLE IF EXISTS firmware_periods;
        DELETE FROM txn_facts;
        ALTER TABLE input_files ADD COLUMN pruned_at INTEGER;
        ALTER TABLE analysis_runs ADD COLUMN window_since TEXT;
        ALTER TABLE analysis_runs ADD COLUMN window_until TEXT;
        ALTER TABLE analysis_runs ADD COLUMN uncovered_days TEXT NOT NULL DEFAULT '';
        ALTER TABLE analysis_runs ADD COLUMN recomputed INTEGER NOT NULL DEFAULT 0;
        """

    /// Schema 1 → 2, after: where each file's rows of each day are, what each acquirer file
    /// covers, the last run's findings kept as history, and every day marked for the next analysis.
    static let afterVersion2: String = {
        var text = ""
        for table in ["terminal_txns", "terminal_boots", "firmware_updates", "terminal_signins", "terminal_errors", "net_events", "acquirer_msgs"] {
            text += """
                INSERT OR REPLACE INTO file_days(file_id, table_name, day, hour, first_id, last_id, rows, min_ts, max_ts)
                SELECT file_id, '\(table)', (ts + tz * 60000) / 86400000, ts / 3600000, min(id), max(id), count(*), min(ts), max(ts)
                FROM \(table) GROUP BY file_id, (ts + tz * 60000) / 86400000, ts / 3600000;

                """
        }
        text += """
            INSERT OR REPLACE INTO acquirer_coverage(file_id, realm, day, min_ts, max_ts)
            SELECT file_id, realm, (ts + tz * 60000) / 86400000, min(ts), max(ts) FROM acquirer_msgs
            GROUP BY file_id, realm, (ts + tz * 60000) / 86400000;
            INSERT OR IGNORE INTO dirty_marks(day, tid) SELECT DISTINCT day, -1 FROM file_days;
            INSERT INTO run_findings(run_id, rank, kind, pattern, outcome, n_txns, n_unknown, rate, rate_lo, rate_hi, baseline_rate,
                risk_ratio, rr_lo, rr_hi, p_value, q_value, excess_unknown, share_of_unknown, top_cause, top_codes, confounded_by, evidence)
            SELECT (SELECT max(id) FROM analysis_runs), rank, kind, pattern, outcome, n_txns, n_unknown, rate, rate_lo, rate_hi,
                baseline_rate, risk_ratio, rr_lo, rr_hi, p_value, q_value, excess_unknown, share_of_unknown, top_cause, top_codes,
                confounded_by, evidence
            FROM analysis_findings WHERE (SELECT max(id) FROM analysis_runs) IS NOT NULL;
            DROP TABLE IF EXISTS analysis_findings;
            DROP TABLE IF EXISTS file_segments;
            """
        return text
    }()

    /// The ledger columns of content identity (issue 9), added to a version-2 database written
    /// before them, in the order `schema.sql` has them.
    static let contentIdentityColumns = [
        ("raw_sha256", "TEXT"), ("head_sha256", "TEXT"), ("resume_bytes", "INTEGER"), ("resume_line", "INTEGER"),
        ("continues", "INTEGER"),
    ]

    /// Adds the content-identity columns that `input_files` lacks (none when it has them all).
    ///
    /// Guarded by the table's columns rather than the version: a build from before them opens
    /// such a database as version 2 and keeps working (its rows then come in as rows from before).
    static func addContentIdentity(on database: Database) throws {
        try addMissingColumns(contentIdentityColumns, to: "input_files", on: database)
    }

    /// The columns issue 10 gave `run_findings`, added to a database written before them.
    static let findingColumns = [
        ("evidence_zh", "TEXT NOT NULL DEFAULT ''"), ("recommendation", "TEXT NOT NULL DEFAULT ''"),
        ("recommendation_zh", "TEXT NOT NULL DEFAULT ''"), ("folded", "TEXT NOT NULL DEFAULT ''"),
    ]

    /// Adds the `columns` that `table` lacks (none when it has them all, nothing when the table
    /// does not exist yet: the schema then creates it whole).
    static func addMissingColumns(_ columns: [(String, String)], to table: String, on database: Database) throws {
        let statement = try database.prepare("SELECT name FROM pragma_table_info('\(table)')")
        var present: Set<String> = []
        while try statement.step() { present.insert(statement.text(0) ?? "") }
        guard !present.isEmpty else { return }
        for (name, type) in columns where !present.contains(name) {
            try database.execute("ALTER TABLE \(table) ADD COLUMN \(name) \(type)")
        }
    }

    /// Rows written before content identity (by an earlier build): their `sha256` is the hash of
    /// the raw bytes, so it becomes their `raw_sha256` too and the quick check of an unchanged
    /// path keeps working. Their `head_sha256` stays NULL: they are not recognised as the start
    /// of another file (docs/formats.md §8.5 says what follows).
    static let rawHashOfEarlierRows = "UPDATE input_files SET raw_sha256 = sha256 WHERE raw_sha256 IS NULL AND head_sha256 IS NULL"

    /// The catalogue's Chinese meanings (issue 10), added to a database written before them;
    /// entries already in have none: the build that read their files kept none.
    static let catalogueColumns = [("meaning_zh", "TEXT")]
    /// Switches a new database to WAL, waiting while another process does the same.
    ///
    /// Changing the journal mode needs the file to itself, and SQLite answers `SQLITE_BUSY` at once
    /// instead of calling the busy handler: two ingests that open a new database together would see
    /// one fail with "database is locked". So retry, as the busy timeout would, for up to a minute.
    static func enableWAL(on database: Database, patienceMicroseconds: Int = 60_000_000) throws {
        var waited = 0
        var pause = 1000
        while true {
            do {
                if try database.scalarText("PRAGMA journal_mode")?.lowercased() == "wal" { return }
                _ = try database.scalarText("PRAGMA journal_mode = WAL")
                return
            } catch let error as DatabaseError where error.resultCode == .busy && waited < patienceMicroseconds {
                usleep(useconds_t(pause))
                waited += pause
                pause = min(pause * 2, 100_000)
            }
        }
    }
}
