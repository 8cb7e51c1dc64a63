public import POSAnalysis
import POSInput
public import POSStore

/// A problem with a canned query or the parameters given to it. `description` (also `message`)
/// names the query or the parameter and says what to do.
public indirect enum QueryError: Error, CustomStringConvertible, Sendable, Hashable {
    /// A query file's name is not letters, digits, `_` or `-`.
    case invalidQueryName(String)
    /// The header has no `-- title:` line.
    case missingTitle(query: String)
    /// A `-- param:` line lacks its name, type or default.
    case malformedParameterLine(query: String, line: Int, text: String)
    /// A parameter's name is not an identifier.
    case invalidParameterName(query: String, line: Int, name: String)
    /// A parameter's type is not `date`, `int`, `real` or `text`.
    case unknownParameterType(query: String, line: Int, name: String, type: String)
    /// A parameter is declared on two lines.
    case parameterDeclaredTwice(query: String, line: Int, name: String)
    /// A parameter's default is not a value of its type (`reason` says why).
    case invalidDefault(query: String, line: Int, name: String, reason: QueryError)
    /// The caller gave a parameter the header does not declare; `known` lists those it does.
    case unknownParameter(name: String, query: String, known: [String])
    /// A required parameter (default `-`) was not given.
    case missingParameter(name: String, type: QueryParameterType, query: String)
    /// A value is not of its parameter's type; `query` is empty for a header's default.
    case invalidValue(parameter: String, query: String, type: QueryParameterType, value: String)
    /// The statement uses a positional `?`.
    case positionalParameter(query: String)
    /// The statement uses `:name`, which the header does not declare.
    case undeclaredParameter(name: String, query: String)
    /// A `--param` is not `name=value`.
    case malformedAssignment(String)
    /// A `--param` name is given twice.
    case parameterGivenTwice(String)
    /// The queries folder asked for by name (`--queries`, `POSRCA_QUERIES`) does not exist.
    case missingFolder(String)
    /// No query has that name in the library (`origin`: its folder or `built-in`); `available` lists them.
    case noSuchQuery(name: String, origin: String, available: [String])
    /// A problem (`reason`) in the query file at `path`.
    case inFile(path: String, reason: QueryError)

    public var description: String {
        switch self {
        case .invalidQueryName(let name):
            "query name \(name) must be letters, digits, _ or -"
        case .missingTitle(let query):
            "query \(query) has no `-- title:` line in its header"
        case .malformedParameterLine(let query, let line, let text):
            "query \(query), line \(line): a parameter line is `-- param: name type default  description`, got `\(text)`"
        case .invalidParameterName(let query, let line, let name):
            "query \(query), line \(line): parameter name \(name) must be letters, digits and _"
        case .unknownParameterType(let query, let line, let name, let type):
            "query \(query), line \(line): parameter \(name) has type \(type); use date, int, real or text"
        case .parameterDeclaredTwice(let query, let line, let name):
            "query \(query), line \(line): parameter \(name) is declared twice"
        case .invalidDefault(let query, let line, let name, let reason):
            "query \(query), line \(line): the default of \(name) is not valid: \(reason)"
        case .unknownParameter(let name, let query, let known):
            "unknown parameter \(name) for query \(query): "
                + (known.isEmpty ? "it takes no parameters" : "it takes " + known.joined(separator: ", "))
        case .missingParameter(let name, let type, let query):
            "missing parameter \(name) (\(type.rawValue)) for query \(query): give --param \(name)=VALUE"
        case .invalidValue(let parameter, let query, let type, let value):
            "parameter \(parameter)" + (query.isEmpty ? "" : " of query \(query)") + " must be \(type.article), got \(value)"
        case .positionalParameter(let query):
            "query \(query) uses a positional parameter (?); name it, e.g. :since, and declare it in the header"
        case .undeclaredParameter(let name, let query):
            "query \(query) uses :\(name), which its header does not declare; add `-- param: \(name) TYPE DEFAULT  description`"
        case .malformedAssignment(let item):
            "--param \(item) must be name=value, e.g. --param since=2026-11-01"
        case .parameterGivenTwice(let name):
            "parameter \(name) is given twice"
        case .missingFolder(let folder):
            "the queries folder \(folder) does not exist"
        case .noSuchQuery(let name, let origin, let available):
            "no query \(name) in \(origin); `posrca query list` shows: " + available.joined(separator: ", ")
        case .inFile(let path, let reason):
            "\(path): \(reason)"
        }
    }

    /// The message: the same as `description`.
    public var message: String { description }
}

