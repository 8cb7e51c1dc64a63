import POSIngest
import POSStore

/// The daily aggregates (`agg_*` tables, read through the `daily_*` views) computed again, by SQL,
/// from the per-row views `transactions`, `acquirer_messages` and `network_events`: an oracle
/// written from the aggregates' documented semantics, apart from `POSAnalysis.DailyAggregates`
/// (which counts from day snapshots in Swift).
///
/// The fixture fills its aggregates with it, so that the canned queries read numbers that follow
/// from its hand-given facts; `AggregatesOracleTests` compares it with what a real analysis wrote.
///
/// The semantics, one table a statement:
/// * `day` is the transaction's local date (the `transactions` view's `day`); an acquirer pair's is
///   the local date of its first message (the request, else the response) in the acquirer logs'
///   UTC offset;
/// * `cause` is `none` where the transaction has none; `code` is the terminal's response code,
///   `(none)` where it received none;
/// * `agg_terminals` takes `firmware` and `code_table` from the terminal's latest transaction of
///   the day, `first_ts`/`last_ts` are its first and last transaction (terminal clock, UTC ms);
/// * `agg_terminal_causes` counts the unknown and timed-out transactions, `agg_code_terminals` the
///   unknown ones;
/// * `agg_network_windows`: for each window of 10, 60 and 300 s, each kind of network event seen in
///   the window before a transaction counts it once (`terminal <state>` for the terminal's own
///   events, by its raw clock; `acquirer <link element>` for its acquirer realm's link events, by
///   the terminal's clock corrected with its offset of the day), and a transaction with none in
///   the window counts under `''`; both ends of a window are inclusive;
/// * `agg_acquirer` and `agg_acquirer_lifespans` count the pairs of `acquirer_messages`; a pair's
///   lifespan is the logged one, else response time − request time, and a negative or missing one
///   counts nowhere; lifespans are counted in whole seconds (truncated).
///
/// The terminal's clock offset of the day is the one fact no view shows: it is read from
/// `txn_facts.clock_offset_ms` (one value per terminal and day).
enum AggregateOracle {
    static let tables = [
        "agg_outcomes", "agg_terminals", "agg_terminal_causes", "agg_profiles", "agg_profile_rates", "agg_software", "agg_network",
        "agg_codes", "agg_code_terminals", "agg_network_windows", "agg_acquirer", "agg_acquirer_lifespans",
    ]

    /// Milliseconds since the epoch of a view's `YYYY-MM-DDTHH:MM:SS.fffZ` text, exactly.
    static func ms(_ column: String) -> String {
        "(strftime('%s', \(column)) * 1000 + CAST(substr(\(column), 21, 3) AS INTEGER))"
    }

