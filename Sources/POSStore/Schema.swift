import CSQLite
import Glibc

/// Creates and upgrades the database schema (`schema.sql`, embedded in the binary).
public enum Schema {
    /// The schema version this build writes (`PRAGMA user_version`).
    public static let version: Int64 = 1

    /// The schema text.
    public static var sql: String { String(decoding: PackageResources.schema_sql, as: UTF8.self) }

    /// Sets the connection's pragmas and installs the schema when it is missing or older.
    ///
    /// WAL lets analysts read while a nightly run writes; `synchronous = NORMAL` in WAL mode loses no
    /// committed file on a crash of the process (only, at worst, the last commits on power loss).
    public static func install(on database: Database) throws {
        try enableWAL(on: database)
        try database.execute("""
            PRAGMA synchronous = NORMAL;
            PRAGMA temp_store = MEMORY;
            PRAGMA cache_size = -65536;
            PRAGMA foreign_keys = OFF;
            """)
        let current = try database.scalarInt("PRAGMA user_version") ?? 0
        if current > version {
            throw DatabaseError(code: SQLITE_ERROR, message: "the database was written by a newer posrca (schema \(current), this build knows \(version))")
        }
        if current < version {
            try database.execute("BEGIN IMMEDIATE")
            do {
                try database.execute(sql)
                try database.execute("PRAGMA user_version = \(version)")
                try database.execute("COMMIT")
            } catch {
                try? database.execute("ROLLBACK")
                throw error
            }
        }
    }

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
            } catch let error as DatabaseError where error.code & 0xFF == SQLITE_BUSY && waited < patienceMicroseconds {
                usleep(useconds_t(pause))
                waited += pause
                pause = min(pause * 2, 100_000)
            }
        }
    }
}
