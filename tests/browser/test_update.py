"""A new app version is announced, not swapped mid-use: it waits until the user accepts."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.pwa import shell
from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, sw_version, wait_sw_activated, wait_view

pytestmark = pytest.mark.browser

MARKER = b"\n.homeward-update-test { color: inherit; }\n"  # a rule: comments are not served
FETCH_CSS = "fetch('/static/app.css').then((r) => r.text())"
CACHED_KEYS = """async () => {
  const cache = await caches.open('hw-precache-v1');
  return (await cache.keys()).map((r) => r.url);
}"""


@pytest.fixture
def changed_css(live_server: LiveServer) -> Iterator[Path]:
    css = live_server.frontend_dir / "app.css"
    original = css.read_bytes()
    yield css
    css.write_bytes(original)


def test_update_available_then_accepted(
    page: Page, live_server: LiveServer, changed_css: Path
) -> None:
    first_run(page)
    wait_sw_activated(page)
    old_version = sw_version(page)
    assert old_version == shell.load_shell(live_server.frontend_dir).version

    # Ship a new version of one file: the server now sends a different sw.js.
    changed_css.write_bytes(changed_css.read_bytes() + MARKER)
    new_version = shell.load_shell(live_server.frontend_dir).version
    assert new_version != old_version

    page.reload()  # a navigation makes the browser check /sw.js for an update
    wait_view(page, "home")
    page.evaluate("window.__sameDocument = true")
    banner = page.get_by_role("status").filter(has_text="Update available")
    expect(banner).to_be_visible()

    # Not swapped mid-use: same document, old worker, old files.
    assert page.evaluate("window.__sameDocument") is True
    assert sw_version(page) == old_version
    assert MARKER.decode().strip() not in page.evaluate(FETCH_CSS)

    with page.expect_navigation():
        page.get_by_role("button", name="Update now").click()
    wait_view(page, "home")
    assert page.evaluate("window.__sameDocument === undefined")  # reloaded once
    assert sw_version(page) == new_version
    assert MARKER.decode().strip() in page.evaluate(FETCH_CSS)
    expect(page.get_by_text("Update available")).to_be_hidden()

    # Activation removed the previous revision of app.css from the precache.
    keys = page.evaluate(CACHED_KEYS)
    manifest = shell.load_shell(live_server.frontend_dir).manifest()
    precached = {f"{live_server.url}{e['url']}?__hw_rev={e['revision']}" for e in manifest}
    assert precached <= set(keys)  # every file of the new shell, each in one revision only
    assert len({k.split("?")[0] for k in keys}) == len(keys)
    css_keys = [k for k in keys if "/static/app.css" in k]
    rev = next(e["revision"] for e in manifest if e["url"] == "/static/app.css")
    assert css_keys == [f"{live_server.url}/static/app.css?__hw_rev={rev}"]
