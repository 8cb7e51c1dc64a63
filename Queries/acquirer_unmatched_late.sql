-- title: Unmatched and late acquirer responses
-- title_zh: 未匹配和迟到的收单机构应答
-- description: Per acquirer realm, the request/response pairs the host logged: how many no terminal transaction matched, requests it never answered, responses without a request, and responses slower than the late threshold, with the terminal transactions that timed out before a late answer came.
-- param: since date window_start   The first local day to include (default: the first day of the last analysis window).
-- param: until date window_end     The last local day to include (default: the last day of the last analysis window).
-- param: late_ms int 30000       A response this many milliseconds or more after its request counts as late (counted in whole seconds).
WITH pairs AS (
    SELECT realm, sum(pairs) AS pairs, sum(pairs - matched) AS unmatched, sum(no_response) AS no_response,
           sum(response_without_request) AS response_without_request, max(max_lifespan_ms) AS max_lifespan_ms
    FROM daily_acquirer
    WHERE day BETWEEN :since AND :until
    GROUP BY realm
),
late AS (
    SELECT realm, sum(pairs) AS late
    FROM daily_acquirer_lifespans
    WHERE day BETWEEN :since AND :until AND lifespan_s * 1000 >= :late_ms
    GROUP BY realm
),
late_terminal AS (
    SELECT acquirer AS realm, sum(transactions) AS transactions
    FROM daily_network
    WHERE cause = 'late_response' AND day BETWEEN :since AND :until
    GROUP BY acquirer
)
SELECT p.realm,
       p.pairs,
       p.unmatched,
       p.no_response,
       p.response_without_request,
       coalesce(l.late, 0) AS late,
       p.max_lifespan_ms,
       coalesce(t.transactions, 0) AS terminal_gave_up_before_response
FROM pairs AS p
LEFT JOIN late AS l ON l.realm = p.realm
LEFT JOIN late_terminal AS t ON t.realm = p.realm
ORDER BY p.unmatched + p.no_response + coalesce(l.late, 0) DESC, p.realm;
