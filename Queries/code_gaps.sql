-- title: Code gaps: response code × code table × firmware
-- title_zh: 码表缺码：应答码 × 码表 × 固件
-- description: Every response code the terminals received with a verdict, per code table and firmware: arrivals shown as unknown, arrivals known (declined or approved), the unknown share, and the latest analysis's code-gap test of that code table and of that firmware (q-value, and 1 when it lacks the code).
-- param: since date window_start   The first local day to include (default: the first day of the last analysis window).
-- param: until date window_end     The last local day to include (default: the last day of the last analysis window).
WITH grid AS (
    SELECT code, code_table, firmware, sum(unknown) AS unknown, sum(known) AS known
    FROM code_gaps
    WHERE day BETWEEN :since AND :until
    GROUP BY code, code_table, firmware
)
SELECT g.code,
       g.code_table,
       g.firmware,
       g.unknown,
       g.known,
       1.0 * g.unknown / (g.unknown + g.known) AS unknown_share,
       t.q_value AS code_table_q,
       coalesce(t.lacks, 0) AS code_table_lacks,
       f.q_value AS firmware_q,
       coalesce(f.lacks, 0) AS firmware_lacks
FROM grid AS g
LEFT JOIN code_gap_tests AS t ON t.code = g.code AND t.attribute = 'code_table' AND t.value = g.code_table
LEFT JOIN code_gap_tests AS f ON f.code = g.code AND f.attribute = 'firmware' AND f.value = g.firmware
WHERE g.unknown + g.known > 0
ORDER BY g.unknown DESC, g.code, g.code_table, g.firmware;
