/// Which combinations of attribute values carry the target outcome (docs/analysis.md §4).
public enum Explainer {
    /// The combination findings of `table` for `target`, most important first.
    ///
    /// One run per cause with at least max(`causeMinimum`, `causeMinimumShare` × all target
    /// rows) target rows, then one run for the target rows of every other cause together
    /// (no cause included); every run measures against all transactions. Each run tests
    /// combinations of 1 to `maxAttributes` values, explains away greedily and audits each
    /// finding for confounders (steps 1–4). The runs' findings are merged (a pattern found
    /// twice keeps the larger excess) and ranked: unconfounded before confounded, each by
    /// excess, then pattern text.
    ///
    /// A finding's numbers are measured on the rows its run had not yet explained: the first
    /// finding of a run on all transactions, a later one without the rows of the earlier ones
    /// (its evidence says so). `outcome` is the target's name; `share_of_unknown` is o over all
    /// target rows of the table; `top_cause` and `top_codes` count every target row of the
    /// finding, whatever its cause, so an own-cause run shows how much of the pattern's
    /// outcome that cause is. No finding when the table has no target row. Data in which the
    /// outcome is independent of the attributes should give none (q, lower bound, stop rule),
    /// but that is a rate, not a certainty: a few percent of null tables of 100k rows give one.
    public static func explain(
        _ table: TransactionTable, target: ExplainTarget, options: ExplainOptions = ExplainOptions()
    ) -> [Finding] {
        candidates(table, target: target, options: options, transactionCounts: nil).map(\.finding)
    }

    /// The same, with the transactions per attribute value counted already, and with the
    /// attribute values each finding's transactions hold. `tuples` says when the counting packs
    /// the rows into distinct tuples (tests force either way: both give the same findings).
    static func candidates(
        _ table: TransactionTable, target: ExplainTarget, options: ExplainOptions, transactionCounts: ValueCounts?,
        tuples: CombinationCounter.TuplePolicy = .whenCompact
    ) -> [Candidate] {
        guard
            let plan = ExplainPlan(
                table, target: target, options: options, transactionCounts: transactionCounts, tuples: tuples, countAll: { $0.countAllRows() })
        else { return [] }
        return plan.merge(plan.runs.indices.map { plan.findings(ofRun: $0) })
    }
}

/// The explain pass up to its runs: the runs' outcome rows, the compact coding and the
/// transactions of every combination counted once. The runs are independent of each other, so
/// `Analysis` runs them beside the other passes; `merge` puts their findings together.
struct ExplainPlan: Sendable {
    let table: TransactionTable
    let target: ExplainTarget
    let options: ExplainOptions
    let counter: CombinationCounter
    /// The runs: own-cause runs in the order of `Cause`, then the remainder.
    let runs: [ExplainRun.Scope]
    let runOfRow: [Int8]
    let outcomeRows: [[Int32]]
    let allTargetRows: Int
    let rawTransactions: ValueCounts
    let transactions: CombinationCounts

