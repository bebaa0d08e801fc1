"""The bundle lives in IndexedDB and is kept current on app open and when the device comes
back online: by the changes after its cursor (GET /api/v1/sync/content, nothing downloaded
when nothing changed), and by ETag revalidation only for a bundle that has no cursor (stored
by an app from before delta sync)."""

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Response, Route, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import (
    cache_lazy_files,
    first_run,
    go_offline,
    wait_sw_activated,
    wait_view,
    watched,
)

pytestmark = pytest.mark.browser

STORED = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('homeward');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const get = open.result.transaction('bundles').objectStore('bundles').get('en');
    get.onsuccess = () => {
      const r = get.result;
      resolve(r && {
        etag: r.etag, version: r.version, bytes: r.bytes, items: r.data.items.length,
        cursor: r.data.cursor || null,
      });
      open.result.close();
    };
  };
})"""

WITHOUT_CURSOR = """(etag) => new Promise((resolve) => {
  const open = indexedDB.open('homeward');
  open.onsuccess = () => {
    const tx = open.result.transaction('bundles', 'readwrite');
    const store = tx.objectStore('bundles');
    store.get('en').onsuccess = (e) => {
      const r = e.target.result;
      delete r.data.cursor;
      r.data.items[0] = { ...r.data.items[0], title: 'An older title' };
      store.put({ ...r, etag: etag });
    };
    tx.oncomplete = () => { open.result.close(); resolve(); };
  };
})"""


def is_bundle(r: Request | Response) -> bool:
    return r.url.endswith("/api/v1/content/en")


def is_delta(r: Request | Response) -> bool:
    return "/api/v1/sync/content?locale=en" in r.url


def test_bundle_stored_and_kept_current(
    context: BrowserContext, page: Page, live_server: LiveServer
) -> None:
    first_run(page)
    wait_sw_activated(page)
    served = live_server.get("/api/v1/content/en")
    stored = page.evaluate(STORED)
    assert stored["etag"] == served.headers["etag"]
    assert stored["version"] == served.json()["version"]
    assert stored["cursor"] == served.json()["cursor"]
    assert stored["items"] == len(served.json()["items"]) and stored["bytes"] > 0

    # App open: what changed after the stored cursor (nothing), and no bundle downloaded.
    bundles: list[Request] = []
    page.on("request", lambda r: bundles.append(r) if is_bundle(r) else None)
    with page.expect_response(is_delta) as info:
        page.reload()
    response = info.value
    assert f"since={stored['cursor']}" in response.url
    assert response.status == 200 and response.json()["changes"] == []
    wait_view(page, "home")
    assert bundles == []

    # A bundle stored by an app from before delta sync (no cursor, and one older title):
    # revalidated by its ETag once back online; a changed ETag means a new bundle, which has a
    # cursor for next time, and what it changed is shown at once and named.
    page.evaluate(WITHOUT_CURSOR, '"stale"')
    # Merged and shown once back online.
    cache_lazy_files(page, "/static/js/delta.js", "/static/js/updated.js")
    go_offline(context)
    page.reload()
    wait_view(page, "home")
    with page.expect_response(is_bundle) as info:
        context.set_offline(False)
    assert info.value.status == 200
    assert info.value.request.headers.get("if-none-match") == '"stale"'
    expect(page.locator("main[data-refreshed]")).to_be_attached()
    title = served.json()["items"][0]["title"]
    expect(page.locator("[data-content-updated] li")).to_have_text([title])
    again = page.evaluate(STORED)
    assert again["etag"] == served.headers["etag"] and again["cursor"] == served.json()["cursor"]


def test_a_round_cut_short_is_tried_again_without_waiting_for_online(
    context: BrowserContext, live_server: LiveServer
) -> None:
    """The phone says it is online, but the connection drops while the app brings its guide up
    to date (here the new bundle fails once: a server restarting, a request lost on the way).
    An app left open tries again by itself soon after; it does not wait for the next `online`
    event, which may not come for hours."""
    page, errors = watched(context, allowed=r"status of 503")
    first_run(page)
    wait_sw_activated(page)
    expect(page.locator("main[data-connected]")).to_be_attached()  # the first round is over
    page.evaluate(WITHOUT_CURSOR, '"stale"')  # revalidated by ETag: the whole bundle is new

    answers: list[int] = []

    def fail_once(route: Route) -> None:
        if not answers:
            answers.append(503)
            route.fulfill(status=503, json={"detail": "restarting"})
        else:
            answers.append(200)
            route.continue_()

    page.route("**/api/v1/content/en", fail_once)
    page.reload()
    wait_view(page, "home")
    expect(page.locator("main[data-refreshed]")).to_be_attached()
    title = live_server.get("/api/v1/content/en").json()["items"][0]["title"]
    expect(page.locator("[data-content-updated] li")).to_have_text([title])
    expect(page.locator("main")).not_to_contain_text("An older title")  # drawn again
    assert answers == [503, 200]
    assert errors == []
