#!/usr/bin/env bash
# Renders a report's summary.html in headless Chromium and saves a PNG: the check that the page a
# person opens at 3 a.m. renders (self-contained, no network, no JavaScript), and the picture in docs/.
#
# Usage:
#   scripts/screenshot-report.sh [REPORT_FOLDER_OR_HTML] [OUTPUT_PNG]
#     REPORT_FOLDER_OR_HTML  default: the newest reports/YYYY-MM-DD/ (what `posrca nightly` writes)
#     OUTPUT_PNG             default: docs/summary.png
#
# To refresh the committed screenshot from a fresh clone:
#   swift run posrca nightly            # ingests SampleLogs/, analyzes, writes reports/YYYY-MM-DD/
#   scripts/screenshot-report.sh        # writes docs/summary.png
#
# Needs Debian's chromium (apt-get install chromium); Chinese text needs a CJK font
# (apt-get install fonts-noto-cjk), or it shows as boxes. The window is 1280×2000 CSS pixels,
# the top of the page: totals, the top findings and the charts.
set -euo pipefail
cd "$(dirname "$0")/.."

source=${1:-}
output=${2:-docs/summary.png}
if [ -z "$source" ]; then
    source=$(ls -d reports/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] 2>/dev/null | sort | tail -n 1 || true)
    if [ -z "$source" ]; then
        echo "error: no reports/YYYY-MM-DD folder; run 'swift run posrca nightly' first, or pass a folder" >&2
        exit 2
    fi
fi
html=$source
[ -d "$source" ] && html=$source/summary.html
if [ ! -f "$html" ]; then
    echo "error: $html does not exist" >&2
    exit 2
fi

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "error: no chromium on PATH; install it with: apt-get install chromium" >&2
    exit 2
fi
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    echo "warning: no Chinese font installed (apt-get install fonts-noto-cjk); Chinese text would show as boxes" >&2
fi

mkdir -p "$(dirname "$output")"
absolute=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
# A fresh profile each time, so that nothing cached or configured changes the picture.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --disable-gpu --no-sandbox --hide-scrollbars --user-data-dir="$profile" \
    --window-size=1280,2000 --screenshot="$output" "file://$absolute" 2>/dev/null
echo "wrote $output from $html"
