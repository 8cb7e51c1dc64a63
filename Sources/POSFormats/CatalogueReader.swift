/// Maps a response-code catalogue CSV's records to entries (`code,meaning[,scope][,meaning_zh]`,
/// docs/formats.md §4).
///
/// Columns by name, any order, case-insensitive, trimmed; extra columns ignored. `code` and
/// `meaning` are required columns; `scope` is optional and an empty scope means `*` (every
/// acquirer); `meaning_zh`, the meaning in Chinese, is optional (files without it read as before).
/// Cells are trimmed and card numbers in `meaning`, `meaning_zh` and `scope` are masked.
public struct CatalogueReader: Sendable {
    /// Columns without which the file cannot be read.
    public static let requiredColumns = ["code", "meaning"]

    private let columns: CSVColumnMap
    /// The `source` of every entry, or nil to read it from a `source` column (the built-in table).
    private let source: String?

    /// Throws `CSVHeaderError` when the header lacks `code` or `meaning`: the file then fails as a
    /// whole with that reason. Every entry gets `source` (`file` for a user's catalogue), whatever
    /// columns the file has, so that a user file cannot pass for a standard table.
    public init(header: [String], source: String = "file") throws(CSVHeaderError) {
        columns = try CSVColumnMap(header: header, required: Self.requiredColumns)
        self.source = source
    }

    /// A reader for the built-in table, whose `source` column says which standard a code is from
    /// and whose every row has its Chinese meaning (`meaning_zh`).
    init(builtInHeader header: [String]) throws(CSVHeaderError) {
        columns = try CSVColumnMap(header: header, required: Self.requiredColumns + ["source", "meaning_zh"])
        source = nil
    }

    /// The entry of one record, or its rejection: `missing value code` when the code is empty.
    ///
    /// An empty meaning is taken (the code is known to exist even when nobody wrote down what it means).
    public func row(_ fields: [String], line: Int) -> CSVRowOutcome<CatalogueEntry> {
        var masked = 0
        func cell(_ column: String) -> String {
            let value = CardNumbers.mask(columns.value(column, in: fields))
            masked += value.masked
            return value.text
        }
        let code = cell("code")
        let meaning = cell("meaning")
        let meaningZH = cell("meaning_zh")
        let scope = cell("scope")
        guard !code.isEmpty else {
            return CSVCell.rejection("missing value code", fields: fields, line: line)
        }
        let entrySource = source ?? columns.value("source", in: fields)
        let entry = CatalogueEntry(
            line: line,
            code: code,
            meaning: meaning,
            scope: scope.isEmpty ? "*" : scope,
            source: entrySource,
            meaningZH: meaningZH
        )
        return .accepted(entry, maskedPANs: masked)
    }
}
