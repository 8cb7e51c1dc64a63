#!/usr/bin/env bash
# Analysis benchmark (issue 3): `posrca analyze` against `posrca ingest` on the same data.
#
#   Benchmarks/analyze.sh                 # 1M, 2M and 4M transactions
#   SIZES="1000000 2000000" Benchmarks/analyze.sh
#
# For each size it generates a data set (terminal logs, acquirer logs, inventory) with posrca-gen,
# ingests it into a fresh database, runs the analysis, and prints both times, their ratio (target:
# analysis at most half the ingest time) and the analysis time per million transactions (linear
# growth means a flat figure).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000000 2000000 4000000"}
work=${BENCH_DIR:-/tmp/posrca-bench}
mkdir -p "$work"
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)

seconds() { # runs a command, prints its wall time in seconds; its output goes to $work/last.out
    local start end
    start=$(date +%s.%N)
    "$@" >"$work/last.out"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }'
}

echo "posrca analysis benchmark on $(nproc) cores"
for n in $SIZES; do
    days=5
    rate=20
    terminals=$(( n / (days * rate) ))
    data="$work/analyze-$n"
    if [ ! -d "$data/logs" ]; then
        "$bin/posrca-gen" --out "$data/logs" --terminals "$terminals" --days "$days" --txns-per-day "$rate" --seed 7 >/dev/null
    fi
    rm -f "$data"/db.sqlite*
    ingest=$(seconds "$bin/posrca" ingest --quiet --db "$data/db.sqlite" "$data/logs" || true)
    analyze=$(seconds "$bin/posrca" analyze --db "$data/db.sqlite")
    # The first analysis's phases (a second run would only reuse its result).
    grep '^Timings' "$work/last.out" | sed 's/^/  /' || true
    txns=$(sqlite3 "$data/db.sqlite" "SELECT count(*) FROM terminal_txns")
    awk -v n="$txns" -v i="$ingest" -v a="$analyze" 'BEGIN {
        printf "%d transactions: ingest %.1f s, analyze %.1f s, ratio analyze/ingest %.2f (target <= 0.5), analyze %.2f s per million\n", n, i, a, a / i, a / (n / 1e6)
    }'
done
