-- title: Network events before failures
-- title_zh: 失败交易之前的网络事件
-- description: For each kind of network event (a terminal's state change, an acquirer realm's link event), the transactions that followed it within the window and the share of them that failed (unknown or timeout), with Wilson 95% bounds, against the failure rate of transactions that followed no event.
-- param: since date window_start   The first local day to include (default: the first day of the last analysis window).
-- param: until date window_end     The last local day to include (default: the last day of the last analysis window).
-- param: window_s int 60         How many seconds before a transaction an event counts: 10, 60 or 300 (the windows the daily aggregates keep).
WITH counts AS (
    SELECT event, sum(transactions) AS transactions, sum(failures) AS failures
    FROM daily_network_windows
    WHERE day BETWEEN :since AND :until AND window_s = :window_s
    GROUP BY event
),
baseline AS (
    SELECT CASE WHEN sum(transactions) > 0 THEN 1.0 * sum(failures) / sum(transactions) END AS rate
    FROM counts
    WHERE event = ''
),
bounded AS (
    SELECT *,
           CASE WHEN failures = transactions THEN 1.0
                ELSE min(1.0, (2.0 * failures + 3.841458820694124
                               + 1.959963984540054 * sqrt(3.841458820694124 + 4.0 * failures * (transactions - failures) / transactions))
                              / (2.0 * (transactions + 3.841458820694124)))
           END AS rate_hi
    FROM counts
    WHERE event <> '' AND transactions > 0
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
