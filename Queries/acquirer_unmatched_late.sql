-- title: Unmatched and late acquirer responses
-- description: Per acquirer realm, the request/response pairs the host logged: how many no terminal transaction matched, requests it never answered, responses without a request, and responses slower than the late threshold, with the terminal transactions that timed out before a late answer came.
-- param: since date 2000-01-01   The first UTC day to include (of the request, else the response).
-- param: until date 2999-12-31   The last UTC day to include.
-- param: late_ms int 30000       A response this many milliseconds or more after its request counts as late.
WITH pairs AS (
    SELECT coalesce(realm, 'unknown') AS realm, matched, request_ts, response_ts,
           coalesce(lifespan_ms,
                    CAST(round((julianday(response_ts) - julianday(request_ts)) * 86400000.0) AS INTEGER)) AS lifespan_ms
    FROM acquirer_messages
    WHERE substr(coalesce(request_ts, response_ts), 1, 10) BETWEEN :since AND :until
),
late_terminal AS (
    SELECT acquirer AS realm, count(*) AS transactions
    FROM transactions
    WHERE cause = 'late_response' AND day BETWEEN :since AND :until
    GROUP BY acquirer
)
SELECT p.realm,
       count(*) AS pairs,
       count(CASE WHEN p.matched = 'no' THEN 1 END) AS unmatched,
       count(CASE WHEN p.request_ts IS NOT NULL AND p.response_ts IS NULL THEN 1 END) AS no_response,
       count(CASE WHEN p.request_ts IS NULL THEN 1 END) AS response_without_request,
       count(CASE WHEN p.lifespan_ms >= :late_ms THEN 1 END) AS late,
       max(p.lifespan_ms) AS max_lifespan_ms,
       coalesce(l.transactions, 0) AS terminal_gave_up_before_response
FROM pairs AS p
LEFT JOIN late_terminal AS l ON l.realm = p.realm
GROUP BY p.realm
ORDER BY unmatched + no_response + late DESC, p.realm;
