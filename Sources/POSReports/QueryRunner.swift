public import POSStore

/// Runs read-only SQL and collects the rows into a `ResultTable`.
public enum QueryRunner {
    /// Runs one ad-hoc statement that must only read (`posrca sql`).
    ///
    /// The statement is compiled with `Database.prepareReadOnlyQuery`, which refuses writes,
    /// `ATTACH`, transactions, settings and a second statement; open `database` with `.readOnly`
    /// too, so that nothing can change the file even if a fence were missed.
    public static func run(sql: String, on database: Database) throws -> ResultTable {
        let statement = try database.prepareReadOnlyQuery(sql)
        return try table(from: statement)
    }

    /// Steps `statement` to the end and returns its rows, with each column's type.
    ///
    /// A column is `integer` when every non-NULL cell is an integer, `real` when every one is a
    /// number, else `text`. Real numbers are written in the shortest form that reads back the same
    /// double (`0.1`, `1e-05`), integers in full, text as stored.
    public static func table(from statement: Statement) throws -> ResultTable {
        let count = statement.columnCount
        var table = ResultTable(columns: (0..<count).map(statement.columnName))
        var seenInteger = Array(repeating: false, count: count)
        var seenReal = Array(repeating: false, count: count)
        var seenText = Array(repeating: false, count: count)
        while try statement.step() {
            var row: [String?] = []
            row.reserveCapacity(count)
            for column in 0..<count {
                switch statement.value(column) {
                case .null:
                    row.append(nil)
                case .integer(let value):
                    seenInteger[column] = true
                    row.append(String(value))
                case .real(let value):
                    seenReal[column] = true
                    row.append(value.isFinite ? String(value) : nil)
                case .text(let value):
                    seenText[column] = true
                    row.append(value)
                }
            }
            table.rows.append(row)
        }
        statement.reset()
        table.columnTypes = (0..<count).map { column in
            if seenText[column] || !(seenInteger[column] || seenReal[column]) { return .text }
            return seenReal[column] ? .real : .integer
        }
        return table
    }
}
