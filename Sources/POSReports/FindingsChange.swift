public import POSStore

/// How the latest analysis run's findings compare with the previous run's: which are new, which
/// persist and which are gone, a finding being the same when its kind and pattern are.
///
/// Read from the `findings_history` view, for the nightly log and `summary.html`.
public struct FindingsChange: Sendable {
    /// A finding as the comparison sees it.
    public struct Item: Sendable, Hashable {
        public var rank: Int
        public var kind: String
        public var pattern: String
        public var evidence: String
    }

    public var new: [Item] = []
    public var persisting: [Item] = []
    /// In the previous run, not in the latest (with the previous run's rank and evidence).
    public var gone: [Item] = []
    /// False when there is no earlier run to compare with (everything is new).
    public var hasPrevious = false

    public init() {}

    /// The latest run against the one before it; empty before the first run.
    public static func read(_ database: Database) throws -> FindingsChange {
        var change = FindingsChange()
        let runs = try database.prepare("SELECT id FROM analysis_runs ORDER BY id DESC LIMIT 2")
        var ids: [Int64] = []
        while try runs.step() { ids.append(runs.int64(0)) }
        guard let latest = ids.first else { return change }
        let now = try items(database, run: latest)
        guard ids.count == 2 else {
            change.new = now
            return change
        }
        change.hasPrevious = true
        let before = try items(database, run: ids[1])
        let previous = Set(before.map { $0.kind + "\u{1}" + $0.pattern })
        let current = Set(now.map { $0.kind + "\u{1}" + $0.pattern })
        change.new = now.filter { !previous.contains($0.kind + "\u{1}" + $0.pattern) }
        change.persisting = now.filter { previous.contains($0.kind + "\u{1}" + $0.pattern) }
        change.gone = before.filter { !current.contains($0.kind + "\u{1}" + $0.pattern) }
        return change
    }

    private static func items(_ database: Database, run: Int64) throws -> [Item] {
        let statement = try database.prepare("SELECT rank, kind, pattern, evidence FROM findings_history WHERE run_id = ? ORDER BY rank")
        statement.bind(run, at: 1)
        var items: [Item] = []
        while try statement.step() {
            items.append(
                Item(
                    rank: Int(statement.int64(0)), kind: statement.text(1) ?? "", pattern: statement.text(2) ?? "", evidence: statement.text(3) ?? "")
            )
        }
        return items
    }

    /// Whether `kind` and `pattern` are new in the latest run.
    public func isNew(kind: String, pattern: String) -> Bool {
        new.contains { $0.kind == kind && $0.pattern == pattern }
    }

    /// As JSON for the manifest.
    var json: JSONValue {
        func list(_ items: [Item]) -> JSONValue {
            .array(items.map { .object([("rank", .integer(Int64($0.rank))), ("kind", .string($0.kind)), ("pattern", .string($0.pattern))]) })
        }
        return .object([
            ("compared_with_previous_run", .bool(hasPrevious)), ("new", list(new)), ("persisting", list(persisting)), ("gone", list(gone)),
        ])
    }
}
