#!/usr/bin/env bash
# Builds the libFuzzer harnesses in Fuzz/ and runs each for a set time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]
#
# SECONDS per target (default 600; 0 only builds). TARGETs among: terminal-log acquirer-log csv
# line-source timestamps (default: all). FUZZ_JOBS=2 runs two targets at a time (default 1).
#
# Everything goes to .build-fuzz/ (git-ignored): the instrumented modules and binaries, a working
# corpus per target grown from the committed seeds in Fuzz/corpus/<target>/, each run's log, and
# crash/timeout/leak/oom inputs in .build-fuzz/artifacts/<target>/<run>/. A summary line per
# target ends the output: executions, exec/s, cov and ft from libFuzzer's final stats, findings.
#
# The harnesses are built with plain swiftc (not SwiftPM, so `swift build` never sees them), with
# the library sources compiled as their own modules under -sanitize=fuzzer,address. POSInput's
# swift-crypto dependency is replaced by Fuzz/Support/CryptoStub.swift (same calls, FNV-1a instead
# of SHA-256): linking BoringSSL outside SwiftPM is impractical and the hash is not what is fuzzed.
#
# A crash is replayed with `.build-fuzz/bin/<target> <crash-file>` and minimised with
# `.build-fuzz/bin/<target> -minimize_crash=1 -runs=100000 -exact_artifact_path=min <crash-file>`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/.build-fuzz"
SWIFTC=${SWIFTC:-swiftc}
ALL_TARGETS=(terminal-log acquirer-log csv line-source timestamps)

duration=600
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    duration=$1
    shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
    [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "unknown target: $t (known: ${ALL_TARGETS[*]})" >&2; exit 64; }
done

# The longest input per target: a few lines for line parsers, a few elements for the XML
# scanner, gzip members small enough that even a perfect bomb stays far below memory limits.
max_len() {
    case $1 in
        terminal-log) echo 4096 ;;
        acquirer-log) echo 8192 ;;
        csv) echo 4096 ;;
        line-source) echo 32768 ;;
        timestamps) echo 64 ;;
    esac
}

FLAGS=(
    -O -sanitize=fuzzer,address -swift-version 6 -parse-as-library
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault
)

# Rebuilds `output` when any of the later arguments is newer.
stale() {
    local output=$1
    shift
    [[ -e $output ]] || return 0
    local input
    for input in "$@"; do [[ $input -nt $output ]] && return 0; done
    return 1
}

build() {
    mkdir -p "$OUT/modules" "$OUT/obj" "$OUT/bin"
    cd "$ROOT"

    # POSFormats embeds builtin-codes.csv as SwiftPM's embedInCode would.
    local resources="$OUT/obj/PackageResources.swift"
    if stale "$resources" Sources/POSFormats/builtin-codes.csv; then
        {
            printf 'struct PackageResources {\nstatic let builtin_codes_csv: [UInt8] = ['
            od -An -v -tu1 Sources/POSFormats/builtin-codes.csv | tr -s ' \n' ',,' | sed 's/^,//; s/,$//'
            printf ']\n}\n'
        } > "$resources"
    fi
    local formats=(Sources/POSFormats/*.swift)
    if stale "$OUT/obj/POSFormats.o" "${formats[@]}" "$resources"; then
        echo "building POSFormats (instrumented)…"
        "$SWIFTC" "${FLAGS[@]}" -wmo -module-name POSFormats -emit-module -emit-module-path "$OUT/modules/POSFormats.swiftmodule" \
            -c "${formats[@]}" "$resources" -o "$OUT/obj/POSFormats.o"
    fi
    if stale "$OUT/obj/Crypto.o" Fuzz/Support/CryptoStub.swift; then
        "$SWIFTC" "${FLAGS[@]}" -wmo -module-name Crypto -emit-module -emit-module-path "$OUT/modules/Crypto.swiftmodule" \
            -c Fuzz/Support/CryptoStub.swift -o "$OUT/obj/Crypto.o"
    fi
    local input=(Sources/POSInput/*.swift)
    if stale "$OUT/obj/POSInput.o" "${input[@]}" "$OUT/obj/Crypto.o"; then
        echo "building POSInput (instrumented, Crypto stand-in)…"
        "$SWIFTC" "${FLAGS[@]}" -wmo -module-name POSInput -I "$OUT/modules" -I Sources/CZlib \
            -emit-module -emit-module-path "$OUT/modules/POSInput.swiftmodule" -c "${input[@]}" -o "$OUT/obj/POSInput.o"
    fi

    local t
    for t in "${targets[@]}"; do
        local objects=("$OUT/obj/POSFormats.o")
        [[ $t == line-source ]] && objects=("$OUT/obj/POSInput.o" "$OUT/obj/Crypto.o" "$OUT/obj/POSFormats.o")
        if stale "$OUT/bin/$t" "Fuzz/$t.swift" Fuzz/Support/FuzzSupport.swift "${objects[@]}"; then
            echo "building fuzz target $t…"
            "$SWIFTC" "${FLAGS[@]}" -module-name "Fuzz_${t//-/_}" -I "$OUT/modules" -I Sources/CZlib \
                "Fuzz/$t.swift" Fuzz/Support/FuzzSupport.swift "${objects[@]}" -lz -o "$OUT/bin/$t" 2> >(grep -v 'ld.gold: warning' >&2)
        fi
    done
}

run() {
    local t=$1 stamp=$2
    local corpus="$OUT/corpus/$t" artifacts="$OUT/artifacts/$t/$stamp" log="$OUT/logs/$t-$stamp.log"
    mkdir -p "$corpus" "$artifacts" "$OUT/logs"
    # The Swift runtime's backtracer would catch the signals libFuzzer needs to see.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
        "$OUT/bin/$t" -max_total_time="$duration" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -dict="$ROOT/Fuzz/dict/$t.dict" -artifact_prefix="$artifacts/" \
        "$corpus" "$ROOT/Fuzz/corpus/$t" > "$log" 2>&1 || true
}

summary() {
    local t=$1 stamp=$2
    local log="$OUT/logs/$t-$stamp.log" artifacts="$OUT/artifacts/$t/$stamp"
    local execs rate last cov ft findings
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\) .*/\1/p' <<< "$last")
    findings=$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'leak-*' -o -name 'oom-*' \) | wc -l)
    printf '%-13s executions %-10s exec/s %-7s cov %-6s ft %-7s findings %s%s\n' \
        "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$findings" \
        "$( ((findings > 0)) && echo " (see $artifacts, log $log)" )"
}

build
((duration > 0)) || exit 0

stamp=$(date +%Y%m%d-%H%M%S)
jobs_max=${FUZZ_JOBS:-1}
for t in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
    echo "fuzzing $t for ${duration}s (log: $OUT/logs/$t-$stamp.log)…"
    run "$t" "$stamp" &
done
wait
echo
for t in "${targets[@]}"; do summary "$t" "$stamp"; done
