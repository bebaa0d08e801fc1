"""Byte budget of the first visit, counted (not timed): the app shell (every precached file,
the worker script) plus the English bundle and the locale list, each gzip-compressed the way
the server sends it. Budget: <= 150 KB in all, <= 50 KB of JavaScript (1 KB = 1000 bytes)."""

import gzip
import json
import re

import pytest

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

TOTAL_BUDGET = 150_000
JS_BUDGET = 50_000


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def first_visit(live_server: LiveServer) -> dict[str, bytes]:
    sw = live_server.get("/sw.js")
    sw.raise_for_status()
    match = re.search(r"const MANIFEST = (\[.*?\]) \|\| \[\];", sw.text)
    assert match, "precache manifest not found in /sw.js"
    files = {"/sw.js": sw.content}
    for entry in json.loads(match.group(1)):
        r = live_server.get(entry["url"])
        r.raise_for_status()
        files[entry["url"]] = r.content
    for url in ("/api/v1/locales", "/api/v1/content/en"):
        r = live_server.get(url)
        r.raise_for_status()
        files[url] = r.content
    return files


def test_first_visit_fits_the_budget(live_server: LiveServer) -> None:
    files = first_visit(live_server)
    sizes = {url: gz(body) for url, body in files.items()}
    js = sum(n for url, n in sizes.items() if url.endswith(".js"))
    total = sum(sizes.values())
    report = "\n".join(f"{n:>8} {url}" for url, n in sorted(sizes.items(), key=lambda x: -x[1]))
    print(f"\nfirst visit, gzip: total {total} B, JS {js} B\n{report}")
    assert js <= JS_BUDGET, f"JavaScript {js} B > {JS_BUDGET} B\n{report}"
    assert total <= TOTAL_BUDGET, f"first visit {total} B > {TOTAL_BUDGET} B\n{report}"


def test_server_really_compresses(live_server: LiveServer) -> None:
    """The budget assumes gzip on the wire: check the server sends it."""
    for url in ("/static/js/app.js", "/api/v1/content/en", "/"):
        r = live_server.get(url, headers={"Accept-Encoding": "gzip"})
        assert r.headers.get("content-encoding") == "gzip", url
