import POSStore

/// The daily aggregates of one day (the `daily_*` views), counted from its snapshot and written in
/// place of the day's earlier rows: what the canned queries and the report read, so that their
/// cost follows the days they ask about, not the transactions stored.
enum DailyAggregates {
    /// Tables rewritten per day.
    static let tables = [
        "agg_outcomes", "agg_terminals", "agg_terminal_causes", "agg_profiles", "agg_profile_rates", "agg_software", "agg_network",
        "agg_codes", "agg_code_terminals", "agg_network_windows", "agg_acquirer", "agg_acquirer_lifespans",
    ]

    fileprivate struct Codes: Hashable {
        var a: UInt16 = 0, b: UInt16 = 0, c: UInt16 = 0, d: UInt16 = 0, e: UInt16 = 0, f: UInt16 = 0
        var outcome: UInt8 = 0, cause: UInt8 = 0
    }

    fileprivate struct TerminalDay {
        var counts = [Int](repeating: 0, count: Outcome.allCases.count)
        var firstTs = Int64.max
        var lastTs = Int64.min
        var lastRow = 0
    }

    /// A day's snapshot counted by every grouping: the part of the aggregates that needs no
    /// database, so that it can run on another thread while the database is busy with other writes.
    struct Counted {
        let snapshot: DaySnapshot
        fileprivate let transactions: TransactionCounts
        fileprivate let acquirer: AcquirerCounts

        init(_ s: DaySnapshot) {
            snapshot = s
            transactions = TransactionCounts(s)
            acquirer = AcquirerCounts(s)
        }
    }

    /// Deletes the day's aggregate rows and writes the counted ones (nothing for a day without data).
    static func write(_ counted: Counted, into db: Database) throws {
        let s = counted.snapshot
        try delete(day: s.day, from: db)
        let text = AggregateText(s)
        try writeTerminalAggregates(counted.transactions, text: text, into: db)
        try writeConditionAggregates(counted.transactions, text: text, into: db)
        try writeAcquirerAggregates(counted.acquirer, text: text, into: db)
    }

    /// The texts of a snapshot's codes, as the aggregate tables store them.
    private struct AggregateText {
        let s: DaySnapshot
        let day: String
        let outcomeNames = Outcome.allCases.map(\.description)

        init(_ s: DaySnapshot) {
            self.s = s
            day = LocalDay.text(s.day)
        }

        func attr(_ a: Int, _ code: UInt16) -> String { s.string(s.attributeValues[a][Int(code)]) }
        func code(_ c: UInt16) -> String { c == 0 ? "(none)" : s.string(s.codeValues[Int(c)]) }
        func causeName(_ c: UInt8) -> String { Cause(rawValue: c)?.description ?? "none" }
        func outcome(_ o: UInt8) -> String { outcomeNames[Int(o)] }
        /// A terminal ID's text from the two halves of its string index.
        func tid(low: UInt16, high: UInt16) -> String { s.string(Int32(bitPattern: UInt32(low) | UInt32(high) << 16)) }
    }

