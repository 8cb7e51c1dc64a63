import CSQLite

extension Database {
    /// Compiles exactly one statement that can only read: what canned and ad-hoc queries run.
    ///
    /// Three fences, because `sqlite3_stmt_readonly` alone lets through statements that change the
    /// connection rather than the file (`ATTACH`, `BEGIN`, `PRAGMA writable_schema = 1`,
    /// `PRAGMA query_only = 0`): an authorizer allows only reads, functions and the read-only
    /// pragmas while the statement compiles; the compiled statement must report read-only; and the
    /// text must hold one statement, since SQLite would silently ignore a second one after `;`.
    /// Throws a `DatabaseError` (result code `.auth` for a refused statement) naming the SQL.
    /// Open the connection with `.readOnly` as well: this guards the statement, that guards the file.
    ///
    /// A query that reads columns of `transactions` kept in other tables (the analysis's facts,
    /// the inventory's texts) reads them through joins made for it (`TransactionsView`), with the
    /// same rows.
    public func prepareReadOnlyQuery(_ sql: String) throws -> Statement {
        let reads = ViewReads()
        let context = Unmanaged.passUnretained(reads).toOpaque()
        sqlite3_set_authorizer(handle, readOnlyAuthorizer, context)
        defer { sqlite3_set_authorizer(handle, nil, nil) }

        var first: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let single: String = try sql.withCString { text in
            let status = sqlite3_prepare_v2(handle, text, -1, &first, &tail)
            defer { sqlite3_finalize(first) }
            guard status == SQLITE_OK else { throw refusalOrError(status, sql: sql) }
            guard first != nil else {
                throw DatabaseError(resultCode: .misuse, message: "the query is empty", sql: sql)
            }
            // A tail that compiles to nothing is only blanks and comments.
            if let tail, tail.pointee != 0 {
                var second: OpaquePointer?
                let tailStatus = sqlite3_prepare_v2(handle, tail, -1, &second, nil)
                defer { sqlite3_finalize(second) }
                if tailStatus != SQLITE_OK || second != nil {
                    throw DatabaseError(
                        resultCode: .misuse, message: "only one statement is allowed; remove everything after the first `;`", sql: sql)
                }
            }
            let length = tail.map { UnsafeRawPointer($0) - UnsafeRawPointer(text) } ?? sql.utf8.count
            return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
        }
        // Every statement: one that reads no column of `transactions` (`count(*)`) drops the
        // joins an earlier statement on this connection needed.
        shapeTransactionsView(TransactionsView.definition(reading: reads.transactionColumns), authorizerContext: context)
        let statement: Statement
        do {
            statement = try withExtendedLifetime(reads) { try prepareUnderAuthorizer(single, context: context) }
        } catch let error as DatabaseError {
            throw error.resultCode == .auth ? refused(sql) : error
        }
        guard statement.isReadOnly else { throw refused(sql) }
        return statement
    }

    /// Compiles the statement; if it fails on this connection's own `transactions` view, compiles
    /// it again on the stored one.
    private func prepareUnderAuthorizer(_ sql: String, context: UnsafeMutableRawPointer) throws -> Statement {
        do {
            return try prepare(sql)
        } catch let error as DatabaseError where transactionsView != nil && error.resultCode != .auth {
            shapeTransactionsView(nil, authorizerContext: context)
            return try prepare(sql)
        }
    }

    /// Shapes this connection's `transactions` view with the read-only authorizer off, since it
    /// refuses the view's `CREATE` and `DROP`, then puts the authorizer back with `context`.
    private func shapeTransactionsView(_ definition: String?, authorizerContext context: UnsafeMutableRawPointer) {
        sqlite3_set_authorizer(handle, nil, nil)
        shapeTransactionsView(definition)
        sqlite3_set_authorizer(handle, readOnlyAuthorizer, context)
    }

    private func refusalOrError(_ status: Int32, sql: String) -> DatabaseError {
        // `CREATE TABLE` denied by the authorizer comes back as SQLITE_SCHEMA with SQLite's
        // "not authorized" text rather than SQLITE_AUTH: a refusal all the same.
        let denied = ResultCode(rawValue: status).primaryResultCode == .auth || String(cString: sqlite3_errmsg(handle)) == "not authorized"
        return denied ? refused(sql) : error(status, sql: sql)
    }

    private func refused(_ sql: String) -> DatabaseError {
        DatabaseError(
            resultCode: .auth,
            message: "refused: only a read-only query can run here (SELECT, WITH, VALUES, EXPLAIN or a read-only PRAGMA); "
                + "nothing that writes, attaches a database, opens a transaction or changes a setting",
            sql: sql
        )
    }
}

/// Pragmas that only describe the schema; any other pragma with an argument could change a setting.
private let describingPragmas: Set<String> = [
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "function_list", "pragma_list", "collation_list", "database_list", "compile_options",
]

/// The columns of `transactions` a statement reads itself (not through another view), as the
/// authorizer reports them while it compiles.
private final class ViewReads {
    var transactionColumns: Set<String> = []
}

/// Allows reading only, and notes the columns of `transactions` the statement reads (the context
/// is its `ViewReads`). Schema parsing does not pass through here (SQLite disables the authorizer then).
private let readOnlyAuthorizer:
    @convention(c) (
        UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?
    ) -> Int32 = { context, action, first, second, _, view in
        switch action {
        case SQLITE_READ:
            if view == nil, let context, let first, let second, String(cString: first).lowercased() == "transactions" {
                let reads = Unmanaged<ViewReads>.fromOpaque(context).takeUnretainedValue()
                reads.transactionColumns.insert(String(cString: second).lowercased())
            }
            return SQLITE_OK
        case SQLITE_SELECT, SQLITE_FUNCTION, SQLITE_RECURSIVE:
            return SQLITE_OK
        case SQLITE_PRAGMA:
            // `PRAGMA name` reads a setting; `PRAGMA name = value` and `PRAGMA name(arg)` may write one.
            guard let first else { return SQLITE_DENY }
            let name = String(cString: first).lowercased()
            return second == nil || describingPragmas.contains(name) ? SQLITE_OK : SQLITE_DENY
        default:
            return SQLITE_DENY
        }
    }
