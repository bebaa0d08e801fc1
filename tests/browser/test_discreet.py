"""Discreet mode leaves no trail in the browser's own history (issue 8).

A real Chromium profile on disk: after a session of reading several screens and typing a
search, the profile's History database (SQLite, table ``urls(url, title)``) is read. In
discreet mode (offered to returnees on the first screen, on by default for them) it holds no
page title and no search term of Homeward; without it (the negative control) the titles of the
pages read are there, which proves the check can fail."""

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.helpers import wait_view

pytestmark = pytest.mark.browser

SEARCH = "traffick"  # typed one key at a time, as a person does


def run_session(
    playwright: Playwright,
    live_server: LiveServer,
    device: dict[str, Any],
    profile: Path,
    discreet: bool,
) -> list[tuple[str, str]]:
    ctx: BrowserContext = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), **device, base_url=live_server.url
    )
    try:
        ctx.set_default_timeout(15_000)
        page: Page = ctx.new_page()
        page.goto("/")
        wait_view(page, "welcome")
        page.get_by_label("English").check()
        page.get_by_label("I am going home / I came back").check()
        box = page.get_by_label("Keep what I read and search out of the browser’s history")
        expect(box).to_be_checked()  # on by default for returnees
        if not discreet:
            box.uncheck()
        page.get_by_role("button", name="Continue").click()
        wait_view(page, "home")
        start = page.url
        for name in ("Your rights", "What happens next"):
            page.get_by_role("link", name=name).first.click()
            wait_view(page, "item")
            page.get_by_role("navigation").get_by_role("link", name="Home").click()
            wait_view(page, "home")
        page.get_by_role("navigation").get_by_role("link", name="Glossary").click()
        wait_view(page, "glossary")
        page.get_by_role("navigation").get_by_role("link", name="Search").click()
        wait_view(page, "search")
        page.get_by_label("Search the downloaded guide").press_sequentially(SEARCH)
        expect(page.locator(".results li").first).to_be_visible()
        page.locator(".results a").first.click()
        if discreet:
            assert page.url == start  # the address never moved
            assert page.title() == "Notes"
            href = page.locator("link[rel=manifest]").get_attribute("href")
            assert href == "/static/manifest-discreet.webmanifest"
            # A reload shows the same screen, without the address saying which.
            slug = page.locator("article[data-slug]").get_attribute("data-slug")
            page.reload()
            wait_view(page, "item")
            expect(page.locator("article[data-slug]")).to_have_attribute("data-slug", slug or "")
            assert page.url == start
        assert SEARCH not in page.url
    finally:
        ctx.close()  # flushes the History database
    copy = profile.parent / f"History-{discreet}.sqlite"
    shutil.copy(profile / "Default" / "History", copy)
    with sqlite3.connect(copy) as db:
        return [(u, t or "") for u, t in db.execute("SELECT url, title FROM urls")]


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "profile"


def homeward_rows(rows: list[tuple[str, str]], live_server: LiveServer) -> list[tuple[str, str]]:
    return [(u, t) for u, t in rows if u.startswith(live_server.url)]


def test_discreet_mode_leaves_no_titles_or_searches_in_history(
    playwright: Playwright,
    live_server: LiveServer,
    device: dict[str, Any],
    profile: Path,
    en_bundle: dict[str, Any],
) -> None:
    rows = homeward_rows(run_session(playwright, live_server, device, profile, True), live_server)
    assert rows, "the session was not recorded at all"
    titles = [i["title"] for i in en_bundle["items"]] + ["Glossary", "Search", "Homeward"]
    leaks = [(u, t) for u, t in rows for x in titles if x.lower() in t.lower()]
    assert not leaks, f"page titles in the browser's history: {leaks}"
    searches = [(u, t) for u, t in rows if SEARCH[:2] in u.lower() or "q=" in u or "search" in u]
    assert not searches, f"search in the browser's history: {searches}"
    assert {t for _, t in rows} <= {"Notes"}
    assert len({u for u, _ in rows}) == 1  # one address for the whole session


def test_without_discreet_mode_history_keeps_titles_negative_control(
    playwright: Playwright, live_server: LiveServer, device: dict[str, Any], profile: Path
) -> None:
    rows = homeward_rows(run_session(playwright, live_server, device, profile, False), live_server)
    titles = " | ".join(t for _, t in rows)
    assert "Your rights" in titles and "What happens next" in titles, rows  # the check can fail
    # Search terms stay out of the address in every mode.
    assert not [u for u, _ in rows if "q=" in u], rows
