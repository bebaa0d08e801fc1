"""The admin screens for content (issue #11) in a real browser against a real server: an
editor corrects a figure in tool 7.1 and publishes it, a French translator sees exactly what
changed and brings the French up to date, a translator of another language cannot edit French,
revert, a conflict that keeps the person's text, an XSS payload inert in the preview, axe, and
screenshots at 360 px in English and Arabic. This module has a server of its own: it changes the
content every other browser test reads."""

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.accounts.models import Role, UserLocale
from app.accounts.service import create_user
from app.core.config import PROJECT_ROOT
from app.core.db import build_engine
from tests.browser.conftest import open_context
from tests.browser.helpers import go_offline, wait_sw_activated, watched
from tests.conftest import ThrowawayDatabases
from tests.live import LiveServer, run_live_server

pytestmark = pytest.mark.browser

PASSWORD = "a long and good staff password"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "admin"
TOOL = "/api/v1/admin/content/item/tool-7-1"
axe = Axe()


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, databases: ThrowawayDatabases
) -> Iterator[LiveServer]:
    yield from run_live_server(tmp_path_factory.mktemp("admin-live"), databases)


@pytest.fixture(scope="module")
def server_db(live_server: LiveServer) -> Iterator[Engine]:
    engine = build_engine(live_server.database_url)
    yield engine
    engine.dispose()


def make_staff(server_db: Engine, role: Role, *locales: str) -> str:
    """A staff account in the live server's database, made with the app's own service."""
    email = f"{role.value}-{secrets.token_hex(4)}@example.org"
    with Session(server_db) as session:
        user = create_user(session, email=email, role=role, password=PASSWORD)
        for locale in locales:
            session.add(UserLocale(user_id=user.id or 0, locale=locale))
        session.commit()
    return email


def sign_in(page: Page, email: str, path: str = "/en/admin", check: bool = False) -> None:
    page.goto(path)
    expect(page.locator("main[data-view='admin-signin']")).to_be_attached()
    if check:
        assert_accessible(page, "staff sign-in")
    page.locator("main input[name=email]").fill(email)  # by name: the labels are in any language
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(
        page.locator("main[data-view^='admin-']:not([data-view='admin-signin'])")
    ).to_be_attached()


# The coverage report takes seconds on the server (every text in every language).
SLOW_MS = 30_000


def open_admin(page: Page, sub: str, view: str, locale: str = "en") -> None:
    page.goto(f"/{locale}/admin/{sub}")
    expect(page.locator(f"main[data-view='{view}']")).to_be_attached(timeout=SLOW_MS)


