"""Issue #9, "a lost or stolen phone", in a real browser: the case data and the outbox are stored
encrypted under a key derived from the worker's PIN (nothing readable in IndexedDB's records nor
in the profile's files on disk), the app locks when hidden and when idle, wrong PINs erase the
case data, "Wipe and exit" deletes the whole worker database and the session in one tap, a
disabled account erases the device, a colleague taken off a case has it erased from their phone,
and sync keeps the outbox and retries by itself after 429, 503 and 413."""

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, Route, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.accounts.service import set_active
from app.core.config import PROJECT_ROOT
from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.helpers import go_offline, wait_view, watched
from tests.browser.test_cases import (  # noqa: F401  (server_db and second_context are fixtures)
    DATABASES,
    PIN,
    add_case_note,
    assert_accessible,
    create_case,
    idb,
    make_worker,
    pending,
    second_context,
    server_case,
    server_db,
    sign_in,
    sync_now,
    unlock,
    wait_all_sent,
)

pytestmark = pytest.mark.browser
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
WORKER_DB = "homeward-worker"
SYNCED_NOTE = "Sister meets her at the bus station in Lviv"
OFFLINE_NOTE = "Needs a doctor for her left knee before travel"

# Every record of a database as stored, bytes as Latin-1 text (so that plain text would show).
RAW_IDB = """async (name) => {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const out = {};
  for (const s of db.objectStoreNames) {
    out[s] = await new Promise((resolve) => {
      const q = db.transaction(s).objectStore(s).getAll();
      q.onsuccess = () => resolve(q.result);
    });
  }
  db.close();
  const bytes = (v) => String.fromCharCode(...new Uint8Array(v.buffer || v));
  return JSON.stringify(out, (k, v) =>
    v instanceof Uint8Array || v instanceof ArrayBuffer
      ? { latin1: bytes(v), length: v.byteLength }
      : v);
}"""
HIDE = """() => {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}"""
SHOW = """() => {
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}"""
PROBE = """async () => {
  const store = await import('/static/js/store.js');
  await store.setMeta('disk-probe', 'plain-probe-7Q3Z visible on disk');
}"""


@pytest.fixture
def profile(
    playwright: Playwright, live_server: LiveServer, device: dict[str, Any], tmp_path: Path
) -> Iterator[tuple[BrowserContext, Path]]:
    """A phone whose browser profile is on disk, to read IndexedDB's files afterwards."""
    data_dir = tmp_path / "profile"
    ctx = playwright.chromium.launch_persistent_context(
        str(data_dir), executable_path=str(CHROMIUM), base_url=live_server.url, **device
    )
    ctx.set_default_timeout(15_000)
    yield ctx, data_dir
    with contextlib.suppress(Exception):  # closed by the test already
        ctx.close()


def rules_with(context: BrowserContext, **device: Any) -> None:
    """Serve the case rules with other device-lock limits (as the HOMEWARD_DEVICE_* settings
    would), so a test need not wait minutes."""

    def handle(route: Route) -> None:
        response = route.fetch()
        if response.status != 200:
            route.fulfill(response=response)
            return
        rules = response.json()
        rules["device"].update(device)
        route.fulfill(response=response, body=json.dumps(rules))

    context.route("**/api/v1/cases/rules", handle)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def disk_bytes(data_dir: Path) -> bytes:
    files = [p for p in data_dir.rglob("*") if p.is_file() and "IndexedDB" in p.parts]
    assert files, f"no IndexedDB files under {data_dir}"
    return b"".join(p.read_bytes() for p in files)


def on_disk(blob: bytes, text: str) -> bool:
    # V8 stores strings as Latin-1 or UTF-16LE; plain bytes would be UTF-8.
    return any(text.encode(e) in blob for e in ("latin-1", "utf-16-le", "utf-8"))


def secrets_of(page: Page) -> list[str]:
    email = idb(page, "syncmeta")["syncmeta"]
    user = next(r["value"] for r in email if r["key"] == "user")
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Case ")
    return [reference, SYNCED_NOTE, OFFLINE_NOTE, user["email"]]


# --- tests ----------------------------------------------------------------------------------------


