/// A table of text cells with a header: what every report and query prints.
public struct ResultTable: Sendable, Hashable {
    public var columns: [String]
    /// Cells; nil is SQL NULL (printed empty).
    public var rows: [[String?]]

    public init(columns: [String], rows: [[String?]] = []) {
        self.columns = columns
        self.rows = rows
    }
}

/// The output formats of cli.md.
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
        case .json: return "[" + table.rows.map { jsonObject(table.columns, $0) }.joined(separator: ",\n ") + "]\n"
        case .jsonl: return table.rows.map { jsonObject(table.columns, $0) + "\n" }.joined()
        }
    }

    /// Columns padded to their widest cell, measured in terminal columns (CJK characters count 2).
    public static func aligned(_ table: ResultTable) -> String {
        var widths = table.columns.map(displayWidth)
        for row in table.rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], displayWidth(cell ?? ""))
            }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let isLast = i == cells.count - 1
                out += cell
                if !isLast { out += String(repeating: " ", count: widths[i] - displayWidth(cell) + 2) }
            }
            return out + "\n"
        }
        var text = line(table.columns)
        text += line(widths.map { String(repeating: "-", count: $0) })
        for row in table.rows { text += line(row.map { $0 ?? "" }) }
        return text
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

    static func jsonObject(_ columns: [String], _ row: [String?]) -> String {
        var parts: [String] = []
        for (i, column) in columns.enumerated() {
            let value = i < row.count ? row[i] : nil
            parts.append(jsonString(column) + ":" + (value.map(jsonString) ?? "null"))
        }
        return "{" + parts.joined(separator: ",") + "}"
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
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
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
