-- title: Terminals with the most unknown codes
-- title_zh: 未知应答码最多的终端
-- description: Terminals ranked by their number of unknown results, with maker, channel, the firmware and code table of their latest transaction, and the rate with Wilson 95% bounds.
-- param: since date window_start   The first local day to include (default: the first day of the last analysis window).
-- param: until date window_end     The last local day to include (default: the last day of the last analysis window).
-- param: limit int 50            The most terminals listed.
WITH unknown AS (
    -- Terminals by their unknown count, from the small per-terminal failure aggregate.
    SELECT tid, sum(transactions) AS unknown
    FROM daily_terminal_causes
    WHERE day BETWEEN :since AND :until AND outcome = 'unknown'
    GROUP BY tid
),
candidates AS (
    -- Those that can be among the first :limit: ties at the last place are kept for the rate to order.
    SELECT tid FROM unknown
    WHERE unknown >= coalesce((SELECT unknown FROM unknown ORDER BY unknown DESC LIMIT 1 OFFSET max(:limit, 1) - 1), 0)
),
counts AS (
    -- the maker and software come from the row holding max(last_ts): SQLite's bare-column rule.
    SELECT d.tid, d.brand, d.model, d.channel, d.agent, d.fee_tier,
           max(d.last_ts) AS last_seen,
           d.firmware, d.code_table,
           sum(d.transactions) AS transactions,
           sum(d.unknown) AS unknown
    FROM candidates AS c
    JOIN daily_terminals AS d ON d.tid = c.tid AND d.day BETWEEN :since AND :until
    GROUP BY d.tid
),
bounded AS (
    SELECT *,
           CASE WHEN transactions = 0 THEN NULL WHEN unknown = transactions THEN 1.0
                ELSE min(1.0, (2.0 * unknown + 3.841458820694124
                               + 1.959963984540054 * sqrt(3.841458820694124 + 4.0 * unknown * (transactions - unknown) / transactions))
                              / (2.0 * (transactions + 3.841458820694124)))
           END AS rate_hi
    FROM counts
)
SELECT tid, brand, model, channel, agent, fee_tier, firmware, code_table, last_seen,
       transactions,
       unknown,
       1.0 * unknown / transactions AS rate,
       1.0 * unknown * unknown / (transactions * (transactions + 3.841458820694124) * rate_hi) AS rate_lo,
       rate_hi
FROM bounded
WHERE unknown > 0
ORDER BY unknown DESC, rate DESC, tid
LIMIT :limit;
