import POSQueries

/// The canned queries in force: the `.sql` files of a folder, or the copies built into the binary.
public struct QueryLibrary: Sendable {
    /// The queries, sorted by name.
    public var queries: [CannedQuery]
    /// Where they came from: the folder's path, or `built-in`.
    public var origin: String

    public init(queries: [CannedQuery], origin: String) {
        self.queries = queries.sorted { $0.name < $1.name }
        self.origin = origin
    }

    /// Every `NAME.sql` file directly in `folder`. Throws when the folder cannot be read or a
    /// query's header is bad (the error names the file).
    public static func load(folder: String) throws -> QueryLibrary {
        var queries: [CannedQuery] = []
        for entry in try FileOutput.list(folder) where entry.hasSuffix(".sql") && !entry.hasPrefix(".") {
            let path = folder + "/" + entry
            let text = try FileOutput.readText(path)
            do {
                queries.append(try CannedQuery(name: String(entry.dropLast(4)), text: text))
            } catch let error as QueryError {
                throw QueryError.inFile(path: path, reason: error)
            }
        }
        return QueryLibrary(queries: queries, origin: folder)
    }

    /// The queries built into the binary: the repository's `Queries/*.sql`, embedded at build
    /// time by the `EmbedQueries` plugin (`BuiltInQueries`).
    public static var builtIn: QueryLibrary {
        // The tests load every file of Queries/, so a bad header here is a build defect.
        let queries = BuiltInQueries.files.map { try! CannedQuery(name: $0.name, text: $0.text) }
        return QueryLibrary(queries: queries, origin: "built-in")
    }

    /// The folder when it exists, else the built-in copies, unless the folder was asked for by
    /// name (`--queries`, `POSRCA_QUERIES`): then a missing folder is an error, not a fallback.
    public static func resolve(folder: String, explicit: Bool) throws -> QueryLibrary {
        if FileOutput.isDirectory(folder) { return try load(folder: folder) }
        if explicit { throw QueryError.missingFolder(folder) }
        return builtIn
    }

    /// The query called `name`. Throws a `QueryError` listing the names when there is none.
    public func query(named name: String) throws -> CannedQuery {
        guard let query = queries.first(where: { $0.name == name }) else {
            throw QueryError.noSuchQuery(name: name, origin: origin, available: queries.map(\.name))
        }
        return query
    }

    /// One row per query: name, title, parameters with types and defaults, description.
    public var listing: ResultTable {
        var table = ResultTable(columns: ["name", "title", "parameters", "description"])
        for query in queries {
            let parameters = query.parameters.map { "\($0.name) \($0.type.rawValue) = \($0.defaultValue ?? "(required)")" }
            table.rows.append([query.name, query.title, parameters.joined(separator: "; "), query.description])
        }
        return table
    }
}