    /// The day's transactions counted by every grouping of the `agg_*` tables but the acquirer's.
    fileprivate struct TransactionCounts {
        var outcomes: [Codes: (n: Int, terminals: Set<Int32>)] = [:]
        var terminals: [(tid: Int32, day: TerminalDay)] = []
        var terminalCauses: [Codes: Int] = [:]
        var profiles: [Codes: Int] = [:]
        var software: [UInt64: Int] = [:]
        var network: [UInt64: Int] = [:]
        var codes: [Codes: (n: Int, same: Int)] = [:]
        var codeTerminals: [Codes: Int] = [:]
        var windows: [Codes: (n: Int, failures: Int)] = [:]

        /// Counts every row of `s`, block by block.
        init(_ s: DaySnapshot) {
            let A = DayClassifier.A.self
            let unknown = Outcome.unknown.rawValue
            let timeout = Outcome.timeout.rawValue
            for block in s.blocks {
                let tid = block.tid
                var t = TerminalDay()
                // The block's rows by (outcome, cause): the per-terminal groupings count these.
                var byOutcome: [UInt16: Int] = [:]
                for r in block.rows {
                    let o = s.outcome[r]
                    let c = s.cause[r]
                    byOutcome[UInt16(o) << 8 | UInt16(c), default: 0] += 1
                    t.counts[Int(o)] += 1
                    t.firstTs = min(t.firstTs, s.ts[r])
                    if s.ts[r] >= t.lastTs {
                        t.lastTs = s.ts[r]
                        t.lastRow = r
                    }
                    let failed = o == unknown || o == timeout
                    let fw = s.attributes[A.firmware][r]
                    let ctab = s.attributes[A.codeTable][r]
                    let realm = s.attributes[A.acquirer][r]
                    software[UInt64(fw) << 48 | UInt64(s.attributes[A.app][r]) << 32 | UInt64(ctab) << 16 | UInt64(o) << 8 | UInt64(c), default: 0] +=
                        1
                    network[
                        UInt64(s.attributes[A.netEvent][r]) << 56 | UInt64(s.attributes[A.rssiBand][r]) << 48 | UInt64(s.attributes[A.netType][r])
                            << 32
                            | UInt64(realm) << 16 | UInt64(o) << 8 | UInt64(c), default: 0] += 1
                    let rc = s.responseCode[r]
                    let codeKey = Codes(a: rc, b: ctab, c: fw, d: realm, outcome: o, cause: c)
                    codes[codeKey, default: (0, 0)].n += 1
                    if rc != 0 && s.acquirerResponseCode[r] == rc { codes[codeKey]!.same += 1 }
                    if o == unknown {
                        codeTerminals[Codes(a: rc, b: UInt16(truncatingIfNeeded: tid), c: UInt16(truncatingIfNeeded: tid >> 16)), default: 0] += 1
                    }
                    let set = s.eventSets[Int(s.eventSet[r])]
                    for w in 0..<DayClassifier.eventWindows.count {
                        let kinds = set[w]
                        if kinds.isEmpty {
                            let key = Codes(a: UInt16(w), b: UInt16.max, c: UInt16.max)
                            windows[key, default: (0, 0)].n += 1
                            if failed { windows[key]!.failures += 1 }
                        } else {
                            for kind in kinds {
                                let key = Codes(a: UInt16(w), b: UInt16(truncatingIfNeeded: kind), c: UInt16(truncatingIfNeeded: kind >> 16))
                                windows[key, default: (0, 0)].n += 1
                                if failed { windows[key]!.failures += 1 }
                            }
                        }
                    }
                }
                guard !block.rows.isEmpty else { continue }
                terminals.append((tid, t))
                addTerminalGroupings(byOutcome, tid: tid, firstRow: block.rows.lowerBound, of: s)
            }
        }

        /// Adds a terminal's rows, counted by (outcome, cause), to the groupings per outcome,
        /// per terminal and per profile. A terminal's inventory attributes are the same on
        /// every row of its day: those of `firstRow`.
        private mutating func addTerminalGroupings(_ byOutcome: [UInt16: Int], tid: Int32, firstRow first: Int, of s: DaySnapshot) {
            let A = DayClassifier.A.self
            let unknown = Outcome.unknown.rawValue
            let timeout = Outcome.timeout.rawValue
            let at = { (a: Int) in s.attributes[a][first] }
            for (key, n) in byOutcome {
                let o = UInt8(key >> 8)
                let c = UInt8(key & 0xFF)
                outcomes[Codes(outcome: o, cause: c), default: (0, [])].n += n
                outcomes[Codes(outcome: o, cause: c)]!.terminals.insert(tid)
                if o == unknown || o == timeout {
                    terminalCauses[
                        Codes(a: UInt16(truncatingIfNeeded: tid), b: UInt16(truncatingIfNeeded: tid >> 16), outcome: o, cause: c), default: 0] += n
                }
                profiles[
                    Codes(a: at(A.brand), b: at(A.model), c: at(A.channel), d: at(A.agent), e: at(A.feeTier), f: at(A.region), outcome: o, cause: c),
                    default: 0] += n
            }
        }
    }

