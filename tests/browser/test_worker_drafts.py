"""Issue #8: no background refresh (the guide's bundle and UI catalog revalidated, a sync pull)
destroys what an outreach worker is typing or moves them off their screen. The guide changes
on the server and the app revalidates it (the `online` event) while a sync brings a
colleague's change, with a half-typed note, then a half-filled new-case form, on screen.

(Named to run after the other browser files: it publishes content changes on the shared live
server, as test_i18n.py does, which moves the content version that earlier files compare.)"""

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from app.content.models import ChecklistTemplateTranslation
from app.content.write import edit_text
from app.core.db import build_engine
from tests.browser.conftest import LiveServer
from tests.browser.helpers import wait_view
from tests.browser.test_cases import (  # noqa: F401  (server_db is a fixture)
    bearer,
    create_case,
    make_worker,
    server_db,
    sign_in,
    wait_all_sent,
)

pytestmark = pytest.mark.browser
SLUG = "pre-return"
ONLINE = "() => window.dispatchEvent(new Event('online'))"


@pytest.fixture
def change_guide(live_server: LiveServer) -> Iterator[Callable[[str], None]]:
    """Change the English title of a checklist on the server, as an editor would, through the
    content-write service (content version + 1). Restored afterwards."""
    engine = build_engine(live_server.database_url)
    original: dict[str, Any] = {}

    def change(title: str) -> None:
        with Session(engine) as session:
            before = edit_text(session, ChecklistTemplateTranslation, SLUG, "en", title=title)
        original.setdefault("values", before)

    try:
        yield change
    finally:
        if "values" in original:
            with Session(engine) as session:
                edit_text(session, ChecklistTemplateTranslation, SLUG, "en", **original["values"])
        engine.dispose()


def revalidate_and_sync(page: Page) -> None:
    """What coming back online does: bring the bundles up to date (a content delta) and sync.
    Waits for both."""
    main = page.locator("main")
    last = page.locator("[data-last-sync]")
    before = (last.get_attribute("data-last-sync") or "") if last.count() else None
    with page.expect_response(
        lambda r: "/api/v1/sync/content?locale=en" in r.url and r.status == 200
    ):
        page.evaluate(ONLINE)
    expect(main).to_have_attribute("data-refresh-deferred", re.compile(r"^\d+$"))
    if before is not None:  # a screen with the sync panel
        expect(last).not_to_have_attribute("data-last-sync", before)


def test_a_half_typed_note_survives_a_guide_update_and_a_sync(
    page: Page,
    live_server: LiveServer,
    server_db: Engine,  # noqa: F811
    change_guide: Callable[[str], None],
) -> None:
    anna, ben = make_worker(server_db, "anna"), make_worker(server_db, "ben")
    sign_in(page, anna)
    case_id = create_case(page)
    wait_all_sent(page)
    url = page.url

    note = page.locator("[data-case-notes]").get_by_label("New note")
    note.click()
    page.keyboard.type("Met at the bus station; ")
    # Meanwhile: a colleague joins the case (the next pull brings it) and the guide changes.
    r = httpx.post(
        f"{live_server.url}/api/v1/cases/{case_id}/workers",
        json={"email": ben},
        headers=bearer(live_server, anna),
        timeout=10,
    )
    assert r.status_code in (200, 201, 204), r.text
    change_guide("Before the return (revised)")
    revalidate_and_sync(page)

    # Still here, still typing: the text, the focus and the caret are where they were.
    assert page.url == url
    wait_view(page, "case")
    expect(note).to_be_focused()
    expect(note).to_have_value("Met at the bus station; ")
    page.keyboard.type("waiting for the family.")
    expect(note).to_have_value("Met at the bus station; waiting for the family.")

    # Once the worker leaves the field, the screen catches up, and the draft is still there.
    page.get_by_role("heading", level=1).click()
    expect(page.locator("[data-colleagues] .workers li > span")).to_have_text(sorted([anna, ben]))
    expect(page.locator(f"[data-checklist='{SLUG}'] h2")).to_have_text(
        "Before the return (revised)"
    )
    expect(note).to_have_value("Met at the bus station; waiting for the family.")


def test_a_half_filled_new_case_form_survives_a_guide_update_and_a_sync(
    page: Page,
    server_db: Engine,  # noqa: F811
    change_guide: Callable[[str], None],
) -> None:
    sign_in(page, make_worker(server_db, "cleo"))
    page.get_by_role("link", name="New case").click()
    wait_view(page, "casenew")
    page.get_by_label("Country of return").select_option("NG")
    reference = page.get_by_label("Reference code (optional)")
    reference.click()
    page.keyboard.type("RT-4")

    change_guide("Before the return (new)")
    revalidate_and_sync(page)

    wait_view(page, "casenew")
    expect(reference).to_be_focused()
    expect(reference).to_have_value("RT-4")
    page.keyboard.type("2")
    expect(page.get_by_label("Country of return")).to_have_value("NG")
    page.get_by_role("button", name="Create case").click()
    wait_view(page, "case")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case RT-42")
    # The new case already shows the updated guide.
    expect(page.locator(f"[data-checklist='{SLUG}'] h2")).to_have_text("Before the return (new)")
