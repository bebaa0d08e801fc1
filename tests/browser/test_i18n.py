"""The reader's language in a real browser: first visit in the phone's language, catalogs stored
with the bundle, switching offline, plurals and dates per locale, right-to-left, and the
fallback / stale / machine notices (issue 4).

UI strings are checked against whatever the server's catalog provides for that msgid (the
English msgid where it has no translation yet), so the tests hold while translators fill the
catalogs and prove the catalog is applied once they have."""

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel import Locale
from playwright.sync_api import Browser, Page, Route, expect
from sqlmodel import Session, col, select

from app.content.models import ContentItem, ContentItemTranslation
from app.content.write import edit_text
from app.core.config import PROJECT_ROOT
from app.core.db import build_engine
from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, go_offline, wait_sw_activated, wait_until, wait_view

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
NAV = ("Home", "Checklists", "Glossary", "Search", "Settings")
PROGRESS = "{done} of {n} step done"
ARABIC = re.compile(r"[\u0600-\u06FF]")
THAI = re.compile(r"[\u0E00-\u0E7F]")
axe = Axe()

HAS_BUNDLE = """(code) => new Promise((resolve) => {
  const open = indexedDB.open('homeward');
  open.onsuccess = () => {
    const get = open.result.transaction('bundles').objectStore('bundles').getKey(code);
    get.onsuccess = () => { open.result.close(); resolve(get.result === code); };
  };
})"""

RECORD = """(code) => new Promise((resolve) => {
  const open = indexedDB.open('homeward');
  open.onsuccess = () => {
    const get = open.result.transaction('bundles').objectStore('bundles').get(code);
    get.onsuccess = () => {
      const r = get.result;
      open.result.close();
      resolve(r && { etag: r.etag, bytes: r.bytes, catalog: r.catalog && {
        etag: r.catalog.etag, dir: r.catalog.dir, bytes: r.catalog.bytes,
        count: Object.keys(r.catalog.messages).length } });
    };
  };
})"""

PLURALS = """async ([locale, forms, numbers]) => {
  const m = await import('/static/js/i18n.js');
  m.setCatalog(locale, 'ltr', { '{n} step': forms });
  return {
    got: numbers.map((n) => m.nt('{n} step', '{n} steps', n)),
    shown: numbers.map((n) => new Intl.NumberFormat(locale).format(n)),
  };
}"""


# --- what the server says ------------------------------------------------------------------


def _get_json(live_server: LiveServer, path: str) -> Any:
    # Never cached: translators are filling the catalogs, and one test changes content.
    r = live_server.get(path)
    r.raise_for_status()
    return r.json()


def catalog(live_server: LiveServer, locale: str) -> dict[str, Any]:
    return dict(_get_json(live_server, f"/api/v1/i18n/{locale}")["messages"])


def bundle(live_server: LiveServer, locale: str) -> dict[str, Any]:
    return dict(_get_json(live_server, f"/api/v1/content/{locale}"))


def tr(messages: dict[str, Any], msgid: str, **params: str) -> str:
    """What the app must show for msgid: the translation if the catalog has one."""
    text = messages.get(msgid)
    text = text if isinstance(text, str) and text else msgid
    for key, value in params.items():
        text = text.replace("{" + key + "}", value)
    return text


def category(locale: str, n: float) -> str:
    return str(Locale.parse(locale).plural_form(n))


# --- pages -----------------------------------------------------------------------------------


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, device: dict[str, Any]
) -> Iterator[Callable[..., Page]]:
    """Pages in fresh profiles with a given browser language (navigator.languages and
    Accept-Language); any script error or console error fails the test."""
    contexts = []
    errors: list[str] = []

    def make(locale: str | None = None) -> Page:
        options: dict[str, Any] = {**device, "base_url": live_server.url}
        if locale:
            options["locale"] = locale
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        page.on(
            "console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None
        )
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    assert not errors, f"errors in the page: {errors}"


def assert_lang(page: Page, lang: str, direction: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction)


def assert_accessible(page: Page, screen: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{screen}:\n{results.generate_report()}"


def assert_chrome_in(page: Page, messages: dict[str, Any]) -> None:
    expect(page.get_by_role("navigation").locator("a")).to_have_text([tr(messages, m) for m in NAV])
    expect(page.locator("header [data-quick-exit]")).to_have_text(tr(messages, "Quick exit"))


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))  # what the phone shows


