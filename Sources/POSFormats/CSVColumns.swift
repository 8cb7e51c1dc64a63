/// A CSV header that lacks a column the file cannot be read without; the file fails as a whole.
public struct CSVHeaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The required columns the header does not name, in the order the format lists them.
    public var missingColumns: [String]

    public init(missingColumns: [String]) {
        self.missingColumns = missingColumns
    }

    /// A short, stable reason such as `missing column tid` or `missing columns channel, fee_tier`.
    public var reason: String {
        missingColumns.count == 1
            ? "missing column \(missingColumns[0])"
            : "missing columns \(missingColumns.joined(separator: ", "))"
    }

    public var description: String { reason }
}

/// What became of one CSV record mapped to a row: taken, or rejected with its reason.
///
/// Either way `maskedPANs` counts the card numbers hidden in what is kept (the row's cells or the
/// rejected record's text), for the per-file summary.
public enum CSVRowOutcome<Row: Sendable & Hashable>: Sendable, Hashable {
    case accepted(Row, maskedPANs: Int)
    case rejected(Rejection, maskedPANs: Int)

    /// Card numbers masked in what is kept of this record.
    public var maskedPANs: Int {
        switch self {
        case .accepted(_, let count), .rejected(_, let count): count
        }
    }

    /// The row, when the record was taken.
    public var row: Row? {
        if case .accepted(let row, _) = self { return row }
        return nil
    }

    /// The rejection, when the record was not taken.
    public var rejection: Rejection? {
        if case .rejected(let rejection, _) = self { return rejection }
        return nil
    }
}

/// Where each named column of a CSV header sits.
///
/// Names are matched trimmed and lowercased, with spaces and hyphens read as underscores (so
/// `Fee Tier` and `fee-tier` name `fee_tier`). When a name appears twice the first column wins.
struct CSVColumnMap: Sendable, Hashable {
    private var positions: [String: Int] = [:]

    init(header: [String], required: [String]) throws(CSVHeaderError) {
        for (position, name) in header.enumerated() {
            let key = Self.normalisedName(name)
            if positions[key] == nil { positions[key] = position }
        }
        let missing = required.filter { positions[$0] == nil }
        if !missing.isEmpty { throw CSVHeaderError(missingColumns: missing) }
    }

    func position(of column: String) -> Int? {
        positions[column]
    }

    /// The trimmed value of `column` in `fields`; empty when the column or the cell is absent
    /// (a short record's missing trailing cells are empty, not an error).
    func value(_ column: String, in fields: [String]) -> String {
        guard let position = positions[column], position < fields.count else { return "" }
        return CSVCell.trimmed(fields[position])
    }

    static func normalisedName(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in CSVCell.trimmed(name).lowercased().unicodeScalars {
            scalars.append(scalar == " " || scalar == "-" ? "_" : scalar)
        }
        return String(scalars)
    }
}

/// Small text helpers for CSV cells.
enum CSVCell {
    /// `text` without white space at either end (including the ideographic space U+3000 and
    /// no-break space that spreadsheets in China leave behind).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        else { return text }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// The record written back as one RFC 4180 line, for a rejection's text.
    static func recordText(_ fields: [String]) -> String {
        fields.map { field in
            guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return field }
            var quoted = "\""
            for character in field {
                quoted.append(character == "\"" ? "\"\"" : String(character))
            }
            return quoted + "\""
        }.joined(separator: ",")
    }

    /// A rejection of `fields` at `line` and the card numbers masked in it: the record's text with
    /// every card number masked (the text is for a human, so even a Luhn-valid merchant ID is
    /// hidden), shortened to `CSVRecordReader.rejectTextLimit` bytes.
    static func rejection<Row>(_ reason: String, fields: [String], line: Int) -> CSVRowOutcome<Row> {
        let masked = CardNumbers.mask(recordText(fields))
        let text = LogText.shorten(masked.text, limit: CSVRecordReader.rejectTextLimit)
        return .rejected(Rejection(line: line, reason: reason, text: text), maskedPANs: masked.masked)
    }
}
