-- title: Unknown and timed-out transactions by cause
-- title_zh: 按原因统计的未知应答码和超时交易
-- description: What each unknown or timed-out transaction came to when both sides were matched (code_table_gap, nonstandard_code, garbled_response, late_response, no_response, request_lost, …), with its share of that outcome and the terminals it happened on.
-- param: since date window_start   The first local day to include (default: the first day of the last analysis window).
-- param: until date window_end     The last local day to include (default: the last day of the last analysis window).
WITH failed AS (
    SELECT outcome, cause, sum(transactions) AS transactions
    FROM daily_outcomes
    WHERE day BETWEEN :since AND :until AND outcome IN ('unknown', 'timeout')
    GROUP BY outcome, cause
),
terminals AS (
    SELECT outcome, cause, count(DISTINCT tid) AS terminals
    FROM daily_terminal_causes
    WHERE day BETWEEN :since AND :until
    GROUP BY outcome, cause
)
SELECT f.outcome,
       f.cause,
       f.transactions,
       1.0 * f.transactions / (SELECT sum(transactions) FROM failed AS o WHERE o.outcome = f.outcome) AS share_of_outcome,
       coalesce(t.terminals, 0) AS terminals
FROM failed AS f
LEFT JOIN terminals AS t ON t.outcome = f.outcome AND t.cause = f.cause
ORDER BY f.outcome DESC, f.transactions DESC, f.cause;
