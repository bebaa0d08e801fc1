"""Browser tests: a REAL server (uvicorn in a subprocess on a free loopback port, on a fresh
throw-away database of the configured kind (SQLite by default, PostgreSQL with
HOMEWARD_TEST_DATABASE=postgresql) migrated and seeded through the ``homeward`` CLI, frontend
served from a temp copy so tests can change it) and Debian's Chromium driven by Playwright
with Pixel 7 mobile emulation.

Without /usr/bin/chromium the tests fail when ``CI`` is set and skip (saying why) otherwise.
"""

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from sqlmodel import Session

from app.content.models import ContentItemTranslation
from app.content.write import remove_text
from app.core.db import build_engine
from tests.browser.helpers import watched
from tests.conftest import ThrowawayDatabases
from tests.live import HOMEWARD_CLI, LiveServer, run_live_server

CHROMIUM = Path("/usr/bin/chromium")
DEVICE = "Pixel 7"


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, databases: ThrowawayDatabases
) -> Iterator[LiveServer]:
    yield from run_live_server(tmp_path_factory.mktemp("live"), databases)


@pytest.fixture(scope="session")
def en_bundle(live_server: LiveServer) -> dict[str, Any]:
    r = live_server.get("/api/v1/content/en")
    r.raise_for_status()
    return r.json()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        print(f"\nSKIPPING browser tests: {reason}", file=sys.stderr)
        pytest.skip(reason)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=str(CHROMIUM))
    yield b
    b.close()


# Assertions wait as long as actions do (15 s): on a loaded CI machine a screen that needs a
# lazily loaded module can take longer than expect's default 5 s to appear. A passing test
# does not wait any longer for it: expect returns as soon as the condition holds.
expect.set_options(timeout=15_000)


@pytest.fixture
def device(playwright: Playwright) -> dict[str, Any]:
    d = dict(playwright.devices[DEVICE])
    d.pop("default_browser_type", None)
    return d


def open_context(
    browser: Browser, live_server: LiveServer, device: dict[str, Any]
) -> Iterator[BrowserContext]:
    """A fresh profile: no service worker, no IndexedDB, no HTTP cache (a new phone)."""
    ctx = browser.new_context(**device, base_url=live_server.url)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def context(
    browser: Browser, live_server: LiveServer, device: dict[str, Any]
) -> Iterator[BrowserContext]:
    yield from open_context(browser, live_server, device)


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that must stay clean: an uncaught script error or a console error (which is also
    how Chromium reports a Content-Security-Policy violation) fails the test at teardown."""
    p, errors = watched(context)
    yield p
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture
def untranslated(live_server: LiveServer) -> Iterator[Callable[[str, str], None]]:
    """Takes one item's translation away on the live server (the shipped content translates
    everything), so a test can see how a fallback to English looks; ``homeward seed`` puts
    it back afterwards."""
    engine = build_engine(live_server.database_url)

    def take_away(slug: str, locale: str) -> None:
        with Session(engine) as session:
            remove_text(session, ContentItemTranslation, slug, locale)

    try:
        yield take_away
    finally:
        engine.dispose()
        env = {**os.environ, "HOMEWARD_DATABASE_URL": live_server.database_url}
        done = subprocess.run([str(HOMEWARD_CLI), "seed"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
