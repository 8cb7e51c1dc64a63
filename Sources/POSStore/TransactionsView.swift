/// The `transactions` view as a read-only query on this connection sees it: the columns it reads
/// from other tables read through joins made for that query (docs/cli.md §4).
///
/// The stored view looks up each such column with a subquery per row, so that a query reads only
/// what it uses: SQLite 3.40 keeps an unused `LEFT JOIN` in an aggregate query, so a join in the
/// stored view would cost every query. A subquery costs more per row than a join, though: about
/// 200 ns, since SQLite opens its cursor and seeks from the root every row, against 50–100 ns for
/// a join whose cursor stays open. So when a query reads one of these columns, a temporary view
/// named `transactions` replaces the stored one for that query. It joins the analysis's facts (and
/// the dictionary for each derived text the query reads), or the inventory's texts, as the query
/// needs, and nothing else. Its rows are the stored view's, column for column: every join is a
/// `LEFT JOIN` on a unique key. Other SQLite clients read the stored view and get the same rows.
enum TransactionsView {
    /// The stored view's columns, in its order (`schema.sql`).
    static let columns = [
        "tid", "ts", "day", "type", "stan", "amount", "currency", "rc", "disp", "latency_ms", "brand", "model", "channel", "agent",
        "fee_tier", "region", "mcc", "firmware", "app_version", "code_table", "acquirer", "net_type", "rssi_band", "net_event_60s",
        "entry", "txn_type", "hour", "outcome", "cause", "acquirer_rc", "file", "line", "err",
    ]

    /// A column read through a join: from the transaction's row of `txn_facts` (`x`), where
    /// `dictionaryID` names the fact holding its text's dictionary id (joined as `d_<column>`), or
    /// from its terminal's row of `inventory_texts` (`i`). `r` is the stored `transaction_rows`.
    struct JoinedColumn {
        enum Table { case facts, inventory }
        let table: Table
        var dictionaryID: String? = nil
        let expression: String
    }

    /// Each such column as the joins read it. Where the row joined is missing or holds NULL,
    /// `firmware` and `mcc` fall back to the stored view's expression (the inventory's firmware,
    /// the transaction's own MCC), which then gives the same value.
    static let joined: [String: JoinedColumn] = [
        "firmware": JoinedColumn(table: .facts, dictionaryID: "firmware", expression: "COALESCE(d_firmware.value, r.firmware)"),
        "app_version": JoinedColumn(table: .facts, dictionaryID: "app_version", expression: "COALESCE(d_app_version.value, 'unknown')"),
        "code_table": JoinedColumn(table: .facts, dictionaryID: "code_table", expression: "COALESCE(d_code_table.value, 'unknown')"),
        "acquirer": JoinedColumn(table: .facts, dictionaryID: "realm", expression: "COALESCE(d_acquirer.value, 'unknown')"),
        "net_type": JoinedColumn(table: .facts, dictionaryID: "net_type", expression: "COALESCE(d_net_type.value, 'unknown')"),
        "acquirer_rc": JoinedColumn(table: .facts, dictionaryID: "acquirer_rc", expression: "d_acquirer_rc.value"),
        "rssi_band": JoinedColumn(table: .facts, expression: "COALESCE(x.rssi_band, 'unknown')"),
        "net_event_60s": JoinedColumn(table: .facts, expression: "COALESCE(x.net_event_60s, 'unknown')"),
        "outcome": JoinedColumn(table: .facts, expression: "x.outcome"),
        "cause": JoinedColumn(table: .facts, expression: "x.cause"),
        "brand": JoinedColumn(table: .inventory, expression: "COALESCE(i.brand, 'unknown')"),
        "model": JoinedColumn(table: .inventory, expression: "COALESCE(i.model, 'unknown')"),
        "channel": JoinedColumn(table: .inventory, expression: "COALESCE(i.channel, 'unknown')"),
        "agent": JoinedColumn(table: .inventory, expression: "COALESCE(i.agent, 'unknown')"),
        "fee_tier": JoinedColumn(table: .inventory, expression: "COALESCE(i.fee_tier, 'unknown')"),
        "region": JoinedColumn(table: .inventory, expression: "COALESCE(i.region, 'unknown')"),
        "mcc": JoinedColumn(table: .inventory, expression: "COALESCE(i.mcc, r.mcc)"),
    ]

    /// The temporary view for a query that reads `used` of the view's columns; nil when it reads
    /// none that a join serves, and the stored view serves it as it is.
    static func definition(reading used: Set<String>) -> String? {
        let read = columns.filter { used.contains($0) && joined[$0] != nil }
        guard !read.isEmpty else { return nil }
        let select = columns.map { column in
            read.contains(column) ? "\(joined[column]!.expression) AS \(column)" : "r.\(column) AS \(column)"
        }
        var from = ["main.transaction_rows AS r"]
        if read.contains(where: { joined[$0]!.table == .facts }) {
            from.append("LEFT JOIN main.txn_facts AS x ON x.txn_id = r.txn_id")
        }
        for column in read {
            if let id = joined[column]!.dictionaryID {
                from.append("LEFT JOIN main.dictionary AS d_\(column) ON d_\(column).id = x.\(id)")
            }
        }
        if read.contains(where: { joined[$0]!.table == .inventory }) {
            from.append("LEFT JOIN main.inventory_texts AS i ON i.tid = r.terminal")
        }
        return "CREATE TEMP VIEW transactions AS SELECT \(select.joined(separator: ", ")) FROM \(from.joined(separator: " "))"
    }
}

extension Database {
    /// Makes `transactions` on this connection the view `definition` gives (nil: the stored view).
    /// Where that fails (a database from a build whose views differ), the stored view serves.
    func shapeTransactionsView(_ definition: String?) {
        guard definition != transactionsView else { return }
        do {
            try withWritableTemp {
                try execute("DROP VIEW IF EXISTS temp.transactions")
                if let definition { try execute(definition) }
            }
            transactionsView = definition
        } catch {
            try? withWritableTemp { try execute("DROP VIEW IF EXISTS temp.transactions") }
            transactionsView = nil
        }
    }

    /// Runs `body` with `PRAGMA query_only` off, which also guards the temporary schema; a
    /// connection opened read-only still cannot change the file.
    private func withWritableTemp(_ body: () throws -> Void) throws {
        let queryOnly = try scalarInt("PRAGMA query_only") == 1
        if queryOnly { try execute("PRAGMA query_only = OFF") }
        defer { if queryOnly { try? execute("PRAGMA query_only = ON") } }
        try body()
    }
}
