#!/usr/bin/env bash
# The long SIGKILL crash test (issue 5, part 3); `swift test` runs a short version of it
# (Tests/posrcaTests/CrashSafetyEndToEndTests.swift, 20 kill points).
#
#   scripts/kill-loop.sh N [INBOX]
#
# Kills `posrca ingest` and `posrca nightly` N times each (2 kills a round on one database, then a
# run that completes), at random points spread over a clean run's time, and checks:
#   - after every kill: PRAGMA integrity_check is ok, no row belongs to a file missing from the
#     ledger, and every file the ledger has holds exactly the rows a clean run gives it;
#   - after the completing run: the same ledger and the same transactions (and, for nightly, the
#     same findings) as a clean run, and today's report folder whole.
#
# INBOX defaults to a data set made by posrca-gen (600 terminals, 2 days). The binaries are
# $POSRCA and $POSRCA_GEN, by default .build/debug/ (built when missing; use a release build for
# bigger inboxes). SEED=n replays a schedule. Exit status 0 when every check held.
set -euo pipefail

N=${1:-100}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSRCA=${POSRCA:-$ROOT/.build/debug/posrca}
POSRCA_GEN=${POSRCA_GEN:-$ROOT/.build/debug/posrca-gen}
SEED=${SEED:-$$}
RANDOM=$SEED
if [ ! -x "$POSRCA" ] || [ ! -x "$POSRCA_GEN" ]; then
    (cd "$ROOT" && swift build --product posrca && swift build --product posrca-gen)
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/posrca-kill-loop.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export POSRCA_QUIET=1
INBOX=${2:-$WORK/inbox}
if [ -z "${2:-}" ]; then
    "$POSRCA_GEN" --out "$INBOX" --terminals 600 --days 2 --txns-per-day 12 >/dev/null
fi

TABLES="terminal_txns terminal_boots firmware_updates terminal_signins terminal_errors net_events acquirer_msgs inventory catalogue_entries rejected_lines"
PER_TABLE=""
for t in $TABLES; do
    PER_TABLE="${PER_TABLE:+$PER_TABLE UNION ALL }SELECT file_id, '$t' AS name, count(*) AS n FROM $t GROUP BY file_id"
done
LEDGER_SQL="WITH c AS ($PER_TABLE)
SELECT f.path, f.status, f.rows, f.rejects,
       COALESCE((SELECT group_concat(name || ':' || n, ' ') FROM (SELECT name, n FROM c WHERE c.file_id = f.id ORDER BY name)), '')
FROM input_files AS f
UNION ALL
SELECT '#orphans', '', count(*), 0, '' FROM c WHERE c.file_id NOT IN (SELECT id FROM input_files)
ORDER BY 1"
TXN_SQL="SELECT tid, ts, type, stan, amount, currency, rc, disp, latency_ms, outcome, cause, acquirer_rc, file, line FROM transactions ORDER BY file, line"
FINDINGS_SQL="SELECT rank, kind, pattern, n_txns, n_unknown, top_cause FROM findings ORDER BY rank"

failures=0
fail() { echo "FAIL (seed $SEED): $*" >&2; failures=$((failures + 1)); }

# ledger DB: the ledger with each file's real row counts, sorted; empty for a database without a schema.
ledger() {
    [ -f "$1" ] || return 0
    "$POSRCA" sql --db "$1" --format csv "$LEDGER_SQL" 2>/dev/null | tail -n +2 | sort || true
}

