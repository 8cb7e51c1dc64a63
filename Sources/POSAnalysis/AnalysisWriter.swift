public import POSStore

/// Writes what an analysis derived back into the database, replacing the previous analysis whole.
///
/// Two phases on one connection and one transaction: `writeDerived` (the per-transaction facts,
/// unmatched pairs and firmware periods, the bulk of the work, run on a thread of its own while the
/// passes compute) and `finish` (findings, the run's row, commit). Readers see the old analysis
/// until the commit, never a mix.
final class AnalysisWriter: @unchecked Sendable {
    let database: Database
    /// Rows per INSERT statement: multi-row inserts spend less per row in the VDBE.
    static let rowsPerStatement = 64

    init(database: Database) {
        self.database = database
    }

    /// Opens the transaction, clears the previous analysis and writes the derived rows.
    func writeDerived(facts: [TransactionFacts], pairs: [AcquirerPair], data: AnalysisData, periods: [FirmwarePeriod]) throws {
        try database.execute("BEGIN IMMEDIATE")
        do {
            try database.execute("DELETE FROM txn_facts; DELETE FROM acquirer_pairs; DELETE FROM firmware_periods; DELETE FROM analysis_findings;")
            // In txn_id order, so that the table grows by appends instead of splitting pages.
            let lowest = facts.lazy.map(\.rowID).min() ?? 0
            let highest = facts.lazy.map(\.rowID).max() ?? 0
            let order = AnalysisData.groupedOrder(
                facts.count, key: { Int(facts[$0].rowID - lowest) }, keyCount: Int(highest - lowest) + 1,
                before: { facts[$0].rowID < facts[$1].rowID })
            try writeFacts(facts, order: order)
            let pair = try database.prepare("INSERT INTO acquirer_pairs(request_id, response_id) VALUES (?1, ?2)")
            let m = data.messages
            for p in pairs where p.matchedTransaction == nil {
                pair.bind(p.request.map { m.id[$0] }, at: 1)
                pair.bind(p.response.map { m.id[$0] }, at: 2)
                try pair.run()
            }
            let period = try database.prepare("""
                INSERT INTO firmware_periods(tid, firmware, app_version, code_table, from_ts, to_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """)
            for p in periods {
                period.bind(p.tid, at: 1)
                period.bind(p.firmware == 0 ? nil : p.firmware, at: 2)
                period.bind(p.app == 0 ? nil : p.app, at: 3)
                period.bind(p.codeTable == 0 ? nil : p.codeTable, at: 4)
                period.bind(p.from, at: 5)
                period.bind(p.to, at: 6)
                try period.run()
            }
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Writes the findings and the run's row, and commits.
    func finish(findings: [Finding], run: (startedAt: Int64, seconds: Double, options: String, transactions: Int)) throws {
        do {
            try Self.insert(findings: findings, into: database)
            let runRow = try database.prepare("INSERT INTO analysis_runs(started_at, seconds, options, transactions, findings) VALUES (?1, ?2, ?3, ?4, ?5)")
            runRow.bind(run.startedAt, at: 1)
            runRow.bind(run.seconds, at: 2)
            runRow.bind(run.options, at: 3)
            runRow.bind(Int64(run.transactions), at: 4)
            runRow.bind(Int64(findings.count), at: 5)
            try runRow.run()
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Abandons the open transaction (when a pass failed after `writeDerived`).
    func abandon() {
        if database.inTransaction { try? database.execute("ROLLBACK") }
    }

    private func writeFacts(_ facts: [TransactionFacts], order: [Int]) throws {
        let columns = 14
        func statement(rows: Int) throws -> Statement {
            let one = "(" + (1...columns).map { _ in "?" }.joined(separator: ",") + ")"
            return try database.prepare("""
                INSERT INTO txn_facts(txn_id, outcome, cause, acquirer_rc, request_id, response_id, clock_offset_ms, firmware,
                    app_version, code_table, realm, net_type, rssi_band, net_event_60s)
                VALUES \(Array(repeating: one, count: rows).joined(separator: ","))
                """)
        }
        let outcomeText = Outcome.allCases.map(\.description)
        var causeText = [String?](repeating: nil, count: 256)
        for cause in Cause.allCases { causeText[Int(cause.rawValue)] = cause.description }
        let full = try statement(rows: Self.rowsPerStatement)
        var start = 0
        while start < facts.count {
            let count = min(Self.rowsPerStatement, facts.count - start)
            let s = count == Self.rowsPerStatement ? full : try statement(rows: count)
            for k in 0..<count {
                let f = facts[order[start + k]]
                let base = Int32(k * columns)
                s.bind(f.rowID, at: base + 1)
                s.bind(outcomeText[Int(f.outcome.rawValue)], at: base + 2)
                s.bind(f.cause.flatMap { causeText[Int($0.rawValue)] }, at: base + 3)
                s.bind(Self.id(f.acquirerRC), at: base + 4)
                s.bind(f.requestID == 0 ? nil : f.requestID, at: base + 5)
                s.bind(f.responseID == 0 ? nil : f.responseID, at: base + 6)
                s.bind(f.clockOffset, at: base + 7)
                s.bind(Self.id(f.firmware), at: base + 8)
                s.bind(Self.id(f.app), at: base + 9)
                s.bind(Self.id(f.codeTable), at: base + 10)
                s.bind(Self.id(f.realm), at: base + 11)
                s.bind(Self.id(f.netType), at: base + 12)
                s.bind(TableBuilder.rssiBands[Int(f.rssiBand)], at: base + 13)
                s.bind(f.netEvent60s ? "yes" : "no", at: base + 14)
            }
            try s.run()
            start += count
        }
    }

    /// A dictionary id to bind: 0 means none (NULL).
    @inline(__always)
    static func id(_ value: Int32) -> Int64? { value == 0 ? nil : Int64(value) }

    static func insert(findings: [Finding], into database: Database) throws {
        let row = try database.prepare("""
            INSERT INTO analysis_findings(rank, kind, pattern, outcome, n_txns, n_unknown, rate, rate_lo, rate_hi, baseline_rate,
                risk_ratio, rr_lo, rr_hi, p_value, q_value, excess_unknown, share_of_unknown, top_cause, top_codes, confounded_by, evidence)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
            """)
        func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
        for (index, f) in findings.enumerated() {
            row.bind(Int64(index + 1), at: 1)
            row.bind(f.kind, at: 2)
            row.bind(f.pattern, at: 3)
            row.bind(f.outcome, at: 4)
            row.bind(Int64(f.transactions), at: 5)
            row.bind(Int64(f.outcomes), at: 6)
            row.bind(finite(f.rate), at: 7)
            row.bind(finite(f.rateLow), at: 8)
            row.bind(finite(f.rateHigh), at: 9)
            row.bind(finite(f.baselineRate), at: 10)
            row.bind(finite(f.riskRatio), at: 11)
            row.bind(finite(f.riskRatioLow), at: 12)
            row.bind(finite(f.riskRatioHigh), at: 13)
            row.bind(finite(f.pValue), at: 14)
            row.bind(finite(f.qValue), at: 15)
            row.bind(finite(f.excess), at: 16)
            row.bind(finite(f.shareOfOutcome), at: 17)
            row.bind(f.topCause, at: 18)
            row.bind(f.topCodes, at: 19)
            row.bind(f.confoundedBy, at: 20)
            row.bind(f.evidence, at: 21)
            try row.run()
        }
    }
}
