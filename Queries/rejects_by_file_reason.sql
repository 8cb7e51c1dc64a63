-- title: Rejects by file and reason
-- title_zh: 按文件和原因统计的拒绝行
-- description: Rejected lines of each input file by reason, with the first rejected line and its text (card numbers masked); truncated and failed files are listed too, with their error.
-- param: min_rejects int 1       Reasons with fewer rejected lines in a file are left out.
WITH latest AS (
    -- One ledger row per path: the newest one that is not a duplicate record.
    SELECT path, kind, status, error, max(ingested_at) AS ingested_at
    FROM files
    WHERE status <> 'skipped_duplicate'
    GROUP BY path
),
reasons AS (
    -- text comes from the row holding min(line): SQLite's bare-column rule.
    SELECT file, reason, count(*) AS rejects, min(line) AS first_line, text AS first_text
    FROM rejects
    GROUP BY file, reason
    HAVING count(*) >= :min_rejects
)
SELECT r.file, l.kind, l.status, r.reason, r.rejects, r.first_line, r.first_text
FROM reasons AS r
LEFT JOIN latest AS l ON l.path = r.file
UNION ALL
SELECT path, kind, status, 'file_' || status, 0, NULL, error
FROM latest
WHERE status IN ('truncated', 'failed')
ORDER BY 5 DESC, 1, 4;
