-- title: Network events before failures
-- description: For each kind of network event (a terminal's state change, an acquirer realm's link event), the transactions that followed it within the window and the share of them that failed (unknown or timeout), with Wilson 95% bounds, against the failure rate of transactions that followed no event.
-- param: since date 2000-01-01   The first local day to include.
-- param: until date 2999-12-31   The last local day to include.
-- param: window_s int 60         How many seconds before a transaction an event counts.
-- Times are compared as integer milliseconds (from julianday), so that a window's edge is exact.
WITH txns AS (
    SELECT file, line, tid, acquirer,
           CAST(round((julianday(ts) - 2440587.5) * 86400000.0) AS INTEGER) AS t,
           outcome IN ('unknown', 'timeout') AS failed
    FROM transactions
    WHERE day BETWEEN :since AND :until
),
terminal_events AS (
    SELECT tid AS subject, 'terminal ' || coalesce(state, 'unknown') AS event,
           CAST(round((julianday(ts) - 2440587.5) * 86400000.0) AS INTEGER) AS t
    FROM network_events
    WHERE source = 'terminal'
),
realm_events AS (
    SELECT realm AS subject, 'acquirer ' || coalesce(state, 'unknown') AS event,
           CAST(round((julianday(ts) - 2440587.5) * 86400000.0) AS INTEGER) AS t
    FROM network_events
    WHERE source = 'acquirer'
),
preceded AS (
    SELECT e.event, x.file, x.line, x.failed
    FROM txns AS x
    JOIN terminal_events AS e ON e.subject = x.tid AND e.t BETWEEN x.t - :window_s * 1000 AND x.t
    UNION
    SELECT e.event, x.file, x.line, x.failed
    FROM txns AS x
    JOIN realm_events AS e ON e.subject = x.acquirer AND e.t BETWEEN x.t - :window_s * 1000 AND x.t
),
baseline AS (
    SELECT 1.0 * count(CASE WHEN failed THEN 1 END) / count(*) AS rate
    FROM txns
    WHERE NOT EXISTS (SELECT 1 FROM preceded AS p WHERE p.file = txns.file AND p.line = txns.line)
),
counts AS (
    SELECT event, count(*) AS transactions, count(CASE WHEN failed THEN 1 END) AS failures
    FROM preceded
    GROUP BY event
),
bounded AS (
    SELECT *,
           CASE WHEN failures = transactions THEN 1.0
                ELSE min(1.0, (2.0 * failures + 3.841458820694124
                               + 1.959963984540054 * sqrt(3.841458820694124 + 4.0 * failures * (transactions - failures) / transactions))
                              / (2.0 * (transactions + 3.841458820694124)))
           END AS rate_hi
    FROM counts
)
SELECT event,
       transactions,
       failures,
       1.0 * failures / transactions AS rate,
       CASE WHEN failures = 0 THEN 0.0
            ELSE 1.0 * failures * failures / (transactions * (transactions + 3.841458820694124) * rate_hi)
       END AS rate_lo,
       rate_hi,
       baseline.rate AS baseline_rate,
       CASE WHEN baseline.rate > 0 THEN 1.0 * failures / transactions / baseline.rate END AS risk_ratio
FROM bounded
CROSS JOIN baseline
ORDER BY rate DESC, transactions DESC, event;
