"""Byte budget of the first visit, counted on the wire (not timed): a byte-counting proxy
between real Chromium and the real server, from the first request until the app is ready
offline, headers included, both ways (tests/wire.py). Budget in English: <= 100 KB in all and
<= 50 KB of JavaScript (compressed bodies) (1 KB = 1000 B); another language costs at most its
own bundle and catalog more (+2 KB); nothing is downloaded twice, and nothing the reader's
choices do not need."""

from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import LiveServer
from tests.wire import FIRST_VISIT_BUDGET, FURTHER_LANGUAGE_SLACK, JS_BUDGET, first_visit

pytestmark = pytest.mark.browser


def port_of(live_server: LiveServer) -> int:
    return int(live_server.url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def english(browser: Browser, live_server: LiveServer, playwright: Any) -> Any:
    device = dict(playwright.devices["Pixel 7"])
    device.pop("default_browser_type", None)
    return first_visit(browser, device, port_of(live_server), "en")


def test_first_visit_fits_the_budget(english: Any) -> None:
    report = english.report()
    print(f"\nfirst visit (en), on the wire:\n{report}")
    assert english.offline_ok
    assert english.js_bodies <= JS_BUDGET, (
        f"JavaScript {english.js_bodies} B > {JS_BUDGET} B\n{report}"
    )
    assert english.total <= FIRST_VISIT_BUDGET, (
        f"first visit {english.total} B > {FIRST_VISIT_BUDGET} B\n{report}"
    )


def test_nothing_downloaded_twice_or_needlessly(english: Any) -> None:
    report = english.report()
    assert english.downloaded_twice() == [], f"downloaded twice\n{report}"
    paths = [e.path for e in english.exchanges]
    # A reader never downloads the outreach workers' screens (cached on a worker's first use).
    assert not [p for p in paths if p.startswith("/static/js/cases/")], report
    # Scripts, styles and images do not carry the document policies (CSP, Permissions-Policy):
    # only documents (the shell, the quick-exit page) and the service worker need them.
    heavy = [
        e
        for e in english.exchanges
        if e.path.startswith("/static/")
        and not e.content_type.startswith("text/html")
        and e.response_head > 400
    ]
    assert not heavy, f"static responses with heavy headers\n{report}"


def test_another_language_costs_only_its_bundle(
    browser: Browser, live_server: LiveServer, playwright: Any, english: Any
) -> None:
    device = dict(playwright.devices["Pixel 7"])
    device.pop("default_browser_type", None)
    arabic = first_visit(browser, device, port_of(live_server), "ar")
    report = arabic.report()
    print(f"\nfirst visit (ar), on the wire:\n{report}")
    assert arabic.offline_ok
    assert arabic.downloaded_twice() == [], report
    bundle = live_server.get("/api/v1/content/ar")
    leans = any(
        d["stale"] or (d["fallback"] and d["locale"] == "en")
        for d in (*bundle.json()["items"], *bundle.json()["glossary"])
    )
    if not leans:
        assert arabic.bundle_bytes("en") == 0, f"English downloaded for nothing\n{report}"
    # Its own bundle and catalog replace the English bundle; nothing else is added.
    own = arabic.bundle_bytes("ar") + sum(
        e.total for e in arabic.exchanges if e.path == "/api/v1/i18n/ar"
    )
    limit = english.total - english.bundle_bytes("en") + own + FURTHER_LANGUAGE_SLACK
    assert arabic.total <= limit, f"{arabic.total} B > {limit} B\n{report}"


def test_server_really_compresses(live_server: LiveServer) -> None:
    """The budget assumes gzip on the wire: check the server sends it."""
    for url in ("/static/js/app.js", "/static/app.css", "/api/v1/content/en", "/"):
        r = live_server.get(url, headers={"Accept-Encoding": "gzip"})
        assert r.headers.get("content-encoding") == "gzip", url