    /// One `INSERT … SELECT` per aggregate table, in `tables` order.
    static func statements(acquirerOffsetMinutes: Int = ParseOptions().acquirerOffsetMinutes) -> [String] {
        let lifespan = "coalesce(lifespan_ms, \(ms("response_ts")) - \(ms("request_ts")))"
        let pairDay = "date((\(ms("coalesce(request_ts, response_ts)")) + \(acquirerOffsetMinutes) * 60000) / 1000, 'unixepoch')"
        return [
            """
            INSERT INTO agg_outcomes(day, outcome, cause, transactions, terminals)
            SELECT day, outcome, coalesce(cause, 'none'), count(*), count(DISTINCT tid)
            FROM transactions WHERE outcome IS NOT NULL
            GROUP BY day, outcome, coalesce(cause, 'none')
            """,
            """
            INSERT INTO agg_terminals(day, tid, brand, model, channel, agent, fee_tier, region, transactions, approved, declined, unknown,
                timeout, error, first_ts, last_ts, firmware, code_table)
            SELECT day, tid, brand, model, channel, agent, fee_tier, region, count(*),
                   sum(outcome = 'approved'), sum(outcome = 'declined'), sum(outcome = 'unknown'), sum(outcome = 'timeout'), sum(outcome = 'error'),
                   min(t), max(t), latest_firmware, latest_code_table
            FROM (SELECT *, \(ms("ts")) AS t,
                         first_value(firmware) OVER latest AS latest_firmware, first_value(code_table) OVER latest AS latest_code_table
                  FROM transactions WHERE outcome IS NOT NULL
                  WINDOW latest AS (PARTITION BY day, tid ORDER BY ts DESC, line DESC))
            GROUP BY day, tid
            """,
            """
            INSERT INTO agg_terminal_causes(day, tid, outcome, cause, transactions)
            SELECT day, tid, outcome, coalesce(cause, 'none'), count(*)
            FROM transactions WHERE outcome IN ('unknown', 'timeout')
            GROUP BY day, tid, outcome, coalesce(cause, 'none')
            """,
            """
            INSERT INTO agg_profiles(day, brand, model, channel, agent, fee_tier, region, outcome, cause, transactions)
            SELECT day, brand, model, channel, agent, fee_tier, region, outcome, coalesce(cause, 'none'), count(*)
            FROM transactions WHERE outcome IS NOT NULL
            GROUP BY day, brand, model, channel, agent, fee_tier, region, outcome, coalesce(cause, 'none')
            """,
            """
            INSERT INTO agg_profile_rates(day, brand, model, channel, agent, fee_tier, region, transactions, unknown)
            SELECT day, brand, model, channel, agent, fee_tier, region, count(*), sum(outcome = 'unknown')
            FROM transactions WHERE outcome IS NOT NULL
            GROUP BY day, brand, model, channel, agent, fee_tier, region
            """,
            """
            INSERT INTO agg_software(day, firmware, app_version, code_table, outcome, cause, transactions)
            SELECT day, firmware, app_version, code_table, outcome, coalesce(cause, 'none'), count(*)
            FROM transactions WHERE outcome IS NOT NULL
            GROUP BY day, firmware, app_version, code_table, outcome, coalesce(cause, 'none')
            """,
            """
            INSERT INTO agg_network(day, net_event_60s, rssi_band, net_type, acquirer, outcome, cause, transactions)
            SELECT day, net_event_60s, rssi_band, net_type, acquirer, outcome, coalesce(cause, 'none'), count(*)
            FROM transactions WHERE outcome IS NOT NULL
            GROUP BY day, net_event_60s, rssi_band, net_type, acquirer, outcome, coalesce(cause, 'none')
            """,
            """
            INSERT INTO agg_codes(day, code, code_table, firmware, acquirer, outcome, cause, transactions, acquirer_sent_same)
            SELECT day, coalesce(rc, '(none)'), code_table, firmware, acquirer, outcome, coalesce(cause, 'none'), count(*),
                   count(CASE WHEN rc IS NOT NULL AND acquirer_rc = rc THEN 1 END)
            FROM transactions WHERE outcome IS NOT NULL
            GROUP BY day, coalesce(rc, '(none)'), code_table, firmware, acquirer, outcome, coalesce(cause, 'none')
            """,
            """
            INSERT INTO agg_code_terminals(day, code, tid, unknown)
            SELECT day, coalesce(rc, '(none)'), tid, count(*)
            FROM transactions WHERE outcome = 'unknown'
            GROUP BY day, coalesce(rc, '(none)'), tid
            """,
            """
            INSERT INTO agg_network_windows(day, window_s, event, transactions, failures)
            WITH windows(window_s) AS (VALUES (10), (60), (300)),
            offsets AS (
                SELECT d.value AS tid, date((x.ts + x.tz * 60000) / 1000, 'unixepoch') AS day, max(f.clock_offset_ms) AS offset_ms
                FROM txn_facts AS f JOIN terminal_txns AS x ON x.id = f.txn_id JOIN dictionary AS d ON d.id = x.tid
                GROUP BY 1, 2
            ),
            txns AS MATERIALIZED (
                SELECT t.day, t.tid, t.acquirer, t.file, t.line, t.outcome IN ('unknown', 'timeout') AS failed,
                       \(ms("t.ts")) AS raw, \(ms("t.ts")) + coalesce(o.offset_ms, 0) AS corrected
                FROM transactions AS t LEFT JOIN offsets AS o ON o.tid = t.tid AND o.day = t.day
                WHERE t.outcome IS NOT NULL
            ),
            events AS MATERIALIZED (
                SELECT source, coalesce(tid, realm) AS subject, source || ' ' || coalesce(state, 'unknown') AS event, \(ms("ts")) AS t
                FROM network_events
            ),
            seen AS (
                SELECT x.file, x.line, w.window_s, e.event
                FROM txns AS x CROSS JOIN windows AS w
                JOIN events AS e ON e.source = 'terminal' AND e.subject = x.tid AND e.t BETWEEN x.raw - w.window_s * 1000 AND x.raw
                UNION
                SELECT x.file, x.line, w.window_s, e.event
                FROM txns AS x CROSS JOIN windows AS w
                JOIN events AS e ON e.source = 'acquirer' AND e.subject = x.acquirer
                                AND e.t BETWEEN x.corrected - w.window_s * 1000 AND x.corrected
            )
            SELECT x.day, w.window_s, coalesce(s.event, ''), count(*), sum(x.failed)
            FROM txns AS x CROSS JOIN windows AS w
            LEFT JOIN seen AS s ON s.file = x.file AND s.line = x.line AND s.window_s = w.window_s
            GROUP BY x.day, w.window_s, coalesce(s.event, '')
            """,
            """
            INSERT INTO agg_acquirer(day, realm, pairs, matched, no_response, response_without_request, max_lifespan_ms)
            SELECT day, realm, count(*), count(CASE WHEN matched = 'yes' THEN 1 END),
                   count(CASE WHEN request_ts IS NOT NULL AND response_ts IS NULL THEN 1 END),
                   count(CASE WHEN request_ts IS NULL THEN 1 END),
                   max(CASE WHEN lifespan >= 0 THEN lifespan END)
            FROM (SELECT \(pairDay) AS day, coalesce(realm, 'unknown') AS realm, matched, request_ts, response_ts, \(lifespan) AS lifespan
                  FROM acquirer_messages)
            GROUP BY day, realm
            """,
            """
            INSERT INTO agg_acquirer_lifespans(day, realm, lifespan_s, pairs)
            SELECT day, realm, lifespan / 1000, count(*)
            FROM (SELECT \(pairDay) AS day, coalesce(realm, 'unknown') AS realm, \(lifespan) AS lifespan FROM acquirer_messages)
            WHERE lifespan >= 0
            GROUP BY day, realm, lifespan / 1000
            """,
        ]
    }

    /// Replaces every aggregate row of `db` with the oracle's, in one transaction.
    static func fill(_ db: Database, acquirerOffsetMinutes: Int = ParseOptions().acquirerOffsetMinutes) throws {
        let ownTransaction = !db.inTransaction
        if ownTransaction { try db.execute("BEGIN") }
        do {
            for table in tables { try db.execute("DELETE FROM \(table)") }
            for statement in statements(acquirerOffsetMinutes: acquirerOffsetMinutes) { try db.execute(statement) }
            if ownTransaction { try db.execute("COMMIT") }
        } catch {
            if ownTransaction { try? db.execute("ROLLBACK") }
            throw error
        }
    }
}
