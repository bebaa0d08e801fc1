"""Reader details from the field test on cheap phones (issue 8): lists in the locale's own
punctuation, "Clear all my ticks" asks first, returnee pages link the pages they name, and
search finds the items a reader sees in English with the words of their own language."""

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, wait_view

pytestmark = pytest.mark.browser


def is_letter(ch: str) -> bool:
    return bool(ch) and unicodedata.category(ch).startswith(("L", "N"))


STORE_COUNT = """(store) => new Promise((r) => {
  const o = indexedDB.open('homeward');
  o.onsuccess = () => {
    const q = o.result.transaction(store).objectStore(store).count();
    q.onsuccess = () => { o.result.close(); r(q.result); };
  };
})"""

HAS_BUNDLE = """(code) => new Promise((r) => {
  const o = indexedDB.open('homeward');
  o.onsuccess = () => {
    const q = o.result.transaction('bundles').objectStore('bundles').getKey(code);
    q.onsuccess = () => { o.result.close(); r(q.result === code); };
  };
})"""


def get(live_server: LiveServer, path: str) -> Any:
    r = live_server.get(path)
    r.raise_for_status()
    return r.json()


def test_arabic_lists_use_arabic_separators(page: Page) -> None:
    page.goto("/ar/glossary")
    wait_view(page, "glossary")
    used = page.locator(".used-in").filter(has=page.locator("a:nth-of-type(3)")).first
    text = used.inner_text()
    assert "," not in text, text  # no Latin comma between Arabic titles
    expected = page.evaluate(
        "new Intl.ListFormat('ar', {type: 'conjunction'}).format(['a', 'b', 'c'])"
    )
    separator = expected.split("b")[0][1:]  # what Arabic puts between the first two items
    assert separator.strip() and separator.strip() in text


def test_clear_all_ticks_asks_first(page: Page) -> None:
    first_run(page, "worker")
    page.get_by_role("navigation").get_by_role("link", name="Checklists").click()
    page.locator(".cards a").first.click()
    wait_view(page, "checklist")
    page.locator(".checklist input[type=checkbox]").first.check()
    expect(page.locator("[data-progress]")).to_have_attribute("data-done", "1")
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    wait_view(page, "settings")
    page.get_by_role("button", name="Clear all my ticks").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Remove all your ticks from this device?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert page.evaluate(STORE_COUNT, "steps") == 1  # kept
    page.get_by_role("button", name="Clear all my ticks").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove all ticks").click()
    expect(
        page.get_by_role("status").filter(has_text="All your ticks were removed")
    ).to_be_visible()
    assert page.evaluate(STORE_COUNT, "steps") == 0


# The box of the step shown at the bottom edge of the screen: what a tap on its centre hits.
BOX_AT_BOTTOM = """() => {
  const boxes = [...document.querySelectorAll('.checklist input[type=checkbox]')];
  const box = boxes.find((b) => b.getBoundingClientRect().top > innerHeight);  // below the fold
  const r = box.getBoundingClientRect();
  window.scrollBy(0, r.bottom - innerHeight + r.height / 2);  // half of it below the edge
  const now = box.getBoundingClientRect();
  const hit = document.elementFromPoint(now.left + now.width / 2, now.top + now.height / 4);
  return { hit: hit === box || box.closest('label').contains(hit), nav: !!hit?.closest('nav') };
}"""


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_navigation_never_covers_a_box_to_tick(page: Page, locale: str) -> None:
    """On a checklist the navigation follows the list instead of floating over it (a tap meant
    for a box near the bottom of the screen would leave the screen; axe's target-size)."""
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"/{locale}/checklists/pre-return")
    wait_view(page, "checklist")
    expect(page.locator("nav.tabs")).to_be_attached()
    assert page.evaluate(BOX_AT_BOTTOM) == {"hit": True, "nav": False}


def test_returnee_pages_link_the_pages_they_name(page: Page, en_bundle: dict[str, Any]) -> None:
    first_run(page, "worker")
    page.goto("/en/pages/what-happens-next")
    wait_view(page, "item")
    by_title = {i["title"]: i["slug"] for i in en_bundle["items"]}
    for name, title in (
        ("Staying: reflection period and permits", "Staying: reflection period and permits"),
        ("Asking for asylum", "Asking for asylum"),
        ("Going home safely", "Going home safely"),
    ):
        link = page.locator(".prose strong a", has_text=re.compile(f"^{name}$"))
        expect(link).to_have_attribute("href", f"/en/pages/{by_title[title]}")
    link.click()
    wait_view(page, "item")
    expect(page.locator("article")).to_have_attribute("data-slug", by_title["Going home safely"])


