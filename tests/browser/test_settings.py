"""Settings shows what is on the device and what the browser granted; choices stick."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, go_offline, wait_sw_activated, wait_view

pytestmark = pytest.mark.browser


def test_settings_storage_languages_and_audience(page: Page) -> None:
    first_run(page, "worker")
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    wait_view(page, "settings")

    english = page.locator(".languages li[data-locale='en']")
    expect(english).to_contain_text("English")
    expect(english.locator(".size")).to_have_text(re.compile(r"^\d+ KB$"))
    expect(english.get_by_role("button", name="Remove English")).to_be_disabled()  # in use

    usage = page.locator("[data-usage]")
    expect(usage).to_contain_text("Homeward uses")
    assert int(usage.get_attribute("data-usage") or 0) > 0
    persisted = page.locator("[data-persisted]")
    assert persisted.get_attribute("data-persisted") in ("true", "false")
    expect(persisted).to_contain_text("Persistent storage:")

    # Switch to returnee: home puts the plain-language pages first, and it survives a reload.
    page.get_by_label("I am going home / I came back").check()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    page.goto("/en/")
    wait_view(page, "home")
    lists = page.locator("[data-list]")
    expect(lists.first).to_have_attribute("data-list", "pages")
    page.reload()
    wait_view(page, "home")
    expect(lists.first).to_have_attribute("data-list", "pages")


def test_about_documents_quick_exit_and_its_limits(page: Page) -> None:
    first_run(page, "returnee")
    wait_sw_activated(page)  # the version shown is the one of the worker controlling the page
    page.goto("/en/about")
    wait_view(page, "about")
    expect(page.get_by_text("press the Escape key three times")).to_be_visible()
    expect(page.get_by_text("It does not erase your browser history")).to_be_visible()
    expect(page.locator("[data-version]")).to_have_attribute("data-version", re.compile(r"\w+"))


def test_download_use_and_remove_another_language(
    context: BrowserContext, page: Page, live_server: LiveServer
) -> None:
    locales = live_server.get("/api/v1/locales").json()["locales"]
    others = [x for x in locales if x["code"] != "en" and x["content_coverage"] > 0]
    if not others:
        pytest.skip("the server offers only one language so far")
    other = others[0]
    code = other["code"]
    first_run(page, "worker")
    wait_sw_activated(page)
    page.goto("/en/settings")
    wait_view(page, "settings")

    page.get_by_label("Download another language").select_option(code)
    page.get_by_role("button", name="Download", exact=True).click()
    row = page.locator(f".languages li[data-locale='{code}']")
    expect(row.locator(".size")).to_have_text(re.compile(r"^\d+ KB$"))

    page.get_by_label("Language of the app and the guide").select_option(code)
    page.get_by_role("button", name="Use this language").click()
    page.wait_for_url(f"**/{code}/settings")
    wait_view(page, "settings")
    assert page.evaluate("document.documentElement.lang") == code

    english = page.locator(".languages li[data-locale='en']")
    english.locator("button").click()  # "Remove English", now in that language
    expect(english).to_have_count(0)

    # Offline: the downloaded language opens; the removed one says so plainly.
    go_offline(context)
    page.goto(f"/{code}/tools/tool-7-8")
    wait_view(page, "item")
    page.goto("/en/tools/tool-7-8")
    wait_view(page, "not-downloaded")