/// The type of a canned query's parameter, as its header names it.
public enum QueryParameterType: String, Sendable, Hashable, CaseIterable {
    /// A calendar day, `YYYY-MM-DD`, bound as text (the views' `day` columns are text).
    case date
    /// A 64-bit integer.
    case int
    /// A finite real number.
    case real
    /// Any text.
    case text
}

extension QueryParameterType {
    /// What a value of the type is, for messages: `an integer`, `a date YYYY-MM-DD`.
    var article: String {
        switch self {
        case .date: "a date YYYY-MM-DD"
        case .int: "an integer"
        case .real: "a number"
        case .text: "text"
        }
    }
}

/// One `-- param: name type default  description` line of a query header.
public struct QueryParameter: Sendable, Hashable {
    public var name: String
    public var type: QueryParameterType
    /// The value used when the caller gives none; nil (written `-`) makes the parameter required.
    public var defaultValue: String?
    public var description: String

    public init(name: String, type: QueryParameterType, defaultValue: String?, description: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.description = description
    }
}

/// A query from `Queries/NAME.sql`: a header of `--` comments (title, description, typed
/// parameters with defaults) and one read-only statement over the stable views.
///
/// Parameters are bound by name (`:since`), never pasted into the SQL, and the statement runs
/// through `Database.prepareReadOnlyQuery`, so a value holding quotes and SQL is only a value.
public struct CannedQuery: Sendable, Hashable {
    /// The file name without `.sql`, e.g. `unknown_rate_by_day`.
    public var name: String
    public var title: String
    /// The title in Chinese (`-- title_zh:`), empty when the header has none.
    public var titleZH: String
    public var description: String
    public var parameters: [QueryParameter]
    /// The whole file, header included: what is hashed for the query's version.
    public var text: String

