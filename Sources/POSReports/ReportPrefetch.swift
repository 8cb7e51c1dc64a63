import POSAnalysis
public import POSStore

/// Canned queries run ahead of the report, beside the analysis that comes before it (`nightly`).
///
/// Once the analysis has committed its recompute, the daily aggregates are final for the night:
/// nothing after it writes them. The queries that read nothing else (as SQLite's authorizer
/// reports the tables under their views: only `agg_*`) are run then, on a read-only connection
/// of their own, with the analysis window as their `window_start` and `window_end`; the report
/// takes their tables instead of running them again, when the last analysis run's window is that
/// window (an analysis that failed leaves the previous window, and then they are run again).
/// At 28 days of 250k transactions they are 0.3 s of the report's 0.4 s, and most of the
/// analysis leaves a core free for them (the window's load, the counts).
public final class ReportPrefetch: Sendable {
    /// A query's table (or failure) and the seconds it took.
    typealias Run = (result: Result<ResultTable, any Error>, seconds: Double)

    /// The window the queries ran with: its first and last day, `YYYY-MM-DD`.
    let since: String
    let until: String
    private let task: BackgroundTask<[String: Run]>

    /// Starts the queries of `queries` that read only the daily aggregates, on a new read-only
    /// connection to the database file at `path`, on a thread of its own.
    public init(path: String, queries: QueryLibrary, since: String, until: String) {
        self.since = since
        self.until = until
        let all = queries.queries
        task = BackgroundTask {
            let connection = try Database(path: path, mode: .readOnly)
            let views = try Self.views(connection)
            var runs: [String: Run] = [:]
            for query in all where Self.readsOnlyAggregates(query, on: connection, views: views) {
                var given: [String: String] = [:]
                for parameter in query.parameters {
                    switch parameter.defaultValue.flatMap(WindowDefault.init(rawValue:)) {
                    case .windowStart: given[parameter.name] = since
                    case .windowEnd: given[parameter.name] = until
                    case nil: break
                    }
                }
                let started = ReportWriter.monotonicSeconds()
                let result = Result { try query.run(on: connection, parameters: given) }
                runs[query.name] = (result, ReportWriter.monotonicSeconds() - started)
            }
            return runs
        }
    }

    /// The names of the database's views.
    static func views(_ connection: Database) throws -> Set<String> {
        var views: Set<String> = []
        let statement = try connection.prepare("SELECT name FROM sqlite_schema WHERE type = 'view'")
        while try statement.step() { views.insert(statement.text(0) ?? "") }
        return views
    }

    /// True when every table the query reads is a daily aggregate (`agg_*`). SQLite's authorizer
    /// names the views a query reads as well as the tables under them: `views` are left out.
    static func readsOnlyAggregates(_ query: CannedQuery, on connection: Database, views: Set<String>) -> Bool {
        guard let tables = try? connection.tablesRead(by: query.text).subtracting(views), !tables.isEmpty else { return false }
        return tables.allSatisfy { $0.hasPrefix("agg_") }
    }

    /// The queries' runs by name, waiting for them; empty when they could not run or when
    /// `window` (the report's) is not the window they ran with.
    func runs(for window: (since: String, until: String)) -> [String: Run] {
        guard let runs = try? task.value(), window == (since, until) else { return [:] }
        return runs
    }
}
