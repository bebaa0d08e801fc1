"""Issue #11, end to end: an editor corrects a figure in the English of tool 7.1 and publishes
it through the admin API (real HTTP, real server); a phone that was online before, holding
English and French, receives only that change as a patch of under 2 KB with headers (no
bundle download): the English page shows the new text, the French one says its English original
changed, "Guidance updated" names the page, and a reader typing feedback is not interrupted.
A cursor the server no longer answers for (410) makes the phone download the bundle again.

The server's content is put back afterwards (a new publish of the old text), and the cursor
floor this file raises is lowered again: later files see the same content, at a newer version.
"""

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.accounts.models import Role
from app.content.models import ContentState
from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, wait_view, watched
from tests.browser.test_cases import server_db  # noqa: F401  (server_db: a fixture)
from tests.browser.test_field import staff

pytestmark = pytest.mark.browser

ONLINE = "() => window.dispatchEvent(new Event('online'))"
TOOL = "tool-7-1"
OLD, NEW = "at least 30 days", "at least 45 days"
# Bytes on the wire (headers included) for one changed figure in two languages, sent as
# patches (about 900 B in December 2026, instead of the whole item in each language).
DELTA_BUDGET = 2_000

STORED = """(locale) => new Promise((resolve, reject) => {
  const open = indexedDB.open('homeward');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const get = open.result.transaction('bundles').objectStore('bundles').get(locale);
    get.onsuccess = () => {
      const r = get.result;
      const tool = r && r.data.items.find((i) => i.slug === 'tool-7-1');
      resolve(r && { cursor: r.data.cursor, version: r.version,
                     stale: tool.stale, body: tool.body_html, etag: r.etag });
      open.result.close();
    };
  };
})"""


class Wire:
    """The page's requests in the order it made them, with their sizes on the wire."""

    def __init__(self, page: Page) -> None:
        self.requests: list[Request] = []
        page.on("request", lambda request: self.requests.append(request))

    def since(self, start: int, path: str) -> list[Request]:
        return [r for r in self.requests[start:] if urlsplit(r.url).path.startswith(path)]

    @staticmethod
    def size(request: Request) -> int:
        sizes = request.sizes()
        return int(sizes["responseBodySize"] + sizes["responseHeadersSize"])


def locale_of(request: Request) -> str:
    return parse_qs(urlsplit(request.url).query)["locale"][0]


@pytest.fixture
def editor(live_server: LiveServer, server_db: Engine) -> dict[str, str]:  # noqa: F811
    return staff(live_server, server_db, Role.editor)


def _publish_tool(live_server: LiveServer, editor: dict[str, str], old: str, new: str) -> int:
    """Save the English of tool 7.1 with `old` replaced by `new` and publish it, as the
    editor's screen does; returns the content sequence number the publish took."""
    path = f"{live_server.url}/api/v1/admin/content/item/{TOOL}/en"
    draft = httpx.get(path, headers=editor, timeout=10).json()
    body = draft["fields"]["body_md"]
    assert old in body
    saved = httpx.put(
        path,
        json={"base_rev": draft["base_rev"], "fields": {"body_md": body.replace(old, new, 1)}},
        headers=editor,
        timeout=10,
    )
    assert saved.status_code == 200, saved.text
    published = httpx.post(
        f"{live_server.url}/api/v1/admin/content/publish",
        json={"targets": [{"kind": "item", "key": TOOL, "locale": "en"}]},
        headers=editor,
        timeout=30,
    )
    assert published.status_code == 200, published.text
    return int(published.json()["seq"])


@pytest.fixture
def fix_the_figure(live_server: LiveServer, editor: dict[str, str]) -> Iterator[Callable[[], int]]:
    done: list[int] = []

    def publish() -> int:
        done.append(_publish_tool(live_server, editor, OLD, NEW))
        return done[-1]

    yield publish
    if done:  # the old text again: French is no longer stale, as before
        _publish_tool(live_server, editor, NEW, OLD)


