"""Issue #8, worker app: who wrote a note's current text (and who wrote it first), the versions
of a note changed at the same time shown side by side, notices that name their note, and a
direct way to the cases from the bottom navigation and the Checklists screen."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import Engine

from app.core.config import PROJECT_ROOT
from tests.browser.conftest import LiveServer
from tests.browser.helpers import go_offline, wait_view
from tests.browser.test_cases import (  # noqa: F401  (server_db and second_context are fixtures)
    add_case_note,
    create_case,
    make_worker,
    second_context,
    server_db,
    sign_in,
    sync_now,
    wait_all_sent,
)

pytestmark = pytest.mark.browser
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
BOXES = """() => [...document.querySelectorAll('[data-case-notes] [data-versions] [data-note]')]
.map((el) => {
  const r = el.getBoundingClientRect();
  return [r.x, r.y];
})"""


def add_colleague(page: Page, email: str) -> None:
    colleagues = page.locator("[data-colleagues]")
    colleagues.get_by_label("Add a colleague by their email").fill(email)
    colleagues.get_by_role("button", name="Add colleague").click()
    expect(colleagues.get_by_role("status")).to_have_text(f"{email} can now see this case.")


def open_case(page: Page, case_id: str) -> None:
    page.locator(f"[data-case='{case_id}'] a").click()
    wait_view(page, "case")


def edit_note(page: Page, old: str, new: str) -> None:
    note = page.locator("[data-case-notes] [data-note]").filter(has_text=old)
    note.locator("summary", has_text="Edit").click()
    note.get_by_label("Edit the note").fill(new)
    note.get_by_role("button", name="Save the note").click()
    expect(page.locator("[data-case-notes] [data-note]").filter(has_text=new)).to_have_count(1)


def byline(page: Page, body: str) -> list[str]:
    note = page.locator("[data-case-notes] [data-note]").filter(has_text=body)
    return note.locator("[data-byline]").all_inner_texts()


def two_workers_on_a_case(page: Page, page_b: Page, db: Engine) -> tuple[str, str, str]:
    anna, ben = make_worker(db, "anna"), make_worker(db, "ben")
    sign_in(page, anna)
    case_id = create_case(page)
    wait_all_sent(page)
    add_colleague(page, ben)
    add_case_note(page, "Shelter bed confirmed for the first week.")
    wait_all_sent(page)
    sign_in(page_b, ben)
    open_case(page_b, case_id)
    return anna, ben, case_id


def test_a_colleagues_edit_shows_who_wrote_the_current_text_and_who_wrote_it_first(
    page: Page,
    second_context: BrowserContext,  # noqa: F811
    server_db: Engine,  # noqa: F811
) -> None:
    page_b = second_context.new_page()
    anna, ben, _ = two_workers_on_a_case(page, page_b, server_db)
    first = "Shelter bed confirmed for the first week."
    expect(page_b.locator("[data-case-notes] [data-note]")).to_have_count(1)
    [line] = byline(page_b, first)
    assert line.startswith(f"Written by {anna}, ")
    [line] = byline(page, first)
    assert line.startswith("Written by you, ")

    # Ben changes Anna's note. His phone says so at once, before it is even sent.
    edited = "Shelter bed confirmed for two weeks."
    edit_note(page_b, first, edited)
    changed, origin = byline(page_b, edited)
    assert changed.startswith("Changed by you, ")
    assert origin.startswith(f"First written by {anna}, ")
    wait_all_sent(page_b)
    changed, origin = byline(page_b, edited)  # the server agrees
    assert changed.startswith("Changed by you, ") and origin.startswith(f"First written by {anna}")

    # Anna's phone, after its next sync: Ben wrote the current text, she wrote the first one.
    sync_now(page)
    changed, origin = byline(page, edited)
    assert changed.startswith(f"Changed by {ben}, ")
    assert origin.startswith("First written by you, ")


def test_versions_written_at_the_same_time_are_side_by_side_and_the_notice_names_the_note(
    context: BrowserContext,
    page: Page,
    second_context: BrowserContext,  # noqa: F811
    server_db: Engine,  # noqa: F811
) -> None:
    page_b = second_context.new_page()
    two_workers_on_a_case(page, page_b, server_db)
    first = "Shelter bed confirmed for the first week."
    go_offline(context)
    go_offline(second_context)
    edit_note(page, first, "Anna: bed confirmed until Friday.")
    edit_note(page_b, first, "Ben: bed confirmed, interpreter booked.")
    for p in (page, page_b):
        p.context.set_offline(False)
        sync_now(p)
    sync_now(page)

    for p in (page, page_b):
        group = p.locator("[data-case-notes] [data-versions]")
        expect(group).to_have_count(1)
        versions = group.locator("[data-note]")
        expect(versions).to_have_count(2)
        expect(versions.nth(0)).to_contain_text("Anna: bed confirmed until Friday.")
        expect(versions.nth(1)).to_contain_text("Ben: bed confirmed, interpreter booked.")
        expect(group).to_contain_text("both versions are kept, side by side")
        # On a phone 412 px wide they stand next to each other, in one row.
        (ax, ay), (bx, by) = p.evaluate(BOXES)  # in one go: a sync may redraw the list
        assert abs(ay - by) < 1 and ax != bx, (ax, ay, bx, by)
        # and nothing else of the case's notes is shown apart from them
        expect(p.locator("[data-case-notes] [data-note]")).to_have_count(2)

    # Ben's edit became the second version: his notice says which note it is about.
    notice = page_b.locator("[data-notice='note_kept_both']")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("the note “Anna: bed confirmed until Friday.”")
    expect(notice).to_contain_text("Both versions are kept, side by side.")
    notice.get_by_role("link", name="Show the note").click()
    expect(page_b.locator("[data-versions] [data-note]").first).to_be_focused()
    ARTIFACTS.mkdir(exist_ok=True)
    # The whole page: its live parts (notices, sync status) redraw as sync rounds end, so an
    # element's screenshot could lose its element halfway.
    page_b.screenshot(path=str(Path(ARTIFACTS, "case-note-versions.png")), full_page=True)


def test_workers_reach_their_cases_from_the_bottom_navigation_and_from_checklists(
    page: Page,
    server_db: Engine,  # noqa: F811
    live_server: LiveServer,
) -> None:
    nav = page.locator("nav.tabs")
    email = make_worker(server_db, "cleo")
    sign_in(page, email)
    cases = nav.get_by_role("link", name="Cases", exact=True)
    expect(cases).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="Checklists").click()
    wait_view(page, "checklists")
    expect(cases).not_to_have_attribute("aria-current", "page")
    page.locator("[data-to-cases]").get_by_role("link", name="Open your cases").click()
    wait_view(page, "cases")
    case_id = create_case(page)
    wait_all_sent(page)
    assert re.fullmatch(r"[0-9a-f-]{36}", case_id)
    expect(cases).to_have_attribute("aria-current", "page")  # a case belongs to "Cases"
    nav.get_by_role("link", name="Home").click()
    wait_view(page, "home")
    cases.click()
    wait_view(page, "cases")

    # Signed out: no "Cases" in the navigation.
    page.get_by_role("button", name="Sign out").click()
    wait_view(page, "signin")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(cases).to_have_count(0)
