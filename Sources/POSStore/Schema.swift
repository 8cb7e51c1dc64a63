import CSQLite

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
        try database.execute("""
            PRAGMA journal_mode = WAL;
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
}
