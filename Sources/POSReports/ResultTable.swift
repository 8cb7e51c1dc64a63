import Glibc

/// A table of text cells with a header: what every report and query prints.
public struct ResultTable: Sendable, Hashable {
    public var columns: [String]
    /// Cells; nil is SQL NULL (printed empty).
    public var rows: [[String?]]
    /// What each column holds, so that JSON writes numbers as numbers and a terminal table aligns
    /// them right. Columns without an entry are text.
    public var columnTypes: [ColumnType]

    public init(columns: [String], rows: [[String?]] = [], columnTypes: [ColumnType] = []) {
        self.columns = columns
        self.rows = rows
        self.columnTypes = columnTypes
    }

    /// The type of column `index` (text when unknown).
    public func type(ofColumn index: Int) -> ColumnType {
        index < columnTypes.count ? columnTypes[index] : .text
    }
}

/// What a column holds: its cells are integers, real numbers, or text.
public enum ColumnType: String, Sendable, Hashable {
    case integer, real, text
}

/// The output formats of docs/cli.md §7.1.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, jsonl
}

/// Renders result tables as aligned text, RFC 4180 CSV, JSON or JSON lines.
public enum TableRenderer {
    /// Renders `table` in `format`. `excel` adds a UTF-8 BOM to CSV so Excel shows Chinese text.
    public static func render(_ table: ResultTable, as format: OutputFormat, excel: Bool = false) -> String {
        switch format {
        case .table: return aligned(table)
        case .csv: return (excel ? "\u{FEFF}" : "") + csv(table)
        case .json: return "[" + table.rows.map { jsonObject(table, $0) }.joined(separator: ",\n ") + "]\n"
        case .jsonl: return table.rows.map { jsonObject(table, $0) + "\n" }.joined()
        }
    }

    /// Columns padded to their widest cell, measured in terminal columns (CJK characters count 2).
    ///
    /// Number columns are aligned right and real numbers shortened to 6 significant digits for the
    /// eye; CSV and JSON keep every digit.
    public static func aligned(_ table: ResultTable) -> String {
        let columnCount = table.columns.count
        let cells = table.rows.map { row in
            (0..<columnCount).map { i -> String in
                let cell = i < row.count ? row[i] ?? "" : ""
                return table.type(ofColumn: i) == .real ? shortened(cell) : cell
            }
        }
        var widths = table.columns.map(displayWidth)
        for row in cells {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let isLast = i == cells.count - 1
                let padding = String(repeating: " ", count: widths[i] - displayWidth(cell))
                if table.type(ofColumn: i) != .text {
                    out += padding + cell
                    if !isLast { out += "  " }
                } else {
                    out += cell
                    if !isLast { out += padding + "  " }
                }
            }
            return out + "\n"
        }
        var text = line(table.columns)
        text += line(widths.map { String(repeating: "-", count: $0) })
        for row in cells { text += line(row) }
        return text
    }

    /// A real number with at most 6 significant digits (`0.0123457`), unchanged when it is not one.
    static func shortened(_ cell: String) -> String {
        guard let value = Double(cell), value.isFinite else { return cell }
        return CFormat.number(value, "%.6g")
    }

    /// RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled.
    public static func csv(_ table: ResultTable) -> String {
        var text = csvLine(table.columns.map { Optional($0) })
        for row in table.rows { text += csvLine(row) }
        return text
    }

    static func csvLine(_ cells: [String?]) -> String {
        cells.map { cell -> String in
            guard let cell else { return "" }
            if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
            }
            return cell
        }.joined(separator: ",") + "\r\n"
    }

    static func jsonObject(_ table: ResultTable, _ row: [String?]) -> String {
        var parts: [String] = []
        for (i, column) in table.columns.enumerated() {
            let value = i < row.count ? row[i] : nil
            let literal: String
            if let value {
                literal = table.type(ofColumn: i) != .text && isJSONNumber(value) ? value : jsonString(value)
            } else {
                literal = "null"
            }
            parts.append(jsonString(column) + ":" + literal)
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// True when `text` is a number as JSON spells it (RFC 8259 §6): no `inf`, `nan`, `+` or leading zeros.
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            var count = 0
            while let b = bytes.first, b >= 0x30, b <= 0x39 {
                bytes.removeFirst()
                count += 1
            }
            return count
        }
        if bytes.first == 0x2D { bytes.removeFirst() }
        guard let lead = bytes.first else { return false }
        if lead == 0x30 { bytes.removeFirst() } else if digits() == 0 { return false }
        if bytes.first == 0x2E {
            bytes.removeFirst()
            if digits() == 0 { return false }
        }
        if bytes.first == 0x65 || bytes.first == 0x45 {
            bytes.removeFirst()
            if bytes.first == 0x2B || bytes.first == 0x2D { bytes.removeFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }

    /// A JSON string literal.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Width of text in a terminal: East Asian wide and fullwidth characters take two columns.
    public static func displayWidth(_ s: String) -> Int {
        var width = 0
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || (0x300...0x36F).contains(v) || v == 0x200B { continue }
            let wide =
                (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
                || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
                || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
                || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
                || (0x20000...0x3FFFD).contains(v)
            width += wide ? 2 : 1
        }
        return width
    }
}

extension String {
    /// The string with every `target` replaced (no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}

/// printf-style number formatting without Foundation.
enum CFormat {
    /// `value` formatted with a C format for one double, e.g. `%.6g` or `%.1f`.
    static func number(_ value: Double, _ format: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