    /// Writes `agg_outcomes`, `agg_terminals`, `agg_terminal_causes`, `agg_profiles` and, rolled up
    /// from the day's `agg_profiles` rows, `agg_profile_rates`.
    private static func writeTerminalAggregates(_ counts: TransactionCounts, text: AggregateText, into db: Database) throws {
        let A = DayClassifier.A.self
        let s = text.s
        let day = text.day
        let insertOutcome = try db.prepare("INSERT INTO agg_outcomes(day, outcome, cause, transactions, terminals) VALUES (?1, ?2, ?3, ?4, ?5)")
        for (k, v) in counts.outcomes {
            try run(
                insertOutcome,
                [
                    .text(day), .text(text.outcome(k.outcome)), .text(text.causeName(k.cause)), .integer(Int64(v.n)),
                    .integer(Int64(v.terminals.count)),
                ])
        }
        let insertTerminal = try db.prepare(
            """
            INSERT INTO agg_terminals(day, tid, brand, model, channel, agent, fee_tier, region, transactions, approved, declined, unknown,
                timeout, error, first_ts, last_ts, firmware, code_table)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
            """)
        for (tid, t) in counts.terminals {
            let r = t.lastRow
            var values: [DatabaseValue] = [.text(day), .text(s.string(tid))]
            for a in [A.brand, A.model, A.channel, A.agent, A.feeTier, A.region] { values.append(.text(text.attr(a, s.attributes[a][r]))) }
            values.append(.integer(Int64(t.counts.reduce(0, +))))
            for o in Outcome.allCases { values.append(.integer(Int64(t.counts[Int(o.rawValue)]))) }
            values += [
                .integer(t.firstTs), .integer(t.lastTs), .text(text.attr(A.firmware, s.attributes[A.firmware][r])),
                .text(text.attr(A.codeTable, s.attributes[A.codeTable][r])),
            ]
            try run(insertTerminal, values)
        }
        let insertTerminalCause = try db.prepare(
            "INSERT INTO agg_terminal_causes(day, tid, outcome, cause, transactions) VALUES (?1, ?2, ?3, ?4, ?5)")
        for (k, n) in counts.terminalCauses {
            try run(
                insertTerminalCause,
                [
                    .text(day), .text(text.tid(low: k.a, high: k.b)), .text(text.outcome(k.outcome)), .text(text.causeName(k.cause)),
                    .integer(Int64(n)),
                ])
        }
        let insertProfile = try db.prepare(
            """
            INSERT INTO agg_profiles(day, brand, model, channel, agent, fee_tier, region, outcome, cause, transactions)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        for (k, n) in counts.profiles {
            try run(
                insertProfile,
                [
                    .text(day), .text(text.attr(A.brand, k.a)), .text(text.attr(A.model, k.b)), .text(text.attr(A.channel, k.c)),
                    .text(text.attr(A.agent, k.d)),
                    .text(text.attr(A.feeTier, k.e)), .text(text.attr(A.region, k.f)), .text(text.outcome(k.outcome)), .text(text.causeName(k.cause)),
                    .integer(Int64(n)),
                ])
        }
        let rollUp = try db.prepare(
            """
            INSERT INTO agg_profile_rates(day, brand, model, channel, agent, fee_tier, region, transactions, unknown)
            SELECT day, brand, model, channel, agent, fee_tier, region, sum(transactions),
                   sum(CASE WHEN outcome = 'unknown' THEN transactions ELSE 0 END)
            FROM agg_profiles WHERE day = ?1 GROUP BY brand, model, channel, agent, fee_tier, region
            """)
        try run(rollUp, [.text(day)])
    }

    /// Writes `agg_software`, `agg_network`, `agg_codes`, `agg_code_terminals` and `agg_network_windows`.
    private static func writeConditionAggregates(_ counts: TransactionCounts, text: AggregateText, into db: Database) throws {
        let A = DayClassifier.A.self
        let day = text.day
        let insertSoftware = try db.prepare(
            """
            INSERT INTO agg_software(day, firmware, app_version, code_table, outcome, cause, transactions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        for (k, n) in counts.software {
            try run(
                insertSoftware,
                [
                    .text(day), .text(text.attr(A.firmware, UInt16(k >> 48 & 0xFFFF))), .text(text.attr(A.app, UInt16(k >> 32 & 0xFFFF))),
                    .text(text.attr(A.codeTable, UInt16(k >> 16 & 0xFFFF))), .text(text.outcome(UInt8(k >> 8 & 0xFF))),
                    .text(text.causeName(UInt8(k & 0xFF))),
                    .integer(Int64(n)),
                ])
        }
        let insertNetwork = try db.prepare(
            """
            INSERT INTO agg_network(day, net_event_60s, rssi_band, net_type, acquirer, outcome, cause, transactions)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        for (k, n) in counts.network {
            try run(
                insertNetwork,
                [
                    .text(day), .text(text.attr(A.netEvent, UInt16(k >> 56 & 0xFF))), .text(text.attr(A.rssiBand, UInt16(k >> 48 & 0xFF))),
                    .text(text.attr(A.netType, UInt16(k >> 32 & 0xFFFF))), .text(text.attr(A.acquirer, UInt16(k >> 16 & 0xFFFF))),
                    .text(text.outcome(UInt8(k >> 8 & 0xFF))), .text(text.causeName(UInt8(k & 0xFF))), .integer(Int64(n)),
                ])
        }
        let insertCode = try db.prepare(
            """
            INSERT INTO agg_codes(day, code, code_table, firmware, acquirer, outcome, cause, transactions, acquirer_sent_same)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """)
        for (k, v) in counts.codes {
            try run(
                insertCode,
                [
                    .text(day), .text(text.code(k.a)), .text(text.attr(A.codeTable, k.b)), .text(text.attr(A.firmware, k.c)),
                    .text(text.attr(A.acquirer, k.d)),
                    .text(text.outcome(k.outcome)), .text(text.causeName(k.cause)), .integer(Int64(v.n)), .integer(Int64(v.same)),
                ])
        }
        let insertCodeTerminal = try db.prepare("INSERT INTO agg_code_terminals(day, code, tid, unknown) VALUES (?1, ?2, ?3, ?4)")
        for (k, n) in counts.codeTerminals {
            try run(insertCodeTerminal, [.text(day), .text(text.code(k.a)), .text(text.tid(low: k.b, high: k.c)), .integer(Int64(n))])
        }
        let insertWindow = try db.prepare("INSERT INTO agg_network_windows(day, window_s, event, transactions, failures) VALUES (?1, ?2, ?3, ?4, ?5)")
        for (k, v) in counts.windows {
            let event = k.b == UInt16.max && k.c == UInt16.max ? "" : text.tid(low: k.b, high: k.c)
            try run(
                insertWindow,
                [.text(day), .integer(DayClassifier.eventWindows[Int(k.a)]), .text(event), .integer(Int64(v.n)), .integer(Int64(v.failures))])
        }
    }

    /// Acquirer pairs per realm, and how long their responses took.
    fileprivate struct AcquirerCounts {
        var realms: [Int32: (pairs: Int, matched: Int, noResponse: Int, noRequest: Int, maxLifespan: Int32)] = [:]
        /// Pairs by realm (high 32 bits) and lifespan in whole seconds (low 32 bits).
        var lifespans: [Int64: Int] = [:]

        /// Counts every pair of `s`.
        init(_ s: DaySnapshot) {
            for p in s.pairRealm.indices {
                let realm = s.pairRealm[p]
                let flags = s.pairFlags[p]
                var entry = realms[realm, default: (0, 0, 0, 0, -1)]
                entry.pairs += 1
                if flags & DaySnapshot.matched != 0 { entry.matched += 1 }
                if flags & DaySnapshot.hasRequest != 0 && flags & DaySnapshot.hasResponse == 0 { entry.noResponse += 1 }
                if flags & DaySnapshot.hasRequest == 0 { entry.noRequest += 1 }
                entry.maxLifespan = max(entry.maxLifespan, s.pairLifespan[p])
                realms[realm] = entry
                if s.pairLifespan[p] >= 0 { lifespans[Int64(realm) << 32 | Int64(s.pairLifespan[p] / 1000), default: 0] += 1 }
            }
        }
    }

    /// Writes `agg_acquirer` and `agg_acquirer_lifespans`.
    private static func writeAcquirerAggregates(_ counts: AcquirerCounts, text: AggregateText, into db: Database) throws {
        let s = text.s
        let day = text.day
        let insertAcquirer = try db.prepare(
            """
            INSERT INTO agg_acquirer(day, realm, pairs, matched, no_response, response_without_request, max_lifespan_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        for (realm, v) in counts.realms {
            try run(
                insertAcquirer,
                [
                    .text(day), .text(s.string(realm)), .integer(Int64(v.pairs)), .integer(Int64(v.matched)), .integer(Int64(v.noResponse)),
                    .integer(Int64(v.noRequest)), v.maxLifespan >= 0 ? .integer(Int64(v.maxLifespan)) : .null,
                ])
        }
        let insertLifespan = try db.prepare("INSERT INTO agg_acquirer_lifespans(day, realm, lifespan_s, pairs) VALUES (?1, ?2, ?3, ?4)")
        for (key, n) in counts.lifespans {
            try run(insertLifespan, [.text(day), .text(s.string(Int32(key >> 32))), .integer(key & 0xFFFF_FFFF), .integer(Int64(n))])
        }
    }

    /// Deletes a day's aggregate rows.
    static func delete(day: Int64, from db: Database) throws {
        let text = LocalDay.text(day)
        for table in tables {
            let statement = try db.prepare("DELETE FROM \(table) WHERE day = ?")
            statement.bind(text, at: 1)
            try statement.run()
        }
    }

    private static func run(_ statement: Statement, _ values: [DatabaseValue]) throws {
        try statement.bind(values)
        try statement.run()
    }
}