def test_case_data_is_encrypted_on_the_phone_and_locks_when_hidden(
    profile: tuple[BrowserContext, Path],
    server_db: Engine,  # noqa: F811
) -> None:
    context, data_dir = profile
    rules_with(context, lock_hidden_minutes=0, max_pin_failures=3)
    page, errors = watched(context)
    sign_in(page, make_worker(server_db, "iris"))
    create_case(page)
    add_case_note(page, SYNCED_NOTE)
    wait_all_sent(page)
    go_offline(context)
    add_case_note(page, OFFLINE_NOTE)  # waits in the outbox
    expect(pending(page)).to_have_text("1 change waiting to be sent")
    secret = secrets_of(page)
    page.evaluate(PROBE)  # a plain value in the guide's database: the disk check can see it

    # The stored records: only ciphertext, a salt, a key check and the iteration count.
    raw = page.evaluate(RAW_IDB, WORKER_DB)
    for text in secret:
        assert text not in raw, text
    stored = json.loads(raw)
    assert len(stored["outbox"]) == 1 and set(stored["outbox"][0]) == {"seq", "iv", "ct"}
    assert {r["key"] for r in stored["syncmeta"]} >= {"user", "sync"}
    assert all(set(r) == {"key", "iv", "ct"} for r in stored["syncmeta"])
    assert all(set(r) == {"id", "iv", "ct"} for r in stored["cases"])
    [lock] = stored["keys"]
    assert lock["iterations"] == 310_000 and lock["salt"]["length"] == 16
    assert set(lock) == {"key", "salt", "iterations", "check", "failures", "gen"}  # no key
    guide = page.evaluate(RAW_IDB, "homeward")
    for text in secret:
        assert text not in guide, text

    # Hidden (lock_hidden_minutes = 0): locked at once; nothing of the case is on screen or
    # readable, even by script in the page.
    page.evaluate(HIDE)
    wait_view(page, "lock")
    page.evaluate(SHOW)
    for text in secret:
        expect(page.locator("body")).not_to_contain_text(text)
    with pytest.raises(Exception, match="locked"):
        idb(page, "cases")
    assert_accessible(page, "lock screen")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "device-lock.png"))

    # A wrong PIN says how many tries are left; the right one opens it again, outbox intact.
    page.get_by_label("PIN or passphrase").fill("000000")
    page.get_by_role("button", name="Unlock").click()
    expect(page.locator("[data-lock-status]")).to_have_text(
        "This PIN is not right. 2 more wrong tries and the case data on this phone is deleted."
    )
    unlock(page, "case")
    expect(page.get_by_text(OFFLINE_NOTE)).to_be_visible()
    expect(pending(page)).to_have_text("1 change waiting to be sent")

    # The profile's IndexedDB files on disk: no reference, note or email, in any encoding.
    context.close()
    blob = disk_bytes(data_dir)
    assert on_disk(blob, "plain-probe-7Q3Z"), "the check cannot see plain text on disk"
    for text in secret:
        assert not on_disk(blob, text), text
    assert errors == []