def assert_accessible(page: Page, screen: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{screen}:\n{results.generate_report()}"


def api_token(live_server: LiveServer, email: str) -> dict[str, str]:
    r = httpx.post(
        live_server.url + "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def bundle_item(live_server: LiveServer, locale: str, slug: str) -> dict[str, Any]:
    items = live_server.get(f"/api/v1/content/{locale}").json()["items"]
    return next(i for i in items if i["slug"] == slug)


@pytest.fixture
def refusing_page(context: BrowserContext) -> Iterator[Page]:
    """Like the ``page`` fixture, but the refusals a test provokes on purpose (409 conflict,
    422 invalid), which Chromium logs as failed loads, are allowed; nothing else is."""
    p, errors = watched(context, allowed=r"^Failed to load resource: .* status of (409|422) ")
    yield p
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture
def second(browser: Browser, live_server: LiveServer, device: dict[str, Any]) -> Iterator[Page]:
    """Another person on another phone."""
    for ctx in open_context(browser, live_server, device):
        yield ctx.new_page()


def test_editor_fixes_a_figure_and_the_french_translator_follows(
    page: Page, second: Page, live_server: LiveServer, server_db: Engine
) -> None:
    editor = make_staff(server_db, Role.editor)
    sign_in(page, editor, check=True)
    expect(page.locator("main[data-view='admin-content']")).to_be_attached()
    expect(page.locator(".admin-list li[data-key='tool-7-1']")).to_be_visible()
    assert_accessible(page, "content list")

    # The editor corrects the figure in the English of tool 7.1 and sees it in the preview.
    page.locator(".admin-list li[data-key='tool-7-1'] h2 a").click()
    expect(page.locator("main[data-view='admin-editor']")).to_be_attached()
    body = page.get_by_label("Text (Markdown)")
    text = body.input_value()
    assert "**at least 30 days**" in text
    body.fill(text.replace("**at least 30 days**", "**at least 45 days**", 1))
    preview = page.locator("[data-preview]")
    expect(preview.locator("strong", has_text="at least 45 days")).to_be_visible()
    expect(preview.locator("strong", has_text="at least 30 days")).to_have_count(0)
    assert_accessible(page, "editor (English)")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("[data-editor-status]")).to_have_text(re.compile(r"Draft saved"))
    assert "at least 30 days" in bundle_item(live_server, "en", "tool-7-1")["body_html"]  # a draft
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("[data-editor-status]")).to_have_text(re.compile(r"^Published"))
    assert "at least 45 days" in bundle_item(live_server, "en", "tool-7-1")["body_html"]
    assert bundle_item(live_server, "fr", "tool-7-1")["stale"] is True

    # The French translator finds the stale French and sees exactly what changed in English.
    translator = make_staff(server_db, Role.translator, "fr")
    sign_in(second, translator)
    expect(second.locator("main[data-view='admin-content']")).to_be_attached()
    second.get_by_label("Language").select_option("fr")
    second.get_by_label("Status").select_option("stale")
    second.get_by_role("button", name="Show").click()
    expect(second).to_have_url(re.compile(r"/en/admin/content\?locale=fr&status=stale$"))
    rows = second.locator(".admin-list li")
    expect(rows).to_have_count(1)
    rows.locator("h2 a").click()
    expect(second.locator("main[data-view='admin-editor']")).to_be_attached()
    changed = second.locator("[data-stale-diff]")
    expect(changed).to_be_visible()
    # Exactly the figure (the words around it unmarked), labelled for screen readers.
    assert changed.locator("del").all_text_contents() == ["[removed: 30]"]
    assert changed.locator("ins").all_text_contents() == ["[added: 45]"]
    assert_accessible(second, "translation editor (stale)")

    french = second.get_by_label("Text (Markdown)")
    before = french.input_value()
    assert "**au moins 30 jours**" in before
    french.fill(before.replace("**au moins 30 jours**", "**au moins 45 jours**", 1))
    expect(second.locator("[data-preview] strong", has_text="au moins 45 jours")).to_be_visible()
    second.get_by_role("button", name="Save draft").click()
    expect(second.locator("[data-editor-status]")).to_have_text(re.compile(r"Draft saved"))
    second.get_by_role("button", name="Mark reviewed").click()
    expect(second.locator("[data-editor-status]")).to_have_text(re.compile(r"Marked reviewed"))
    second.get_by_role("button", name="Publish").click()
    expect(second.locator("[data-editor-status]")).to_have_text(re.compile(r"^Published"))
    fr = bundle_item(live_server, "fr", "tool-7-1")
    assert fr["stale"] is False and fr["status"] == "reviewed"
    assert "au moins 45 jours" in fr["body_html"]
    detail = httpx.get(
        live_server.url + TOOL + "/fr", headers=api_token(live_server, translator)
    ).json()
    assert detail["reviewed_by"] == translator and detail["status"] == "reviewed"

    # The coverage dashboard links to the work; French is now reviewed for this text.
    open_admin(second, "coverage", "admin-coverage")
    expect(
        second.locator("li[data-locale='fr'] a", has_text="Translation file (PO)")
    ).to_be_visible()
    expect(
        second.locator("li[data-locale='es'] a", has_text="Translation file (PO)")
    ).to_have_count(0)
    assert_accessible(second, "coverage")


def test_a_translator_of_another_language_cannot_edit_french(page: Page, server_db: Engine) -> None:
    sign_in(page, make_staff(server_db, Role.translator, "es"))
    open_admin(page, "content/item/tool-7-1/fr", "admin-editor")
    expect(page.locator("[data-read-only]")).to_have_text("You may not change texts in French.")
    expect(page.locator("main textarea, main form.editor")).to_have_count(0)
    # Nor do they see the screens of admins and editors.
    expect(page.locator(".admin-nav a", has_text="Users")).to_have_count(0)
    expect(page.locator(".admin-nav a", has_text="Feedback")).to_have_count(0)
    # Their own language they may edit.
    open_admin(page, "content/item/tool-7-1/es", "admin-editor")
    expect(page.get_by_label("Text (Markdown)")).to_be_editable()


