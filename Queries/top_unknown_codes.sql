-- title: Top unknown codes and the code tables that lack them
-- description: Response codes behind unknown results, most frequent first: how often, on how many terminals, how often the acquirer sent that very code, which code tables showed it as unknown and which knew it.
-- param: since date 2000-01-01   The first local day to include.
-- param: until date 2999-12-31   The last local day to include.
-- param: limit int 20            The most codes listed.
WITH seen AS (
    SELECT coalesce(rc, '(none)') AS code, outcome, code_table, tid, acquirer_rc
    FROM transactions
    WHERE day BETWEEN :since AND :until
),
unknown AS (
    SELECT code,
           count(*) AS unknown,
           count(DISTINCT tid) AS terminals,
           count(CASE WHEN acquirer_rc = code THEN 1 END) AS acquirer_sent_same
    FROM seen
    WHERE outcome = 'unknown'
    GROUP BY code
),
lacking AS (
    SELECT code, group_concat(code_table, '|') AS code_tables
    FROM (SELECT DISTINCT code, code_table FROM seen WHERE outcome = 'unknown' ORDER BY code, code_table)
    GROUP BY code
),
knowing AS (
    SELECT code, group_concat(code_table, '|') AS code_tables
    FROM (SELECT DISTINCT code, code_table FROM seen WHERE outcome IN ('approved', 'declined') ORDER BY code, code_table)
    GROUP BY code
),
total AS (
    SELECT count(*) AS unknown FROM seen WHERE outcome = 'unknown'
)
SELECT u.code,
       u.unknown,
       1.0 * u.unknown / total.unknown AS share_of_unknown,
       u.terminals,
       u.acquirer_sent_same,
       l.code_tables AS lacking_code_tables,
       k.code_tables AS knowing_code_tables
FROM unknown AS u
CROSS JOIN total
LEFT JOIN lacking AS l ON l.code = u.code
LEFT JOIN knowing AS k ON k.code = u.code
ORDER BY u.unknown DESC, u.code
LIMIT :limit;
