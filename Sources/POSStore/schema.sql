-- posrca database schema.
--
-- The tables below are internal and may change between versions; the VIEWS at the end are the
-- interface (cli.md "Stable views"), read by the canned queries, the reports and analysts.
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

-- The ledger of input files, one row per path (and one per duplicate seen under another path).
CREATE TABLE IF NOT EXISTS input_files (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL,
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
    seconds        REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS input_files_by_path ON input_files(path);
CREATE INDEX IF NOT EXISTS input_files_by_sha256 ON input_files(sha256);

-- Per-file counters: `reject:<reason>`, `ignored_event:<ev>`, `unknown_key:<key>`, `skipped:<element>`,
-- `masked_pans`, `invalid_utf8`, `blank_lines`, `records:<table>`.
CREATE TABLE IF NOT EXISTS file_counts (
    file_id INTEGER NOT NULL,
    name    TEXT NOT NULL,
    value   INTEGER NOT NULL,
    PRIMARY KEY (file_id, name)
) WITHOUT ROWID;

-- The rowid range each file's rows occupy in the large tables (a file's rows are inserted in one
-- transaction, so they are contiguous): replacing a file deletes by range, and the large tables
-- need no index on file_id, which keeps inserts at the speed of appends.
CREATE TABLE IF NOT EXISTS file_segments (
    file_id    INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    first_id   INTEGER NOT NULL,
    last_id    INTEGER NOT NULL,
    PRIMARY KEY (file_id, table_name)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS rejected_lines (
    id      INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL,
    line    INTEGER NOT NULL,
    reason  TEXT NOT NULL,
    text    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rejected_lines_by_file ON rejected_lines(file_id);

-- Terminal event log (formats.md §1). Dictionary ids in columns named for what they hold.
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

-- Acquirer messages (formats.md §2): one row per <send>/<receive> isomsg.
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

-- Terminal inventory (formats.md §3): one row per terminal, the latest file naming it wins.
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

-- Response-code catalogue entries from user files (formats.md §4); the built-in tables live in the binary.
CREATE TABLE IF NOT EXISTS catalogue_entries (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    code        TEXT NOT NULL,
    meaning     TEXT NOT NULL,
    scope       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS catalogue_entries_by_file ON catalogue_entries(file_id);

-- What `posrca analyze` derives for each terminal transaction (analysis.md §1–§2). Empty until the
-- first analysis; rewritten whole by each one.
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

-- Acquirer request/response pairs the last analysis matched to no terminal transaction (the
-- matched ones are in txn_facts.request_id / response_id).
CREATE TABLE IF NOT EXISTS acquirer_pairs (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER,
    response_id  INTEGER
);

-- Firmware periods of each terminal, from its boots and successful upgrades.
CREATE TABLE IF NOT EXISTS firmware_periods (
    id           INTEGER PRIMARY KEY,
    tid          INTEGER NOT NULL,
    firmware     INTEGER,
    app_version  INTEGER,
    code_table   INTEGER,
    from_ts      INTEGER NOT NULL,
    to_ts        INTEGER
);

-- The last analysis's findings (analysis.md §7), most important first.
CREATE TABLE IF NOT EXISTS analysis_findings (
    rank             INTEGER PRIMARY KEY,
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
    evidence         TEXT NOT NULL
);

-- One row per analysis run: when, with what options, over how much data.
CREATE TABLE IF NOT EXISTS analysis_runs (
    id           INTEGER PRIMARY KEY,
    started_at   INTEGER NOT NULL,
    seconds      REAL NOT NULL,
    options      TEXT NOT NULL,
    transactions INTEGER NOT NULL,
    findings     INTEGER NOT NULL
);

-- ===================================================================================
-- Stable views (cli.md). Their names and columns are the interface.
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
    strftime('%Y-%m-%dT%H:%M:%fZ', f.ingested_at / 1000.0, 'unixepoch') AS ingested_at
FROM input_files AS f;

DROP VIEW IF EXISTS rejects;
CREATE VIEW rejects AS
SELECT f.path AS file, r.line, r.reason, r.text
FROM rejected_lines AS r
JOIN input_files AS f ON f.id = r.file_id;

DROP VIEW IF EXISTS transactions;
CREATE VIEW transactions AS
SELECT
    d_tid.value                                                         AS tid,
    strftime('%Y-%m-%dT%H:%M:%fZ', t.ts / 1000.0, 'unixepoch')          AS ts,
    date((t.ts + t.tz * 60000) / 1000, 'unixepoch')                     AS day,
    d_type.value                                                        AS type,
    CASE WHEN t.stan IS NULL THEN NULL ELSE printf('%06d', t.stan) END  AS stan,
    t.amount                                                            AS amount,
    t.currency                                                          AS currency,
    d_rc.value                                                          AS rc,
    d_disp.value                                                        AS disp,
    t.latency_ms                                                        AS latency_ms,
    COALESCE(d_brand.value, 'unknown')                                  AS brand,
    COALESCE(d_model.value, 'unknown')                                  AS model,
    COALESCE(d_channel.value, 'unknown')                                AS channel,
    COALESCE(d_agent.value, 'unknown')                                  AS agent,
    COALESCE(d_fee.value, 'unknown')                                    AS fee_tier,
    COALESCE(d_region.value, 'unknown')                                 AS region,
    COALESCE(d_imcc.value, d_tmcc.value, 'unknown')                     AS mcc,
    COALESCE(d_fw.value, d_invfw.value, 'unknown')                      AS firmware,
    COALESCE(d_app.value, 'unknown')                                    AS app_version,
    COALESCE(d_ctab.value, 'unknown')                                   AS code_table,
    COALESCE(d_realm.value, 'unknown')                                  AS acquirer,
    COALESCE(d_net.value, 'unknown')                                    AS net_type,
    COALESCE(x.rssi_band, 'unknown')                                    AS rssi_band,
    COALESCE(x.net_event_60s, 'unknown')                                AS net_event_60s,
    COALESCE(d_entry.value, 'unknown')                                  AS entry,
    COALESCE(d_type.value, 'unknown')                                   AS txn_type,
    strftime('%H', (t.ts + t.tz * 60000) / 1000, 'unixepoch')           AS hour,
    x.outcome                                                           AS outcome,
    x.cause                                                             AS cause,
    d_arc.value                                                         AS acquirer_rc,
    f.path                                                              AS file,
    t.line                                                              AS line
FROM terminal_txns AS t
JOIN input_files AS f            ON f.id = t.file_id
LEFT JOIN dictionary AS d_tid    ON d_tid.id = t.tid
LEFT JOIN dictionary AS d_type   ON d_type.id = t.type
LEFT JOIN dictionary AS d_rc     ON d_rc.id = t.rc
LEFT JOIN dictionary AS d_disp   ON d_disp.id = t.disp
LEFT JOIN dictionary AS d_entry  ON d_entry.id = t.entry
LEFT JOIN dictionary AS d_tmcc   ON d_tmcc.id = t.mcc
LEFT JOIN inventory AS i         ON i.tid = t.tid
LEFT JOIN dictionary AS d_brand  ON d_brand.id = i.brand
LEFT JOIN dictionary AS d_model  ON d_model.id = i.model
LEFT JOIN dictionary AS d_channel ON d_channel.id = i.channel
LEFT JOIN dictionary AS d_agent  ON d_agent.id = i.agent
LEFT JOIN dictionary AS d_fee    ON d_fee.id = i.fee_tier
LEFT JOIN dictionary AS d_region ON d_region.id = i.region
LEFT JOIN dictionary AS d_imcc   ON d_imcc.id = i.mcc
LEFT JOIN dictionary AS d_invfw  ON d_invfw.id = i.firmware
LEFT JOIN txn_facts AS x         ON x.txn_id = t.id
LEFT JOIN dictionary AS d_fw     ON d_fw.id = x.firmware
LEFT JOIN dictionary AS d_app    ON d_app.id = x.app_version
LEFT JOIN dictionary AS d_ctab   ON d_ctab.id = x.code_table
LEFT JOIN dictionary AS d_realm  ON d_realm.id = x.realm
LEFT JOIN dictionary AS d_net    ON d_net.id = x.net_type
LEFT JOIN dictionary AS d_arc    ON d_arc.id = x.acquirer_rc;

DROP VIEW IF EXISTS acquirer_messages;
CREATE VIEW acquirer_messages AS
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
FROM (
    -- Pairs matched to a terminal transaction are kept with the transaction; the others on their own.
    SELECT request_id, response_id, 'yes' AS matched FROM txn_facts WHERE request_id IS NOT NULL OR response_id IS NOT NULL
    UNION ALL
    SELECT request_id, response_id, 'no' AS matched FROM acquirer_pairs
) AS p
LEFT JOIN acquirer_msgs AS rq     ON rq.id = p.request_id
LEFT JOIN acquirer_msgs AS rs     ON rs.id = p.response_id
LEFT JOIN dictionary AS d_tid_rq  ON d_tid_rq.id = rq.tid
LEFT JOIN dictionary AS d_tid_rs  ON d_tid_rs.id = rs.tid
LEFT JOIN dictionary AS d_realm   ON d_realm.id = COALESCE(rq.realm, rs.realm)
LEFT JOIN dictionary AS d_mti_rq  ON d_mti_rq.id = rq.mti
LEFT JOIN dictionary AS d_mti_rs  ON d_mti_rs.id = rs.mti
LEFT JOIN dictionary AS d_rc      ON d_rc.id = rs.rc;

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

DROP VIEW IF EXISTS firmware_history;
CREATE VIEW firmware_history AS
SELECT
    d_tid.value                                                        AS tid,
    COALESCE(d_fw.value, 'unknown')                                    AS firmware,
    COALESCE(d_app.value, 'unknown')                                   AS app_version,
    COALESCE(d_ctab.value, 'unknown')                                  AS code_table,
    strftime('%Y-%m-%dT%H:%M:%fZ', p.from_ts / 1000.0, 'unixepoch')    AS from_ts,
    strftime('%Y-%m-%dT%H:%M:%fZ', p.to_ts / 1000.0, 'unixepoch')      AS to_ts
FROM firmware_periods AS p
LEFT JOIN dictionary AS d_tid  ON d_tid.id = p.tid
LEFT JOIN dictionary AS d_fw   ON d_fw.id = p.firmware
LEFT JOIN dictionary AS d_app  ON d_app.id = p.app_version
LEFT JOIN dictionary AS d_ctab ON d_ctab.id = p.code_table;

DROP VIEW IF EXISTS findings;
CREATE VIEW findings AS
SELECT rank, kind, pattern, outcome, n_txns, n_unknown, rate, rate_lo, rate_hi, baseline_rate, risk_ratio, rr_lo, rr_hi,
       p_value, q_value, excess_unknown, share_of_unknown, top_cause, top_codes, confounded_by, evidence
FROM analysis_findings;
