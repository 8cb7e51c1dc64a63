public import POSStore
import POSFormats

/// The catalogue in force joined with what the logs show of each code.
public enum CodeCatalogueReport {
    /// One row per catalogue entry (built-in and from files) and per code seen in no catalogue.
    public static func table(database: Database) throws -> ResultTable {
        var catalogue = ResponseCodeCatalogue.builtIn
        let userEntries = try database.prepare("SELECT code, meaning, scope, line FROM catalogue_entries ORDER BY id")
        while try userEntries.step() {
            catalogue.add(CatalogueEntry(
                line: Int(userEntries.int64(3)), code: userEntries.text(0) ?? "", meaning: userEntries.text(1) ?? "",
                scope: userEntries.text(2) ?? "*", source: "file"
            ))
        }
        // How often each code was seen, on each side, and when first and last.
        struct Seen { var terminal: Int64 = 0; var acquirer: Int64 = 0; var first: Int64 = .max; var last: Int64 = .min }
        var seen: [String: Seen] = [:]
        let usage = try database.prepare("""
            SELECT d.value, 'terminal', count(*), min(t.ts), max(t.ts) FROM terminal_txns t JOIN dictionary d ON d.id = t.rc GROUP BY t.rc
            UNION ALL
            SELECT d.value, 'acquirer', count(*), min(m.ts), max(m.ts) FROM acquirer_msgs m JOIN dictionary d ON d.id = m.rc GROUP BY m.rc
            """)
        while try usage.step() {
            let code = usage.text(0) ?? ""
            var entry = seen[code] ?? Seen()
            if usage.text(1) == "terminal" { entry.terminal += usage.int64(2) } else { entry.acquirer += usage.int64(2) }
            entry.first = min(entry.first, usage.int64(3))
            entry.last = max(entry.last, usage.int64(4))
            seen[code] = entry
        }
        var table = ResultTable(columns: ["code", "meaning", "scope", "source", "terminal_count", "acquirer_count", "first_seen", "last_seen"])
        var listed = Set<String>()
        func row(_ code: String, _ meaning: String, _ scope: String, _ source: String) -> [String?] {
            let s = seen[code]
            return [
                code, meaning, scope, source, String(s?.terminal ?? 0), String(s?.acquirer ?? 0),
                s.map { Timestamps.formatUTC($0.first) }, s.map { Timestamps.formatUTC($0.last) },
            ]
        }
        for entry in catalogue.entries {
            listed.insert(entry.code)
            table.rows.append(row(entry.code, entry.meaning, entry.scope, entry.source))
        }
        for code in seen.keys.sorted() where !listed.contains(code) {
            table.rows.append(row(code, "(in no catalogue: non-standard)", "*", "seen"))
        }
        return table
    }
}
