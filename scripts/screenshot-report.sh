#!/usr/bin/env bash
# Renders a report's summary.html in headless Chromium and saves a PNG: the check that the page a
# person opens at 3 a.m. renders (self-contained, no network, no JavaScript), and the pictures in docs/.
#
# Usage:
#   scripts/screenshot-report.sh [REPORT_FOLDER_OR_HTML] [OUTPUT_PNG]
#     REPORT_FOLDER_OR_HTML  default: the newest reports/YYYY-MM-DD/ (what `posrca nightly` writes)
#     OUTPUT_PNG             default: docs/summary.png
#   scripts/screenshot-report.sh --sample LANG [OUTPUT_PNG]
#     runs `swift run posrca nightly --lang LANG` on SampleLogs/ into a temporary folder (its own
#     database and reports; the working folder's are not touched) and renders that report.
#     OUTPUT_PNG default: docs/images/summary-LANG.png
#
# To refresh the committed screenshots from a fresh clone:
#   swift run posrca nightly && scripts/screenshot-report.sh     # docs/summary.png (English)
#   scripts/screenshot-report.sh --sample zh-CN                  # docs/images/summary-zh-CN.png
#
# Needs Debian's chromium and, for Chinese, a CJK font (fonts-noto-cjk), or Chinese shows as boxes;
# pngquant, when there, makes the PNG smaller. When one is missing and apt-get can be run (as root),
# it is installed. The window is
# 1280×2400 CSS pixels (SCREENSHOT_SIZE=W,H to change it): the totals, the top findings and the charts.
set -euo pipefail
cd "$(dirname "$0")/.."

# Installs the Debian packages named, when apt-get is there and we may use it; else says what to run.
install_packages() {
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "installing $*" >&2
        apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
            || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "$@" >/dev/null; }
    else
        echo "error: missing $*; install with: apt-get install $*" >&2
        exit 2
    fi
}

find_browser() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }

browser=$(find_browser)
if [ -z "$browser" ]; then
    install_packages chromium
    browser=$(find_browser)
fi
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    install_packages fonts-noto-cjk
fi
# Optional: pngquant keeps the committed pictures small.
if ! command -v pngquant >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y --no-install-recommends pngquant >/dev/null 2>&1 || true
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = "--sample" ]; then
    lang=${2:?usage: scripts/screenshot-report.sh --sample LANG [OUTPUT_PNG]}
    output=${3:-docs/images/summary-$lang.png}
    # Exit status 1 is expected: the sample holds rejected lines and a truncated gzip on purpose.
    status=0
    swift run posrca nightly --inbox SampleLogs --db "$work/posrca.sqlite" --reports "$work/reports" \
        --lang "$lang" --quiet >"$work/nightly.log" 2>&1 || status=$?
    if [ "$status" -gt 1 ]; then
        cat "$work/nightly.log" >&2
        echo "error: posrca nightly failed with exit status $status" >&2
        exit 2
    fi
    source=$(ls -d "$work"/reports/[0-9]*-[0-9]*-[0-9]* | tail -n 1)
else
    source=${1:-}
    output=${2:-docs/summary.png}
    if [ -z "$source" ]; then
        source=$(ls -d reports/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] 2>/dev/null | sort | tail -n 1 || true)
        if [ -z "$source" ]; then
            echo "error: no reports/YYYY-MM-DD folder; run 'swift run posrca nightly' first, or pass a folder" >&2
            exit 2
        fi
    fi
fi
html=$source
[ -d "$source" ] && html=$source/summary.html
if [ ! -f "$html" ]; then
    echo "error: $html does not exist" >&2
    exit 2
fi

mkdir -p "$(dirname "$output")"
absolute=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
# A fresh profile each time, so that nothing cached or configured changes the picture.
"$browser" --headless --disable-gpu --no-sandbox --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size="${SCREENSHOT_SIZE:-1280,2400}" --screenshot="$output" "file://$absolute" 2>/dev/null
# Fewer colours keep the committed picture small (text and flat charts lose nothing visible).
if command -v pngquant >/dev/null; then
    pngquant --force --skip-if-larger --quality 70-95 --output "$output" -- "$output" || true
fi
echo "wrote $output ($(wc -c <"$output") bytes) from $html"
