"""First visit on the wire (a benchmark, not a test): real Chromium (Pixel 7 emulation, an
empty profile) through a byte-counting proxy in front of a real server, from the first
request until the app is ready offline, in each language (tests/wire.py counts every byte
both ways, headers included).

Usage: .venv/bin/python bench/first_visit.py [--locales en,ar]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/first_visit.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    LOCALES,
    Figures,
    copy_frontend,
    prepare,
    server_env,
    start_server,
    throwaway_database,
    workdir,
)
from tests.wire import (
    FIRST_VISIT_BUDGET,
    FURTHER_LANGUAGE_SLACK,
    JS_BUDGET,
    first_visit,
)

CHROMIUM = "/usr/bin/chromium"


def main(figures: Figures | None = None, locales: tuple[str, ...] = LOCALES) -> Figures:
    from playwright.sync_api import sync_playwright

    figures = figures or Figures()
    section = "First visit on the wire (Chromium through a byte-counting proxy)"
    print(f"\n== {section} ==")
    with workdir() as work, throwaway_database("sqlite", work) as db:
        env = server_env(db, copy_frontend(work))
        prepare(env)
        server = start_server(env)
        english = None
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                device = dict(p.devices["Pixel 7"])
                device.pop("default_browser_type", None)
                for locale in ("en", *[x for x in locales if x != "en"]):
                    visit = first_visit(browser, device, server.port, locale)
                    own = visit.bundle_bytes(locale) + sum(
                        e.total for e in visit.exchanges if e.path == f"/api/v1/i18n/{locale}"
                    )
                    twice = visit.downloaded_twice()
                    value = f"{visit.total:,} B"
                    if locale == "en":
                        english = visit
                        figures.add(section, "en: bytes until ready offline", value,
                                    f"<= {FIRST_VISIT_BUDGET:,} B",
                                    visit.total <= FIRST_VISIT_BUDGET)  # fmt: skip
                        figures.add(section, "   JavaScript (compressed bodies)",
                                    f"{visit.js_bodies:,} B", f"<= {JS_BUDGET:,} B",
                                    visit.js_bodies <= JS_BUDGET)  # fmt: skip
                    else:
                        assert english is not None
                        limit = (english.total - english.bundle_bytes("en") + own
                                 + FURTHER_LANGUAGE_SLACK)  # fmt: skip
                        figures.add(section, f"{locale}: bytes until ready offline", value,
                                    f"<= {limit:,} B (shell + own bundle/catalog + 2 KB)",
                                    visit.total <= limit)  # fmt: skip
                    figures.add(section, f"   {len(visit.exchanges)} requests; headers both ways",
                                f"{visit.headers:,} B")  # fmt: skip
                    figures.add(section, "   English bundle downloaded",
                                f"{visit.bundle_bytes('en'):,} B")  # fmt: skip
                    figures.add(section, "   downloaded twice", ", ".join(twice) or "nothing",
                                "nothing", not twice)  # fmt: skip
                    figures.add(section, "   reloads offline", str(visit.offline_ok), "True",
                                visit.offline_ok)  # fmt: skip
                browser.close()
        finally:
            server.stop()
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locales", default=",".join(LOCALES))
    main(locales=tuple(parser.parse_args().locales.split(",")))
