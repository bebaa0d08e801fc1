"""The bundle lives in IndexedDB and is revalidated with its ETag on app open and when the
device comes back online; a changed bundle replaces the stored one."""

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Response, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, go_offline, wait_sw_activated, wait_view

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
      });
      open.result.close();
    };
  };
})"""

SET_ETAG = """(etag) => new Promise((resolve) => {
  const open = indexedDB.open('homeward');
  open.onsuccess = () => {
    const tx = open.result.transaction('bundles', 'readwrite');
    const store = tx.objectStore('bundles');
    store.get('en').onsuccess = (e) => store.put({ ...e.target.result, etag: etag });
    tx.oncomplete = () => { open.result.close(); resolve(); };
  };
})"""


def is_bundle(r: Response) -> bool:
    return r.url.endswith("/api/v1/content/en")


def test_bundle_stored_and_revalidated(
    context: BrowserContext, page: Page, live_server: LiveServer, en_bundle: dict[str, Any]
) -> None:
    first_run(page)
    wait_sw_activated(page)
    served = live_server.get("/api/v1/content/en")  # now: other tests may have published
    etag = served.headers["etag"]
    stored = page.evaluate(STORED)
    assert stored["etag"] == etag and stored["version"] == served.json()["version"]
    assert stored["items"] == len(en_bundle["items"]) and stored["bytes"] > 0

    # App open: a conditional request, answered 304 (nothing downloaded again).
    with page.expect_response(is_bundle) as info:
        page.reload()
    response = info.value
    assert response.request.headers.get("if-none-match") == etag
    assert response.status == 304

    # Back online after being offline: revalidated again; a changed ETag means a new bundle.
    page.evaluate(SET_ETAG, '"stale"')
    go_offline(context)
    page.reload()
    wait_view(page, "home")
    with page.expect_response(is_bundle) as info:
        context.set_offline(False)
    assert info.value.status == 200
    expect(page.locator("main[data-refreshed]")).to_be_attached()
    assert page.evaluate(STORED)["etag"] == etag
