"""Quick exit goes to a neutral page (HOMEWARD_QUICK_EXIT_URL; by default a plain recipe page
that names nothing of Homeward) and leaves nothing of Homeward in the tab's history (back or
forward)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, wait_view

pytestmark = pytest.mark.browser

NEUTRAL = "data:text/html,<title>Weather</title><p>Sunny</p>"
EXIT = "/static/recipe.html"  # the default HOMEWARD_QUICK_EXIT_URL


def browse_around(page: Page) -> None:
    """Visit several screens the way a reader would, through in-app links."""
    page.get_by_role("link", name="Your rights").first.click()
    wait_view(page, "item")
    page.get_by_role("link", name="Checklists").last.click()
    wait_view(page, "checklists")
    page.get_by_role("navigation").get_by_role("link", name="Glossary").click()
    wait_view(page, "glossary")
    page.get_by_role("navigation").get_by_role("link", name="Search").click()
    page.get_by_label("Search the downloaded guide").fill("rights")
    expect(page.locator(".results li").first).to_be_visible()


def history_urls(page: Page) -> list[str]:
    """Walk the tab's whole session history, back to the start then forward to the end."""
    urls = [page.url]
    for step in (page.go_back, page.go_forward):
        while True:
            before = page.url
            step()
            if page.url == before:
                break
            urls.append(page.url)
    return urls


def assert_no_homeward(page: Page, live_server: LiveServer, length: int) -> None:
    exit_url = live_server.url + EXIT
    page.wait_for_url(exit_url)
    expect(page.locator("h1")).to_have_text("Red lentil soup")  # an ordinary page, not a blank one
    assert "homeward" not in (page.title() + page.content()).lower()
    assert page.evaluate("history.length") == length  # Homeward's one entry was replaced
    urls = history_urls(page)
    assert NEUTRAL in urls
    leftovers = [u for u in urls if u.startswith(live_server.url) and u != exit_url]
    assert leftovers == [], f"Homeward still in the tab's history: {urls}"


def test_quick_exit_button(page: Page, live_server: LiveServer) -> None:
    page.goto(NEUTRAL)
    first_run(page, "returnee", discreet=True)
    length = page.evaluate("history.length")
    browse_around(page)
    assert page.evaluate("history.length") == length  # in-app navigation never adds entries
    page.get_by_role("button", name="Quick exit").click()
    assert_no_homeward(page, live_server, length)


def test_quick_exit_escape_three_times(page: Page, live_server: LiveServer) -> None:
    page.goto(NEUTRAL)
    first_run(page, "returnee")
    length = page.evaluate("history.length")
    page.get_by_role("link", name="Your rights").first.click()
    wait_view(page, "item")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert page.url.startswith(live_server.url)  # two presses are not enough
    page.keyboard.press("Escape")
    assert_no_homeward(page, live_server, length)
