import Foundation
public import POSReports
public import POSStore

/// How the jobs open the database, take its lock and turn a failure into an exit status.
public enum DatabaseAccess {
    /// Stops with `failed`, creating nothing, when there is no database at `path`: a command that
    /// only reads must not make an empty one out of a typo (docs/cli.md §1).
    public static func requireDatabase(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            Console.error("posrca: no database at \(path): run `posrca ingest` first (or `posrca nightly`), or pass --db")
            throw JobExit(.failed)
        }
    }

    /// Opens the database read-only, with a message that says what to do when it is missing.
    /// SQLite's sorter may use a helper thread (`PRAGMA threads`): a `GROUP BY` over the
    /// `transactions` view of 7.5M rows runs about 10–20% faster with it on two cores.
    ///
    /// A database last written by an earlier build lacks this build's views (and the aggregate
    /// tables under them) until a command writes to it. So its schema is brought up to date first
    /// when the file can be written: tables and views are only added, and the new aggregates are
    /// derived from rows already there; `PRAGMA query_only` then guards the read itself. Where it
    /// cannot be written (a read-only file, a writer holding it past the busy timeout), it is read
    /// as it is.
    public static func openReadOnly(_ path: String) throws -> Database {
        try requireDatabase(path)
        if let reader = try? Database(path: path, mode: .readOnly), !Schema.isCurrent(reader) {
            _ = try? openStore(path)
        }
        return try failing {
            let database = try Database(path: path, mode: .readOnly)
            try database.execute("PRAGMA threads = 2")
            return database
        }
    }

    /// Opens the database for writing, with its schema; created when missing.
    public static func openStore(_ path: String) throws -> IngestStore {
        try IngestStore(database: Database(path: path))
    }

    /// Takes the database's run lock (`DB.lock`): exclusively to write, shared to read a settled
    /// database. While another run holds it, waits with a line on standard error every 10 s, or
    /// stops with `locked` when `wait` is false (docs/cli.md §9).
    public static func holdRunLock(database path: String, shared: Bool, wait: Bool) throws -> RunLock {
        let lockPath = path + ".lock"
        let acquisition = try failing {
            try RunLock.acquire(path: lockPath, shared: shared, wait: wait) { holder in
                Console.error("posrca: waiting for the posrca run\(holder.map { " (PID \($0))" } ?? "") that is writing \(path) to finish…")
            }
        }
        switch acquisition {
        case .acquired(let lock):
            return lock
        case .held(let holder):
            Console.error("posrca: another posrca run\(holder.map { " (PID \($0))" } ?? "") is writing \(path); try again later")
            throw JobExit(.locked)
        }
    }
}

/// Runs `body`; a runtime failure is printed and stops the job with `failed` (docs/cli.md §3:
/// nothing changed). A canned query's error is a usage error.
func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as JobExit {
        throw error
    } catch let error as JobUsageError {
        throw error
    } catch let error as QueryError {
        throw JobUsageError(error.message)
    } catch {
        Console.error("posrca: \(error)")
        throw JobExit(.failed)
    }
}
