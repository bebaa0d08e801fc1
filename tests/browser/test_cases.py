"""Outreach workers' cases in a real browser: sign-in, offline edits kept in IndexedDB with an
outbox, sync that converges two workers' conflicting offline edits and tells the one whose
change lost, sign-out that warns and wipes, and an expired session that discards nothing."""

import json
import re
import secrets
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_user
from app.core.db import build_engine
from tests.browser.conftest import LiveServer, open_context
from tests.browser.helpers import first_run, go_offline, wait_sw_activated, wait_view, watched

pytestmark = pytest.mark.browser

PASSWORD = "a long and good test password"
PIN = "493817"  # the PIN chosen for the case data on the phone at sign-in
axe = Axe()

# The worker's records as the app reads them: decrypted in the page, with the key in memory.
READ_IDB = """async (stores) => {
  const vault = await import('/static/js/cases/vault.js');
  return vault.tx(stores, 'readonly', async (os) => {
    const out = {};
    for (const s of stores) out[s] = await os(s).all();
    return out;
  });
}"""
# The guide's database (bundles, meta, steps), in clear.
READ_GUIDE_IDB = """async (stores) => {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open('homeward');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const out = {};
  for (const s of stores) {
    out[s] = await new Promise((resolve) => {
      const q = db.transaction(s).objectStore(s).getAll();
      q.onsuccess = () => resolve(q.result);
    });
  }
  db.close();
  return out;
}"""
DATABASES = "async () => (await indexedDB.databases()).map((d) => d.name)"
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
  }
  return urls;
}"""


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_db(live_server: LiveServer) -> Iterator[Engine]:
    engine = build_engine(live_server.database_url)
    yield engine
    engine.dispose()


def make_worker(server_db: Engine, name: str) -> str:
    """A worker account in the live server's database, made with the app's own service."""
    email = f"{name}-{secrets.token_hex(4)}@example.org"
    with Session(server_db) as session:
        create_user(session, email=email, role=Role.worker, password=PASSWORD)
    return email


def bearer(live_server: LiveServer, email: str) -> dict[str, str]:
    r = httpx.post(
        live_server.url + "/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def server_case(live_server: LiveServer, email: str, case_id: str) -> dict[str, Any]:
    r = httpx.get(
        f"{live_server.url}/api/v1/cases/{case_id}", headers=bearer(live_server, email), timeout=10
    )
    assert r.status_code == 200, r.text
    return r.json()


def idb(page: Page, *stores: str) -> dict[str, list[dict[str, Any]]]:
    """The worker's records (cases, outbox, syncmeta), decrypted by the unlocked app."""
    return page.evaluate(READ_IDB, list(stores))


def guide_idb(page: Page, *stores: str) -> dict[str, list[dict[str, Any]]]:
    return page.evaluate(READ_GUIDE_IDB, list(stores))


def unlock(page: Page, view: str, pin: str = PIN) -> None:
    """After a reload the case data is locked: enter the PIN, land on ``view``."""
    wait_view(page, "lock")
    page.get_by_label("PIN or passphrase").fill(pin)
    page.get_by_role("button", name="Unlock").click()
    wait_view(page, view)


