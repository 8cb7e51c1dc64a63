-- posrca database schema.
--
-- The tables below are internal and may change between versions; the VIEWS at the end are the
-- interface (docs/cli.md §4 "Stable views"), read by the canned queries, the reports and analysts.
--
-- Conventions:
--   * time is INTEGER milliseconds since 1970-01-01 UTC (`ts`), with `tz` the writer's UTC offset
--     in minutes, so that local day and hour can be derived;
--   * text that repeats (terminal IDs, realms, firmware, codes, brands, …) is stored once in
--     `dictionary` and referenced by id;
--   * every row that came from a file carries `file_id`, so that a file's rows can be replaced whole.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS dictionary (
    id    INTEGER PRIMARY KEY,
    value TEXT NOT NULL UNIQUE
);

-- The ledger of input files, one row per path (and one per duplicate seen under another path; a
-- path whose earlier content lives on in another file, rotated or copied, keeps its earlier rows).
CREATE TABLE IF NOT EXISTS input_files (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL,
    -- SHA-256 of the decoded content, the same for a file and its gzip copy (for rows written
    -- before content identity, where head_sha256 is NULL, the hash of the raw bytes).
    sha256         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    compression    TEXT NOT NULL,
    bytes          INTEGER NOT NULL,
    decoded_bytes  INTEGER NOT NULL DEFAULT 0,
    mtime_ns       INTEGER NOT NULL DEFAULT 0,
    lines          INTEGER NOT NULL DEFAULT 0,
    rows           INTEGER NOT NULL DEFAULT 0,
    rejects        INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL CHECK (status IN ('ok', 'truncated', 'failed', 'skipped_duplicate')),
    error          TEXT,
    duplicate_of   INTEGER,
    ingested_at    INTEGER NOT NULL,
    seconds        REAL NOT NULL DEFAULT 0,
    -- When `posrca prune` archived and removed the file's rows (its ledger row stays, so that the
    -- same content is never ingested again).
    pruned_at      INTEGER,
    -- SHA-256 of the bytes on disk: a path whose size, time and raw hash match is unchanged.
    raw_sha256     TEXT,
    -- SHA-256 of the first 4096 bytes of content (all of it when shorter): finds the files that a
    -- new file may continue or be a prefix of. NULL for rows written before content identity.
    head_sha256    TEXT,
    -- Where a file that continues this one is read from: the decoded offset where its last
    -- complete record ended, and the lines before it. Rows and rejects beyond it give way then.
    resume_bytes   INTEGER,
    resume_line    INTEGER,
    -- The file (id) whose whole content this one begins with: only the rest was read.
    continues      INTEGER
);
CREATE INDEX IF NOT EXISTS input_files_by_path ON input_files(path);
CREATE INDEX IF NOT EXISTS input_files_by_sha256 ON input_files(sha256);
CREATE INDEX IF NOT EXISTS input_files_by_raw_sha256 ON input_files(raw_sha256);
CREATE INDEX IF NOT EXISTS input_files_by_head ON input_files(head_sha256);
-- Files shorter than 4096 bytes are found by their length (ContentLedger.candidates).
CREATE INDEX IF NOT EXISTS input_files_by_kind_length ON input_files(kind, decoded_bytes);

-- Per-file counters: `reject:<reason>`, `ignored_event:<ev>`, `unknown_key:<key>`, `skipped:<element>`,
-- `masked_pans`, `invalid_utf8`, `blank_lines`, `records:<table>`.
CREATE TABLE IF NOT EXISTS file_counts (
    file_id INTEGER NOT NULL,
    name    TEXT NOT NULL,
    value   INTEGER NOT NULL,
    PRIMARY KEY (file_id, name)
) WITHOUT ROWID;