def test_revert_is_a_new_revision(page: Page, live_server: LiveServer, server_db: Engine) -> None:
    editor = make_staff(server_db, Role.editor)
    headers = api_token(live_server, editor)
    path = live_server.url + "/api/v1/admin/content/term/reflection-period/en"
    d = httpx.get(path, headers=headers).json()
    saved = httpx.put(
        path,
        json={
            "base_rev": d["base_rev"],
            "fields": {"definition": d["fields"]["definition"] + " Revised."},
        },
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    latest = saved.json()["rev"]
    sign_in(page, editor)
    open_admin(page, "content/term/reflection-period/en/history", "admin-history")
    expect(page.locator("li[data-rev]")).to_have_count(latest)
    # Compare the two: the added sentence.
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".diff ins")).to_have_text("[added: Revised.]")
    assert_accessible(page, "history with a diff")
    page.get_by_role("button", name=f"Revert to revision {latest - 1}").click()
    page.locator("dialog[data-confirm] button.primary").click()
    expect(page.locator(f"li[data-rev='{latest + 1}']")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="has the text of revision")).to_be_visible()
    after = httpx.get(path, headers=headers).json()
    assert after["base_rev"] == latest + 1
    assert after["fields"]["definition"] == d["fields"]["definition"]


def test_a_conflict_keeps_the_persons_text(
    refusing_page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    page = refusing_page
    me, other = make_staff(server_db, Role.editor), make_staff(server_db, Role.editor)
    sign_in(page, me)
    open_admin(page, "content/item/tool-7-8/en", "admin-editor")
    # Someone else saves the same text meanwhile.
    path = live_server.url + "/api/v1/admin/content/item/tool-7-8/en"
    headers = api_token(live_server, other)
    d = httpx.get(path, headers=headers).json()
    theirs = httpx.put(
        path,
        json={"base_rev": d["base_rev"], "fields": {"title": "Their new title"}},
        headers=headers,
    )
    assert theirs.status_code == 200
    title = page.get_by_label("Title", exact=True)
    title.fill("My new title")
    page.get_by_role("button", name="Save draft").click()
    conflict = page.locator("[data-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(other)
    # Their text compared with the one in the form: only the title differs, by one word.
    expect(conflict.locator(".diff section")).to_have_count(1)
    expect(conflict.locator("del")).to_have_text("[removed: Their]")
    expect(conflict.locator("ins")).to_have_text("[added: My]")
    expect(title).to_have_value("My new title")  # nothing typed is lost
    assert httpx.get(path, headers=headers).json()["fields"]["title"] == "Their new title"
    assert_accessible(page, "conflict")
    page.get_by_role("button", name="Save my text over theirs").click()
    expect(page.locator("[data-editor-status]")).to_have_text(re.compile(r"Draft saved"))
    assert httpx.get(path, headers=headers).json()["fields"]["title"] == "My new title"


XSS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
]


def test_an_xss_payload_typed_in_the_editor_is_inert_in_the_preview(
    refusing_page: Page, server_db: Engine
) -> None:
    page = refusing_page
    sign_in(page, make_staff(server_db, Role.editor))
    open_admin(page, "content/item/tool-7-2/en", "admin-editor")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_label("Text (Markdown)").fill("## Safe heading\n\n" + "\n\n".join(XSS))
    preview = page.locator("[data-preview]")
    expect(preview.locator("h2", has_text="Safe heading")).to_be_visible()
    expect(page.locator(".problems li").first).to_be_visible()  # the server says what it refused
    assert preview.locator("img, script, svg, iframe, details, [onerror], [onload]").count() == 0
    hrefs = preview.locator("a").evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.strip().lower().startswith("javascript")], hrefs
    assert dialogs == []
    # Saving it is refused with the field named, nothing stored.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_label("Text (Markdown)")).to_have_attribute("aria-invalid", "true")