def test_a_published_fix_reaches_the_phone_as_a_small_delta(
    page: Page, live_server: LiveServer, fix_the_figure: Callable[[], int]
) -> None:
    wire = Wire(page)
    first_run(page)  # English
    page.goto("/fr/")  # and French: both stored on the phone
    wait_view(page, "home")
    en_bundle = live_server.get("/api/v1/content/en").json()
    title = next(i["title"] for i in en_bundle["items"] if i["slug"] == TOOL)
    before = {loc: page.evaluate(STORED, loc) for loc in ("en", "fr")}
    assert before["fr"]["stale"] is False and NEW not in before["en"]["body"]

    # A reader opens the English page, goes down to the feedback box and starts typing.
    # (Opening it restarts the app, which brings both languages up to date: wait for that.)
    with page.expect_response(lambda r: "/api/v1/sync/content?locale=fr" in r.url):
        page.goto(f"/en/tools/{TOOL}")
    wait_view(page, "item")
    expect(page.locator("main")).not_to_contain_text(NEW)
    page.get_by_role("button", name="Something is wrong").click()
    feedback = page.get_by_label("What should we know? (optional)")
    expect(feedback).to_be_focused()
    page.keyboard.type("The figure in the second ")
    at = feedback.bounding_box()
    assert at is not None and page.evaluate("window.scrollY") > 0  # in the middle of the page

    # The editor publishes the fix; the phone comes back online.
    start = len(wire.requests)
    seq = fix_the_figure()
    page.evaluate(ONLINE)

    notice = page.locator("[data-content-updated]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Guidance updated")
    expect(notice.locator("li")).to_have_text([title])
    expect(notice.get_by_role("link", name=title)).to_have_attribute("href", f"/en/tools/{TOOL}")

    # Not interrupted: same screen, same place on it, the text and the caret where they were.
    expect(page.locator("main")).to_have_attribute("data-refresh-deferred", str(seq))
    wait_view(page, "item")
    expect(feedback).to_be_focused()
    expect(feedback).to_have_value("The figure in the second ")
    after = feedback.bounding_box()
    assert after is not None and abs(after["y"] - at["y"]) < 1, (at, after)
    page.keyboard.type("paragraph is new.")
    expect(feedback).to_have_value("The figure in the second paragraph is new.")

    # Only that change came, under 2 KB, and no bundle.
    deltas = wire.since(start, "/api/v1/sync/content")
    assert sorted(locale_of(r) for r in deltas) == ["en", "fr"]
    assert wire.since(start, "/api/v1/content/") == [], "a bundle was downloaded"
    for request in deltas:
        response = request.response()
        assert response is not None and response.status == 200
        page_json = response.json()
        assert [(c["type"], c["slug"], c["op"]) for c in page_json["changes"]] == [
            ("item", TOOL, "patch")  # the changed figure and flags, not the whole page
        ], locale_of(request)
        assert parse_qs(urlsplit(request.url).query)["patches"] == ["1"]
        assert page_json["has_more"] is False and page_json["version"] == seq
    delta_bytes = sum(Wire.size(r) for r in deltas)
    delta_bodies = sum(int(r.sizes()["responseBodySize"]) for r in deltas)
    encodings = {(r.response().headers.get("content-encoding") or "identity") for r in deltas}  # type: ignore[union-attr]
    # What the phone would have downloaded instead, compressed as Chromium asks.
    accept = {"Accept-Encoding": deltas[0].headers.get("accept-encoding", "gzip")}
    bundles = 0
    for loc in ("en", "fr"):
        with httpx.stream("GET", f"{live_server.url}/api/v1/content/{loc}", headers=accept) as r:
            r.read()
            bundles += r.num_bytes_downloaded
    print(
        f"\ncontent delta on the wire (en + fr): {delta_bytes} B with headers, bodies "
        f"{delta_bodies} B ({', '.join(sorted(encodings))}); "
        f"the two bundles (bodies, {accept['Accept-Encoding']}): {bundles} B"
    )
    assert delta_bytes < DELTA_BUDGET and delta_bytes * 50 < bundles

    # Stored: both languages at the new cursor, with the change.
    now = {loc: page.evaluate(STORED, loc) for loc in ("en", "fr")}
    assert now["en"]["cursor"] == now["fr"]["cursor"] == f"k1.{seq}"
    assert NEW in now["en"]["body"] and now["en"]["version"] == seq
    assert now["fr"]["stale"] is True and now["fr"]["body"] == before["fr"]["body"]

    # The reader opens the page from the notice: the new text.
    notice.get_by_role("link", name=title).click()
    wait_view(page, "item")
    expect(page.locator("main")).to_contain_text(NEW)
    expect(notice).to_be_hidden()
    # In French: the translation is kept, and says that its English original changed.
    page.goto(f"/fr/tools/{TOOL}")
    wait_view(page, "item")
    expect(page.locator("[data-translation=stale]").first).to_be_visible()
    assert wire.since(start, "/api/v1/content/") == [], "a bundle was downloaded"


