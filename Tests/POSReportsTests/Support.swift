import Foundation
import POSAnalysis
import POSReports
import POSStore
import Testing

/// One expected cell: exact text or integer, a real within 1e-12, or NULL.
enum Cell: CustomStringConvertible {
    case text(String)
    case int(Int64)
    case real(Double)
    case null

    var description: String {
        switch self {
        case .text(let t): "\"\(t)\""
        case .int(let v): "\(v)"
        case .real(let v): "\(v)"
        case .null: "NULL"
        }
    }

    func matches(_ cell: String?) -> Bool {
        switch self {
        case .null: return cell == nil
        case .text(let t): return cell == t
        case .int(let v): return cell == String(v)
        case .real(let v):
            guard let cell, let actual = Double(cell) else { return false }
            return abs(actual - v) <= 1e-12 * max(1, abs(v))
        }
    }
}

/// Expects `table` to hold exactly `rows`, in order.
func expectRows(_ table: ResultTable, _ rows: [[Cell]], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(table.rows.count == rows.count, "rows: \(table.rows)", sourceLocation: sourceLocation)
    for (index, (actual, expected)) in zip(table.rows, rows).enumerated() {
        let same = actual.count == expected.count && zip(expected, actual).allSatisfy { $0.matches($1) }
        #expect(same, "row \(index): got \(actual.map { $0 ?? "NULL" }), expected \(expected)", sourceLocation: sourceLocation)
    }
}

/// transactions, unknown, rate, rate_lo, rate_hi — the Wilson interval from POSAnalysis, whose
/// values are checked against scipy in the analysis tests.
func rate(_ unknown: Int, of transactions: Int) -> [Cell] {
    let w = WilsonInterval(outcomes: unknown, trials: transactions)
    return [.int(Int64(transactions)), .int(Int64(unknown)), .real(w.rate), .real(w.lower), .real(w.upper)]
}

/// A read-only connection to the fixture.
func fixture() throws -> Database {
    try Database(path: Fixture.path, mode: .readOnly)
}

/// The canned queries of the repository's `Queries/` folder.
let repositoryQueries: QueryLibrary = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try! QueryLibrary.load(folder: root.appendingPathComponent("Queries").path)
}()

/// Runs a repository query on the fixture.
func run(_ name: String, _ parameters: [String: String] = [:]) throws -> ResultTable {
    try repositoryQueries.query(named: name).run(on: fixture(), parameters: parameters)
}

/// A small RFC 4180 reader written apart from the writer under test: quoted fields with doubled
/// quotes, CRLF or LF record ends, line breaks inside quotes.
func readCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    if chars.first == "\u{FEFF}" { chars = chars.dropFirst() }
    var i = chars.startIndex
    while i < chars.endIndex {
        let c = chars[i]
        if quoted {
            if c == "\"" {
                if i + 1 < chars.endIndex, chars[i + 1] == "\"" {
                    field.unicodeScalars.append("\"")
                    i += 1
                } else {
                    quoted = false
                }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            record.append(field)
            field = ""
        } else if c == "\r" || c == "\n" {
            if c == "\r", i + 1 < chars.endIndex, chars[i + 1] == "\n" { i += 1 }
            record.append(field)
            records.append(record)
            record = []
            field = ""
        } else {
            field.unicodeScalars.append(c)
        }
        i += 1
    }
    if !field.isEmpty || !record.isEmpty {
        record.append(field)
        records.append(record)
    }
    return records
}
