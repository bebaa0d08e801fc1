"""First-visit byte figures for the PWA (a benchmark, not a test).

Counted: every file in the service worker's precache manifest, /sw.js, /api/v1/locales and the
language bundle, each gzip-compressed (level 9, mtime 0: deterministic), as in
tests/browser/test_budget.py. With --browser, also loads the app in Chromium (Pixel 7
emulation, empty profile), completes first run and sums the compressed bytes that actually
crossed the wire (page and service worker requests) until the worker is activated.

Usage: .venv/bin/python bench/first_visit.py --url http://127.0.0.1:8000 [--locale en] [--browser]
"""

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

import httpx

TOTAL_BUDGET = 150_000
JS_BUDGET = 50_000
CHROMIUM = "/usr/bin/chromium"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def counted(url: str, locale: str) -> dict[str, int]:
    with httpx.Client(base_url=url, timeout=10) as client:
        sw = client.get("/sw.js")
        sw.raise_for_status()
        match = re.search(r"const MANIFEST = (\[.*?\]) \|\| \[\];", sw.text)
        if not match:
            sys.exit("no precache manifest in /sw.js")
        urls = [e["url"] for e in json.loads(match.group(1))]
        sizes = {"/sw.js": gz(sw.content)}
        for path in [*urls, "/api/v1/locales", f"/api/v1/content/{locale}"]:
            r = client.get(path)
            r.raise_for_status()
            sizes[path] = gz(r.content)
    return sizes


def on_the_wire(url: str) -> tuple[int, int, int]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import first_run, wait_sw_activated

    bodies = headers = count = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        device = dict(p.devices["Pixel 7"])
        device.pop("default_browser_type", None)
        context = browser.new_context(**device, base_url=url)
        finished = []
        context.on("requestfinished", lambda r: finished.append(r))
        page = context.new_page()
        first_run(page)
        wait_sw_activated(page)
        for request in finished:
            sizes = request.sizes()
            bodies += sizes["responseBodySize"]
            headers += sizes["responseHeadersSize"]
            count += 1
        browser.close()
    return bodies, headers, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--locale", default="en")
    parser.add_argument("--browser", action="store_true", help="also measure a real first visit")
    args = parser.parse_args()

    sizes = counted(args.url, args.locale)
    js = sum(n for path, n in sizes.items() if path.endswith(".js"))
    total = sum(sizes.values())
    bundle = sizes[f"/api/v1/content/{args.locale}"]
    for path, n in sorted(sizes.items(), key=lambda x: -x[1]):
        print(f"{n:>8}  {path}")
    print(f"{total - bundle:>8}  app shell ({len(sizes) - 2} files incl. sw.js), gzip")
    print(f"{bundle:>8}  {args.locale} bundle, gzip")
    print(f"{total:>8}  first visit total, gzip   (budget {TOTAL_BUDGET})")
    print(f"{js:>8}  JavaScript, gzip           (budget {JS_BUDGET})")
    if args.browser:
        bodies, headers, n = on_the_wire(args.url)
        print(f"{bodies:>8}  measured in Chromium: {n} response bodies as transferred")
        print(f"{headers:>8}  ... and their headers")
        print("          (the shell crosses the wire twice: once for the page, once for the")
        print("          service worker's precache, which fetches with cache: 'reload')")
    sys.exit(0 if total <= TOTAL_BUDGET and js <= JS_BUDGET else 1)


if __name__ == "__main__":
    main()