def test_idle_locks_and_too_many_wrong_pins_erase_the_case_data(
    context: BrowserContext,
    server_db: Engine,  # noqa: F811
    live_server: LiveServer,
) -> None:
    rules_with(context, lock_idle_minutes=0.05, max_pin_failures=2)  # 3 s
    page, errors = watched(context, allowed=r"status of 401")
    email = make_worker(server_db, "jude")
    sign_in(page, email)
    wait_view(page, "lock")  # nobody touched the phone for 3 s
    token = next(c["value"] for c in context.cookies() if c["name"] == "hw_session")
    page.get_by_label("PIN or passphrase").fill("111111")
    page.get_by_role("button", name="Unlock").click()
    expect(page.locator("[data-lock-status]")).to_have_text(
        "This PIN is not right. 1 more wrong try and the case data on this phone is deleted."
    )
    page.get_by_label("PIN or passphrase").fill("222222")
    page.get_by_role("button", name="Unlock").click()
    wait_view(page, "signin")
    expect(page.locator("[data-erased='pin']")).to_have_text(
        "Too many wrong PINs: the case data on this phone has been deleted and you were signed out."
    )
    assert WORKER_DB not in page.evaluate(DATABASES)
    me = httpx.get(
        f"{live_server.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.status_code == 401  # signed out on the server too
    assert errors == []


def test_wipe_and_exit_deletes_the_worker_database_and_the_session_in_one_tap(
    profile: tuple[BrowserContext, Path],
    server_db: Engine,  # noqa: F811
    live_server: LiveServer,
) -> None:
    context, data_dir = profile
    page, errors = watched(context)
    sign_in(page, make_worker(server_db, "kai"))
    create_case(page)
    add_case_note(page, SYNCED_NOTE)
    wait_all_sent(page)
    secret = secrets_of(page)
    token = next(c["value"] for c in context.cookies() if c["name"] == "hw_session")
    assert WORKER_DB in page.evaluate(DATABASES)

    with page.expect_response("**/api/v1/auth/logout") as logout:
        page.locator("header [data-wipe-exit]").click()  # one tap, no question
    assert logout.value.status == 204
    page.wait_for_url("**/static/recipe.html")
    assert WORKER_DB not in page.evaluate(DATABASES)
    me = httpx.get(
        f"{live_server.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.status_code == 401

    # Back in the app: nothing of the worker; the guide is still there.
    page.goto("/en/cases")
    wait_view(page, "cases")
    expect(page.locator("main").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("header [data-wipe-exit]")).to_be_hidden()
    context.close()
    blob = disk_bytes(data_dir)
    for text in secret:
        assert not on_disk(blob, text), text
    assert errors == []


def test_a_disabled_account_erases_the_device_and_shows_sign_in(
    context: BrowserContext,
    server_db: Engine,  # noqa: F811
) -> None:
    page, errors = watched(context, allowed=r"status of 401")
    email = make_worker(server_db, "lea")
    sign_in(page, email)
    create_case(page)
    add_case_note(page, SYNCED_NOTE)
    wait_all_sent(page)
    with Session(server_db) as session:
        set_active(session, email, False)  # `homeward users disable EMAIL`
    # The next sync (a scheduled one may come first) gets 401 with "wipe": true.
    page.evaluate("import('/static/js/cases/core.js').then((core) => core.syncNow())")
    wait_view(page, "signin")
    expect(page.locator("[data-erased='disabled']")).to_have_text(
        "This account has been disabled: the case data on this phone has been deleted."
    )
    assert WORKER_DB not in page.evaluate(DATABASES)
    expect(page.get_by_text(SYNCED_NOTE)).to_have_count(0)
    assert errors == []


def test_a_colleague_taken_off_a_case_has_it_erased_from_their_phone(
    context: BrowserContext,
    second_context: BrowserContext,  # noqa: F811
    server_db: Engine,  # noqa: F811
    live_server: LiveServer,
) -> None:
    anna, ben = make_worker(server_db, "anna"), make_worker(server_db, "ben")
    page, errors = watched(context, allowed=r"status of 409")
    sign_in(page, anna)
    case_id = create_case(page)
    wait_all_sent(page)
    colleagues = page.locator("[data-colleagues]")
    colleagues.get_by_label("Add a colleague by their email").fill(ben)
    colleagues.get_by_role("button", name="Add colleague").click()
    expect(colleagues.get_by_role("status")).to_have_text(f"{ben} can now see this case.")

    page_b, errors_b = watched(second_context)
    sign_in(page_b, ben)
    page_b.locator(f"[data-case='{case_id}'] a").click()
    wait_view(page_b, "case")
    go_offline(second_context)
    add_case_note(page_b, OFFLINE_NOTE)  # waits in Ben's outbox

    # The server refuses to take off the last worker (409): the app says so.
    page.route(
        "**/api/v1/cases/*/workers/*",
        lambda route: route.fulfill(status=409, json={"detail": "last worker"}),
    )
    colleagues.get_by_role("button", name=f"Take {ben} off this case").click()
    page.get_by_role("dialog").get_by_role("button", name="Take off the case").click()
    expect(colleagues.get_by_role("status")).to_have_text(
        f"{ben} is the last worker on this case. A case always keeps one worker."
    )
    page.unroute("**/api/v1/cases/*/workers/*")

    colleagues.get_by_role("button", name=f"Take {ben} off this case").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("it is deleted from their phone the next time it syncs")
    dialog.get_by_role("button", name="Take off the case").click()
    expect(colleagues.get_by_role("status")).to_have_text(f"{ben} is no longer on this case.")
    expect(colleagues.locator(".workers li > span")).to_have_text([anna])
    assert server_case(live_server, anna, case_id)["workers"] == [anna]

    # Ben's phone syncs: the case, its note waiting to be sent and all are erased.
    second_context.set_offline(False)
    page_b.get_by_role("link", name="Your cases").first.click()
    wait_view(page_b, "cases")
    sync_now(page_b)
    expect(page_b.locator(f"[data-case='{case_id}']")).to_have_count(0)
    stored = idb(page_b, "cases", "outbox", "syncmeta")
    assert stored["cases"] == [] and stored["outbox"] == []
    assert OFFLINE_NOTE not in json.dumps(stored)
    assert errors == [] and errors_b == []


@pytest.mark.parametrize("status", [503, 429, 413])
def test_sync_keeps_the_outbox_and_retries_with_backoff(
    context: BrowserContext,
    server_db: Engine,  # noqa: F811
    live_server: LiveServer,
    status: int,
) -> None:
    page, errors = watched(context, allowed=rf"status of {status}")
    email = make_worker(server_db, "mo")
    sign_in(page, email)
    case_id = create_case(page)
    wait_all_sent(page)
    refused: list[float] = []

    def busy(route: Route) -> None:
        if route.request.method == "POST" and len(refused) < 2:
            refused.append(time.monotonic())
            headers = {"Retry-After": "1"} if status != 413 else {}
            route.fulfill(status=status, headers=headers, json={"detail": "busy"})
        else:
            route.continue_()

    page.route("**/api/v1/sync/cases", busy)
    add_case_note(page, SYNCED_NOTE)
    expect(page.locator("[data-sync-state]")).to_have_attribute("data-sync-state", "busy")
    expect(pending(page)).to_have_text("1 change waiting to be sent")  # the outbox stays
    # Sent by itself, without "Sync now", after waiting each time.
    expect(pending(page)).to_have_attribute("data-pending", "0", timeout=20_000)
    wait_all_sent(page)
    sent_at = time.monotonic()
    assert len(refused) == 2
    waits = [b - a for a, b in zip(refused, [*refused[1:], sent_at], strict=True)]
    assert waits[0] >= 0.9 and waits[1] >= 1.9, waits  # Retry-After / 1 s, then doubled
    notes = server_case(live_server, email, case_id)["notes"]
    assert [n["body"] for n in notes] == [SYNCED_NOTE]
    assert errors == []
