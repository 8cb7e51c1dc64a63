import Foundation

/// A JSON document built in code, with object keys kept in the order written (manifests read
/// better that way), rendered as indented text.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// A finite number; a non-finite one renders as `null`.
    case number(Double)
    /// A finite number written with exactly `places` decimals (`0.120`), as log lines give
    /// seconds; a non-finite one renders as `null`.
    case fixed(Double, places: Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }
    public func hash(into hasher: inout Hasher) { hasher.combine(rendered()) }

    /// A string, or `null` when nil.
    public static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// The document on one line, for JSON-lines logs.
    public func compact() -> String {
        switch self {
        case .array(let items): return "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { TableRenderer.jsonString($0.0) + ":" + $0.1.compact() }.joined(separator: ",") + "}"
        default: return rendered(indent: 1)
        }
    }

    /// The document as text, two spaces per level, ending in a newline at the top level.
    public func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        let text: String
        switch self {
        case .null: text = "null"
        case .bool(let value): text = value ? "true" : "false"
        case .integer(let value): text = String(value)
        case .number(let value): text = value.isFinite ? String(value) : "null"
        case .fixed(let value, let places): text = value.isFinite ? String(format: "%.\(max(places, 0))f", value) : "null"
        case .string(let value): text = TableRenderer.jsonString(value)
        case .array(let items):
            text = items.isEmpty ? "[]" : "[\n" + items.map { pad + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n" + closing + "]"
        case .object(let members):
            text =
                members.isEmpty
                ? "{}"
                : "{\n"
                    + members.map { pad + TableRenderer.jsonString($0.0) + ": " + $0.1.rendered(indent: indent + 1) }
                    .joined(separator: ",\n") + "\n" + closing + "}"
        }
        return indent == 0 ? text + "\n" : text
    }
}
