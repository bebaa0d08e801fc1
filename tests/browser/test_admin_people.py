"""The admin screens for people and field data (frontend/js/admin/people.js and field.js), in
real Chromium against a real server. The admin shell is not part of this test: a tiny harness
signs a staff member in through the API from the page, imports the screen's module and mounts
it in <main>, then drives it like a person would. Every wait is on a condition."""

import re
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.accounts import audit
from app.accounts.models import Role, User
from app.accounts.service import create_user
from app.core.config import PROJECT_ROOT
from app.core.db import build_engine
from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, go_offline, wait_until, wait_view
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
axe = Axe()
# Chromium reports every 4xx answer of fetch() as a console error; these tests cause some on
# purpose (refused input, not allowed). Anything else in the console fails the test.
EXPECTED_HTTP = re.compile(r"status of (400|401|403|409|422) ")

MOUNT = """async ([file, view]) => {
  const m = await import(`/static/js/admin/${file}`);
  const main = document.querySelector('main');
  main.replaceChildren();
  main.dataset.view = 'admin';
  delete main.dataset.mounted;
  const title = await m[view](main, { locale: document.documentElement.lang || 'en' });
  main.dataset.mounted = view;
  return title;
}"""

SIGN_IN = """async ([email, password]) => {
  const r = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Homeward-CSRF': '1' },
    body: JSON.stringify({ email, password }),
  });
  return r.status;
}"""


@pytest.fixture(scope="module")
def server_db(live_server: LiveServer) -> Iterator[Engine]:
    engine = build_engine(live_server.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))

    def on_console(m: Any) -> None:
        if m.type == "error" and not EXPECTED_HTTP.search(m.text):
            errors.append(f"console: {m.text}")

    p.on("console", on_console)
    yield p
    assert not errors, f"errors in the page: {errors}"


def make_staff(server_db: Engine, role: Role) -> User:
    email = f"{role.value}-{secrets.token_hex(4)}@example.org"
    with Session(server_db) as session:
        user = create_user(session, email=email, role=role, password=PASSWORD)
        session.expunge(user)
    return user


def sign_in(page: Page, email: str, locale: str = "en") -> None:
    """Open the app in `locale` (a first run, so the guide is on the device), then sign in
    through the API from the page: the browser holds the session cookie, as after a sign-in."""
    if locale == "en":
        first_run(page, "worker")
    else:
        page.goto("/")
        wait_view(page, "welcome")
        page.locator(f"input[name=locale][value={locale}]").check()
        page.locator("input[name=audience][value=worker]").check()
        page.locator("form button[type=submit]").click()
        wait_view(page, "home")
    assert page.evaluate(SIGN_IN, [email, PASSWORD]) == 200


def mount(page: Page, file: str, view: str) -> None:
    page.evaluate(MOUNT, [file, view])
    expect(page.locator(f"main[data-mounted='{view}']")).to_be_attached()