def sign_in(page: Page, email: str, *, fresh: bool = True) -> None:
    if fresh:
        first_run(page, "worker")
        wait_sw_activated(page)  # so the worker screens are precached for offline use
    page.goto("/en/signin")
    wait_view(page, "signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    choose = page.get_by_label("Choose a PIN or passphrase for this phone")
    if choose.count():  # no case data on this phone yet: a PIN protects it
        choose.fill(PIN)
        page.get_by_label("The same PIN or passphrase again").fill(PIN)
    page.get_by_role("button", name="Sign in").click()
    wait_view(page, "cases")


def pending(page: Page) -> Any:
    return page.locator("[data-sync-panel] [data-pending]")


def wait_all_sent(page: Page) -> None:
    expect(pending(page)).to_have_attribute("data-pending", "0")
    expect(page.locator("[data-sync-state]")).to_have_attribute("data-sync-state", "idle")


def sync_now(page: Page) -> None:
    """Press "Sync now" and wait until that sync has finished successfully."""
    last = page.locator("[data-last-sync]")
    before = last.get_attribute("data-last-sync") or ""
    page.get_by_role("button", name="Sync now").click()
    expect(last).not_to_have_attribute("data-last-sync", before)
    wait_all_sent(page)


def create_case(page: Page, country: str = "UA") -> str:
    page.get_by_role("link", name="New case").click()
    wait_view(page, "casenew")
    page.get_by_label("Country of return").select_option(country)
    page.get_by_role("button", name="Create case").click()
    wait_view(page, "case")
    return page.url.rstrip("/").rsplit("/", 1)[1]


def item_box(page: Page, key: str, slug: str = "pre-return") -> Any:
    return page.locator(f"[data-checklist='{slug}'] li[data-item='{key}'] input[type=checkbox]")


def add_item_note(page: Page, key: str, body: str, slug: str = "pre-return") -> None:
    item = page.locator(f"[data-checklist='{slug}'] li[data-item='{key}']")
    item.get_by_text("Add a note to this step").click()
    item.get_by_label("Note on this step").fill(body)
    item.get_by_role("button", name="Save the note").click()
    expect(item.locator("[data-note]").filter(has_text=body)).to_be_visible()


def add_case_note(page: Page, body: str) -> None:
    notes = page.locator("[data-case-notes]")
    notes.get_by_label("New note").fill(body)
    notes.get_by_role("button", name="Save the note").click()
    expect(notes.locator("[data-note]").filter(has_text=body)).to_be_visible()


def assert_accessible(page: Page, screen: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{screen}:\n{results.generate_report()}"


@pytest.fixture
def pre_return(en_bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return next(c for c in en_bundle["checklists"] if c["slug"] == "pre-return")["items"]


@pytest.fixture
def second_context(
    browser: Browser, live_server: LiveServer, device: dict[str, Any]
) -> Iterator[BrowserContext]:
    """The colleague's phone."""
    yield from open_context(browser, live_server, device)


# --- tests ---------------------------------------------------------------------------------------


def test_offline_edits_survive_a_reload_and_reach_the_server(
    context: BrowserContext,
    page: Page,
    live_server: LiveServer,
    server_db: Engine,
    pre_return: list[dict[str, Any]],
) -> None:
    email = make_worker(server_db, "anna")
    sign_in(page, email)
    expect(page.get_by_text(f"Signed in as {email}.")).to_be_visible()

    # The typed reference is checked like the server does: no names, phones or dates.
    page.get_by_role("link", name="New case").click()
    wait_view(page, "casenew")
    reference = page.get_by_label("Reference code (optional)")
    error = page.locator("[data-reference-error]")
    page.get_by_label("Country of return").select_option("UA")
    for typed, why in [
        ("maria-7", "must not contain a word or a name"),
        ("55-1234567", "must not look like a phone number"),
        ("ABC", "needs at least one digit"),
    ]:
        reference.fill(typed)
        page.get_by_role("button", name="Create case").click()
        expect(error).to_contain_text(why)
        expect(reference).to_have_attribute("aria-invalid", "true")
        wait_view(page, "casenew")
    reference.fill("")
    page.get_by_role("button", name="Create case").click()
    wait_view(page, "case")
    case_id = page.url.rsplit("/", 1)[1]
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        re.compile(r"^Case HW-[2-9B-DF-HJ-NP-TV-XZ]{4}-[2-9B-DF-HJ-NP-TV-XZ]{4}$")
    )
    wait_all_sent(page)  # created on the server shortly after
    reference_code = heading.inner_text().removeprefix("Case ")
    assert server_case(live_server, email, case_id)["reference"] == reference_code

    # No signal: tick two steps and write a note. Each is stored before it is shown.
    go_offline(context)
    first, third = pre_return[0], pre_return[2]
    item_box(page, first["key"]).check()
    item_box(page, third["key"]).check()
    add_item_note(page, first["key"], "Prefers a female interpreter.")
    expect(pending(page)).to_have_text("3 changes waiting to be sent")

    # Reload with no network: locked; with the PIN everything is still there, and still waiting.
    page.reload()
    unlock(page, "case")
    expect(item_box(page, first["key"])).to_be_checked()
    expect(item_box(page, third["key"])).to_be_checked()
    expect(item_box(page, pre_return[1]["key"])).not_to_be_checked()
    expect(page.get_by_text("Prefers a female interpreter.")).to_be_visible()
    expect(pending(page)).to_have_text("3 changes waiting to be sent")
    expect(
        page.locator(f"li[data-item='{first['key']}'] [data-pending-badge]").first
    ).to_be_visible()

    stored = idb(page, "outbox", "cases", "syncmeta")
    box = stored["outbox"]
    assert [m["type"] for m in box] == ["set_item", "set_item", "add_note"]
    assert [m["seq"] for m in box] == sorted(m["seq"] for m in box)
    assert len({m["id"] for m in box}) == 3 and all(m["case_id"] == case_id for m in box)
    assert [m["clock"] for m in box] == sorted({m["clock"] for m in box})
    assert all(m["base_version"] == 0 for m in box[:2])
    record = next(c for c in stored["cases"] if c["id"] == case_id)
    items = record["view"]["checklists"][0]["items"]
    assert items[first["key"]]["done"] and items[third["key"]]["done"]
    dump = json.dumps(stored)
    assert PASSWORD not in dump and "token" not in dump  # the session is an HttpOnly cookie

    # Back online: sent, and the server has it all.
    context.set_offline(False)
    sync_now(page)
    expect(page.locator("[data-pending-badge]")).to_have_count(0)
    on_server = server_case(live_server, email, case_id)
    states = on_server["checklists"][0]["items"]
    assert states[first["key"]]["done"] is True and states[third["key"]]["done"] is True
    assert states[first["key"]]["done_on"] == date.today().isoformat()  # the phone's own date
    [note] = on_server["notes"]
    assert note["body"] == "Prefers a female interpreter."
    assert note["item_key"] == first["key"]
    assert idb(page, "outbox")["outbox"] == []

    # Nothing about cases in the Cache API.
    assert not [u for u in page.evaluate(CACHED_URLS) if "/api/" in u]

    # The list shows the case with its country, stage and progress.
    page.get_by_role("link", name="Your cases").first.click()
    wait_view(page, "cases")
    card = page.locator(f"[data-case='{case_id}']")
    expect(card).to_contain_text(reference_code)
    expect(card).to_contain_text("Ukraine · Preparing return")
    expect(card.locator(".progress")).to_have_text(re.compile(r"^2 of \d+ steps done$"))
    expect(card.locator("[data-case-pending]")).to_have_count(0)


@pytest.mark.parametrize("first_to_sync", ["colleague", "creator"])
def test_two_workers_conflict_offline_and_converge(
    context: BrowserContext,
    page: Page,
    second_context: BrowserContext,
    live_server: LiveServer,
    server_db: Engine,
    pre_return: list[dict[str, Any]],
    first_to_sync: str,
) -> None:
    anna, ben = make_worker(server_db, "anna"), make_worker(server_db, "ben")
    step = pre_return[0]

    # Anna creates the case, ticks a step online, and adds Ben (online only).
    sign_in(page, anna)
    case_id = create_case(page)
    wait_all_sent(page)
    item_box(page, step["key"]).check()
    wait_all_sent(page)
    colleagues = page.locator("[data-colleagues]")
    colleagues.get_by_label("Add a colleague by their email").fill(ben)
    colleagues.get_by_role("button", name="Add colleague").click()
    expect(colleagues.get_by_role("status")).to_have_text(f"{ben} can now see this case.")
    expect(colleagues.locator(".workers li > span")).to_have_text(sorted([anna, ben]))

    # Ben signs in on his phone and gets the case.
    page_b = second_context.new_page()
    b_errors: list[str] = []
    page_b.on("pageerror", lambda e: b_errors.append(str(e)))
    sign_in(page_b, ben)
    page_b.locator(f"[data-case='{case_id}'] a").click()
    wait_view(page_b, "case")
    expect(item_box(page_b, step["key"])).to_be_checked()

    # Both lose signal. Ben unticks the step; Anna unticks it and ticks it again.
    go_offline(context)
    go_offline(second_context)
    item_box(page_b, step["key"]).uncheck()
    add_case_note(page_b, "Ben: family visit postponed.")
    item_box(page, step["key"]).uncheck()
    item_box(page, step["key"]).check()
    add_case_note(page, "Anna: travel documents ready.")
    # Anna's untick and re-tick were never sent: they are one change in her outbox.
    assert [m["type"] for m in idb(page, "outbox")["outbox"]] == ["set_item", "add_note"]
    expect(pending(page_b)).to_have_text("2 changes waiting to be sent")

    # They come back one after the other (each syncs on reconnecting), then both sync again.
    order = [page_b, page] if first_to_sync == "colleague" else [page, page_b]
    for p in order:
        p.context.set_offline(False)
        sync_now(p)
    for p in order:
        sync_now(p)

    # Same merged state everywhere: Anna's later tick wins (Lamport clock), both notes kept.
    on_server = server_case(live_server, anna, case_id)
    assert on_server["checklists"][0]["items"][step["key"]]["done"] is True
    assert sorted(n["body"] for n in on_server["notes"]) == [
        "Anna: travel documents ready.",
        "Ben: family visit postponed.",
    ]
    for p in (page, page_b):
        expect(item_box(p, step["key"])).to_be_checked()
        notes = p.locator("[data-case-notes] [data-note]")
        expect(notes).to_have_count(2)
        expect(notes.filter(has_text="Anna: travel documents ready.")).to_have_count(1)
        expect(notes.filter(has_text="Ben: family visit postponed.")).to_have_count(1)
    views = [
        next(c for c in idb(p, "cases")["cases"] if c["id"] == case_id)["server"]
        for p in (page, page_b)
    ]
    assert views[0] == views[1]

    # Ben, whose change lost, is told in plain words which case and which step; Anna is not.
    reference = on_server["reference"]
    notice = page_b.locator("[data-notice]")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(f"Case {reference}")
    expect(notice).to_contain_text(step["action"])
    expect(notice).to_contain_text(
        "It is now done." if first_to_sync == "colleague" else "It stays done."
    )
    expect(page.locator("[data-notice]")).to_have_count(0)
    assert_accessible(page_b, "case page with a merge notice")
    notice.get_by_role("button", name=re.compile("^Dismiss")).click()
    expect(notice).to_have_count(0)
    assert b_errors == []


def test_sign_out_with_unsent_changes_warns_then_wipes_the_device(
    context: BrowserContext,
    page: Page,
    live_server: LiveServer,
    server_db: Engine,
    pre_return: list[dict[str, Any]],
) -> None:
    email = make_worker(server_db, "carla")
    sign_in(page, email)
    create_case(page)
    wait_all_sent(page)
    token = next(c["value"] for c in context.cookies() if c["name"] == "hw_session")

    go_offline(context)
    item_box(page, pre_return[0]["key"]).check()
    expect(pending(page)).to_have_text("1 change waiting to be sent")
    page.get_by_role("link", name="Your cases").first.click()
    wait_view(page, "cases")

    # A warning, in the page; staying keeps everything.
    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 change has not been sent to the server yet")
    assert_accessible(page, "sign-out warning")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(pending(page)).to_have_text("1 change waiting to be sent")

    page.get_by_role("button", name="Sign out").click()
    # One change: the whole dialog speaks of one (issue #8: "delete them" for one change).
    dialog.get_by_role("button", name="Sign out and delete it", exact=True).click()
    wait_view(page, "signin")
    # The whole worker database is gone (not only its records); the guide stays.
    assert "homeward-worker" not in page.evaluate(DATABASES)
    stored = guide_idb(page, "meta", "bundles")
    assert {"key": "logout_pending", "value": True} in stored["meta"]  # nothing about cases
    assert [b["locale"] for b in stored["bundles"]] == ["en"]

    # Signed out offline: the session ends on the server as soon as there is a connection.
    with page.expect_response("**/api/v1/auth/logout") as logout:
        context.set_offline(False)
    assert logout.value.status == 204
    me = httpx.get(
        live_server.url + "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.status_code == 401
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_an_expired_session_keeps_the_outbox_until_the_worker_signs_in_again(
    context: BrowserContext,
    live_server: LiveServer,
    server_db: Engine,
    pre_return: list[dict[str, Any]],
) -> None:
    page, errors = watched(context, allowed=r"status of 401")
    email = make_worker(server_db, "dara")
    sign_in(page, email)
    case_id = create_case(page)
    wait_all_sent(page)

    context.clear_cookies()  # the session is gone (expired or revoked)
    item_box(page, pre_return[1]["key"]).check()
    state = page.locator("[data-sync-state]")
    expect(state).to_have_attribute("data-sync-state", "auth")
    expect(state).to_have_text(re.compile("^Sign in again to send your changes"))
    expect(pending(page)).to_have_text("1 change waiting to be sent")
    assert len(idb(page, "outbox")["outbox"]) == 1

    page.reload()  # still known after a restart (and the PIN), still nothing lost
    unlock(page, "case")
    expect(state).to_have_attribute("data-sync-state", "auth")
    expect(item_box(page, pre_return[1]["key"])).to_be_checked()

    page.get_by_role("link", name="Sign in again").click()
    wait_view(page, "signin")
    expect(page.get_by_text("Your session has ended.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_view(page, "cases")
    wait_all_sent(page)
    states = server_case(live_server, email, case_id)["checklists"][0]["items"]
    assert states[pre_return[1]["key"]]["done"] is True
    assert errors == []


def test_worker_screens_have_no_accessibility_violations(
    page: Page, server_db: Engine, pre_return: list[dict[str, Any]]
) -> None:
    email = make_worker(server_db, "eli")
    first_run(page, "worker")
    page.goto("/en/signin")
    wait_view(page, "signin")
    assert_accessible(page, "sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Choose a PIN or passphrase for this phone").fill(PIN)
    page.get_by_label("The same PIN or passphrase again").fill(PIN)
    page.get_by_role("button", name="Sign in").click()
    wait_view(page, "cases")
    assert_accessible(page, "cases list, empty")

    page.get_by_role("link", name="New case").click()
    wait_view(page, "casenew")
    page.get_by_label("Reference code (optional)").fill("MARIA-1")
    page.get_by_role("button", name="Create case").click()
    expect(page.locator("[data-reference-error]")).not_to_be_empty()
    assert_accessible(page, "new case, with a refused reference")

    page.get_by_label("Reference code (optional)").fill("RT-42")
    page.get_by_label("Country of return").select_option("NG")
    page.get_by_label("Extra steps for children").check()
    page.get_by_role("button", name="Create case").click()
    wait_view(page, "case")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case RT-42")
    expect(page.locator("[data-checklist='children']")).to_be_visible()
    item_box(page, pre_return[0]["key"]).check()
    add_item_note(page, pre_return[0]["key"], "Shelter place confirmed.")
    add_case_note(page, "Next visit in two weeks.")
    page.locator("[data-case-notes] details summary").click()
    assert_accessible(page, "case page")
    wait_all_sent(page)

    page.get_by_role("link", name="Your cases").first.click()
    wait_view(page, "cases")
    expect(page.locator("[data-list='cases'] > li")).to_have_count(1)
    assert_accessible(page, "cases list")


def test_a_refused_change_is_shown_and_does_not_block_the_others(
    context: BrowserContext, page: Page, server_db: Engine, live_server: LiveServer
) -> None:
    email = make_worker(server_db, "fay")
    sign_in(page, email)
    case_id = create_case(page)
    wait_all_sent(page)
    go_offline(context)
    # A change the server will refuse (a step no checklist has), made through the app's own
    # client code, followed by a good one.
    page.evaluate(
        """async (caseId) => {
          const core = await import('/static/js/cases/core.js');
          const c = (await core.snapshot()).cases.find((x) => x.id === caseId);
          await core.change('set_item', caseId,
            { checklist_id: c.checklists[0].id, item_key: 'no-such-step', done: true });
        }""",
        case_id,
    )
    add_case_note(page, "Arrived at the shelter.")
    expect(pending(page)).to_have_text("2 changes waiting to be sent")
    context.set_offline(False)
    sync_now(page)
    refused = page.locator("[data-rejected]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("this step is not in the checklist any more")
    assert idb(page, "outbox")["outbox"] == []
    notes = server_case(live_server, email, case_id)["notes"]
    assert [n["body"] for n in notes] == ["Arrived at the shelter."]
    assert_accessible(page, "case page with a refused change")
    refused.get_by_role("button", name=re.compile("^Dismiss")).click()
    expect(refused).to_have_count(0)


FLAG_GUIDANCE = """async (caseId) => {
  const vault = await import('/static/js/cases/vault.js');
  await vault.tx(['cases'], 'readwrite', async (os) => {
    const rec = await os('cases').get(caseId);
    rec.server.checklists[0].guidance_updated = true;
    rec.view.checklists[0].guidance_updated = true;
    await os('cases').put(rec);
  });
}"""


def test_guidance_updated_is_shown_and_can_be_marked_reviewed(
    page: Page, server_db: Engine, live_server: LiveServer
) -> None:
    """The server's flag (its computation is tested in tests/test_sync.py) as the app shows it:
    a badge on the list, a notice on the checklist, and "Mark reviewed" sent as ack_guidance."""
    email = make_worker(server_db, "gus")
    sign_in(page, email)
    case_id = create_case(page)
    wait_all_sent(page)
    page.evaluate(FLAG_GUIDANCE, case_id)
    page.goto("/en/cases")
    unlock(page, "cases")
    expect(page.locator(f"[data-case='{case_id}']")).to_contain_text("Guidance updated — review")
    page.locator(f"[data-case='{case_id}'] a").click()
    wait_view(page, "case")
    flagged = page.locator("[data-guidance-updated]")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("Guidance updated — review")
    assert_accessible(page, "case page with updated guidance")
    flagged.get_by_role("button", name="Mark reviewed").click()
    expect(flagged).to_have_count(0)
    assert [m["type"] for m in idb(page, "outbox")["outbox"]] == ["ack_guidance"]
    wait_all_sent(page)
    assert server_case(live_server, email, case_id)["checklists"][0]["guidance_updated"] is False
    expect(page.locator("[data-rejected]")).to_have_count(0)


def test_a_change_made_while_the_previous_one_is_on_its_way_is_no_conflict(
    page: Page, server_db: Engine, live_server: LiveServer, pre_return: list[dict[str, Any]]
) -> None:
    """Tick, then untick while the tick is still being sent: the untick cannot know the version
    the tick will create, so it goes without one and nobody is told of a "conflict" with
    themselves."""
    email = make_worker(server_db, "hal")
    sign_in(page, email)
    case_id = create_case(page)
    wait_all_sent(page)
    held: list[Route] = []
    page.route(
        "**/api/v1/sync/cases",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    key = pre_return[0]["key"]
    with page.expect_request(lambda r: r.method == "POST" and "/sync/cases" in r.url):
        item_box(page, key).check()
    item_box(page, key).uncheck()  # while the tick is on its way
    held[0].continue_()
    page.unroute("**/api/v1/sync/cases")
    sync_now(page)
    state = server_case(live_server, email, case_id)["checklists"][0]["items"][key]
    assert state["done"] is False and state["version"] == 2
    expect(item_box(page, key)).not_to_be_checked()
    expect(page.locator("[data-notice]")).to_have_count(0)