# check_killed DB CLEAN_LEDGER CONTEXT
check_killed() {
    local db=$1 clean=$2 context=$3
    [ -f "$db" ] || return 0
    local integrity
    integrity=$("$POSRCA" sql --db "$db" --format csv "PRAGMA integrity_check" | tail -n +2 | tr -d '\r')
    [ "$integrity" = "ok" ] || fail "$context: integrity_check: $integrity"
    local state
    state=$(ledger "$db")
    local orphans
    orphans=$(printf '%s\n' "$state" | grep '^#orphans,' | cut -d, -f3 | tr -d '\r' || true)
    [ -z "$orphans" ] || [ "$orphans" = "0" ] || fail "$context: $orphans rows of no file"
    # Every file the ledger has is whole: its line is one of the clean run's lines.
    local extra
    extra=$(comm -23 <(printf '%s\n' "$state" | grep -v '^#orphans,' | grep -v '^$' || true) "$clean")
    [ -z "$extra" ] || fail "$context: files not as a clean run has them:
$extra"
}

seconds_now() { date +%s.%N; }
random_delay() { awk -v r="$RANDOM" -v t="$1" 'BEGIN { d = 0.01 + (r / 32767) * t; printf "%.3f", d }'; }

for mode in ingest nightly; do
    clean=$WORK/clean-$mode
    mkdir -p "$clean"
    args() {
        if [ "$mode" = ingest ]; then echo ingest --db "$1/posrca.sqlite" "$INBOX"
        else echo nightly --db "$1/posrca.sqlite" --inbox "$INBOX" --reports "$1/reports"; fi
    }
    start=$(seconds_now)
    # shellcheck disable=SC2046
    "$POSRCA" $(args "$clean") >/dev/null 2>&1 || [ $? -le 1 ] || fail "clean $mode run failed"
    duration=$(awk -v a="$start" -v b="$(seconds_now)" 'BEGIN { printf "%.3f", b - a }')
    ledger "$clean/posrca.sqlite" > "$clean/ledger"
    "$POSRCA" sql --db "$clean/posrca.sqlite" --format csv "$TXN_SQL" > "$clean/txns"
    [ "$mode" = nightly ] && "$POSRCA" sql --db "$clean/posrca.sqlite" --format csv "$FINDINGS_SQL" > "$clean/findings"
    echo "$mode: clean run $duration s, $(wc -l < "$clean/txns") transaction lines; killing $N times (seed $SEED)"

    kills=0
    round=0
    while [ "$kills" -lt "$N" ]; do
        round=$((round + 1))
        space=$WORK/$mode-$round
        mkdir -p "$space"
        for attempt in 1 2; do
            [ "$kills" -lt "$N" ] || break
            delay=$(random_delay "$duration")
            # shellcheck disable=SC2046
            "$POSRCA" $(args "$space") >/dev/null 2>&1 &
            pid=$!
            sleep "$delay"
            if kill -0 "$pid" 2>/dev/null; then
                kill -KILL "$pid" 2>/dev/null || true
                kills=$((kills + 1))
            fi
            wait "$pid" 2>/dev/null || true
            check_killed "$space/posrca.sqlite" "$clean/ledger" "$mode round $round kill $attempt after $delay s"
        done
        # shellcheck disable=SC2046
        "$POSRCA" $(args "$space") >/dev/null 2>&1 || [ $? -le 1 ] || fail "$mode round $round: completing run failed"
        ledger "$space/posrca.sqlite" | cmp -s - "$clean/ledger" || fail "$mode round $round: ledger differs from a clean run's"
        "$POSRCA" sql --db "$space/posrca.sqlite" --format csv "$TXN_SQL" | cmp -s - "$clean/txns" || fail "$mode round $round: transactions differ"
        if [ "$mode" = nightly ]; then
            "$POSRCA" sql --db "$space/posrca.sqlite" --format csv "$FINDINGS_SQL" | cmp -s - "$clean/findings" || fail "$mode round $round: findings differ"
            for folder in "$space"/reports/*/; do
                [ -f "$folder/manifest.json" ] || fail "$mode round $round: $folder has no manifest"
            done
        fi
        rm -rf "$space"
    done
    echo "$mode: $kills kills in $round rounds"
done

if [ "$failures" -gt 0 ]; then
    echo "$failures checks failed (seed $SEED)" >&2
    exit 1
fi
echo "all checks held (seed $SEED)"
