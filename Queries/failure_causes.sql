-- title: Unknown and timed-out transactions by cause
-- description: What each unknown or timed-out transaction came to when both sides were matched (code_table_gap, nonstandard_code, garbled_response, late_response, no_response, request_lost, …), with its share of that outcome.
-- param: since date 2000-01-01   The first local day to include.
-- param: until date 2999-12-31   The last local day to include.
WITH failed AS (
    SELECT outcome, coalesce(cause, 'none') AS cause, tid
    FROM transactions
    WHERE day BETWEEN :since AND :until AND outcome IN ('unknown', 'timeout')
)
SELECT outcome,
       cause,
       count(*) AS transactions,
       1.0 * count(*) / (SELECT count(*) FROM failed AS f WHERE f.outcome = failed.outcome) AS share_of_outcome,
       count(DISTINCT tid) AS terminals
FROM failed
GROUP BY outcome, cause
ORDER BY outcome DESC, transactions DESC, cause;
