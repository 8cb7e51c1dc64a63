-- title: Unknown-code rate by network window
-- title_zh: 按网络事件窗口的未知应答码比率
-- description: Transactions with and without a network event (terminal down, weak or switch, or an acquirer link event) in the 60 s before, by signal band, with Wilson 95% bounds.
-- param: since date window_start   The first local day to include (default: the first day of the last analysis window).
-- param: until date window_end     The last local day to include (default: the last day of the last analysis window).
WITH counts AS (
    SELECT net_event_60s, rssi_band,
           sum(transactions) AS transactions,
           sum(CASE WHEN outcome = 'unknown' THEN transactions ELSE 0 END) AS unknown
    FROM daily_network
    WHERE day BETWEEN :since AND :until
    GROUP BY net_event_60s, rssi_band
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
SELECT net_event_60s, rssi_band,
       transactions,
       unknown,
       1.0 * unknown / transactions AS rate,
       CASE WHEN unknown = 0 THEN 0.0
            ELSE 1.0 * unknown * unknown / (transactions * (transactions + 3.841458820694124) * rate_hi)
       END AS rate_lo,
       rate_hi
FROM bounded
ORDER BY net_event_60s DESC,
         CASE rssi_band WHEN '>=-85' THEN 1 WHEN '-86..-95' THEN 2 WHEN '-96..-105' THEN 3 WHEN '<-105' THEN 4 ELSE 5 END;
