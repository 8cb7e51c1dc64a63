-- title: Terminals with the most unknown codes
-- description: Terminals ranked by their number of unknown results, with maker, channel, the firmware and code table of their latest transaction, and the rate with Wilson 95% bounds.
-- param: since date 2000-01-01   The first local day to include.
-- param: until date 2999-12-31   The last local day to include.
-- param: limit int 50            The most terminals listed.
WITH counts AS (
    -- firmware and code_table come from the row holding max(ts): SQLite's bare-column rule.
    SELECT tid, brand, model, channel, agent, fee_tier,
           max(ts) AS last_seen,
           firmware, code_table,
           count(*) AS transactions,
           count(CASE WHEN outcome = 'unknown' THEN 1 END) AS unknown
    FROM transactions
    WHERE day BETWEEN :since AND :until
    GROUP BY tid
),
bounded AS (
    SELECT *,
           CASE WHEN unknown = transactions THEN 1.0
                ELSE min(1.0, (2.0 * unknown + 3.841458820694124
                               + 1.959963984540054 * sqrt(3.841458820694124 + 4.0 * unknown * (transactions - unknown) / transactions))
                              / (2.0 * (transactions + 3.841458820694124)))
           END AS rate_hi
    FROM counts
    WHERE unknown > 0
)
SELECT tid, brand, model, channel, agent, fee_tier, firmware, code_table, last_seen,
       transactions,
       unknown,
       1.0 * unknown / transactions AS rate,
       1.0 * unknown * unknown / (transactions * (transactions + 3.841458820694124) * rate_hi) AS rate_lo,
       rate_hi
FROM bounded
ORDER BY unknown DESC, rate DESC, tid
LIMIT :limit;
