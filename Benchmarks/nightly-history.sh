#!/usr/bin/env bash
# Nightly at production scale (issue 8): N nights of `posrca nightly`, one day of new logs each.
#
#   Benchmarks/nightly-history.sh            # 30 nights, 10,000 terminals x 25 transactions a day
#   NIGHTS=10 TERMINALS=2000 Benchmarks/nightly-history.sh
#
# It generates NIGHTS days of terminal logs, acquirer logs and an inventory with posrca-gen
# (--no-faults), then for each night copies that day's files into an inbox and runs
# `posrca nightly` under GNU time, printing the night's wall time, peak RSS and database size.
# At the end it prints night N against night 1 (time and RSS), the slowest canned query at
# night N (each run once more after the last night with its defaults: the last analysis window),
# and night 1 against a plain `posrca ingest` of the same first-day files into a fresh database.
# Last, the rate of a GROUP BY of each attribute column over every stored row of the
# transactions view (GROUP_BY=0 skips it; about a minute at 7.5M rows).
# Targets (issue 8): N/1 time <= 1.3, N/1 RSS <= 1.2, peak RSS <= 400 MB, slowest query <= 0.25 s,
# night 1 / ingest <= 2, GROUP BY >= 2M rows/s.
set -euo pipefail
cd "$(dirname "$0")/.."
NIGHTS=${NIGHTS:-30}
TERMINALS=${TERMINALS:-10000}
PER_DAY=${PER_DAY:-25}
work=${BENCH_DIR:-/tmp/posrca-nightly-history}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install -y time)"; exit 2; }
swift build -c release --product posrca >/dev/null
swift build -c release --product posrca-gen >/dev/null
bin=$(swift build -c release --show-bin-path)

data="$work/data-$TERMINALS-$PER_DAY-$NIGHTS"
if [ ! -f "$data/.complete" ]; then
    rm -rf "$data"
    "$bin/posrca-gen" --out "$data" --terminals "$TERMINALS" --days "$NIGHTS" --txns-per-day "$PER_DAY" --no-faults --seed 8 >/dev/null
    touch "$data/.complete"
fi
days=($(ls "$data" | sed -n 's/^terminal-[a-z]*-\([0-9-]*\)\.log\.gz$/\1/p' | sort -u))

run="$work/run"
rm -rf "$run"
mkdir -p "$run/inbox"
cp "$data/inventory.csv" "$data/codes-private.csv" "$run/inbox/"

echo "posrca nightly history: $NIGHTS nights, $TERMINALS terminals x $PER_DAY transactions a day, $(nproc) cores"
printf "%5s  %10s  %10s  %8s  %12s\n" night transactions seconds "RSS MB" "database MB"
declare -a secs rss
for ((n = 1; n <= NIGHTS; n++)); do
    day=${days[$((n - 1))]}
    cp "$data"/*-"$day".*.gz "$run/inbox/"
    /usr/bin/time -f "%e %M" -o "$run/time" "$bin/posrca" nightly --inbox "$run/inbox" --db "$run/db.sqlite" \
        --reports "$run/reports" --keep-days 3 --log-format json 2>"$run/night-$n.log" >/dev/null || true
    read -r s m < <(tail -1 "$run/time")
    secs[$n]=$s
    rss[$n]=$m
    txns=$(sqlite3 "$run/db.sqlite" "SELECT coalesce(sum(transactions), 0) FROM daily_outcomes")
    size=$(stat -c %s "$run/db.sqlite")
    printf "%5d  %10d  %10.2f  %8.1f  %12.1f\n" "$n" "$txns" "$s" "$(awk -v k="$m" 'BEGIN{print k/1024}')" "$(awk -v b="$size" 'BEGIN{print b/1048576}')"
done

# Every canned query once more, with its defaults, after the last night.
slowest=0
slowest_name=""
for q in Queries/*.sql; do
    name=$(basename "$q" .sql)
    start=$(date +%s.%N)
    "$bin/posrca" query run "$name" --db "$run/db.sqlite" --format csv >/dev/null
    end=$(date +%s.%N)
    t=$(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.3f", e - s}')
    if awk -v t="$t" -v m="$slowest" 'BEGIN{exit !(t > m)}'; then slowest=$t; slowest_name=$name; fi
done
report_start=$(date +%s.%N)
"$bin/posrca" report --db "$run/db.sqlite" --out "$run/report-check" >/dev/null
report_end=$(date +%s.%N)

# Night 1's files, ingested alone into a fresh database.
rm -rf "$run/first" && mkdir -p "$run/first"
cp "$data/inventory.csv" "$data/codes-private.csv" "$data"/*-"${days[0]}".*.gz "$run/first/"
/usr/bin/time -f "%e %M" -o "$run/time" "$bin/posrca" ingest --quiet --db "$run/first.sqlite" "$run/first" >/dev/null || true
read -r ingest_s _ < <(tail -1 "$run/time")

awk -v t1="${secs[1]}" -v tn="${secs[$NIGHTS]}" -v r1="${rss[1]}" -v rn="${rss[$NIGHTS]}" -v n="$NIGHTS" \
    -v q="$slowest" -v qn="$slowest_name" -v i="$ingest_s" -v rs="$report_start" -v re="$report_end" \
    -v peak="$(printf "%s\n" "${rss[@]}" | sort -n | tail -1)" 'BEGIN {
    printf "night %d / night 1, time: %.2f (target <= 1.3)\n", n, tn / t1
    printf "night %d / night 1, RSS:  %.2f (target <= 1.2)\n", n, rn / r1
    printf "peak RSS: %.0f MB (target <= 400)\n", peak / 1024
    printf "slowest canned query at night %d: %s %.3f s (target <= 0.25)\n", n, qn, q
    printf "report at night %d: %.2f s (target <= 2)\n", n, re - rs
    printf "night 1 / ingest of the same files: %.2f (%.2f s / %.2f s; target <= 2)\n", t1 / i, t1, i
}'

# Ad-hoc SQL on the transactions view: a GROUP BY of one column over every stored row, through
# `posrca sql` (issue 8: it must read only what the column needs, at 2M rows/s or more).
if [ "${GROUP_BY:-1}" = 1 ]; then
    rows=$(sqlite3 "$run/db.sqlite" "SELECT count(*) FROM terminal_txns")
    echo "GROUP BY one column of the transactions view over $rows rows (M rows/s, target >= 2):"
    line=""
    for column in brand model channel agent fee_tier region mcc firmware app_version code_table acquirer net_type rssi_band \
        net_event_60s entry txn_type hour day outcome cause; do
        start=$(date +%s.%N)
        "$bin/posrca" sql --db "$run/db.sqlite" --format csv "SELECT $column, count(*) FROM transactions GROUP BY $column" >/dev/null
        end=$(date +%s.%N)
        line="$line $column $(awk -v n="$rows" -v s="$start" -v e="$end" 'BEGIN{printf "%.2f", n / (e - s) / 1e6}')"
    done
    echo "$line" | fold -s -w 100 | sed 's/^/ /'
fi