    /// Parses a query file's text. Throws a `QueryError` naming the file's line for a bad header.
    public init(name: String, text: String) throws {
        guard Self.isValidName(name) else {
            throw QueryError.invalidQueryName(name)
        }
        self.name = name
        self.text = text
        var title: String?
        var titleZH = ""
        var description = ""
        var parameters: [QueryParameter] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingBlanks()
            if line.isEmpty { continue }
            guard line.hasPrefix("--") else { break }
            let comment = line.dropFirst(2).trimmingBlanks()
            if let value = comment.value(after: "title:") {
                title = value
            } else if let value = comment.value(after: "title_zh:") {
                titleZH = value
            } else if let value = comment.value(after: "description:") {
                description = value
            } else if let value = comment.value(after: "param:") {
                let parameter = try Self.parameter(value, query: name, line: index + 1)
                if parameters.contains(where: { $0.name == parameter.name }) {
                    throw QueryError.parameterDeclaredTwice(query: name, line: index + 1, name: parameter.name)
                }
                parameters.append(parameter)
            }
        }
        guard let title, !title.isEmpty else {
            throw QueryError.missingTitle(query: name)
        }
        self.title = title
        self.titleZH = titleZH
        self.description = description
        self.parameters = parameters
    }

    /// The title in `language`: the Chinese one where the header has it, else `title`.
    public func title(in language: Language) -> String {
        language == .chinese && !titleZH.isEmpty ? titleZH : title
    }

    /// The query's version: the SHA-256 of its text, in lower-case hex.
    public var version: String { SHA256Digest.hex(of: Array(text.utf8)) }

    /// Checks `given` against the header and returns the value to bind to each parameter.
    ///
    /// Throws a `QueryError` naming the parameter for an unknown name, a missing required value or
    /// a value of the wrong type. Parameters the caller leaves out take their defaults.
    public func bindings(_ given: [String: String]) throws -> [String: DatabaseValue] {
        for name in given.keys.sorted() where !parameters.contains(where: { $0.name == name }) {
            throw QueryError.unknownParameter(name: name, query: self.name, known: parameters.map(\.name))
        }
        var values: [String: DatabaseValue] = [:]
        for parameter in parameters {
            guard let text = given[parameter.name] ?? parameter.defaultValue else {
                throw QueryError.missingParameter(name: parameter.name, type: parameter.type, query: name)
            }
            values[parameter.name] = try Self.value(text, of: parameter, query: name)
        }
        return values
    }

    /// Validates and binds the parameters, runs the query and returns its rows.
    ///
    /// `database` should be opened `.readOnly`; the statement itself is compiled read-only as well.
    /// Throws `QueryError` for parameter problems and `DatabaseError` for SQL ones.
    public func run(on database: Database, parameters given: [String: String] = [:]) throws -> ResultTable {
        var values = try bindings(given)
        for (name, value) in values {
            if case .text(let text) = value, let token = WindowDefault(rawValue: text) { values[name] = .text(try token.resolve(database)) }
        }
        let statement = try database.prepareReadOnlyQuery(text)
        if statement.parameterCount > 0 {
            for index in 1...statement.parameterCount {
                guard let name = statement.parameterName(index) else {
                    throw QueryError.positionalParameter(query: name)
                }
                guard let value = values[name] else {
                    throw QueryError.undeclaredParameter(name: name, query: self.name)
                }
                try statement.bind(value, at: Int32(index))
            }
        }
        return try QueryRunner.table(from: statement)
    }

    /// Parses `name=value` assignments (`--param` options). The first `=` splits; a value may hold more.
    public static func assignments(_ items: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw QueryError.malformedAssignment(item)
            }
            let name = String(item[..<equals])
            guard result[name] == nil else { throw QueryError.parameterGivenTwice(name) }
            result[name] = String(item[item.index(after: equals)...])
        }
        return result
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
            }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
        }
    }

    /// `name type default  description`, on line `line` of query `query`'s header.
    static func parameter(_ text: String, query: String, line: Int) throws -> QueryParameter {
        let words = text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        guard words.count >= 3 else {
            throw QueryError.malformedParameterLine(query: query, line: line, text: text)
        }
        let name = String(words[0])
        guard isIdentifier(name) else { throw QueryError.invalidParameterName(query: query, line: line, name: name) }
        guard let type = QueryParameterType(rawValue: String(words[1])) else {
            throw QueryError.unknownParameterType(query: query, line: line, name: name, type: String(words[1]))
        }
        let defaultText = String(words[2])
        let parameter = QueryParameter(
            name: name, type: type, defaultValue: defaultText == "-" ? nil : defaultText,
            description: words.count > 3 ? String(words[3]).trimmingBlanks() : ""
        )
        if let defaultText = parameter.defaultValue {
            do {
                _ = try value(defaultText, of: parameter, query: "")
            } catch let error as QueryError {
                throw QueryError.invalidDefault(query: query, line: line, name: name, reason: error)
            }
        }
        return parameter
    }

    static func value(_ text: String, of parameter: QueryParameter, query: String) throws -> DatabaseValue {
        let invalid = QueryError.invalidValue(parameter: parameter.name, query: query, type: parameter.type, value: text)
        switch parameter.type {
        case .text:
            return .text(text)
        case .int:
            guard let value = Int64(text) else { throw invalid }
            return .integer(value)
        case .real:
            guard let value = Double(text), value.isFinite else { throw invalid }
            return .real(value)
        case .date:
            guard isCalendarDate(text) || WindowDefault(rawValue: text) != nil else { throw invalid }
            return .text(text)
        }
    }

    /// `YYYY-MM-DD` naming a day that exists (leap years included).
    static func isCalendarDate(_ text: String) -> Bool {
        LocalDay.number(text) != nil
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and carriage returns.
    func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }

    /// The trimmed rest after `prefix`, when the text starts with it.
    func value(after prefix: String) -> String? {
        hasPrefix(prefix) ? dropFirst(prefix.count).trimmingBlanks() : nil
    }
}

/// A date default that follows the data: the first or last day of the last analysis window, so
/// that a canned query and the report cover what the findings cover, and cost the same on night
/// 90 as on night 10. Without an analysis run, the last 28 days with data; without data, all days.
public enum WindowDefault: String, Sendable, CaseIterable {
    case windowStart = "window_start"
    case windowEnd = "window_end"

    /// The day this default stands for in `database`, as `YYYY-MM-DD`.
    public func resolve(_ database: Database) throws -> String {
        let window = try Self.window(database)
        switch self {
        case .windowStart: return window.since
        case .windowEnd: return window.until
        }
    }

    /// The last analysis run's window, or the last 28 days with data, or everything.
    public static func window(_ database: Database) throws -> (since: String, until: String) {
        if let statement = try? database.prepare("SELECT window_since, window_until FROM analysis_runs ORDER BY id DESC LIMIT 1"),
            try statement.step(), let since = statement.text(0), let until = statement.text(1)
        {
            return (since, until)
        }
        if let last = try database.scalarText("SELECT max(day) FROM daily_outcomes"), let day = LocalDay.number(last) {
            return (LocalDay.text(day - 27), last)
        }
        return ("0001-01-01", "9999-12-31")
    }
}
