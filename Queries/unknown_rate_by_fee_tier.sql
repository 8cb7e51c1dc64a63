-- title: Unknown-code rate by fee tier
-- title_zh: 按费率档的未知应答码比率
-- description: Merchant fee tiers ranked by unknown-code rate, with Wilson 95% bounds.
-- param: since date window_start   The first local day to include (default: the first day of the last analysis window).
-- param: until date window_end     The last local day to include (default: the last day of the last analysis window).
-- param: min_txns int 1          Fee tiers with fewer transactions are left out.
WITH counts AS (
    SELECT fee_tier,
           sum(transactions) AS transactions,
           sum(unknown) AS unknown
    FROM daily_profile_rates
    WHERE day BETWEEN :since AND :until
    GROUP BY fee_tier
    HAVING sum(transactions) >= :min_txns
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
SELECT fee_tier,
       transactions,
       unknown,
       1.0 * unknown / transactions AS rate,
       CASE WHEN unknown = 0 THEN 0.0
            ELSE 1.0 * unknown * unknown / (transactions * (transactions + 3.841458820694124) * rate_hi)
       END AS rate_lo,
       rate_hi
FROM bounded
ORDER BY rate DESC, transactions DESC, fee_tier;
