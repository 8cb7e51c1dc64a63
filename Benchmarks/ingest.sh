#!/usr/bin/env bash
# Ingest benchmark (issue 2): posrca against the floor, and posrca's peak memory.
#
#   Benchmarks/ingest.sh            # 1M and 4M transactions, 3 rounds
#   ROUNDS=1 N4=0 Benchmarks/ingest.sh   # quicker: 1M only
#
# Prints transactions per second of `posrca ingest`, the floor's time on the same file (zlib gzread,
# line split, one prepared INSERT of the txn values as text in one transaction: ingest-floor.c), the
# ratio posrca / floor (median of the rounds, run alternately), and posrca's peak resident memory at
# 1M and 4M transactions.
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${N1:-1000000}
N4=${N4:-4000000}
ROUNDS=${ROUNDS:-3}
work=${BENCH_DIR:-/tmp/posrca-bench}
mkdir -p "$work"

swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
cc -O2 -o "$work/ingest-floor" Benchmarks/ingest-floor.c -lz -lsqlite3

generate() { # N FILE
    [ -s "$2" ] || "$bin/posrca-gen" --single-terminal-log "$2" --transactions "$1" --seed 20261120 >/dev/null
}

# Runs a command, prints "seconds peak_kb".
measure() {
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null
    cat "$work/time.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run_size() { # N
    local n=$1 log="$work/terminal-$1.log.gz"
    generate "$n" "$log"
    local floor_times=() posrca_times=() posrca_rss=0
    for round in $(seq "$ROUNDS"); do
        rm -f "$work"/floor.sqlite* "$work"/posrca.sqlite*
        read -r t _ < <(measure "$work/ingest-floor" "$log" "$work/floor.sqlite")
        floor_times+=("$t")
        rm -f "$work"/posrca.sqlite*
        read -r t rss < <(measure "$bin/posrca" ingest --quiet --db "$work/posrca.sqlite" "$log")
        posrca_times+=("$t")
        [ "$rss" -gt "$posrca_rss" ] && posrca_rss=$rss
    done
    local txns floor posrca
    txns=$(sqlite3 "$work/posrca.sqlite" "SELECT count(*) FROM terminal_txns")
    floor=$(printf '%s\n' "${floor_times[@]}" | median)
    posrca=$(printf '%s\n' "${posrca_times[@]}" | median)
    awk -v n="$txns" -v f="$floor" -v p="$posrca" -v r="$posrca_rss" -v size="$(stat -c %s "$log")" 'BEGIN {
        printf "%d transactions (%.1f MB gzip)\n", n, size / 1e6
        printf "  posrca ingest: %.2f s  %.0f transactions/s  peak RSS %.1f MB\n", p, n / p, r / 1024
        printf "  floor:         %.2f s  %.0f transactions/s\n", f, n / f
        printf "  ratio posrca / floor: %.2f (target <= 1.3)\n", p / f
    }'
    echo "$posrca_rss" > "$work/rss-$n.txt"
}

echo "posrca ingest benchmark on $(nproc) cores, $ROUNDS round(s), median times"
run_size "$N1"
if [ "$N4" -gt 0 ]; then
    run_size "$N4"
    awk -v a="$(cat "$work/rss-$N1.txt")" -v b="$(cat "$work/rss-$N4.txt")" 'BEGIN {
        printf "peak RSS growth from %s to %s transactions: %+.1f%% (target < 20%%, both < 150 MB)\n", "'"$N1"'", "'"$N4"'", (b - a) * 100 / a
    }'
fi