-- Where each file's rows of each local day and hour are: the rowid range and count per (file,
-- table, day, hour), with the first and last time. A file's rows are inserted in one transaction,
-- so a file's rows of a table are contiguous and its ranges lie inside that span; replacing a
-- file deletes by range, and analysing a day reads its ranges (only the hours it needs from a
-- neighbouring day), so the large tables need no index on file, day or time, which keeps inserts
-- at the speed of appends. `day` is the row's local date in its own UTC offset, as days since
-- 1970-01-01; `hour` is the UTC hour, as hours since 1970-01-01.
CREATE TABLE IF NOT EXISTS file_days (
    file_id    INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    day        INTEGER NOT NULL,
    hour       INTEGER NOT NULL,
    first_id   INTEGER NOT NULL,
    last_id    INTEGER NOT NULL,
    rows       INTEGER NOT NULL,
    min_ts     INTEGER NOT NULL,
    max_ts     INTEGER NOT NULL,
    PRIMARY KEY (file_id, table_name, day, hour)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS file_days_by_day ON file_days(table_name, day);

-- The time each acquirer file covers per realm and local day (its first and last message): a
-- transaction with no matching request is `request_lost` where a file of its realm covers it.
CREATE TABLE IF NOT EXISTS acquirer_coverage (
    file_id INTEGER NOT NULL,
    realm   INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    min_ts  INTEGER NOT NULL,
    max_ts  INTEGER NOT NULL,
    PRIMARY KEY (file_id, realm, day)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS acquirer_coverage_by_day ON acquirer_coverage(day);

-- What the next analysis must (re)compute: (local day, terminal) pairs whose input changed, written
-- in the same transaction as the change. `tid` is a dictionary id, 0 for acquirer messages without
-- a terminal, and -1 for every terminal of the day.
CREATE TABLE IF NOT EXISTS dirty_marks (
    day INTEGER NOT NULL,
    tid INTEGER NOT NULL,
    PRIMARY KEY (day, tid)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS rejected_lines (
    id      INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL,
    line    INTEGER NOT NULL,
    reason  TEXT NOT NULL,
    text    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rejected_lines_by_file ON rejected_lines(file_id);

-- Terminal event log (docs/formats.md §1). Dictionary ids in columns named for what they hold.
CREATE TABLE IF NOT EXISTS terminal_txns (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    tz          INTEGER NOT NULL,
    tid         INTEGER NOT NULL,
    type        INTEGER,
    stan        INTEGER,
    batch       INTEGER,
    amount      INTEGER,
    currency    INTEGER,
    rc          INTEGER,
    disp        INTEGER,
    latency_ms  INTEGER,
    entry       INTEGER,
    pan         TEXT,
    err         INTEGER,
    reason      INTEGER,
    mcc         INTEGER
);

CREATE TABLE IF NOT EXISTS terminal_boots (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    tz          INTEGER NOT NULL,
    tid         INTEGER NOT NULL,
    firmware    INTEGER,
    app_version INTEGER,
    code_table  INTEGER
);

CREATE TABLE IF NOT EXISTS firmware_updates (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    tz          INTEGER NOT NULL,
    tid         INTEGER NOT NULL,
    from_fw     INTEGER,
    to_fw       INTEGER,
    succeeded   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS terminal_signins (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    tz          INTEGER NOT NULL,
    tid         INTEGER NOT NULL,
    rc          INTEGER
);

CREATE TABLE IF NOT EXISTS terminal_errors (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    tz          INTEGER NOT NULL,
    tid         INTEGER NOT NULL,
    err         INTEGER,
    message     TEXT
);

-- Network events of terminals (source 'terminal', subject = tid) and link events of acquirer
-- realms (source 'acquirer', subject = realm, state = the element name such as peer-disconnect).
CREATE TABLE IF NOT EXISTS net_events (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    tz          INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('terminal', 'acquirer')),
    subject     INTEGER NOT NULL,
    state       INTEGER,
    net_type    INTEGER,
    rssi        INTEGER,
    reason      TEXT
);

-- Acquirer messages (docs/formats.md §2): one row per <send>/<receive> isomsg.
CREATE TABLE IF NOT EXISTS acquirer_msgs (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    tz          INTEGER NOT NULL,
    realm       INTEGER NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('send', 'receive')),
    mti         INTEGER,
    pan         TEXT,
    proc_code   INTEGER,
    amount      INTEGER,
    stan        INTEGER,
    stan_text   TEXT,
    local_time  TEXT,
    local_date  TEXT,
    rrn         TEXT,
    rc          INTEGER,
    tid         INTEGER,
    mid         INTEGER,
    currency    INTEGER,
    lifespan_ms INTEGER
);

-- Terminal inventory (docs/formats.md §3): one row per terminal, the latest file naming it wins.
CREATE TABLE IF NOT EXISTS inventory (
    tid         INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    mid         TEXT,
    brand       INTEGER NOT NULL,
    model       INTEGER,
    channel     INTEGER NOT NULL,
    agent       INTEGER,
    fee_tier    INTEGER NOT NULL,
    fee_rate    REAL,
    region      INTEGER,
    mcc         INTEGER,
    firmware    INTEGER
);
CREATE INDEX IF NOT EXISTS inventory_by_file ON inventory(file_id);

-- The inventory's attribute texts per terminal, kept by the triggers below: what the
-- `transactions` view reads for a terminal's brand, model, channel, agent, fee tier, region, MCC
-- and inventory firmware in one lookup instead of an inventory row and a dictionary entry (a
-- `GROUP BY brand` over 7.5M transactions: 1.65M → 2.0M rows/s). Derived; filled again from
-- `inventory` whenever this schema is installed.
CREATE TABLE IF NOT EXISTS inventory_texts (
    tid      INTEGER PRIMARY KEY,
    brand    TEXT,
    model    TEXT,
    channel  TEXT,
    agent    TEXT,
    fee_tier TEXT,
    region   TEXT,
    mcc      TEXT,
    firmware TEXT
);
-- An inventory row with its ids looked up: what the triggers and the fill below copy.
DROP VIEW IF EXISTS inventory_text_rows;
CREATE VIEW inventory_text_rows AS
SELECT i.tid, (SELECT value FROM dictionary WHERE id = i.brand) AS brand, (SELECT value FROM dictionary WHERE id = i.model) AS model,
       (SELECT value FROM dictionary WHERE id = i.channel) AS channel, (SELECT value FROM dictionary WHERE id = i.agent) AS agent,
       (SELECT value FROM dictionary WHERE id = i.fee_tier) AS fee_tier, (SELECT value FROM dictionary WHERE id = i.region) AS region,
       (SELECT value FROM dictionary WHERE id = i.mcc) AS mcc, (SELECT value FROM dictionary WHERE id = i.firmware) AS firmware
FROM inventory AS i;
DROP TRIGGER IF EXISTS inventory_texts_insert;
DROP TRIGGER IF EXISTS inventory_texts_update;
DROP TRIGGER IF EXISTS inventory_texts_delete;
CREATE TRIGGER inventory_texts_insert AFTER INSERT ON inventory BEGIN
    INSERT OR REPLACE INTO inventory_texts SELECT * FROM inventory_text_rows WHERE tid = NEW.tid;
END;
CREATE TRIGGER inventory_texts_update AFTER UPDATE ON inventory BEGIN
    DELETE FROM inventory_texts WHERE tid = OLD.tid;
    INSERT OR REPLACE INTO inventory_texts SELECT * FROM inventory_text_rows WHERE tid = NEW.tid;
END;
CREATE TRIGGER inventory_texts_delete AFTER DELETE ON inventory BEGIN
    DELETE FROM inventory_texts WHERE tid = OLD.tid;
END;
DELETE FROM inventory_texts;
INSERT INTO inventory_texts SELECT * FROM inventory_text_rows;

-- Response-code catalogue entries from user files (docs/formats.md §4); the built-in tables live in the binary.
CREATE TABLE IF NOT EXISTS catalogue_entries (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    code        TEXT NOT NULL,
    meaning     TEXT NOT NULL,
    scope       TEXT NOT NULL,
    meaning_zh  TEXT                -- the `meaning_zh` column of the file, NULL when it has none
);
CREATE INDEX IF NOT EXISTS catalogue_entries_by_file ON catalogue_entries(file_id);

-- What `posrca analyze` derives for each terminal transaction (docs/analysis.md §1–§2), computed once
-- per (day, terminal) and kept: a night recomputes only the (day, terminal) pairs in dirty_marks.
CREATE TABLE IF NOT EXISTS txn_facts (
    txn_id          INTEGER PRIMARY KEY,
    outcome         TEXT NOT NULL,
    cause           TEXT,
    acquirer_rc     INTEGER,
    request_id      INTEGER,
    response_id     INTEGER,
    clock_offset_ms INTEGER,
    firmware        INTEGER,
    app_version     INTEGER,
    code_table      INTEGER,
    realm           INTEGER,
    net_type        INTEGER,
    rssi_band       TEXT,
    net_event_60s   TEXT
);

-- Acquirer request/response pairs that no terminal transaction matched (the matched ones are in
-- txn_facts.request_id / response_id), by the local day of the pair and its terminal.
CREATE TABLE IF NOT EXISTS acquirer_pairs (
    id           INTEGER PRIMARY KEY,
    day          INTEGER NOT NULL,
    tid          INTEGER NOT NULL,
    request_id   INTEGER,
    response_id  INTEGER
);
CREATE INDEX IF NOT EXISTS acquirer_pairs_by_day ON acquirer_pairs(day, tid);
CREATE INDEX IF NOT EXISTS acquirer_pairs_by_request ON acquirer_pairs(request_id);
CREATE INDEX IF NOT EXISTS acquirer_pairs_by_response ON acquirer_pairs(response_id);

-- Each terminal's state at the end of each local day it has data: what the next day starts from
-- (software in force, last network state, last disruptive event, realm), and its clock offset.
CREATE TABLE IF NOT EXISTS terminal_days (
    tid               INTEGER NOT NULL,
    day               INTEGER NOT NULL,
    transactions      INTEGER NOT NULL,
    firmware          INTEGER,
    app_version       INTEGER,
    code_table        INTEGER,
    net_type          INTEGER,
    rssi              INTEGER,
    last_disruption   INTEGER,
    realm             INTEGER,
    clock_offset_ms   INTEGER,
    PRIMARY KEY (tid, day)
) WITHOUT ROWID;

-- Changes of a terminal's software (firmware, app, code table) from its boots and successful
-- upgrades: one row where what it runs changes (the firmware_history view).
CREATE TABLE IF NOT EXISTS firmware_changes (
    tid          INTEGER NOT NULL,
    ts           INTEGER NOT NULL,
    day          INTEGER NOT NULL,
    firmware     INTEGER,
    app_version  INTEGER,
    code_table   INTEGER,
    PRIMARY KEY (tid, ts)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS firmware_changes_by_day ON firmware_changes(day, tid);

-- One local day as the analysis passes read it: its transactions' attributes, outcome and cause,
-- its acquirer pairs, upgrades and network events, in a compact columnar encoding written by
-- POSAnalysis (DaySnapshot). The window of an analysis is read from here, never from the raw tables.
CREATE TABLE IF NOT EXISTS analysis_days (
    day          INTEGER PRIMARY KEY,
    transactions INTEGER NOT NULL,
    covered      INTEGER NOT NULL,
    snapshot     BLOB NOT NULL
);

-- The explain pass's transactions of every combination of up to 3 attribute values among one
-- day's transactions, in the compact coding `layout` describes (which values are kept apart, in
-- which order): an analysis with the same coding sums the days it finds here and counts only the
-- others, instead of every transaction of its window. A day's row goes whenever its snapshot is
-- written or removed (the triggers), so it never outlives the transactions it counted.
CREATE TABLE IF NOT EXISTS explain_day_counts (
    day    INTEGER PRIMARY KEY,
    layout TEXT NOT NULL,
    counts BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS explain_day_counts_on_insert AFTER INSERT ON analysis_days BEGIN
    DELETE FROM explain_day_counts WHERE day = NEW.day;
END;
CREATE TRIGGER IF NOT EXISTS explain_day_counts_on_update AFTER UPDATE ON analysis_days BEGIN
    DELETE FROM explain_day_counts WHERE day IN (OLD.day, NEW.day);
END;
CREATE TRIGGER IF NOT EXISTS explain_day_counts_on_delete AFTER DELETE ON analysis_days BEGIN
    DELETE FROM explain_day_counts WHERE day = OLD.day;
END;

-- Daily aggregates (the daily_* views), recomputed with their day: what the canned queries and
-- the report read, so that neither pays for the history they do not ask about.
CREATE TABLE IF NOT EXISTS agg_outcomes (
    day TEXT NOT NULL, outcome TEXT NOT NULL, cause TEXT NOT NULL,
    transactions INTEGER NOT NULL, terminals INTEGER NOT NULL,
    PRIMARY KEY (day, outcome, cause)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_terminals (
    day TEXT NOT NULL, tid TEXT NOT NULL, brand TEXT NOT NULL, model TEXT NOT NULL, channel TEXT NOT NULL,
    agent TEXT NOT NULL, fee_tier TEXT NOT NULL, region TEXT NOT NULL,
    transactions INTEGER NOT NULL, approved INTEGER NOT NULL, declined INTEGER NOT NULL, unknown INTEGER NOT NULL,
    timeout INTEGER NOT NULL, error INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
    firmware TEXT NOT NULL, code_table TEXT NOT NULL,
    PRIMARY KEY (day, tid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agg_terminals_by_tid ON agg_terminals(tid, day);
CREATE TABLE IF NOT EXISTS agg_terminal_causes (
    day TEXT NOT NULL, tid TEXT NOT NULL, outcome TEXT NOT NULL, cause TEXT NOT NULL, transactions INTEGER NOT NULL,
    PRIMARY KEY (day, tid, outcome, cause)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_profiles (
    day TEXT NOT NULL, brand TEXT NOT NULL, model TEXT NOT NULL, channel TEXT NOT NULL, agent TEXT NOT NULL,
    fee_tier TEXT NOT NULL, region TEXT NOT NULL, outcome TEXT NOT NULL, cause TEXT NOT NULL, transactions INTEGER NOT NULL,
    PRIMARY KEY (day, brand, model, channel, agent, fee_tier, region, outcome, cause)
) WITHOUT ROWID;
-- agg_profiles rolled up over outcome and cause: transactions and unknown per profile and day,
-- about a quarter of the rows, for the canned queries that rate profiles. Written with
-- agg_profiles, from its rows; the INSERT fills it once in a database written before it.
CREATE TABLE IF NOT EXISTS agg_profile_rates (
    day TEXT NOT NULL, brand TEXT NOT NULL, model TEXT NOT NULL, channel TEXT NOT NULL, agent TEXT NOT NULL,
    fee_tier TEXT NOT NULL, region TEXT NOT NULL, transactions INTEGER NOT NULL, unknown INTEGER NOT NULL,
    PRIMARY KEY (day, brand, model, channel, agent, fee_tier, region)
) WITHOUT ROWID;
INSERT OR IGNORE INTO agg_profile_rates(day, brand, model, channel, agent, fee_tier, region, transactions, unknown)
SELECT day, brand, model, channel, agent, fee_tier, region, sum(transactions),
       sum(CASE WHEN outcome = 'unknown' THEN transactions ELSE 0 END)
FROM agg_profiles GROUP BY day, brand, model, channel, agent, fee_tier, region;
CREATE TABLE IF NOT EXISTS agg_software (
    day TEXT NOT NULL, firmware TEXT NOT NULL, app_version TEXT NOT NULL, code_table TEXT NOT NULL,
    outcome TEXT NOT NULL, cause TEXT NOT NULL, transactions INTEGER NOT NULL,
    PRIMARY KEY (day, firmware, app_version, code_table, outcome, cause)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_network (
    day TEXT NOT NULL, net_event_60s TEXT NOT NULL, rssi_band TEXT NOT NULL, net_type TEXT NOT NULL, acquirer TEXT NOT NULL,
    outcome TEXT NOT NULL, cause TEXT NOT NULL, transactions INTEGER NOT NULL,
    PRIMARY KEY (day, net_event_60s, rssi_band, net_type, acquirer, outcome, cause)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_codes (
    day TEXT NOT NULL, code TEXT NOT NULL, code_table TEXT NOT NULL, firmware TEXT NOT NULL, acquirer TEXT NOT NULL,
    outcome TEXT NOT NULL, cause TEXT NOT NULL, transactions INTEGER NOT NULL, acquirer_sent_same INTEGER NOT NULL,
    PRIMARY KEY (day, code, code_table, firmware, acquirer, outcome, cause)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_code_terminals (
    day TEXT NOT NULL, code TEXT NOT NULL, tid TEXT NOT NULL, unknown INTEGER NOT NULL,
    PRIMARY KEY (day, code, tid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_network_windows (
    day TEXT NOT NULL, window_s INTEGER NOT NULL, event TEXT NOT NULL, transactions INTEGER NOT NULL, failures INTEGER NOT NULL,
    PRIMARY KEY (day, window_s, event)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_acquirer (
    day TEXT NOT NULL, realm TEXT NOT NULL, pairs INTEGER NOT NULL, matched INTEGER NOT NULL, no_response INTEGER NOT NULL,
    response_without_request INTEGER NOT NULL, max_lifespan_ms INTEGER,
    PRIMARY KEY (day, realm)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agg_acquirer_lifespans (
    day TEXT NOT NULL, realm TEXT NOT NULL, lifespan_s INTEGER NOT NULL, pairs INTEGER NOT NULL,
    PRIMARY KEY (day, realm, lifespan_s)
) WITHOUT ROWID;

-- One row per analysis run: when, with what options, over which window, how many findings.
CREATE TABLE IF NOT EXISTS analysis_runs (
    id             INTEGER PRIMARY KEY,
    started_at     INTEGER NOT NULL,
    seconds        REAL NOT NULL,
    options        TEXT NOT NULL,
    transactions   INTEGER NOT NULL,
    findings       INTEGER NOT NULL,
    window_since   TEXT,
    window_until   TEXT,
    uncovered_days TEXT NOT NULL DEFAULT '',
    recomputed     INTEGER NOT NULL DEFAULT 0
);

-- Every run's findings (docs/analysis.md §7), kept with their run: the findings view shows the latest.
CREATE TABLE IF NOT EXISTS run_findings (
    run_id           INTEGER NOT NULL,
    rank             INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    pattern          TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    n_txns           INTEGER,
    n_unknown        INTEGER,
    rate             REAL,
    rate_lo          REAL,
    rate_hi          REAL,
    baseline_rate    REAL,
    risk_ratio       REAL,
    rr_lo            REAL,
    rr_hi            REAL,
    p_value          REAL,
    q_value          REAL,
    excess_unknown   REAL,
    share_of_unknown REAL,
    top_cause        TEXT,
    top_codes        TEXT,
    confounded_by    TEXT,
    evidence         TEXT NOT NULL,
    evidence_zh       TEXT NOT NULL DEFAULT '',
    recommendation    TEXT NOT NULL DEFAULT '',
    recommendation_zh TEXT NOT NULL DEFAULT '',
    folded            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, rank)
) WITHOUT ROWID;

-- The terminals of each finding of the latest run (findings/<rank>-terminals.csv); an analysis
-- replaces the lists of the runs before it, so the table does not grow with history.
CREATE TABLE IF NOT EXISTS run_finding_terminals (
    run_id   INTEGER NOT NULL,
    rank     INTEGER NOT NULL,
    tid      TEXT NOT NULL,
    brand    TEXT NOT NULL,
    model    TEXT NOT NULL,
    channel  TEXT NOT NULL,
    agent    TEXT NOT NULL,
    region   TEXT NOT NULL,
    firmware TEXT NOT NULL,
    n        INTEGER NOT NULL,
    unknown  INTEGER NOT NULL,
    PRIMARY KEY (run_id, rank, tid)
) WITHOUT ROWID;

-- The code-gap test of the latest run: one row per code and value of code_table or firmware
-- tested (docs/analysis.md §8 "Code gaps"); replaced by each analysis.
CREATE TABLE IF NOT EXISTS run_code_gap_tests (
    run_id         INTEGER NOT NULL,
    code           TEXT NOT NULL,
    attribute      TEXT NOT NULL,
    value          TEXT NOT NULL,
    unknown        INTEGER NOT NULL,
    arrivals       INTEGER NOT NULL,
    other_unknown  INTEGER NOT NULL,
    other_arrivals INTEGER NOT NULL,
    risk_ratio     REAL,
    rr_lo          REAL,
    rr_hi          REAL,
    p_value        REAL,
    q_value        REAL,
    lacks          INTEGER NOT NULL,
    known_at       TEXT NOT NULL,
    PRIMARY KEY (run_id, code, attribute, value)
) WITHOUT ROWID;

-- ===================================================================================
-- Stable views (docs/cli.md §4). Their names and columns are the interface.
-- ===================================================================================

DROP VIEW IF EXISTS files;
CREATE VIEW files AS
SELECT
    f.path,
    f.sha256,
    f.kind,
    f.bytes,
    f.lines,
    f.rows,
    f.rejects,
    f.status,
    f.error,
    strftime('%Y-%m-%dT%H:%M:%fZ', f.ingested_at / 1000.0, 'unixepoch') AS ingested_at,
    strftime('%Y-%m-%dT%H:%M:%fZ', f.pruned_at / 1000.0, 'unixepoch')   AS pruned_at,
    f.raw_sha256,
    (SELECT c.path FROM input_files AS c WHERE c.id = f.continues)        AS continues,
    (SELECT c.resume_line + 1 FROM input_files AS c WHERE c.id = f.continues) AS from_line
FROM input_files AS f;

DROP VIEW IF EXISTS rejects;
CREATE VIEW rejects AS
SELECT f.path AS file, r.line, r.reason, r.text
FROM rejected_lines AS r
JOIN input_files AS f ON f.id = r.file_id;

-- Each text column is a scalar subquery rather than a join, so that a query reads only what it
-- uses: `SELECT brand, count(*) FROM transactions GROUP BY brand` looks up `inventory_texts` and
-- nothing else (SQLite 3.40 does not drop unused LEFT JOINs from aggregate queries). posrca's own
-- read-only queries (`posrca sql`, `posrca query`) go through a view of the same rows that joins
-- just the tables the query reads, which costs less a row (TransactionsView.swift).
DROP VIEW IF EXISTS transactions;
DROP VIEW IF EXISTS transaction_rows;
-- The transactions view with each row's id, local day number and terminal's dictionary id: what
-- an archive reads a day's rows from by rowid range, and what the joins of a read-only query's own
-- `transactions` view hang from (TransactionsView.swift). Internal; `transactions` below is the
-- interface.
CREATE VIEW transaction_rows AS
SELECT
    t.id                                                                                       AS txn_id,
    (t.ts + t.tz * 60000) / 86400000                                                           AS day_number,
    t.tid                                                                                      AS terminal,
    (SELECT value FROM dictionary WHERE id = t.tid)                                            AS tid,
    strftime('%Y-%m-%dT%H:%M:%fZ', t.ts / 1000.0, 'unixepoch')                                 AS ts,
    date((t.ts + t.tz * 60000) / 1000, 'unixepoch')                                            AS day,
    (SELECT value FROM dictionary WHERE id = t.type)                                           AS type,
    CASE WHEN t.stan IS NULL THEN NULL ELSE printf('%06d', t.stan) END                         AS stan,
    t.amount                                                                                   AS amount,
    t.currency                                                                                 AS currency,
    (SELECT value FROM dictionary WHERE id = t.rc)                                             AS rc,
    (SELECT value FROM dictionary WHERE id = t.disp)                                           AS disp,
    t.latency_ms                                                                               AS latency_ms,
    COALESCE((SELECT brand FROM inventory_texts WHERE tid = t.tid), 'unknown') AS brand,
    COALESCE((SELECT model FROM inventory_texts WHERE tid = t.tid), 'unknown') AS model,
    COALESCE((SELECT channel FROM inventory_texts WHERE tid = t.tid), 'unknown') AS channel,
    COALESCE((SELECT agent FROM inventory_texts WHERE tid = t.tid), 'unknown') AS agent,
    COALESCE((SELECT fee_tier FROM inventory_texts WHERE tid = t.tid), 'unknown') AS fee_tier,
    COALESCE((SELECT region FROM inventory_texts WHERE tid = t.tid), 'unknown') AS region,
    COALESCE((SELECT mcc FROM inventory_texts WHERE tid = t.tid),
             (SELECT value FROM dictionary WHERE id = t.mcc), 'unknown')                       AS mcc,
    COALESCE((SELECT d.value FROM txn_facts AS x JOIN dictionary AS d ON d.id = x.firmware WHERE x.txn_id = t.id),
             (SELECT firmware FROM inventory_texts WHERE tid = t.tid), 'unknown') AS firmware,
    COALESCE((SELECT d.value FROM txn_facts AS x JOIN dictionary AS d ON d.id = x.app_version WHERE x.txn_id = t.id), 'unknown') AS app_version,
    COALESCE((SELECT d.value FROM txn_facts AS x JOIN dictionary AS d ON d.id = x.code_table WHERE x.txn_id = t.id), 'unknown')  AS code_table,
    COALESCE((SELECT d.value FROM txn_facts AS x JOIN dictionary AS d ON d.id = x.realm WHERE x.txn_id = t.id), 'unknown')       AS acquirer,
    COALESCE((SELECT d.value FROM txn_facts AS x JOIN dictionary AS d ON d.id = x.net_type WHERE x.txn_id = t.id), 'unknown')    AS net_type,
    COALESCE((SELECT rssi_band FROM txn_facts WHERE txn_id = t.id), 'unknown')                 AS rssi_band,
    COALESCE((SELECT net_event_60s FROM txn_facts WHERE txn_id = t.id), 'unknown')             AS net_event_60s,
    COALESCE((SELECT value FROM dictionary WHERE id = t.entry), 'unknown')                     AS entry,
    COALESCE((SELECT value FROM dictionary WHERE id = t.type), 'unknown')                      AS txn_type,
    strftime('%H', (t.ts + t.tz * 60000) / 1000, 'unixepoch')                                  AS hour,
    (SELECT outcome FROM txn_facts WHERE txn_id = t.id)                                        AS outcome,
    (SELECT cause FROM txn_facts WHERE txn_id = t.id)                                          AS cause,
    (SELECT d.value FROM txn_facts AS x JOIN dictionary AS d ON d.id = x.acquirer_rc WHERE x.txn_id = t.id) AS acquirer_rc,
    (SELECT path FROM input_files WHERE id = t.file_id)                                        AS file,
    t.line                                                                                     AS line,
    (SELECT value FROM dictionary WHERE id = t.err)                                            AS err
FROM terminal_txns AS t;

CREATE VIEW transactions AS
SELECT tid, ts, day, type, stan, amount, currency, rc, disp, latency_ms, brand, model, channel, agent, fee_tier, region, mcc,
       firmware, app_version, code_table, acquirer, net_type, rssi_band, net_event_60s, entry, txn_type, hour, outcome, cause,
       acquirer_rc, file, line, err
FROM transaction_rows;

-- One row per acquirer request/response pair as the last analysis paired them; the messages of a
-- day with input not yet analysed (dirty_marks) are listed one a row with `matched` NULL until
-- `posrca analyze` pairs them.
DROP VIEW IF EXISTS acquirer_messages;
CREATE VIEW acquirer_messages AS
WITH dirty AS (SELECT DISTINCT day FROM dirty_marks),
paired AS (
    SELECT request_id, response_id, 'yes' AS matched FROM txn_facts WHERE request_id IS NOT NULL OR response_id IS NOT NULL
    UNION ALL
    SELECT request_id, response_id, 'no' AS matched FROM acquirer_pairs
)
SELECT
    COALESCE(d_tid_rq.value, d_tid_rs.value)                                              AS tid,
    CASE WHEN COALESCE(rq.stan, rs.stan) IS NULL THEN COALESCE(rq.stan_text, rs.stan_text)
         ELSE printf('%06d', COALESCE(rq.stan, rs.stan)) END                              AS stan,
    d_realm.value                                                                         AS realm,
    COALESCE(d_mti_rq.value, d_mti_rs.value)                                              AS mti,
    d_rc.value                                                                            AS rc,
    strftime('%Y-%m-%dT%H:%M:%fZ', rq.ts / 1000.0, 'unixepoch')                           AS request_ts,
    strftime('%Y-%m-%dT%H:%M:%fZ', rs.ts / 1000.0, 'unixepoch')                           AS response_ts,
    COALESCE(rs.lifespan_ms, rq.lifespan_ms)                                              AS lifespan_ms,
    p.matched                                                                             AS matched
FROM paired AS p
LEFT JOIN acquirer_msgs AS rq     ON rq.id = p.request_id
LEFT JOIN acquirer_msgs AS rs     ON rs.id = p.response_id
LEFT JOIN dictionary AS d_tid_rq  ON d_tid_rq.id = rq.tid
LEFT JOIN dictionary AS d_tid_rs  ON d_tid_rs.id = rs.tid
LEFT JOIN dictionary AS d_realm   ON d_realm.id = COALESCE(rq.realm, rs.realm)
LEFT JOIN dictionary AS d_mti_rq  ON d_mti_rq.id = rq.mti
LEFT JOIN dictionary AS d_mti_rs  ON d_mti_rs.id = rs.mti
LEFT JOIN dictionary AS d_rc      ON d_rc.id = rs.rc
WHERE (COALESCE(rq.ts, rs.ts) + COALESCE(rq.tz, rs.tz) * 60000) / 86400000 NOT IN (SELECT day FROM dirty)
UNION ALL
SELECT
    (SELECT value FROM dictionary WHERE id = m.tid),
    CASE WHEN m.stan IS NULL THEN m.stan_text ELSE printf('%06d', m.stan) END,
    (SELECT value FROM dictionary WHERE id = m.realm),
    (SELECT value FROM dictionary WHERE id = m.mti),
    CASE WHEN substr(COALESCE((SELECT value FROM dictionary WHERE id = m.mti), ''), 3, 1) IN ('1', '3', '5', '7', '9')
         THEN (SELECT value FROM dictionary WHERE id = m.rc) END,
    CASE WHEN substr(COALESCE((SELECT value FROM dictionary WHERE id = m.mti), ''), 3, 1) IN ('1', '3', '5', '7', '9') THEN NULL
         ELSE strftime('%Y-%m-%dT%H:%M:%fZ', m.ts / 1000.0, 'unixepoch') END,
    CASE WHEN substr(COALESCE((SELECT value FROM dictionary WHERE id = m.mti), ''), 3, 1) IN ('1', '3', '5', '7', '9')
         THEN strftime('%Y-%m-%dT%H:%M:%fZ', m.ts / 1000.0, 'unixepoch') END,
    m.lifespan_ms,
    NULL
FROM file_days AS f
JOIN acquirer_msgs AS m ON m.id BETWEEN f.first_id AND f.last_id
WHERE f.table_name = 'acquirer_msgs' AND f.day IN (SELECT day FROM dirty) AND (m.ts + m.tz * 60000) / 86400000 = f.day;

DROP VIEW IF EXISTS network_events;
CREATE VIEW network_events AS
SELECT
    e.source                                                      AS source,
    CASE WHEN e.source = 'terminal' THEN d_subject.value END      AS tid,
    CASE WHEN e.source = 'acquirer' THEN d_subject.value END      AS realm,
    strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000.0, 'unixepoch')    AS ts,
    d_state.value                                                 AS state,
    d_type.value                                                  AS net_type,
    e.rssi                                                        AS rssi,
    e.reason                                                      AS reason
FROM net_events AS e
LEFT JOIN dictionary AS d_subject ON d_subject.id = e.subject
LEFT JOIN dictionary AS d_state   ON d_state.id = e.state
LEFT JOIN dictionary AS d_type    ON d_type.id = e.net_type;

-- A period runs from one change of what the terminal runs to the next.
DROP VIEW IF EXISTS firmware_history;
CREATE VIEW firmware_history AS
SELECT
    d_tid.value                                                                         AS tid,
    COALESCE(d_fw.value, 'unknown')                                                     AS firmware,
    COALESCE(d_app.value, 'unknown')                                                    AS app_version,
    COALESCE(d_ctab.value, 'unknown')                                                   AS code_table,
    strftime('%Y-%m-%dT%H:%M:%fZ', c.ts / 1000.0, 'unixepoch')                          AS from_ts,
    strftime('%Y-%m-%dT%H:%M:%fZ', (lead(c.ts) OVER (PARTITION BY c.tid ORDER BY c.ts)) / 1000.0, 'unixepoch') AS to_ts,
    date(c.day * 86400, 'unixepoch')                                                    AS day
FROM firmware_changes AS c
LEFT JOIN dictionary AS d_tid  ON d_tid.id = c.tid
LEFT JOIN dictionary AS d_fw   ON d_fw.id = c.firmware
LEFT JOIN dictionary AS d_app  ON d_app.id = c.app_version
LEFT JOIN dictionary AS d_ctab ON d_ctab.id = c.code_table;

-- The latest analysis run's findings, most important first, with the window of days they cover.
DROP VIEW IF EXISTS findings;
CREATE VIEW findings AS
SELECT f.rank, f.kind, f.pattern, f.outcome, f.n_txns, f.n_unknown, f.rate, f.rate_lo, f.rate_hi, f.baseline_rate,
       f.risk_ratio, f.rr_lo, f.rr_hi, f.p_value, f.q_value, f.excess_unknown, f.share_of_unknown, f.top_cause,
       f.top_codes, f.confounded_by, f.evidence, r.window_since, r.window_until, f.recommendation, f.evidence_zh,
       f.recommendation_zh, f.folded
FROM run_findings AS f
JOIN analysis_runs AS r ON r.id = f.run_id
WHERE f.run_id = (SELECT max(id) FROM analysis_runs);

-- The terminals each finding of the latest run concerns: n transactions in the finding, of
-- which `unknown` had its outcome (the target outcome of the run, `unknown` by default).
DROP VIEW IF EXISTS finding_terminals;
CREATE VIEW finding_terminals AS
SELECT t.rank, f.pattern, t.tid, t.brand, t.model, t.channel, t.agent, t.region, t.firmware, t.n, t.unknown
FROM run_finding_terminals AS t
JOIN run_findings AS f ON f.run_id = t.run_id AND f.rank = t.rank
WHERE t.run_id = (SELECT max(id) FROM analysis_runs);

-- The latest run's code-gap test: per response code and value of code_table or firmware, the
-- code's unknown share there against everywhere else, Fisher's p, its BH q over the family,
-- and whether the value lacks the code. known_at lists values that knew it (value:known/arrivals).
DROP VIEW IF EXISTS code_gap_tests;
CREATE VIEW code_gap_tests AS
SELECT code, attribute, value, unknown, arrivals, other_unknown, other_arrivals,
       CAST(unknown AS REAL) / arrivals AS rate,
       CASE WHEN other_arrivals > 0 THEN CAST(other_unknown AS REAL) / other_arrivals END AS other_rate,
       risk_ratio, rr_lo, rr_hi, p_value, q_value, lacks, known_at
FROM run_code_gap_tests
WHERE run_id = (SELECT max(id) FROM analysis_runs);

-- The full grid per local day: response code × code table × firmware, with the arrivals the
-- terminals showed as unknown and those they knew (declined or approved). Timeouts and errors
-- carry no verdict on a code and are left out.
DROP VIEW IF EXISTS code_gaps;
CREATE VIEW code_gaps AS
SELECT day, code, code_table, firmware,
       sum(CASE WHEN outcome = 'unknown' THEN transactions ELSE 0 END) AS unknown,
       sum(CASE WHEN outcome IN ('declined', 'approved') THEN transactions ELSE 0 END) AS known
FROM agg_codes
WHERE code <> '(none)' AND outcome IN ('unknown', 'declined', 'approved')
GROUP BY day, code, code_table, firmware;

-- Every run's findings, with when the run was and its window.
DROP VIEW IF EXISTS findings_history;
CREATE VIEW findings_history AS
SELECT f.run_id, strftime('%Y-%m-%dT%H:%M:%fZ', r.started_at / 1000.0, 'unixepoch') AS analysed_at,
       r.window_since, r.window_until, f.rank, f.kind, f.pattern, f.outcome, f.n_txns, f.n_unknown, f.rate, f.rate_lo,
       f.rate_hi, f.baseline_rate, f.risk_ratio, f.rr_lo, f.rr_hi, f.p_value, f.q_value, f.excess_unknown,
       f.share_of_unknown, f.top_cause, f.top_codes, f.confounded_by, f.evidence
FROM run_findings AS f
JOIN analysis_runs AS r ON r.id = f.run_id;

-- Analysis runs: when, over which window of local days, with which options.
DROP VIEW IF EXISTS analysis_history;
CREATE VIEW analysis_history AS
SELECT id AS run_id, strftime('%Y-%m-%dT%H:%M:%fZ', started_at / 1000.0, 'unixepoch') AS analysed_at, seconds,
       window_since, window_until, uncovered_days, transactions, findings, recomputed AS recomputed_terminal_days, options
FROM analysis_runs;

-- Daily aggregates, one view per grouping; `day` is the local date, counts are transactions.
DROP VIEW IF EXISTS daily_outcomes;
CREATE VIEW daily_outcomes AS SELECT day, outcome, cause, transactions, terminals FROM agg_outcomes;
DROP VIEW IF EXISTS daily_terminals;
CREATE VIEW daily_terminals AS
SELECT day, tid, brand, model, channel, agent, fee_tier, region, transactions, approved, declined, unknown, timeout, error,
       strftime('%Y-%m-%dT%H:%M:%fZ', first_ts / 1000.0, 'unixepoch') AS first_ts,
       strftime('%Y-%m-%dT%H:%M:%fZ', last_ts / 1000.0, 'unixepoch') AS last_ts, firmware, code_table
FROM agg_terminals;
DROP VIEW IF EXISTS daily_terminal_causes;
CREATE VIEW daily_terminal_causes AS SELECT day, tid, outcome, cause, transactions FROM agg_terminal_causes;
DROP VIEW IF EXISTS daily_profiles;
CREATE VIEW daily_profiles AS
SELECT day, brand, model, channel, agent, fee_tier, region, outcome, cause, transactions FROM agg_profiles;
DROP VIEW IF EXISTS daily_profile_rates;
CREATE VIEW daily_profile_rates AS
SELECT day, brand, model, channel, agent, fee_tier, region, transactions, unknown FROM agg_profile_rates;
DROP VIEW IF EXISTS daily_software;
CREATE VIEW daily_software AS SELECT day, firmware, app_version, code_table, outcome, cause, transactions FROM agg_software;
DROP VIEW IF EXISTS daily_network;
CREATE VIEW daily_network AS
SELECT day, net_event_60s, rssi_band, net_type, acquirer, outcome, cause, transactions FROM agg_network;
DROP VIEW IF EXISTS daily_codes;
CREATE VIEW daily_codes AS
SELECT day, code, code_table, firmware, acquirer, outcome, cause, transactions, acquirer_sent_same FROM agg_codes;
DROP VIEW IF EXISTS daily_code_terminals;
CREATE VIEW daily_code_terminals AS SELECT day, code, tid, unknown FROM agg_code_terminals;
DROP VIEW IF EXISTS daily_network_windows;
CREATE VIEW daily_network_windows AS SELECT day, window_s, event, transactions, failures FROM agg_network_windows;
DROP VIEW IF EXISTS daily_acquirer;
CREATE VIEW daily_acquirer AS
SELECT day, realm, pairs, matched, no_response, response_without_request, max_lifespan_ms FROM agg_acquirer;
DROP VIEW IF EXISTS daily_acquirer_lifespans;
CREATE VIEW daily_acquirer_lifespans AS SELECT day, realm, lifespan_s, pairs FROM agg_acquirer_lifespans;

-- ===================================================================================
-- Archive views: a day's raw rows as `posrca prune` and `posrca export` write them, read by
-- rowid range (`id`) and local day number (`day_number`). Internal; the archive's own
-- `_schema.json` files describe the columns.
-- ===================================================================================

DROP VIEW IF EXISTS archive_acquirer_messages;
CREATE VIEW archive_acquirer_messages AS
SELECT
    m.id                                                              AS id,
    (m.ts + m.tz * 60000) / 86400000                                  AS day_number,
    strftime('%Y-%m-%dT%H:%M:%fZ', m.ts / 1000.0, 'unixepoch')        AS ts,
    (SELECT value FROM dictionary WHERE id = m.realm)                 AS realm,
    m.direction                                                       AS direction,
    (SELECT value FROM dictionary WHERE id = m.mti)                   AS mti,
    CASE WHEN m.stan IS NULL THEN m.stan_text ELSE printf('%06d', m.stan) END AS stan,
    (SELECT value FROM dictionary WHERE id = m.rc)                    AS rc,
    (SELECT value FROM dictionary WHERE id = m.tid)                   AS tid,
    (SELECT value FROM dictionary WHERE id = m.mid)                   AS mid,
    m.amount                                                          AS amount,
    (SELECT value FROM dictionary WHERE id = m.currency)              AS currency,
    (SELECT value FROM dictionary WHERE id = m.proc_code)             AS proc_code,
    m.rrn                                                             AS rrn,
    m.local_time                                                      AS local_time,
    m.local_date                                                      AS local_date,
    m.pan                                                             AS pan,
    m.lifespan_ms                                                     AS lifespan_ms,
    CASE WHEN m.mti IS NULL THEN NULL
         WHEN EXISTS (SELECT 1 FROM dirty_marks AS d WHERE d.day = (m.ts + m.tz * 60000) / 86400000) THEN NULL
         WHEN EXISTS (SELECT 1 FROM acquirer_pairs AS p WHERE p.request_id = m.id)
           OR EXISTS (SELECT 1 FROM acquirer_pairs AS p WHERE p.response_id = m.id) THEN 'no'
         ELSE 'yes' END                                               AS matched,
    (SELECT path FROM input_files WHERE id = m.file_id)               AS file,
    m.line                                                            AS line
FROM acquirer_msgs AS m;

DROP VIEW IF EXISTS archive_network_events;
CREATE VIEW archive_network_events AS
SELECT
    e.id                                                              AS id,
    (e.ts + e.tz * 60000) / 86400000                                  AS day_number,
    e.source                                                          AS source,
    CASE WHEN e.source = 'terminal' THEN (SELECT value FROM dictionary WHERE id = e.subject) END AS tid,
    CASE WHEN e.source = 'acquirer' THEN (SELECT value FROM dictionary WHERE id = e.subject) END AS realm,
    strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000.0, 'unixepoch')        AS ts,
    (SELECT value FROM dictionary WHERE id = e.state)                 AS state,
    (SELECT value FROM dictionary WHERE id = e.net_type)              AS net_type,
    e.rssi                                                            AS rssi,
    e.reason                                                          AS reason,
    (SELECT path FROM input_files WHERE id = e.file_id)               AS file,
    e.line                                                            AS line
FROM net_events AS e;

DROP VIEW IF EXISTS archive_terminal_events;
CREATE VIEW archive_terminal_events AS
SELECT 'boot' AS kind, b.id AS id, (b.ts + b.tz * 60000) / 86400000 AS day_number,
       strftime('%Y-%m-%dT%H:%M:%fZ', b.ts / 1000.0, 'unixepoch') AS ts, (SELECT value FROM dictionary WHERE id = b.tid) AS tid,
       (SELECT value FROM dictionary WHERE id = b.firmware) AS firmware, (SELECT value FROM dictionary WHERE id = b.app_version) AS app_version,
       (SELECT value FROM dictionary WHERE id = b.code_table) AS code_table, NULL AS from_firmware, NULL AS to_firmware, NULL AS succeeded,
       NULL AS rc, NULL AS err, NULL AS message, (SELECT path FROM input_files WHERE id = b.file_id) AS file, b.line AS line
FROM terminal_boots AS b
UNION ALL
SELECT 'fw_update', u.id, (u.ts + u.tz * 60000) / 86400000, strftime('%Y-%m-%dT%H:%M:%fZ', u.ts / 1000.0, 'unixepoch'),
       (SELECT value FROM dictionary WHERE id = u.tid), NULL, NULL, NULL, (SELECT value FROM dictionary WHERE id = u.from_fw),
       (SELECT value FROM dictionary WHERE id = u.to_fw), u.succeeded, NULL, NULL, NULL, (SELECT path FROM input_files WHERE id = u.file_id), u.line
FROM firmware_updates AS u
UNION ALL
SELECT 'signin', s.id, (s.ts + s.tz * 60000) / 86400000, strftime('%Y-%m-%dT%H:%M:%fZ', s.ts / 1000.0, 'unixepoch'),
       (SELECT value FROM dictionary WHERE id = s.tid), NULL, NULL, NULL, NULL, NULL, NULL, (SELECT value FROM dictionary WHERE id = s.rc),
       NULL, NULL, (SELECT path FROM input_files WHERE id = s.file_id), s.line
FROM terminal_signins AS s
UNION ALL
SELECT 'error', r.id, (r.ts + r.tz * 60000) / 86400000, strftime('%Y-%m-%dT%H:%M:%fZ', r.ts / 1000.0, 'unixepoch'),
       (SELECT value FROM dictionary WHERE id = r.tid), NULL, NULL, NULL, NULL, NULL, NULL, NULL, (SELECT value FROM dictionary WHERE id = r.err),
       r.message, (SELECT path FROM input_files WHERE id = r.file_id), r.line
FROM terminal_errors AS r;

DROP VIEW IF EXISTS archive_rejects;
CREATE VIEW archive_rejects AS
SELECT r.file_id AS file_id, f.path AS file, r.line AS line, r.reason AS reason, r.text AS text
FROM rejected_lines AS r
JOIN input_files AS f ON f.id = r.file_id;