    /// Nil when the table has no target row. `countAll` counts the transactions of every
    /// combination (`ExplainDayCounts` sums them from the days kept in the database).
    init?(
        _ table: TransactionTable, target: ExplainTarget, options: ExplainOptions, transactionCounts: ValueCounts?,
        tuples: CombinationCounter.TuplePolicy = .whenCompact,
        countAll: (CombinationCounter) throws -> CombinationCounts
    ) rethrows {
        let attributeCount = TransactionTable.attributeCount
        // The target rows, in row order, found through a table by outcome code (one pass over a
        // window of millions of rows, so no call per row).
        var isTargetOutcome = [Bool](repeating: false, count: 256)
        for outcome in Outcome.allCases { isTargetOutcome[Int(outcome.rawValue)] = target.matches(outcome) }
        var targetRows: [Int32] = []
        table.outcome.withUnsafeBufferPointer { outcome in
            isTargetOutcome.withUnsafeBufferPointer { isTargetOutcome in
                for row in outcome.indices where isTargetOutcome[Int(outcome[row].rawValue)] { targetRows.append(Int32(row)) }
            }
        }
        var causeCounts = [Int](repeating: 0, count: Cause.allCases.count + 1)
        for row in targetRows { causeCounts[Int(table.cause[Int(row)]?.rawValue ?? 0)] += 1 }
        let allTargetRows = targetRows.count
        guard allTargetRows > 0 else { return nil }

        let causeMinimum = max(Double(options.causeMinimum), options.causeMinimumShare * Double(allTargetRows))
        let ownCauses = Cause.allCases.filter {
            let rows = causeCounts[Int($0.rawValue)]
            return rows > 0 && Double(rows) >= causeMinimum * (1 - 1e-12)
        }
        var scopes = ownCauses.map { ExplainRun.Scope.cause($0) }
        let ownCauseRows = ownCauses.reduce(0) { $0 + causeCounts[Int($1.rawValue)] }
        if ownCauseRows < allTargetRows { scopes.append(.remainder(excluding: ownCauses)) }
        var runOfCause = [Int8](repeating: Int8(scopes.count - 1), count: causeCounts.count)
        for (run, cause) in ownCauses.enumerated() { runOfCause[Int(cause.rawValue)] = Int8(run) }

        var runOfRow = [Int8](repeating: -1, count: table.count)
        var outcomeRows = [[Int32]](repeating: [], count: scopes.count)
        for row in targetRows {
            let run = runOfCause[Int(table.cause[Int(row)]?.rawValue ?? 0)]
            runOfRow[Int(row)] = run
            outcomeRows[Int(run)].append(row)
        }

        // Values that pass support on their own in some run: the only ones a combination can use.
        let rawTransactions =
            transactionCounts
            ?? {
                var counts = ValueCounts(table: table)
                counts.add(table, rows: nil)
                return counts
            }()
        var keep = table.values.map { [Bool](repeating: false, count: $0.count) }
        for rows in outcomeRows {
            let minimum = options.supportThreshold(outcomes: rows.count)
            var counts = ValueCounts(table: table)
            counts.add(table, rows: rows)
            for a in 0..<attributeCount {
                for value in keep[a].indices where counts[a, value] >= minimum { keep[a][value] = true }
            }
        }

        let columns = CompactColumns(table: table, keep: keep)
        let layout = CombinationLayout(columns: columns, maxAttributes: max(1, options.maxAttributes))
        counter = CombinationCounter(columns: columns, layout: layout, tuples: tuples)
        transactions = try countAll(counter)
        self.table = table
        self.target = target
        self.options = options
        runs = scopes
        self.runOfRow = runOfRow
        self.outcomeRows = outcomeRows
        self.allTargetRows = allTargetRows
        self.rawTransactions = rawTransactions
    }

    /// The findings of run `index`, best first as found (not yet ranked).
    func findings(ofRun index: Int) -> [Candidate] {
        run(index).findings(transactions: transactions, rawTransactions: rawTransactions)
    }

    /// Run `index`, ready to give its findings from the transactions counted here.
    func run(_ index: Int) -> ExplainRun {
        ExplainRun(
            table: table, target: target, options: options, counter: counter, scope: runs[index], runIndex: Int8(index),
            runOfRow: runOfRow, outcomeRows: outcomeRows[index], allTargetRows: allTargetRows)
    }

    /// The runs' findings (in the order of `runs`) merged, a pattern found twice keeping the
    /// larger excess, and ranked.
    func merge(_ findingsOfRuns: [[Candidate]]) -> [Candidate] {
        var merged: [String: Candidate] = [:]
        for findings in findingsOfRuns {
            for candidate in findings {
                if let kept = merged[candidate.finding.pattern], kept.finding.excess >= candidate.finding.excess { continue }
                merged[candidate.finding.pattern] = candidate
            }
        }
        return merged.values.sorted { Candidate.ranksBefore($0.finding, $1.finding) }
    }
}
