-- title: Top unknown codes and the code tables that lack them
-- title_zh: 最常见的未知应答码及缺少这些码的码表
-- description: Response codes behind unknown results, most frequent first: how often, on how many terminals, how often the acquirer sent that very code, which code tables showed it as unknown and which knew it.
-- param: since date window_start   The first local day to include (default: the first day of the last analysis window).
-- param: until date window_end     The last local day to include (default: the last day of the last analysis window).
-- param: limit int 20            The most codes listed.
WITH seen AS (
    SELECT code, code_table, outcome, sum(transactions) AS transactions, sum(acquirer_sent_same) AS acquirer_sent_same
    FROM daily_codes
    WHERE day BETWEEN :since AND :until
    GROUP BY code, code_table, outcome
),
unknown AS (
    SELECT code, sum(transactions) AS unknown, sum(acquirer_sent_same) AS acquirer_sent_same
    FROM seen
    WHERE outcome = 'unknown'
    GROUP BY code
),
terminals AS (
    SELECT code, count(DISTINCT tid) AS terminals
    FROM daily_code_terminals
    WHERE day BETWEEN :since AND :until
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
    SELECT sum(unknown) AS unknown FROM unknown
)
SELECT u.code,
       u.unknown,
       1.0 * u.unknown / total.unknown AS share_of_unknown,
       coalesce(t.terminals, 0) AS terminals,
       u.acquirer_sent_same,
       l.code_tables AS lacking_code_tables,
       k.code_tables AS knowing_code_tables
FROM unknown AS u
CROSS JOIN total
LEFT JOIN terminals AS t ON t.code = u.code
LEFT JOIN lacking AS l ON l.code = u.code
LEFT JOIN knowing AS k ON k.code = u.code
ORDER BY u.unknown DESC, u.code
LIMIT :limit;
