#!/usr/bin/env bash
# Lighthouse mobile scores (a benchmark, not a test; it exits 0 whatever the scores).
# Usage: bench/lighthouse.sh http://127.0.0.1:8000/ [more URLs]   (a running `homeward serve`)
# Lighthouse 12.8.2 is installed into a temp folder from npm (13.x needs Node 22).
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm i -E lighthouse@12.8.2 --silent >/dev/null)
for url in "$@"; do
    CHROME_PATH=/usr/bin/chromium "$work/node_modules/.bin/lighthouse" "$url" \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output-path="$work/out.json" --quiet \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[2], {k: round(v['score']*100) for k, v in d['categories'].items()})" "$work/out.json" "$url"
done