def test_search_finds_english_fallbacks_with_the_readers_words(
    page: Page, live_server: LiveServer, untranslated: Callable[[str, str], None]
) -> None:
    untranslated("tool-7-8", "uk")  # everything ships translated: take one away
    uk = get(live_server, "/api/v1/content/uk")
    en = {g["key"]: g for g in get(live_server, "/api/v1/content/en")["glossary"]}
    fallbacks = [i for i in uk["items"] if i["fallback"]]
    assert [i["slug"] for i in fallbacks] == ["tool-7-8"]
    # A Ukrainian glossary word, whose English word is in an English-only item and which does
    # not itself occur in it (so only the glossary can bridge the two).
    choice = None
    for item in sorted(fallbacks, key=lambda i: i["slug"] != "tool-7-8"):
        text = (item["title"] + " " + item["summary"] + " " + item["body_html"]).lower()
        for g in uk["glossary"]:
            if g["fallback"] or g["key"] not in en:
                continue
            if en[g["key"]]["term"].lower() in text and g["term"].lower() not in text:
                choice = (item, g)
                break
        if choice:
            break
    assert choice, "no glossary term to search with"
    item, term = choice
    page.goto("/uk/")  # downloads Ukrainian, then English (kept as the last fallback)
    while not page.evaluate(HAS_BUNDLE, "en"):  # a condition, polled: English is stored
        page.wait_for_timeout(100)
    page.goto("/uk/search")
    wait_view(page, "search")
    page.locator("input[type=search]").fill(term["term"])
    expect(page.locator(f".results li[data-id='{item['slug']}']")).to_be_visible()
    assert "q=" not in page.url  # search terms never go into the address


def test_glossary_terms_are_linked_in_thai(page: Page, live_server: LiveServer) -> None:
    """Thai is written without spaces between words: terms are found by word segmentation,
    also where no space or punctuation sets them apart (where the old matcher never looked)."""
    th = get(live_server, "/api/v1/content/th")
    terms = [g for g in th["glossary"] if g["locale"] == "th"]
    glued: list[tuple[str, str]] = []  # (page slug, term key) where the term only occurs glued
    for item in th["items"]:
        if item["kind"] != "page" or item["locale"] != "th":
            continue
        text = re.sub(r"<[^>]+>", " ", item["body_html"])
        for g in terms:
            spots = [m.start() for m in re.finditer(re.escape(g["term"]), text)]
            end = len(g["term"])
            spaced = [
                i
                for i in spots
                if not is_letter(text[i - 1 : i]) and not is_letter(text[i + end : i + end + 1])
            ]
            if spots and not spaced:
                glued.append((item["slug"], g["key"]))
    assert glued, "no Thai glossary term written without spaces around it"
    linked = []
    for slug, key in glued:
        page.goto(f"/th/pages/{slug}")
        wait_view(page, "item")
        if page.locator(f".prose a.term[data-term='{key}']").count():
            linked.append((slug, key))
    assert linked, f"none of {glued} is linked"


def test_legal_basis_fragments_carry_their_own_language(
    page: Page, live_server: LiveServer
) -> None:
    """Issue 12: each fragment of a "Legal basis" line says which language it is really in
    (a screen reader then speaks Persian with a Persian voice), not lang="en" on the line."""
    fa = get(live_server, "/api/v1/content/fa")
    tool = next(i for i in fa["items"] if i["slug"] == "tool-7-8")
    assert tool["articles"], "tool 7.8 has no legal basis"
    assert {a["title_locale"] for a in tool["articles"] if a["title"]} == {"fa"}
    assert {a["instrument_name_locale"] for a in tool["articles"]} == {"fa"}
    page.goto("/fa/tools/tool-7-8")
    wait_view(page, "item")
    rows = page.locator(".articles li")
    expect(rows).to_have_count(len(tool["articles"]))
    for n, a in enumerate(tool["articles"]):
        name = rows.nth(n).locator("strong bdi").first
        expect(name).to_have_attribute("lang", a["instrument_name_locale"])
        expect(name).to_have_text(a["instrument_name"])
        if a["title"]:
            title = rows.nth(n).locator("span bdi")
            expect(title).to_have_attribute("lang", a["title_locale"])
            expect(title).to_have_text(a["title"])
