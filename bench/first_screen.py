"""First readable screen on a slow link (a benchmark, not a test): real Chromium, an empty
profile whose browser prefers the reader's language, the network emulated at 400 kbps both ways
with 400 ms round trips (Chrome DevTools Protocol), against a real `homeward serve`.

For each visit it prints when the HTML arrived, when the page first read in the reader's
language (the shell the server sends: lang and dir, a status line and a working quick exit),
and when the app's own first screen (welcome) was drawn, and how many round trips after the
HTML each came. Goal (issue #13): the first readable screen within 2 round trips of the HTML.

The app is served by uvicorn over HTTP/1.1, where a browser opens at most 6 connections to a
host: the two dozen modules of the first screen, all asked for at once (modulepreload), still
arrive in about four waves. Behind an HTTP/2 proxy (docs/DEPLOYMENT.md) they share one.

Usage: .venv/bin/python bench/first_screen.py
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/first_screen.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    Figures,
    copy_frontend,
    prepare,
    server_env,
    start_server,
    throwaway_database,
    workdir,
)

CHROMIUM = "/usr/bin/chromium"
RTT_MS = 400
KBPS = 400
ROUND_TRIPS_GOAL = 2
# (browser language, address): a reader who opens the app, one who follows a link to a
# language's home, and one who follows a link to a guide page (drawn by the server)
VISITS = (("ar", "/"), ("ar", "/ar/"), ("fa", "/"), ("en", "/"), ("ar", "/ar/pages/overview"),
          ("en", "/en/checklists/pre-return"))  # fmt: skip

# The shell the server sent is in the reader's language from its first byte: its first paint
# is the first readable screen (it waits for the style sheet, which blocks rendering).
FIRST_PAINT = """async (lang) => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = await new Promise((resolve) => {
    const seen = performance.getEntriesByName('first-contentful-paint')[0];
    if (seen) return resolve(seen);
    new PerformanceObserver((list, obs) => {
      obs.disconnect();
      resolve(list.getEntries()[0]);
    }).observe({ type: 'paint' });
  });
  return { html: nav.responseEnd, paint: fcp.startTime };
}"""
APP_READABLE = """(lang) => document.documentElement.lang === lang
  && !!document.querySelector('main[data-view] h1')"""


def visit(browser, base: str, lang: str, path: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Seconds from the start of the navigation: html (its response complete), paint (the first
    contentful paint, of the shell) and app (the app's first screen drawn)."""
    context = browser.new_context(locale=lang, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        rate = KBPS * 1000 / 8
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": RTT_MS,
            "downloadThroughput": rate, "uploadThroughput": rate,
        })  # fmt: skip
        page.goto(base + path, wait_until="commit")
        page.wait_for_function(APP_READABLE, arg=lang, polling=10, timeout=120_000)
        app = page.evaluate("() => performance.now()")
        t = page.evaluate(FIRST_PAINT, lang)
        return {"html": t["html"] / 1000, "paint": t["paint"] / 1000, "app": app / 1000}
    finally:
        context.close()


def main(figures: Figures | None = None) -> Figures:
    from playwright.sync_api import sync_playwright

    figures = figures or Figures()
    section = f"First readable screen ({KBPS} kbps, {RTT_MS} ms round trips, HTTP/1.1)"
    print(f"\n== {section} ==")
    with workdir() as work, throwaway_database("sqlite", work) as db:
        env = server_env(db, copy_frontend(work))
        prepare(env)
        server = start_server(env)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                visit(browser, server.url, "en", "/")  # the server's first answers warm it
                for lang, path in VISITS:
                    t = visit(browser, server.url, lang, path)
                    after_shell = (t["paint"] - t["html"]) * 1000 / RTT_MS
                    after_app = (t["app"] - t["html"]) * 1000 / RTT_MS
                    figures.add(section, f"{lang} at {path}: first readable screen",
                                f"{t['paint']:.2f} s; {after_shell:.1f} round trips after the "
                                f"HTML ({t['html']:.2f} s)",
                                f"<= {ROUND_TRIPS_GOAL} round trips after the HTML",
                                after_shell <= ROUND_TRIPS_GOAL)  # fmt: skip
                    drawn = f"{t['app']:.2f} s; {after_app:.1f} round trips after the HTML"
                    figures.add(section, "   the app's first screen drawn", drawn)
                browser.close()
        finally:
            server.stop()
    return figures


if __name__ == "__main__":
    main()
