public import POSStore

/// Writes what an analysis derived back into the database, replacing the previous analysis whole.
struct AnalysisWriter {
    let database: Database

    func write(
        facts: [TransactionFacts], pairs: [AcquirerPair], data: AnalysisData, periods: [FirmwarePeriod],
        findings: [Finding], run: (startedAt: Int64, seconds: Double, options: String, transactions: Int)
    ) throws {
        try database.execute("BEGIN IMMEDIATE")
        do {
            try database.execute("DELETE FROM txn_facts; DELETE FROM acquirer_pairs; DELETE FROM firmware_periods; DELETE FROM analysis_findings;")
            let fact = try database.prepare("""
                INSERT INTO txn_facts(txn_id, outcome, cause, acquirer_rc, request_id, response_id, clock_offset_ms, firmware,
                    app_version, code_table, realm, net_type, rssi_band, net_event_60s)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                """)
            let outcomeText = Outcome.allCases.map(\.description)
            let causeText = Dictionary(uniqueKeysWithValues: Cause.allCases.map { ($0, $0.description) })
            for f in facts {
                fact.bind(f.rowID, at: 1)
                fact.bind(outcomeText[Int(f.outcome.rawValue)], at: 2)
                fact.bind(f.cause.map { causeText[$0]! }, at: 3)
                fact.bind(f.acquirerRC == 0 ? nil : f.acquirerRC, at: 4)
                fact.bind(f.requestID, at: 5)
                fact.bind(f.responseID, at: 6)
                fact.bind(f.clockOffset, at: 7)
                fact.bind(f.firmware == 0 ? nil : f.firmware, at: 8)
                fact.bind(f.app == 0 ? nil : f.app, at: 9)
                fact.bind(f.codeTable == 0 ? nil : f.codeTable, at: 10)
                fact.bind(f.realm == 0 ? nil : f.realm, at: 11)
                fact.bind(f.netType == 0 ? nil : f.netType, at: 12)
                fact.bind(f.rssiBand, at: 13)
                fact.bind(f.netEvent60s ? "yes" : "no", at: 14)
                try fact.run()
            }
            let pair = try database.prepare("""
                INSERT INTO acquirer_pairs(request_id, response_id, realm, tid, stan, mti, rc, request_ts, response_ts, lifespan_ms, txn_id)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                """)
            let m = data.messages
            for p in pairs {
                pair.bind(p.request.map { m.id[$0] }, at: 1)
                pair.bind(p.response.map { m.id[$0] }, at: 2)
                pair.bind(p.realm, at: 3)
                pair.bind(p.tid == 0 ? nil : p.tid, at: 4)
                pair.bind(p.stan >= 0 ? Int64(p.stan) : nil, at: 5)
                pair.bind(p.mti == 0 ? nil : p.mti, at: 6)
                pair.bind(p.rc == 0 ? nil : p.rc, at: 7)
                pair.bind(p.requestTime, at: 8)
                pair.bind(p.responseTime, at: 9)
                pair.bind(p.lifespanMs, at: 10)
                pair.bind(p.matchedTransaction.map { data.transactions.id[$0] }, at: 11)
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