def accessible(page: Page, screen: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{screen}:\n{results.generate_report()}"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def bearer_login(live_server: LiveServer, email: str, password: str) -> httpx.Response:
    return httpx.post(
        live_server.url + "/api/v1/auth/login",
        json={"email": email, "password": password},
        timeout=10,
    )


def me(live_server: LiveServer, token: str) -> int:
    return httpx.get(
        live_server.url + "/api/v1/auth/me",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).status_code


# --- users ---------------------------------------------------------------------------------------


def test_an_admin_creates_a_translator_changes_the_role_and_deactivates_the_account(
    page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    admin = make_staff(server_db, Role.admin)
    sign_in(page, admin.email)
    mount(page, "people.js", "usersView")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Users", level=1)).to_be_visible()
    accessible(page, "users")

    new = main.locator("form[data-new-user]")
    email = f"translator-{secrets.token_hex(4)}@example.org"
    first_password = "quiet lantern orbit 42"

    # Server errors appear beside the field concerned.
    new.get_by_label("Email address").fill("not an address")
    new.get_by_label("First password").fill(first_password)
    new.get_by_role("button", name="Add this user").click()
    expect(new.locator("[data-field=email] .error")).to_contain_text("is not an email address")
    expect(new.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    expect(new.get_by_label("Email address")).to_be_focused()
    new.get_by_label("Email address").fill(email)
    new.get_by_label("First password").fill("password1234")
    new.get_by_role("button", name="Add this user").click()
    expect(new.locator("[data-field=password] .error")).to_contain_text("too common")
    expect(new.locator("[data-field=email] .error")).to_be_empty()

    # A translator for French.
    new.get_by_label("First password").fill(first_password)
    expect(new.get_by_label("Role")).to_have_value("translator")
    new.get_by_role("checkbox", name="French").check()
    new.get_by_role("button", name="Add this user").click()
    expect(main.locator("[data-admin-status]")).to_contain_text(f"{email} was added as Translator")
    card = main.locator(f"li[data-email='{email}']")
    expect(card.locator("[data-role]")).to_have_text("Translator")
    expect(card).to_contain_text("French")

    # The same address again: a conflict, shown beside the email.
    new.get_by_label("Email address").fill(email)
    new.get_by_label("First password").fill(first_password)
    new.get_by_role("button", name="Add this user").click()
    expect(new.locator("[data-field=email] .error")).to_contain_text("already exists")

    login = bearer_login(live_server, email, first_password)
    assert login.status_code == 200
    token = login.json()["token"]
    assert me(live_server, token) == 200

    # Role: translator → editor (its languages go). By keyboard: the account opens with Enter.
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(card.locator("details")).to_have_attribute("open", "")
    card.locator("[data-edit-user]").get_by_label("Role").select_option("editor")
    expect(card.locator("[data-edit-user] fieldset[data-field=locales]")).to_be_hidden()
    card.get_by_role("button", name="Save role and languages").click()
    expect(main.locator("[data-admin-status]")).to_contain_text(f"{email} is now Editor")
    card = main.locator(f"li[data-email='{email}']")
    expect(card.locator("[data-role]")).to_have_text("Editor")
    expect(card.locator("summary")).to_be_focused()
    accessible(page, "users, one account open")

    # Deactivate: asked first; then every session of the account stops working at once.
    card.get_by_role("button", name="Deactivate this account").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Deactivate {email}?")
    dialog.get_by_role("button", name="Deactivate").click()
    expect(card.locator("[data-active]")).to_have_attribute("data-active", "false")
    expect(main.locator("[data-admin-status]")).to_contain_text("signed out everywhere")
    assert me(live_server, token) == 401
    assert bearer_login(live_server, email, first_password).status_code == 401

    card.get_by_role("button", name="Reactivate this account").click()
    expect(card.locator("[data-active]")).to_have_attribute("data-active", "true")

    # A new password: the old one stops working, the new one works.
    card.locator("[data-reset-password]").get_by_label("New password").fill("amber violin tundra 7")
    card.get_by_role("button", name="Set this password").click()
    expect(main.locator("[data-admin-status]")).to_contain_text(f"New password set for {email}")
    assert bearer_login(live_server, email, first_password).status_code == 401
    assert bearer_login(live_server, email, "amber violin tundra 7").status_code == 200

    # The audit log tells it all, without any password.
    mount(page, "people.js", "auditView")
    log = main.locator("[data-audit]")
    target = main.locator("[data-event]").filter(has_text=email)
    acts = ("user_create", "role_change", "user_deactivate", "user_activate", "password_reset")
    for action in acts:
        expect(target.and_(page.locator(f"[data-action={action}]")).first).to_be_visible()
    change = target.and_(page.locator("[data-action=role_change]")).first
    expect(change).to_contain_text("Role changed")
    expect(change.locator("[data-actor]")).to_have_text(admin.email)
    html = main.inner_html()
    assert first_password not in html and "amber violin tundra 7" not in html
    accessible(page, "audit log")

    # Filter by action.
    filters = main.locator("[data-audit-filters]")
    filters.get_by_label("Action").select_option("role_change")
    filters.get_by_role("button", name="Show").click()
    expect(log).not_to_have_attribute("aria-busy", "true")
    actions = log.locator("[data-event]").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions and set(actions) == {"role_change"}
    # By person and by dates: today has this admin's acts, a day in 2000 has none.
    filters.get_by_label("Action").select_option("")
    filters.get_by_label("Who").select_option(label=admin.email)
    today = page.evaluate(
        "() => { const d = new Date(); return [d.getFullYear(), String(d.getMonth() + 1)"
        ".padStart(2, '0'), String(d.getDate()).padStart(2, '0')].join('-'); }"
    )
    filters.get_by_label("From").fill(today)
    filters.get_by_label("To (inclusive)").fill(today)
    filters.get_by_role("button", name="Show").click()
    expect(log).not_to_have_attribute("aria-busy", "true")
    expect(log.locator("[data-action=user_create]").first).to_be_visible()
    actors = log.locator("[data-actor]").evaluate_all("els => els.map(e => e.dataset.actor)")
    assert set(actors) == {str(admin.id)}
    filters.get_by_label("From").fill("2000-01-01")
    filters.get_by_label("To (inclusive)").fill("2000-01-02")
    filters.get_by_role("button", name="Show").click()
    expect(main.locator("[data-audit-count]")).to_have_text("No events match these filters.")
    expect(log.locator("[data-event]")).to_have_count(0)


def test_the_audit_log_pages_through_older_events(
    page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    admin = make_staff(server_db, Role.admin)
    with Session(server_db) as session:
        for n in range(53):
            audit.record(session, admin.id, "export", "translations", f"page-test-{n}")
        session.commit()
    sign_in(page, admin.email)
    mount(page, "people.js", "auditView")
    main = page.locator("main")
    filters = main.locator("[data-audit-filters]")
    filters.get_by_label("Action").select_option("export")
    filters.get_by_label("Who").select_option(label=admin.email)
    filters.get_by_role("button", name="Show").click()
    expect(main.locator("[data-audit]")).not_to_have_attribute("aria-busy", "true")
    events = main.locator("[data-audit] [data-event]")
    expect(events).to_have_count(50)
    expect(events.first).to_contain_text("page-test-52")
    expect(main.locator("[data-newer]")).to_be_hidden()
    main.locator("[data-older]").click()
    expect(events).to_have_count(3)
    expect(events.last).to_contain_text("page-test-0")
    expect(main.locator("[data-older]")).to_be_hidden()
    main.locator("[data-newer]").click()
    expect(events).to_have_count(50)
    expect(events.first).to_contain_text("page-test-52")


def test_an_editor_is_told_plainly_that_users_are_not_theirs(
    page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    editor = make_staff(server_db, Role.editor)
    sign_in(page, editor.email)
    main = page.locator("main")
    for file, view, what in (
        ("people.js", "usersView", "Only administrators can manage users."),
        ("people.js", "auditView", "Only administrators can read the audit log."),
        ("field.js", "contactsView", "Only administrators can edit the help contacts."),
    ):
        mount(page, file, view)
        notice = main.locator("[data-not-allowed]")
        expect(notice).to_contain_text("Not allowed.")
        expect(notice).to_contain_text(what)
        expect(main.locator("form")).to_have_count(0)
    accessible(page, "not allowed")


def test_offline_the_admin_screens_say_so(
    context: BrowserContext, page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    admin = make_staff(server_db, Role.admin)
    sign_in(page, admin.email)
    mount(page, "people.js", "usersView")  # the module is loaded while online
    page.evaluate("() => import('/static/js/admin/field.js')")
    go_offline(context)
    for file, view in (("people.js", "usersView"), ("field.js", "feedbackView")):
        mount(page, file, view)
        expect(page.locator("main [data-offline]")).to_contain_text("You are offline.")
    context.set_offline(False)


# --- feedback and contacts -----------------------------------------------------------------------


OUTBOX_EMPTY = """async () => (await new Promise((resolve) => {
  const r = indexedDB.open('homeward');
  r.onsuccess = () => {
    const q = r.result.transaction('feedback').objectStore('feedback').count();
    q.onsuccess = () => resolve(q.result);
  };
})) === 0"""


def test_feedback_from_readers_is_listed_and_resolved(
    page: Page, live_server: LiveServer, server_db: Engine, en_bundle: dict[str, Any]
) -> None:
    editor = make_staff(server_db, Role.editor)
    # One reader in French, through the API as a phone's outbox sends it...
    note = f"Test feedback {secrets.token_hex(3)}: the figure in step 2 looks wrong"
    sent = httpx.post(
        live_server.url + "/api/v1/feedback",
        json={
            "id": str(uuid.uuid4()),
            "locale": "fr",
            "target_kind": "item",
            "target_slug": "tool-7-1",
            "kind": "wrong",
            "text": note,
        },
        timeout=10,
    )
    assert sent.status_code == 200, sent.text
    # ...and one written in the app's own box under a page, on this phone.
    sign_in(page, editor.email)
    page.goto("/en/pages/going-home-safely")
    wait_view(page, "item")
    box = page.locator("[data-feedback]")
    box.get_by_role("button", name="Yes").click()
    typed = f"Test feedback {secrets.token_hex(3)}: clear, thank you"
    box.locator("textarea").fill(typed)
    box.get_by_role("button", name="Send").click()
    expect(box.locator("[data-feedback-status]")).to_contain_text("being sent")  # in the outbox
    wait_until(page, OUTBOX_EMPTY)  # sent and acknowledged

    mount(page, "field.js", "feedbackView")
    main = page.locator("main")
    entry = main.locator("[data-feedback-id]").filter(has_text=note)
    expect(entry).to_contain_text("Something is wrong")
    expect(entry).to_contain_text("French")
    title = next(i["title"] for i in en_bundle["items"] if i["slug"] == "tool-7-1")
    link = entry.get_by_role("link", name=title)
    expect(link).to_have_attribute("href", "/fr/tools/tool-7-1")
    mine = main.locator("[data-feedback-id]").filter(has_text=typed)
    expect(mine).to_contain_text("Useful")
    expect(mine.get_by_role("link")).to_have_attribute("href", "/en/pages/going-home-safely")
    accessible(page, "feedback")

    entry.get_by_role("button", name="Mark as resolved").click()
    expect(main.locator("[data-admin-status]")).to_have_text("Marked as resolved.")
    expect(entry).to_have_count(0)
    expect(mine).to_have_count(1)  # still open
    main.get_by_label("Resolved").check()
    expect(entry).to_contain_text("Resolved on")
    expect(entry.get_by_role("button", name="Mark as resolved")).to_have_count(0)
    expect(mine).to_have_count(0)
    token = bearer_login(live_server, editor.email, PASSWORD).json()["token"]
    resolved = httpx.get(
        live_server.url + "/api/v1/admin/feedback",
        params={"resolved": "true"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert any(f["text"] == note and f["resolved_by"] == editor.id for f in resolved)


def public_contacts(live_server: LiveServer) -> list[dict[str, Any]]:
    r = live_server.get("/api/v1/contacts")
    assert r.status_code == 200
    return r.json()["contacts"]


def test_an_admin_adds_edits_and_deletes_a_help_contact(
    page: Page, live_server: LiveServer, server_db: Engine
) -> None:
    admin = make_staff(server_db, Role.admin)
    name = f"Test organisation {secrets.token_hex(3)}"
    sign_in(page, admin.email)
    mount(page, "field.js", "contactsView")
    main = page.locator("main")
    form = main.locator("form[data-contact-form=new]")

    # Refused fields, each error beside its field.
    form.get_by_label("Country of return").fill("xk")
    form.get_by_label("Name of the organisation").fill(name)
    form.get_by_label("Kind of help").fill("Test help: shelter")
    form.get_by_label("Phone").fill("call us")
    form.get_by_label("Website").fill("not a web address")
    form.get_by_role("button", name="Add this organisation").click()
    expect(form.locator("[data-field=phone] .error")).to_contain_text("not in the expected form")
    expect(form.locator("[data-field=website] .error")).to_contain_text("not a web address")
    expect(form.get_by_label("Phone")).to_be_focused()
    expect(form.locator("[data-field=name] .error")).to_be_empty()
    assert all(c["name"] != name for c in public_contacts(live_server))

    form.get_by_label("Phone").fill("+000 0000 0000")
    form.get_by_label("Website").fill("https://example.org/test")
    form.get_by_label("Languages spoken").fill("en, fr")
    form.get_by_label("Opening hours").fill("Test hours: Monday")
    form.get_by_role("button", name="Add this organisation").click()
    expect(main.locator("[data-admin-status]")).to_contain_text(f"{name} was added")
    card = main.locator("[data-contacts-admin] li[data-contact]").filter(has_text=name)
    expect(card).to_contain_text("+000 0000 0000")
    expect(card).to_contain_text("English and French")
    (shown,) = [c for c in public_contacts(live_server) if c["name"] == name]
    assert shown["country"] == "XK" and shown["languages"] == ["en", "fr"]
    accessible(page, "contacts")

    card.get_by_role("button", name="Edit").click()
    editing = main.locator("li[data-editing]")
    editing.get_by_label("Opening hours").fill("Test hours: Tuesday")
    editing.get_by_label("Name of the organisation").fill("")
    editing.get_by_role("button", name="Save changes").click()
    expect(editing.locator("[data-field=name] .error")).not_to_be_empty()
    editing.get_by_label("Name of the organisation").fill(name)
    editing.get_by_role("button", name="Save changes").click()
    expect(main.locator("[data-admin-status]")).to_contain_text(f"Changes to {name} saved.")
    expect(card).to_contain_text("Test hours: Tuesday")
    (shown,) = [c for c in public_contacts(live_server) if c["name"] == name]
    assert shown["hours"] == "Test hours: Tuesday"

    card.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(main.locator("[data-admin-status]")).to_contain_text(f"{name} was deleted.")
    expect(card).to_have_count(0)
    assert all(c["name"] != name for c in public_contacts(live_server))


# --- phone width, English and Arabic ------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_screen_at_360_px(
    page: Page, live_server: LiveServer, server_db: Engine, locale: str
) -> None:
    admin = make_staff(server_db, Role.admin)
    with Session(server_db) as session:
        audit.record(session, admin.id, "export", "translations", "fr")
        session.commit()
    httpx.post(
        live_server.url + "/api/v1/feedback",
        json={
            "id": str(uuid.uuid4()),
            "locale": "ar",
            "target_kind": "item",
            "target_slug": "going-home-safely",
            "kind": "useful",
            "text": "Test feedback",
        },
        timeout=10,
    )
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, admin.email, locale)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    for file, view in (
        ("people.js", "usersView"),
        ("people.js", "auditView"),
        ("field.js", "feedbackView"),
        ("field.js", "contactsView"),
    ):
        mount(page, file, view)
        if view == "usersView":
            page.locator("main li[data-user] summary").first.click()
        # Nothing wider than the phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        accessible(page, f"{view} {locale}")
        screenshot(page, f"admin-{view}-{locale}-360.png")
