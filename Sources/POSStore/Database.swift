import CSQLite

/// An SQLite failure, with the result code, SQLite's message and the statement that failed.
///
/// Match it by code, as GRDB's: `catch let error as DatabaseError where error.resultCode == .busy`,
/// or `catch ResultCode.constraintUnique`.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    /// The code SQLite gave: extended where it gives one (`.busyTimeout`, `.constraintUnique`, …;
    /// every connection turns extended codes on), else primary.
    public var extendedResultCode: ResultCode
    public var message: String
    public var sql: String?

    /// The primary result code (`.busy`, `.constraint`, `.full`, …): what to compare with `==`.
    public var resultCode: ResultCode { extendedResultCode.primaryResultCode }

    /// A failure with `resultCode`, primary or extended.
    public init(resultCode: ResultCode, message: String, sql: String? = nil) {
        self.extendedResultCode = resultCode
        self.message = message
        self.sql = sql
    }

    public var description: String {
        var text = "SQLite error \(extendedResultCode.rawValue): \(message)"
        if let sql { text += " - while executing `\(sql.count > 200 ? String(sql.prefix(200)) + "…" : sql)`" }
        return text
    }
}

/// How a connection is opened.
public enum DatabaseMode: Sendable {
    /// Read and write, creating the file and the schema when missing.
    case readWrite
    /// Read only: no statement can change the file (`SQLITE_OPEN_READONLY` and `query_only`).
    case readOnly
}

/// One SQLite connection. Not thread-safe: use it from one thread at a time.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    /// The temporary `transactions` view this connection's read-only queries go through, nil
    /// for the stored view (`TransactionsView`).
    var transactionsView: String?

    /// Opens (or creates) the database at `path`.
    public init(path: String, mode: DatabaseMode = .readWrite, busyTimeoutMilliseconds: Int32 = 60_000) throws {
        var db: OpaquePointer?
        let flags: Int32 =
            mode == .readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw DatabaseError(resultCode: ResultCode(rawValue: status), message: "\(message) (\(path))")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        if mode == .readOnly { try execute("PRAGMA query_only = ON") }
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw DatabaseError(resultCode: ResultCode(rawValue: status), message: message, sql: sql)
        }
    }

    /// Compiles a statement for repeated use.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// The rowid of the last row inserted on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// True while a transaction is open.
    public var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The first column of the first row of `sql`, as an integer.
    public func scalarInt(_ sql: String, _ arguments: [DatabaseValue] = []) throws -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return statement.int64(0)
    }

    /// The first column of the first row of `sql`, as text.
    public func scalarText(_ sql: String, _ arguments: [DatabaseValue] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    func error(_ status: Int32, sql: String?) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: status), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// The SQLite library's version, e.g. `3.40.1`.
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

/// A value to bind or read back.
public enum DatabaseValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A prepared statement. Prepare once, then bind, step and reset for each use.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw database.error(status, sql: sql) }
        handle = statement
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// True when the statement cannot write (used to keep ad-hoc queries read-only).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// Number of parameters, and the name of each (`:since` → `since`), 1-based.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }
    public func parameterName(_ index: Int) -> String? {
        sqlite3_bind_parameter_name(handle, Int32(index)).map { String(String(cString: $0).dropFirst()) }
    }

    /// Binds an integer (nil binds NULL) to the 1-based parameter `index`.
    @inline(__always)
    public func bind(_ value: Int64?, at index: Int32) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds a real number (nil binds NULL).
    public func bind(_ value: Double?, at index: Int32) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds text (nil binds NULL). SQLite copies it.
    @inline(__always)
    public func bind(_ value: String?, at index: Int32) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            let pointer = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            _ = sqlite3_bind_text(handle, index, pointer.assumingMemoryBound(to: CChar.self), Int32(bytes.count), SQLITE_TRANSIENT)
        }
    }

    /// Binds bytes as a BLOB. SQLite copies them.
    public func bind(blob: [UInt8], at index: Int32) {
        blob.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob64(
                handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, sqlite3_uint64(bytes.count), SQLITE_TRANSIENT)
        }
    }

    /// Binds a list of values to parameters 1…n.
    public func bind(_ values: [DatabaseValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds one value.
    public func bind(_ value: DatabaseValue, at index: Int32) throws {
        switch value {
        case .null: sqlite3_bind_null(handle, index)
        case .integer(let v): sqlite3_bind_int64(handle, index, v)
        case .real(let v): sqlite3_bind_double(handle, index, v)
        case .text(let v): bind(v, at: index)
        }
    }

    /// Runs to the next row: true when a row is ready, false when done. Throws on errors.
    @discardableResult
    public func step() throws -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(status, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Steps a statement that returns no rows, then resets it for the next use.
    @inline(__always)
    public func run() throws {
        let status = sqlite3_step(handle)
        if status != SQLITE_DONE && status != SQLITE_ROW {
            let error = database.error(status, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
        sqlite3_reset(handle)
    }

    /// Makes the statement ready to run again (bindings are kept).
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Clears all bindings to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: - Reading columns (0-based)

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func columnName(_ index: Int) -> String {
        String(cString: sqlite3_column_name(handle, Int32(index)))
    }

    public func isNull(_ index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    public func int64(_ index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    public func optionalInt64(_ index: Int) -> Int64? {
        isNull(index) ? nil : int64(index)
    }

    public func double(_ index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    public func text(_ index: Int) -> String? {
        guard let pointer = sqlite3_column_text(handle, Int32(index)) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Calls `body` with the bytes of a BLOB (or text) column; they live only during the call.
    public func withBlob<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let pointer = sqlite3_column_blob(handle, Int32(index))
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return try body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    /// The column as a `DatabaseValue`, keeping SQLite's storage class.
    public func value(_ index: Int) -> DatabaseValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_NULL: return .null
        default: return .text(text(index) ?? "")
        }
    }
}

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
