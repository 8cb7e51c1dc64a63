public import POSFormats

extension ResponseCodeCatalogue {
    /// The catalogue in force for `database`: the built-in tables, then the entries of the
    /// catalogue files ingested into it, in the order they came in (so theirs win, docs/formats.md §4).
    ///
    /// Reads a database written before `meaning_zh` as well (a read-only connection cannot add the
    /// column): its entries then have no Chinese meaning.
    public static func inForce(_ database: Database) throws -> ResponseCodeCatalogue {
        var catalogue = ResponseCodeCatalogue.builtIn
        let columns = try database.prepare("SELECT name FROM pragma_table_info('catalogue_entries')")
        var present: Set<String> = []
        while try columns.step() { present.insert(columns.text(0) ?? "") }
        let chinese = present.contains("meaning_zh") ? "meaning_zh" : "NULL"
        let entries = try database.prepare("SELECT code, meaning, scope, line, \(chinese) FROM catalogue_entries ORDER BY id")
        while try entries.step() {
            catalogue.add(
                CatalogueEntry(
                    line: Int(entries.int64(3)), code: entries.text(0) ?? "", meaning: entries.text(1) ?? "",
                    scope: entries.text(2) ?? "*", source: "file", meaningZH: entries.text(4) ?? ""
                ))
        }
        return catalogue
    }
}