def welcome_continue(page: Page, audience: str) -> None:
    """Finish the first-run screen whatever language it is in (discreet mode off, so that the
    address follows the screens)."""
    page.locator(f"input[name=audience][value={audience}]").check()
    if audience == "returnee":
        page.locator("input[name=discreet]").uncheck()
    page.locator("form button[type=submit]").click()
    wait_view(page, "home")


def pages_in_order(b: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((i for i in b["items"] if i["kind"] == "page"), key=lambda i: i["order"])


# --- tests -----------------------------------------------------------------------------------


def test_first_visit_in_arabic(new_page: Callable[..., Page], live_server: LiveServer) -> None:
    page = new_page("ar")
    ar = catalog(live_server, "ar")
    english_downloads: list[str] = []
    page.on(
        "request",
        lambda r: english_downloads.append(r.url) if r.url.endswith("/api/v1/content/en") else None,
    )
    page.goto("/")
    wait_view(page, "welcome")
    assert_lang(page, "ar", "rtl")
    expect(page.locator("h1")).to_have_text(tr(ar, "Welcome to Homeward"))
    expect(page.locator("input[name=locale][value=ar]")).to_be_checked()
    expect(page.locator("label", has=page.locator("input[value=ar]"))).to_have_text("العربية")
    assert_accessible(page, "welcome (ar)")

    welcome_continue(page, "returnee")
    assert page.url == f"{live_server.url}/ar/"
    assert_lang(page, "ar", "rtl")
    pages = pages_in_order(bundle(live_server, "ar"))
    assert all(ARABIC.search(p["title"]) for p in pages)
    expect(page.locator("[data-list=pages] h3")).to_have_text([p["title"] for p in pages])
    assert_chrome_in(page, ar)
    # RTL: quick exit at the inline end, which is the left.
    box = page.locator("header [data-quick-exit]").bounding_box()
    assert box and box["x"] + box["width"] < (page.viewport_size or {"width": 412})["width"] / 2
    assert_accessible(page, "home (ar)")
    screenshot(page, "home-ar.png")

    # The catalog is kept inside the Arabic bundle record, with its ETag. English is not
    # downloaded: nothing in the Arabic bundle falls back to it (issue #13: a reader of a
    # complete translation does not pay for the English bundle).
    record = page.evaluate(RECORD, "ar")
    assert record["catalog"]["etag"] == live_server.get("/api/v1/i18n/ar").headers["etag"]
    assert record["catalog"]["dir"] == "rtl" and record["catalog"]["count"] == len(ar)
    ar_bundle = bundle(live_server, "ar")
    leans = [
        d
        for d in (*ar_bundle["items"], *ar_bundle["checklists"], *ar_bundle["glossary"])
        if d["stale"] or (d["fallback"] and d["locale"] == "en")
    ]
    if leans:
        wait_until(page, HAS_BUNDLE, "en")  # a fallback needs it

    # Remembered: opening the app again goes to Arabic; the catalog is revalidated with its
    # ETag like the bundle (304: nothing downloaded again).
    with page.expect_response(lambda r: r.url.endswith("/api/v1/i18n/ar")) as info:
        page.goto("/")
        page.wait_for_url("**/ar/")
    assert info.value.status == 304
    assert info.value.request.headers.get("if-none-match") == record["catalog"]["etag"]
    wait_view(page, "home")
    assert_lang(page, "ar", "rtl")
    if not leans:
        assert english_downloads == [], "English was downloaded though nothing falls back to it"
        assert not page.evaluate(HAS_BUNDLE, "en")


def test_the_first_screen_is_readable_before_any_script(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    """Issue #13: on a slow link the scripts take several round trips; the page the server
    sends is already in the reader's language, right to left, with a quick exit that works
    without them (a plain link to the organisation's page)."""
    page = new_page("ar")
    ar = catalog(live_server, "ar")
    # Scripts that have not arrived yet: empty modules (an aborted request is a console error).
    page.route(
        "**/static/js/**",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=""),
    )
    page.goto("/")
    assert_lang(page, "ar", "rtl")
    expect(page.locator("main [role=status]")).to_have_text(tr(ar, "Opening the guide…"))
    link = page.locator("header a[data-quick-exit]")
    expect(link).to_have_text(tr(ar, "Quick exit"))
    box = link.bounding_box()  # at the inline end, which is the left
    assert box and box["x"] + box["width"] < (page.viewport_size or {"width": 412})["width"] / 2
    assert_accessible(page, "shell before its scripts (ar)")
    screenshot(page, "shell-ar.png")
    link.click()
    page.wait_for_url("**/static/recipe.html")


def test_a_guide_page_is_readable_before_any_script(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    """Issue #13: a link to a guide page opens on the page itself, drawn by the server in the
    reader's language (app/pwa/prerender.py), before the app's scripts and bundle arrive."""
    page = new_page("ar")
    ar, content = catalog(live_server, "ar"), bundle(live_server, "ar")
    checklist = next(c for c in content["checklists"] if c["slug"] == "pre-return")
    page.route(
        "**/static/js/**",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=""),
    )
    page.goto("/ar/checklists/pre-return")
    assert_lang(page, "ar", "rtl")
    expect(page.locator("main h1")).to_have_text(checklist["title"])
    expect(page.locator("main [data-translation=machine]")).to_have_text(
        tr(ar, "Not yet checked by a translator.")
    )
    steps = page.locator("main ol.checklist > li")
    expect(steps).to_have_count(len(checklist["items"]))
    expect(steps.first).to_contain_text(checklist["items"][0]["action"])
    expect(page.locator("main input[type=checkbox]:not([disabled])")).to_have_count(0)
    expect(page.locator("header a[data-quick-exit]")).to_have_text(tr(ar, "Quick exit"))
    assert_accessible(page, "checklist drawn by the server, before its scripts (ar)")
    screenshot(page, "prerendered-checklist-ar.png")


def test_the_app_takes_over_the_drawn_page_without_a_flash(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    """While the bundle is still on its way the drawn page stays (no "Downloading the guide…"
    in its place), and the app's own page puts its title and text where they were."""
    page = new_page("en")
    item = next(i for i in bundle(live_server, "en")["items"] if i["slug"] == "overview")
    held: list[Route] = []
    page.route("**/api/v1/content/en", lambda route: held.append(route))  # answered below
    with page.expect_request(lambda r: r.url.endswith("/api/v1/content/en")):
        page.goto("/en/pages/overview")
    expect(page.locator("header [data-wipe-exit]")).to_be_attached()  # the app is running
    expect(page.locator("main h1")).to_have_text(item["title"])
    expect(page.locator("main .loading")).to_have_count(0)
    first_text = page.locator("main .prose > p").first
    drawn = (page.locator("main h1").bounding_box(), first_text.bounding_box())
    expect(page.locator("main[data-view]")).to_have_count(0)
    held[0].continue_()
    wait_view(page, "item")
    assert (page.locator("main h1").bounding_box(), first_text.bounding_box()) == drawn
    expect(page.locator("main h1")).to_be_focused()  # as after any navigation


@pytest.mark.parametrize(
    ("browser_locale", "expected"), [("fr-CA", "fr"), ("uk-UA", "uk"), ("de-DE", "en")]
)
def test_first_choice_follows_the_browser(
    new_page: Callable[..., Page], live_server: LiveServer, browser_locale: str, expected: str
) -> None:
    """fr-CA falls back to fr; a language Homeward does not have gives English."""
    page = new_page(browser_locale)
    page.goto("/")
    wait_view(page, "welcome")
    assert_lang(page, expected, "ltr")
    expect(page.locator(f"input[name=locale][value={expected}]")).to_be_checked()
    expect(page.locator("h1")).to_have_text(
        tr(catalog(live_server, expected), "Welcome to Homeward")
    )
    if expected != "en":
        return
    # Picking another language shows the first-run screen in it at once, keeps what was
    # already chosen, and keeps the focus on the choice.
    page.locator("input[name=audience][value=worker]").check()
    page.locator("input[name=locale][value=fa]").click()  # the screen is redrawn in Farsi
    assert_lang(page, "fa", "rtl")
    expect(page.locator("h1")).to_have_text(tr(catalog(live_server, "fa"), "Welcome to Homeward"))
    expect(page.locator("input[name=locale][value=fa]")).to_be_focused()
    expect(page.locator("input[name=audience][value=worker]")).to_be_checked()
    page.locator("form button[type=submit]").click()
    wait_view(page, "home")
    assert page.url == f"{live_server.url}/fa/"


def test_switch_to_thai_offline(new_page: Callable[..., Page], live_server: LiveServer) -> None:
    page = new_page()
    first_run(page, "returnee")
    wait_sw_activated(page)
    page.goto("/en/settings")
    wait_view(page, "settings")
    page.get_by_label("Download another language").select_option("th")
    page.get_by_role("button", name="Download", exact=True).click()
    expect(page.locator(".languages li[data-locale='th'] .size")).to_be_visible()
    th_record = page.evaluate(RECORD, "th")
    assert th_record["catalog"]["etag"] == live_server.get("/api/v1/i18n/th").headers["etag"]

    go_offline(page.context)
    page.get_by_label("Language of the app and the guide").select_option("th")
    page.get_by_role("button", name="Use this language").click()
    page.wait_for_url("**/th/settings")
    wait_view(page, "settings")
    th = catalog(live_server, "th")
    assert_lang(page, "th", "ltr")
    expect(page.locator("h1")).to_have_text(tr(th, "Settings"))
    assert_chrome_in(page, th)

    # Returnee pages, opened by deep link with no network (shell from the service worker).
    th_bundle = bundle(live_server, "th")
    for item in pages_in_order(th_bundle)[:2]:
        response = page.goto(f"/th/pages/{item['slug']}")
        assert response is not None and response.from_service_worker
        wait_view(page, "item")
        assert_lang(page, "th", "ltr")
        assert THAI.search(item["title"])
        expect(page.locator("h1")).to_have_text(item["title"])
        expect(page.locator("p.up a")).to_have_text(tr(th, "Back to home"))
    page.goto("/th/")
    wait_view(page, "home")
    expect(page.locator("[data-list=pages] h3")).to_have_text(
        [p["title"] for p in pages_in_order(th_bundle)]
    )
    assert_chrome_in(page, th)
    screenshot(page, "home-th.png")
    # The choice is remembered, still offline.
    page.goto("/")
    page.wait_for_url("**/th/")
    wait_view(page, "home")


def test_plural_selection_ru_uk_ar(new_page: Callable[..., Page]) -> None:
    """nt() picks the CLDR category with Intl.PluralRules, the way Babel's CLDR data says."""
    page = new_page()
    page.goto("/")
    wait_view(page, "welcome")
    cases = {
        "ru": ({"one": "{n} шаг", "few": "{n} шага", "many": "{n} шагов", "other": "{n} шага"},
               [1, 2, 5, 11, 21, 22, 25, 111, 1.5]),
        "uk": ({"one": "{n} крок", "few": "{n} кроки", "many": "{n} кроків", "other": "{n} кроку"},
               [1, 2, 5, 11, 21, 22, 25, 111, 1.5]),
        "ar": ({"zero": "لا خطوات", "one": "خطوة واحدة", "two": "خطوتان", "few": "{n} خطوات",
                "many": "{n} خطوة", "other": "{n} خطوة"},
               [0, 1, 2, 3, 10, 11, 99, 100, 102]),
    }  # fmt: skip
    for locale, (forms, numbers) in cases.items():
        result = page.evaluate(PLURALS, [locale, forms, numbers])
        expected = [
            forms[category(locale, n)].replace("{n}", shown)
            for n, shown in zip(numbers, result["shown"], strict=True)
        ]
        assert result["got"] == expected, locale
    ru = page.evaluate(PLURALS, ["ru", cases["ru"][0], [1, 2, 5]])["got"]
    assert ru == ["1 шаг", "2 шага", "5 шагов"]


@pytest.mark.parametrize("locale", ["ru", "uk", "ar"])
def test_plural_progress_from_the_server_catalog(
    new_page: Callable[..., Page], live_server: LiveServer, locale: str
) -> None:
    """End to end: '{done} of {n} steps done' for every checklist, as the server's catalog says
    for that number's CLDR category."""
    page = new_page(locale)
    messages = catalog(live_server, locale)
    forms = messages.get(PROGRESS)
    checklists = sorted(bundle(live_server, locale)["checklists"], key=lambda c: c["order"])
    page.goto(f"/{locale}/checklists")
    wait_view(page, "checklists")

    def expected(done: int, n: int) -> str:
        shown = page.evaluate(
            "([l, xs]) => xs.map((x) => new Intl.NumberFormat(l).format(x))", [locale, [done, n]]
        )
        if isinstance(forms, dict):
            text = forms.get(category(locale, n)) or forms["other"]
        else:
            text = PROGRESS if n == 1 else "{done} of {n} steps done"
        return text.replace("{done}", shown[0]).replace("{n}", shown[1])

    expect(page.locator(".cards > li > p.hint")).to_have_text(
        [expected(0, len(c["items"])) for c in checklists]
    )
    first = checklists[0]
    page.goto(f"/{locale}/checklists/{first['slug']}")
    wait_view(page, "checklist")
    page.locator(".checklist input[type=checkbox]").first.check()
    expect(page.locator("[data-progress]")).to_have_text(expected(1, len(first["items"])))


SLUG = "what-happens-next"
CHANGED_AT = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
# The date of the English change, as each locale writes it (month names from CLDR).
DATES = {"fr": "5 mars 2026", "ru": "5 марта 2026", "uk": "5 березня 2026", "ar": "مارس"}


@pytest.fixture
def english_source_changed(live_server: LiveServer) -> Iterator[str]:
    """Edit the English source of one returnee page behind the server's back, as an editor
    would, through the content-write service (content version + 1). Restored afterwards."""
    engine = build_engine(live_server.database_url)
    added = "The reception centre now also offers legal advice."
    with Session(engine) as session:
        body = session.exec(
            select(ContentItemTranslation.body_md)
            .join(ContentItem, col(ContentItem.id) == ContentItemTranslation.item_id)
            .where(ContentItem.slug == SLUG, ContentItemTranslation.locale == "en")
        ).one()
        before = edit_text(
            session,
            ContentItemTranslation,
            SLUG,
            "en",
            updated_at=CHANGED_AT,
            body_md=f"{body}\n\n{added}\n",
        )
    try:
        yield added
    finally:
        with Session(engine) as session:
            edit_text(session, ContentItemTranslation, SLUG, "en", **before)
        engine.dispose()


def test_stale_notice_links_to_the_english_original(
    new_page: Callable[..., Page], live_server: LiveServer, request: pytest.FixtureRequest
) -> None:
    page = new_page("fr")
    fr = catalog(live_server, "fr")
    page.goto("/")
    wait_view(page, "welcome")
    welcome_continue(page, "returnee")
    wait_sw_activated(page)
    page.goto(f"/fr/pages/{SLUG}")
    wait_view(page, "item")
    notice = page.locator("article .notice")
    expect(notice.locator("[data-translation=machine]")).to_have_text(
        tr(fr, "Not yet checked by a translator.")
    )
    expect(notice.locator("[data-translation=stale]")).to_have_count(0)

    added = request.getfixturevalue("english_source_changed")
    item = next(i for i in bundle(live_server, "fr")["items"] if i["slug"] == SLUG)
    assert item["stale"] and item["source_updated_at"].startswith("2026-03-05")

    # The open app revalidates (app opened again, online) and says so, in French. Wait for
    # the app's state (the notice), not for a response the app may already have consumed.
    page.reload()
    stale = notice.locator("[data-translation=stale]")
    expect(stale).to_contain_text(DATES["fr"])
    # Now a French text is older than its English original: English follows, for the link.
    wait_until(page, HAS_BUNDLE, "en")
    template = tr(
        fr, "The English original of this page changed on {date}, after this translation was made."
    )
    for fragment in template.split("{date}"):
        expect(stale).to_contain_text(fragment.strip())
    link = stale.locator("a[data-english]")
    expect(link).to_have_text(tr(fr, "Read in English"))
    expect(link).to_have_attribute("href", f"/en/pages/{SLUG}?from=fr")
    assert_accessible(page, "stale notice (fr)")

    # Offline, from the bundles on the device: the notice, and one tap to the English text.
    go_offline(page.context)
    page.reload()
    wait_view(page, "item")
    expect(stale).to_contain_text(DATES["fr"])
    link.click()
    page.wait_for_url(f"**/en/pages/{SLUG}?from=fr")
    wait_view(page, "item")
    assert_lang(page, "en", "ltr")
    expect(page.locator(".prose")).to_contain_text(added)
    expect(page.locator("article .notice")).to_have_count(0)
    back = page.locator(".back-to a")
    expect(back).to_have_attribute("href", f"/fr/pages/{SLUG}")
    expect(back.locator("bdi")).to_have_text("français")
    # Reading the original did not change the reader's language.
    page.goto("/")
    page.wait_for_url("**/fr/")
    wait_view(page, "home")

    # Dates are written the way each language writes them.
    page.context.set_offline(False)
    for locale in ("ru", "uk", "ar"):
        page.goto(f"/{locale}/pages/{SLUG}")
        wait_view(page, "item")
        expect(page.locator("article .notice [data-translation=stale]")).to_contain_text(
            DATES[locale]
        )
        expect(page.locator("article .notice a[data-english]")).to_have_attribute(
            "href", f"/en/pages/{SLUG}?from={locale}"
        )


def test_farsi_tool_page_says_it_is_shown_in_english(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    untranslated: Callable[[str, str], None],
) -> None:
    untranslated("tool-7-8", "fa")
    page = new_page("fa")
    fa = catalog(live_server, "fa")
    page.goto("/")
    wait_view(page, "welcome")
    assert_lang(page, "fa", "rtl")
    welcome_continue(page, "worker")
    tool = next(i for i in bundle(live_server, "fa")["items"] if i["slug"] == "tool-7-8")
    assert tool["fallback"] and tool["locale"] == "en"
    page.goto("/fa/tools/tool-7-8")
    wait_view(page, "item")
    assert_lang(page, "fa", "rtl")
    notice = page.locator("article .notice [data-translation=fallback]")
    # Both language names in Farsi, isolated from the surrounding text.
    expect(notice.locator("bdi")).to_have_count(2)
    assert sorted(notice.locator("bdi").all_inner_texts()) == sorted(["فارسی", "انگلیسی"])
    template = tr(fa, "This page is not yet available in {language}. It is shown in {fallback}.")
    for fragment in re.split(r"\{\w+\}", template):
        expect(notice).to_contain_text(fragment.strip())
    expect(page.locator("article [data-translation=machine]")).to_have_count(0)  # English original
    # The English text is labelled as English, left to right, inside the Farsi page.
    for selector in ("article h1", "article .prose"):
        expect(page.locator(selector)).to_have_attribute("lang", "en")
        expect(page.locator(selector)).to_have_attribute("dir", "ltr")
    # Latin fragments inserted into Farsi sentences are isolated.
    expect(page.locator(".articles bdi[lang=en]").first).to_be_attached()
    # Icons with a direction are mirrored.
    arrow = page.evaluate("getComputedStyle(document.querySelector('.up a'), '::before').content")
    assert arrow == '"→"'
    assert_accessible(page, "tool in fallback (fa)")
    # A returnee page that is translated says only that no translator checked it yet.
    page.goto("/fa/pages/your-rights")
    wait_view(page, "item")
    expect(page.locator("article .notice [data-translation=machine]")).to_have_text(
        tr(fa, "Not yet checked by a translator.")
    )
    expect(page.locator("article [data-translation=fallback]")).to_have_count(0)
    assert page.locator("article h1").get_attribute("lang") is None  # in the page's language
    # The glossary says it once for all terms, not on every entry.
    page.goto("/fa/glossary")
    wait_view(page, "glossary")
    expect(page.locator("main > .notice [data-translation=machine]")).to_have_count(1)
    expect(page.locator(".glossary .entry-notice")).to_have_count(0)
    assert_accessible(page, "glossary (fa)")


DROP_CATALOG = """(code) => new Promise((resolve) => {
  const open = indexedDB.open('homeward');
  open.onsuccess = () => {
    const tx = open.result.transaction('bundles', 'readwrite');
    const store = tx.objectStore('bundles');
    store.get(code).onsuccess = (e) => {
      const { catalog, ...rest } = e.target.result;
      store.put(rest);
    };
    tx.oncomplete = () => { open.result.close(); resolve(); };
  };
})"""


def test_bundle_stored_without_catalog_gets_it(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    """A bundle saved by an older app version (no catalog in the record): the next open with a
    connection fetches the catalog, stores it with the bundle and shows the UI in it."""
    page = new_page("uk")
    page.goto("/")
    wait_view(page, "welcome")
    welcome_continue(page, "returnee")
    page.evaluate(DROP_CATALOG, "uk")
    assert page.evaluate(RECORD, "uk")["catalog"] is None
    page.reload()
    wait_view(page, "home")
    assert_lang(page, "uk", "ltr")
    assert_chrome_in(page, catalog(live_server, "uk"))
    # Stored before the screen was drawn in it.
    assert (
        page.evaluate(RECORD, "uk")["catalog"]["etag"]
        == live_server.get("/api/v1/i18n/uk").headers["etag"]
    )


def test_a_regional_variant_in_the_url_opens_the_closest_language(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    page = new_page()
    first_run(page)
    page.goto("/fr-CA/pages/your-rights")  # a typed or shared link in Canadian French
    wait_view(page, "item")
    assert page.url == f"{live_server.url}/fr/pages/your-rights"
    assert_lang(page, "fr", "ltr")
    page.goto("/de/pages/your-rights")  # a language Homeward does not have: the reader's own
    wait_view(page, "item")
    assert page.url.startswith(f"{live_server.url}/fr/pages/your-rights")


# Marks index.html's <main> as the parser leaves it, before any module script runs (they run
# after the document is interactive).
MARK_DRAWN_MAIN = """
document.addEventListener('readystatechange', () => {
  if (document.readyState === 'interactive') document.querySelector('main').dataset.testDrawn = '1';
});
"""


@pytest.mark.parametrize(
    ("locale", "path", "view"),
    [("ar", "/ar/checklists/pre-return", "checklist"), ("en", "/en/pages/overview", "item")],
)
def test_nothing_drawn_moves_when_the_app_takes_over(
    new_page: Callable[..., Page], locale: str, path: str, view: str
) -> None:
    """The app keeps the server's <main> where it is and puts its own header, exactly as tall,
    in place of index.html's: the title is where it was before any script ran, and the drawn
    page is not laid out again on a slow phone (issue #13)."""
    before = new_page(locale)
    before.route(
        "**/static/js/**",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=""),
    )
    before.goto(path)
    drawn = before.locator("main h1").bounding_box()
    after = new_page(locale)
    after.add_init_script(MARK_DRAWN_MAIN)
    after.goto(path)
    wait_view(after, view)
    expect(after.locator("header [data-wipe-exit]")).to_be_attached()  # the app's header
    expect(after.locator("header")).to_have_count(1)
    assert after.locator("main h1").bounding_box() == drawn
    expect(after.locator("main#main[data-test-drawn]")).to_have_count(1)  # the same element


LIST_STYLES = (
    "(sel) => [...document.querySelectorAll(sel)].map((l) => getComputedStyle(l).listStyleType)"
)


@pytest.mark.parametrize(("locale", "digits"), [("ar", "arabic-indic"), ("fa", "persian")])
def test_numbered_lists_count_in_their_script_and_checklists_stay_unnumbered(
    new_page: Callable[..., Page], locale: str, digits: str
) -> None:
    """A guide's numbered list counts in the reader's digits (issue #12); a checklist, whose
    steps carry checkboxes and no numbers, gets none: its markers would sit outside the page at
    the right edge of a phone, cut off."""
    page = new_page(locale)
    page.goto(f"/{locale}/tools/tool-7-5")
    wait_view(page, "item")
    styles = page.evaluate(LIST_STYLES, "main .prose ol")
    assert styles and set(styles) == {digits}
    page.goto(f"/{locale}/checklists/pre-return")
    wait_view(page, "checklist")
    assert page.evaluate(LIST_STYLES, "main ol.checklist") == ["none"]
    box = page.locator("main ol.checklist > li").first.bounding_box()
    width = (page.viewport_size or {"width": 412})["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
