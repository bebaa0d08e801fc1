"""Issue #14: the field features, in real Chromium against a real server. Offline where the
issue says so (context.set_offline), waiting on conditions only."""

import json
import re
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_user
from app.core.config import PROJECT_ROOT
from app.core.db import build_engine
from tests.browser.conftest import LiveServer
from tests.browser.helpers import (
    first_run,
    go_offline,
    item_path,
    keep_field_offline,
    wait_sw_activated,
    wait_until,
    wait_view,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ARABIC = re.compile(r"[\u0600-\u06FF]")
JSQR = PROJECT_ROOT / "node_modules" / "jsqr" / "dist" / "jsQR.js"

READ_STORE = """async (name) => {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open('homeward');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  return await new Promise((resolve) => {
    const q = db.transaction(name).objectStore(name).getAll();
    q.onsuccess = () => resolve(q.result);
  });
}"""


@pytest.fixture(scope="module")
def server_db(live_server: LiveServer) -> Iterator[Engine]:
    engine = build_engine(live_server.database_url)
    yield engine
    engine.dispose()


def staff(live_server: LiveServer, server_db: Engine, role: Role) -> dict[str, str]:
    email = f"{role.value}-{secrets.token_hex(4)}@example.org"
    with Session(server_db) as session:
        create_user(session, email=email, role=role, password=PASSWORD)
    r = httpx.post(
        live_server.url + "/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def first_run_in(page: Page, locale: str, audience: str = "returnee") -> None:
    page.goto("/")
    wait_view(page, "welcome")
    page.locator(f"input[name=locale][value={locale}]").check()
    page.locator(f"input[name=audience][value={audience}]").check()
    if audience == "returnee":
        page.locator("input[name=discreet]").uncheck()
    page.locator("form button[type=submit]").click()
    wait_view(page, "home")


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


# --- 1. protocol cross-reference ---------------------------------------------------------------


def test_protocol_screen_links_articles_to_the_items_that_cite_them_offline(
    context: BrowserContext, page: Page, en_bundle: dict[str, Any]
) -> None:
    first_run(page, "worker")
    wait_sw_activated(page)
    keep_field_offline(page)
    go_offline(context)
    page.goto("/en/protocol")
    wait_view(page, "protocol")
    # Every item citing Protocol article 8 (in any paragraph) is linked from article 8.
    citing = [
        i
        for i in en_bundle["items"]
        if any(
            a["instrument"] == "protocol" and re.match(r"8(\D|$)", a["article"])
            for a in i["articles"]
        )
    ]
    assert citing
    art8 = page.locator("#protocol-8")
    expect(art8.locator(".summary")).to_contain_text("travel papers")
    hrefs = art8.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == sorted(item_path(i) for i in citing)
    # The CoE articles the content cites are there too, with their summaries.
    expect(page.locator("#coe-13 .summary")).to_contain_text("30 days")
    # From a tool's legal basis to its article, and on to another page resting on it.
    page.goto("/en/tools/tool-7-4")
    wait_view(page, "item")
    page.locator("[data-protocol-link][href='/en/protocol#protocol-8']").first.click()
    wait_view(page, "protocol")
    expect(page.locator("#protocol-8")).to_be_focused()
    screenshot(page, "protocol-en.png")


def test_protocol_summaries_in_arabic_are_marked_machine_translated(page: Page) -> None:
    first_run_in(page, "ar")
    page.goto("/ar/protocol")
    wait_view(page, "protocol")
    summary = page.locator("#protocol-8 .summary")
    expect(summary).to_have_attribute("lang", "ar")
    assert ARABIC.search(summary.inner_text())
    expect(page.locator("[data-translation=machine]")).to_be_visible()


def test_every_locale_has_a_summary_for_every_english_one() -> None:
    folder = PROJECT_ROOT / "frontend" / "protocol"
    en = json.loads((folder / "en.json").read_text())
    keys = [(a["instrument"], a["article"]) for a in en["articles"]]
    for locale in ("ar", "es", "fa", "fr", "ro", "ru", "th", "uk", "vi"):
        data = json.loads((folder / f"{locale}.json").read_text())
        assert data["status"] == "machine", locale
        assert [(a["instrument"], a["article"]) for a in data["articles"]] == keys, locale
        assert all(a["summary"].strip() for a in data["articles"]), locale


# --- 2. print ----------------------------------------------------------------------------------


def test_print_media_hides_navigation_and_the_chapter_prints_offline(
    context: BrowserContext, page: Page, en_bundle: dict[str, Any]
) -> None:
    first_run(page, "worker")
    wait_sw_activated(page)
    keep_field_offline(page)
    go_offline(context)
    page.goto("/en/tools/tool-7-4")
    wait_view(page, "item")
    expect(page.locator("nav.tabs")).to_be_visible()
    page.emulate_media(media="print")
    for selector in ("nav.tabs", "header.bar", "[data-feedback]", "[data-item-tools]"):
        expect(page.locator(selector)).to_be_hidden()
    expect(page.locator("article.item h1")).to_be_visible()
    # Sources print with their addresses (paper has no links).
    after = page.locator(".sources a").first.evaluate("a => getComputedStyle(a, '::after').content")
    assert "http" in after or "attr" in after or "—" in after, after

    page.emulate_media(media="screen")
    page.goto("/en/print")
    wait_view(page, "print")
    chapter = [i for i in en_bundle["items"] if i["kind"] in ("overview", "tool")]
    expect(page.locator("article.print-tool")).to_have_count(len(chapter))
    page.emulate_media(media="print")
    expect(page.locator("nav.tabs")).to_be_hidden()
    breaks = page.locator("article.print-tool").evaluate_all(
        "els => els.map(e => getComputedStyle(e).breakBefore)"
    )
    assert breaks[0] != "page" and all(b == "page" for b in breaks[1:]), breaks
    urls = page.locator("article.print-tool").first.locator(".footnotes .url")
    expect(urls.first).to_contain_text("http")
    pdf = page.pdf()  # Chromium renders the print layout, offline
    assert pdf.startswith(b"%PDF")


# --- 3. feedback -------------------------------------------------------------------------------


def test_feedback_is_queued_offline_and_delivered_once_online(
    context: BrowserContext, page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    editor = staff(live_server, server_db, Role.editor)
    first_run(page, "worker")
    wait_sw_activated(page)
    keep_field_offline(page)
    go_offline(context)
    page.goto("/en/tools/tool-7-6")
    wait_view(page, "item")
    box = page.locator("[data-feedback]")
    box.get_by_role("button", name="Something is wrong").click()
    text = f"The third paragraph repeats itself {uuid.uuid4().hex[:8]}"
    box.locator("textarea").fill(text)
    box.get_by_role("button", name="Send").click()
    expect(box.locator("[data-feedback-status]")).to_contain_text("when you are online")
    queued = page.evaluate(READ_STORE, "feedback")
    assert [(q["target_slug"], q["kind"], q["text"]) for q in queued] == [
        ("tool-7-6", "wrong", text)
    ]
    listed = httpx.get(live_server.url + "/api/v1/admin/feedback", headers=editor).json()
    assert text not in [f["text"] for f in listed]

    with page.expect_response(lambda r: r.url.endswith("/api/v1/feedback")) as sent:
        context.set_offline(False)  # fires `online`: the outbox is sent
    assert sent.value.status == 200
    wait_until(
        page,
        """async () => (await new Promise((resolve) => {
          const r = indexedDB.open('homeward');
          r.onsuccess = () => {
            const q = r.result.transaction('feedback').objectStore('feedback').count();
            q.onsuccess = () => resolve(q.result);
          };
        })) === 0""",
    )
    listed = httpx.get(live_server.url + "/api/v1/admin/feedback", headers=editor).json()
    mine = [f for f in listed if f["text"] == text]
    assert len(mine) == 1 and mine[0]["id"] == queued[0]["id"]
    assert mine[0]["target_slug"] == "tool-7-6" and mine[0]["kind"] == "wrong"


# --- 4. contacts -------------------------------------------------------------------------------


def test_contacts_ship_empty_with_an_explanation(page: Page, live_server: LiveServer) -> None:
    assert live_server.get("/api/v1/contacts").json() == {"contacts": []}
    first_run(page, "returnee")
    page.goto("/en/contacts")
    wait_view(page, "contacts")
    empty = page.locator("[data-contacts-empty]")
    expect(empty).to_contain_text("No organisations have been added yet.")
    expect(empty).to_contain_text("/api/v1/admin/contacts")
    expect(page.locator("a[href^='tel:']")).to_have_count(0)


def test_contacts_from_the_admin_api_are_searchable_offline_with_tel_links(
    context: BrowserContext, page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    admin = staff(live_server, server_db, Role.admin)
    made = []
    for entry in (
        {
            "country": "NG",
            "name": f"Test shelter {secrets.token_hex(3)}",
            "help_kind": "Shelter and counselling (test entry)",
            "phone": "+234 1 555 0100",
            "website": "https://example.org/shelter",
            "languages": ["en", "yo"],
            "hours": "Mon-Fri 9-17",
        },
        {
            "country": "UA",
            "name": f"Test legal aid {secrets.token_hex(3)}",
            "help_kind": "Legal advice (test entry)",
            "phone": "+380 44 555 0100",
        },
    ):
        r = httpx.post(live_server.url + "/api/v1/admin/contacts", json=entry, headers=admin)
        assert r.status_code == 201, r.text
        made.append(r.json())
    try:
        first_run(page, "returnee")
        wait_sw_activated(page)
        page.goto("/en/contacts")  # opened once online, the directory is kept on the phone
        wait_view(page, "contacts")
        wait_until(
            page,
            """async () => (await new Promise((resolve) => {
              const r = indexedDB.open('homeward');
              r.onsuccess = () => {
                const q = r.result.transaction('meta').objectStore('meta').get('contacts');
                q.onsuccess = () => resolve(q.result);
              };
            }))?.value.contacts.length >= 2""",
        )
        keep_field_offline(page)
        go_offline(context)
        page.goto("/en/contacts")
        wait_view(page, "contacts")
        cards = page.locator("[data-contacts] > li")
        expect(cards).to_have_count(len(made))
        page.get_by_label("Search the directory").fill("shelter")
        expect(cards).to_have_count(1)
        expect(cards.first.locator("h3")).to_have_text(made[0]["name"])
        expect(cards.first.locator("a[href='tel:+23415550100']")).to_have_text("+234 1 555 0100")
        page.get_by_label("Search the directory").fill("")
        page.get_by_label("Country of return").select_option("UA")
        expect(cards).to_have_count(1)
        expect(cards.first.locator("h3")).to_have_text(made[1]["name"])
        screenshot(page, "contacts-offline.png")
    finally:
        for c in made:
            httpx.delete(f"{live_server.url}/api/v1/admin/contacts/{c['id']}", headers=admin)


# --- 5. my return steps (Arabic, offline) ------------------------------------------------------


def test_steps_sheet_in_arabic_is_made_offline_and_shared_as_text(
    context: BrowserContext, page: Page, live_server: LiveServer
) -> None:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method != "GET" else None)
    first_run_in(page, "ar")
    wait_sw_activated(page)
    ar = live_server.get("/api/v1/content/ar").json()
    keep_field_offline(page)
    go_offline(context)
    page.goto("/ar/my-steps")
    wait_view(page, "mysteps")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    first = sorted(ar["checklists"], key=lambda c: c["order"])[0]
    picks = first["items"][:2]
    for i in picks:
        page.locator(f"input[name='{first['slug']}/{i['key']}']").check()
    # No Web Share API in desktop-headless Chromium: the text goes to the clipboard.
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("() => { delete Navigator.prototype.share; }")
    page.locator("[data-make-sheet]").click()
    sheet = page.locator("[data-sheet]")
    expect(sheet).to_be_visible()
    expect(sheet.locator("li strong")).to_have_text([i["action"] for i in picks])
    assert ARABIC.search(sheet.locator("h2").inner_text())
    sheet.locator("[data-share]").click()
    expect(page.locator("[data-share-status]")).not_to_be_empty()
    text = page.evaluate("() => navigator.clipboard.readText()")
    assert all(i["action"] in text for i in picks)
    page.emulate_media(media="print")
    expect(page.locator("nav.tabs")).to_be_hidden()
    expect(page.locator("fieldset").first).to_be_hidden()
    expect(sheet).to_be_visible()
    screenshot(page, "steps-sheet-ar-print.png")
    assert not [u for u in sent if "/api/" in u], sent  # nothing was sent to the server


# --- 6. read aloud -----------------------------------------------------------------------------

STUB_VOICE = """() => {
  const voice = { lang: 'en-US', name: 'Test voice', voiceURI: 't', localService: true };
  speechSynthesis.getVoices = () => [voice];
}"""


def test_read_aloud_is_hidden_without_a_voice_and_shown_with_one(
    context: BrowserContext, page: Page
) -> None:
    first_run(page, "returnee")
    page.goto("/en/pages/your-rights")
    wait_view(page, "item")
    expect(page.locator("[data-feedback]")).to_be_visible()  # the tools have loaded
    assert page.evaluate("() => speechSynthesis.getVoices().length") == 0
    expect(page.locator("[data-read-aloud]")).to_have_count(1)
    expect(page.locator("[data-read-aloud]")).to_be_hidden()

    page.add_init_script(f"({STUB_VOICE})()")
    page.reload()
    wait_view(page, "item")
    expect(page.locator("[data-read-aloud]")).to_be_visible()
    # A language the device has no voice for: hidden.
    page.goto("/fr/pages/your-rights")
    wait_view(page, "item")
    expect(page.locator("[data-read-aloud]")).to_have_count(1)
    expect(page.locator("[data-read-aloud]")).to_be_hidden()


# --- 7. QR code --------------------------------------------------------------------------------


def test_qr_code_decodes_to_the_page_in_the_chosen_language(
    page: Page, live_server: LiveServer
) -> None:
    if not JSQR.exists():
        pytest.fail(f"{JSQR} is missing: run `npm ci` (jsqr is a pinned dev dependency)")
    first_run(page, "worker")
    page.goto("/en/pages/going-home-safely")
    wait_view(page, "item")
    page.locator("[data-qr]").click()
    dialog = page.locator("dialog.qr-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("select").select_option("fa")
    expected = f"{live_server.url}/fa/pages/going-home-safely"
    expect(dialog.locator("[data-qr-url]")).to_have_text(expected)
    # jsQR from node_modules (never served), evaluated through the DevTools protocol, which
    # the page's CSP does not govern (a script tag would be refused by it, rightly).
    page.evaluate("() => {" + JSQR.read_text() + "\n}")
    decoded = page.evaluate(
        """() => {
          const c = document.querySelector('[data-qr-code]');
          const img = c.getContext('2d').getImageData(0, 0, c.width, c.height);
          const code = jsQR(img.data, img.width, img.height);
          return code && code.data;
        }"""
    )
    assert decoded == expected


# --- 8. pass the guide on ----------------------------------------------------------------------


def test_guide_file_made_offline_in_arabic_opens_from_disk_right_to_left(
    browser: Browser,
    context: BrowserContext,
    page: Page,
    device: dict[str, Any],
    tmp_path: Path,
    live_server: LiveServer,
) -> None:
    first_run_in(page, "ar")
    wait_sw_activated(page)
    ar = live_server.get("/api/v1/content/ar").json()
    keep_field_offline(page)
    go_offline(context)
    page.goto("/ar/pass-on")
    wait_view(page, "passon")
    with page.expect_download() as info:
        page.locator("[data-save-file]").click()
    download = info.value
    assert download.suggested_filename.startswith("homeward-ar-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert f'content="{ar["version"]}"' in html

    fresh = browser.new_context(**device, offline=True, java_script_enabled=False)
    try:
        reader = fresh.new_page()
        requests: list[str] = []
        reader.on("request", lambda r: requests.append(r.url))
        reader.goto(path.as_uri())
        expect(reader.locator("html")).to_have_attribute("dir", "rtl")
        expect(reader.locator("html")).to_have_attribute("lang", "ar")
        assert reader.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
        first = sorted(ar["items"], key=lambda i: i["order"])[0]
        expect(reader.locator(f"section#{first['slug']} > h2")).to_have_text(first["title"])
        expect(reader.locator("#glossary dt").first).to_be_visible()
        assert ARABIC.search(reader.locator("[data-made]").inner_text())
        assert str(ar["version"]) in reader.locator("[data-made]").inner_text()
        # Text starts at the right edge: the heading's box hugs the right side.
        box = reader.locator("header h1").bounding_box()
        width = (reader.viewport_size or {"width": 412})["width"]
        assert box and box["x"] + box["width"] > width * 0.8
        assert [u for u in requests if not u.startswith("file:")] == []
        reader.screenshot(path=str(tmp_path / "guide.png"))
        ARTIFACTS.mkdir(exist_ok=True)
        reader.screenshot(path=str(ARTIFACTS / "pass-on-ar-from-disk.png"), full_page=False)
    finally:
        fresh.close()


# --- 9. install --------------------------------------------------------------------------------


def test_install_control_uses_the_browser_prompt_or_explains(page: Page) -> None:
    first_run(page, "returnee")
    page.goto("/en/settings")
    wait_view(page, "settings")
    expect(page.locator("[data-install=instructions]")).to_be_visible()
    page.evaluate(
        """() => {
          const e = new Event('beforeinstallprompt', { cancelable: true });
          e.prompt = async () => { window.__prompted = true; };
          e.userChoice = Promise.resolve({ outcome: 'accepted' });
          window.dispatchEvent(e);
        }"""
    )
    button = page.locator("button[data-install=prompt]")
    expect(button).to_have_text("Install Homeward")
    button.click()
    page.wait_for_function("() => window.__prompted === true")
    expect(page.locator("[data-install=instructions]")).to_be_visible()
