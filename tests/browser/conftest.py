"""Browser tests: a REAL server (uvicorn in a subprocess on a free loopback port, on a fresh
throw-away database of the configured kind (SQLite by default, PostgreSQL with
HOMEWARD_TEST_DATABASE=postgresql) migrated and seeded through the ``homeward`` CLI, frontend
served from a temp copy so tests can change it) and Debian's Chromium driven by Playwright
with Pixel 7 mobile emulation.

Without /usr/bin/chromium the tests fail when ``CI`` is set and skip (saying why) otherwise.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from app.core.config import PROJECT_ROOT
from tests.conftest import ThrowawayDatabases

CHROMIUM = Path("/usr/bin/chromium")
HOMEWARD_CLI = Path(sys.executable).with_name("homeward")
DEVICE = "Pixel 7"


@dataclass(frozen=True)
class LiveServer:
    url: str
    frontend_dir: Path
    log: Path
    database_url: str  # the server's database, for tests that change content behind its back

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10, **kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling a condition (server up), not waiting for time to pass
    pytest.fail(f"server not healthy after {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, databases: ThrowawayDatabases
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("live")
    frontend = root / "frontend"
    shutil.copytree(PROJECT_ROOT / "frontend", frontend)
    database_url = databases.new_url()
    env = {
        **os.environ,
        "HOMEWARD_DATABASE_URL": database_url,
        "HOMEWARD_FRONTEND_DIR": str(frontend),
        "HOMEWARD_ENVIRONMENT": "test",
        "HOMEWARD_LOG_LEVEL": "warning",
    }
    for args in (["db", "upgrade"], ["seed"]):
        done = subprocess.run(
            [str(HOMEWARD_CLI), *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, f"homeward {' '.join(args)} failed:\n{done.stderr}"
    port = _free_port()
    log = root / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(HOMEWARD_CLI), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield LiveServer(url=url, frontend_dir=frontend, log=log, database_url=database_url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    p.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    yield p
    assert not errors, f"errors in the page: {errors}"
