-- title: Effect of each firmware upgrade
-- title_zh: 各次固件升级的效果
-- description: For each from → to firmware change in the terminals' history, the unknown-code rate of the upgraded terminals in the days before and after the day of the change (Wilson 95% bounds), the ratio after/before, and the analysis's difference-in-differences ratio against terminals not yet upgraded when it found one.
-- param: days int 14             Whole local days before and after the day of each change compared (the day of the change itself is left out).
WITH periods AS (
    SELECT tid, firmware, from_ts, day,
           lag(firmware) OVER (PARTITION BY tid ORDER BY from_ts) AS previous
    FROM firmware_history
),
changes AS (
    SELECT tid, previous AS from_firmware, firmware AS to_firmware, day
    FROM periods
    WHERE previous IS NOT NULL AND previous <> 'unknown' AND previous <> firmware
),
sides AS (
    SELECT c.from_firmware, c.to_firmware, c.tid, d.day > c.day AS after, d.transactions, d.unknown
    FROM changes AS c
    JOIN daily_terminals AS d ON d.tid = c.tid AND d.day BETWEEN date(c.day, '-' || :days || ' days') AND date(c.day, '+' || :days || ' days')
    WHERE d.day <> c.day
),
counts AS (
    SELECT from_firmware, to_firmware,
           count(DISTINCT tid) AS terminals,
           sum(CASE WHEN NOT after THEN transactions ELSE 0 END) AS n0,
           sum(CASE WHEN NOT after THEN unknown ELSE 0 END) AS o0,
           sum(CASE WHEN after THEN transactions ELSE 0 END) AS n1,
           sum(CASE WHEN after THEN unknown ELSE 0 END) AS o1
    FROM sides
    GROUP BY from_firmware, to_firmware
),
bounded AS (
    SELECT *,
           CASE WHEN n0 = 0 THEN NULL WHEN o0 = n0 THEN 1.0
                ELSE min(1.0, (2.0 * o0 + 3.841458820694124 + 1.959963984540054 * sqrt(3.841458820694124 + 4.0 * o0 * (n0 - o0) / n0))
                              / (2.0 * (n0 + 3.841458820694124)))
           END AS hi0,
           CASE WHEN n1 = 0 THEN NULL WHEN o1 = n1 THEN 1.0
                ELSE min(1.0, (2.0 * o1 + 3.841458820694124 + 1.959963984540054 * sqrt(3.841458820694124 + 4.0 * o1 * (n1 - o1) / n1))
                              / (2.0 * (n1 + 3.841458820694124)))
           END AS hi1
    FROM counts
)
SELECT b.from_firmware,
       b.to_firmware,
       b.terminals,
       b.n0 AS transactions_before,
       b.o0 AS unknown_before,
       CASE WHEN b.n0 > 0 THEN 1.0 * b.o0 / b.n0 END AS rate_before,
       CASE WHEN b.n0 > 0 THEN CASE WHEN b.o0 = 0 THEN 0.0 ELSE 1.0 * b.o0 * b.o0 / (b.n0 * (b.n0 + 3.841458820694124) * b.hi0) END END AS rate_before_lo,
       b.hi0 AS rate_before_hi,
       b.n1 AS transactions_after,
       b.o1 AS unknown_after,
       CASE WHEN b.n1 > 0 THEN 1.0 * b.o1 / b.n1 END AS rate_after,
       CASE WHEN b.n1 > 0 THEN CASE WHEN b.o1 = 0 THEN 0.0 ELSE 1.0 * b.o1 * b.o1 / (b.n1 * (b.n1 + 3.841458820694124) * b.hi1) END END AS rate_after_lo,
       b.hi1 AS rate_after_hi,
       CASE WHEN b.n0 > 0 AND b.n1 > 0 AND b.o0 > 0 THEN (1.0 * b.o1 / b.n1) / (1.0 * b.o0 / b.n0) END AS rate_ratio,
       f.risk_ratio AS did_ratio,
       f.rr_lo AS did_lo,
       f.rr_hi AS did_hi
FROM bounded AS b
LEFT JOIN findings AS f ON f.kind = 'firmware_change' AND f.pattern = 'firmware=' || b.from_firmware || '→' || b.to_firmware
ORDER BY b.terminals DESC, b.from_firmware, b.to_firmware;
