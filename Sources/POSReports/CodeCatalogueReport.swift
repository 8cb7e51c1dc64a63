public import POSAnalysis
public import POSFormats
public import POSStore

/// The catalogue in force joined with what the logs show of each code.
public enum CodeCatalogueReport {
    /// One row per catalogue entry (built-in and from files) and per code seen in no catalogue.
    ///
    /// Columns: `code, meaning, scope, source, terminal_count, acquirer_count, first_seen,
    /// last_seen, meaning_zh`. `meaning` is the catalogue's `meaning` (English in the built-in
    /// tables) and `meaning_zh` its Chinese meaning, NULL where the catalogue gives none; a code in
    /// no catalogue says so in both. The columns are an interface (`--format csv`, `json`), the
    /// same in every language.
    public static func table(database: Database) throws -> ResultTable {
        let catalogue = try ResponseCodeCatalogue.inForce(database)
        // How often each code was seen, on each side, and when first and last.
        struct Seen {
            var terminal: Int64 = 0
            var acquirer: Int64 = 0
            var first: Int64 = .max
            var last: Int64 = .min
        }
        var seen: [String: Seen] = [:]
        let usage = try database.prepare(
            """
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
        var table = ResultTable(columns: [
            "code", "meaning", "scope", "source", "terminal_count", "acquirer_count", "first_seen", "last_seen", "meaning_zh",
        ])
        var listed = Set<String>()
        func row(_ code: String, _ meaning: String, _ scope: String, _ source: String, _ meaningZH: String) -> [String?] {
            let s = seen[code]
            return [
                code, meaning, scope, source, String(s?.terminal ?? 0), String(s?.acquirer ?? 0),
                s.map { Timestamps.formatUTC($0.first) }, s.map { Timestamps.formatUTC($0.last) },
                meaningZH.isEmpty ? nil : meaningZH,
            ]
        }
        for entry in catalogue.entries {
            listed.insert(entry.code)
            table.rows.append(row(entry.code, entry.meaning, entry.scope, entry.source, entry.meaningZH))
        }
        for code in seen.keys.sorted() where !listed.contains(code) {
            let meaning = InterfaceText.nonstandardCodeMeaning.text
            table.rows.append(row(code, meaning.english, "*", "seen", meaning.chinese))
        }
        return table
    }

    /// What `code` means in `language`, for a page that names codes without their acquirer: the
    /// entry that speaks for every acquirer, else the last one scoped to some acquirer; nil for a
    /// code in no catalogue. Chinese falls back to the English meaning where the entry has none.
    public static func meaning(of code: String, in catalogue: ResponseCodeCatalogue, language: Language) -> String? {
        guard let entry = catalogue.entry(for: code, realm: nil) ?? catalogue.entries.last(where: { $0.code == code }) else { return nil }
        let text = entry.meaning(in: language)
        return text.isEmpty ? nil : text
    }
}

extension CatalogueEntry {
    /// The meaning in `language`: the Chinese one where the catalogue has it, else `meaning`.
    func meaning(in language: Language) -> String {
        language == .chinese && !meaningZH.isEmpty ? meaningZH : meaning
    }
}