@pytest.fixture
def cursor_floor(server_db: Engine) -> Iterator[Callable[[int], None]]:  # noqa: F811
    """Raises min_valid_seq as compaction does (app/content/feed.py compact_feed, tested in
    tests/test_content_feed_compaction.py); put back afterwards."""
    with Session(server_db) as session:
        state = session.get(ContentState, 1)
        assert state is not None
        old = state.min_valid_seq

    def raise_to(seq: int) -> None:
        with Session(server_db) as session:
            state = session.get(ContentState, 1)
            assert state is not None
            state.min_valid_seq = seq
            session.add(state)
            session.commit()

    yield raise_to
    raise_to(old)


def test_an_expired_cursor_downloads_the_bundle_again(
    context: BrowserContext,
    live_server: LiveServer,
    fix_the_figure: Callable[[], int],
    cursor_floor: Callable[[int], None],
) -> None:
    page, errors = watched(context, allowed=r"status of 410")  # the browser reports the 410
    wire = Wire(page)
    first_run(page)
    held = page.evaluate(STORED, "en")["cursor"]
    seq = fix_the_figure()
    cursor_floor(seq)  # the phone's cursor is now older than the compacted feed

    start = len(wire.requests)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/content/en")) as download:
        page.reload()
    assert download.value.status == 200
    gone = wire.since(start, "/api/v1/sync/content")
    assert gone and gone[0].response().status == 410  # type: ignore[union-attr]
    assert parse_qs(urlsplit(gone[0].url).query)["since"] == [held]
    expect(page.locator("[data-content-updated] li")).to_have_count(1)

    stored: dict[str, Any] = page.evaluate(STORED, "en")
    assert stored["cursor"] == f"k1.{seq}" and NEW in stored["body"]
    # And it keeps working: the next sync is a delta again, with nothing to bring.
    start = len(wire.requests)
    with page.expect_response(lambda r: "/api/v1/sync/content?locale=en" in r.url) as nothing:
        page.evaluate(ONLINE)
    assert nothing.value.status == 200 and nothing.value.json()["changes"] == []
    page.goto(f"/en/tools/{TOOL}")
    wait_view(page, "item")
    expect(page.locator("main")).to_contain_text(NEW)
    assert wire.since(start, "/api/v1/content/") == []
    assert errors == []


# The stored tool 7.1 of a language, its English body one character longer than the server's:
# no patch made from the server's view fits it any more.
TAMPER = """(locale) => new Promise((resolve, reject) => {
  const open = indexedDB.open('homeward');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('bundles', 'readwrite');
    const store = tx.objectStore('bundles');
    store.get(locale).onsuccess = (e) => {
      const r = e.target.result;
      const tool = r.data.items.find((i) => i.slug === 'tool-7-1');
      tool.body_html += ' ';
      store.put(r);
    };
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def test_a_patch_that_does_not_fit_downloads_the_bundle_again(
    page: Page, live_server: LiveServer, fix_the_figure: Callable[[], int]
) -> None:
    wire = Wire(page)
    first_run(page)
    held = page.evaluate(STORED, "en")
    page.evaluate(TAMPER, "en")
    seq = fix_the_figure()

    start = len(wire.requests)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/content/en")) as download:
        page.evaluate(ONLINE)
    assert download.value.status == 200
    (pulled,) = wire.since(start, "/api/v1/sync/content")
    assert [c["op"] for c in pulled.response().json()["changes"]] == ["patch"]  # type: ignore[union-attr]
    expect(page.locator("[data-content-updated] li")).to_have_count(1)
    stored: dict[str, Any] = page.evaluate(STORED, "en")
    assert stored["cursor"] == f"k1.{seq}" != held["cursor"]
    assert NEW in stored["body"] and not stored["body"].endswith(" ")  # the server's, whole