def test_a_minor_edit_leaves_translations_current(
    page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    sign_in(page, make_staff(server_db, Role.editor))
    open_admin(page, "content/item/tool-7-3/en", "admin-editor")
    summary = page.get_by_label("Summary")
    summary.fill(summary.input_value() + " Minor.")
    page.get_by_label("Minor edit (a typo): translations do not become out of date").check()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("[data-editor-status]")).to_have_text(re.compile(r"^Published"))
    assert bundle_item(live_server, "en", "tool-7-3")["summary"].endswith(" Minor.")
    assert bundle_item(live_server, "fr", "tool-7-3")["stale"] is False


def test_a_checklist_keeps_its_entry_keys(
    page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    """Checklist templates are edited the same way: the entries' text changes, their keys
    (what cases record) stay, shown but not editable."""
    editor = make_staff(server_db, Role.editor)
    sign_in(page, editor)
    open_admin(page, "content/checklist/pre-return/en", "admin-editor")
    entry = page.locator("fieldset[data-entry='reflection-period']")
    expect(entry.locator("legend")).to_have_text("reflection-period")
    action = entry.get_by_label("Action")
    action.fill(action.input_value() + " Write down the date it ends.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("[data-editor-status]")).to_have_text(re.compile(r"Draft saved"))
    path = live_server.url + "/api/v1/admin/content/checklist/pre-return/en"
    saved = httpx.get(path, headers=api_token(live_server, editor)).json()
    items = saved["fields"]["items"]
    assert items[0]["key"] == "reflection-period"
    assert items[0]["action"].endswith(" Write down the date it ends.")
    assert saved["has_draft"] is True


def test_po_file_download_and_upload(page: Page, server_db: Engine) -> None:
    sign_in(page, make_staff(server_db, Role.translator, "vi"))
    open_admin(page, "coverage", "admin-coverage")
    page.locator("li[data-locale='vi'] a", has_text="Translation file (PO)").click()
    expect(page.locator("main[data-view='admin-translations']")).to_be_attached()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PO file").click()
    download = info.value
    assert download.suggested_filename == "homeward-content-vi.po"
    po = Path(download.path()).read_text(encoding="utf-8")
    assert 'msgctxt "item:tool-7-1:title"' in po
    assert_accessible(page, "PO exchange")
    # The same file back: validated as a whole, nothing changed, nothing saved.
    page.get_by_label("PO file").set_input_files(download.path())
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("main .status")).to_contain_text("0 texts saved.")


def test_offline_the_admin_screens_say_so(
    context: BrowserContext, page: Page, server_db: Engine
) -> None:
    sign_in(page, make_staff(server_db, Role.editor))
    wait_sw_activated(page)
    page.reload()  # the admin code, now fetched through the service worker, is kept on first use
    expect(page.locator("main[data-view='admin-content']")).to_be_attached()
    go_offline(context)
    page.goto("/en/admin/coverage")  # the service worker answers with the shell
    expect(page.locator("main[data-view='admin-offline']")).to_be_attached()
    expect(page.locator("main")).to_contain_text("The admin screens need a connection.")


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_screens_at_360_px(
    page: Page, live_server: LiveServer, server_db: Engine, locale: str
) -> None:
    editor = make_staff(server_db, Role.editor)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, editor, f"/{locale}/admin")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for sub, view in (
        ("content?locale=fr", "admin-content"),
        ("content/item/tool-7-1/fr", "admin-editor"),
        ("coverage", "admin-coverage"),
    ):
        open_admin(page, sub, view, locale)
        assert page.evaluate("document.documentElement.dir") == ("rtl" if locale == "ar" else "ltr")
        # Nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, sub
        name = sub.split("?")[0].replace("/", "-")
        page.screenshot(path=str(Path(ARTIFACTS, f"{name}-{locale}.png")))
        if view == "admin-editor":  # the translation side, under the English original
            page.locator("form.editor h2").first.scroll_into_view_if_needed()
            page.screenshot(path=str(Path(ARTIFACTS, f"{name}-form-{locale}.png")))
        assert_accessible(page, f"{sub} ({locale})")
