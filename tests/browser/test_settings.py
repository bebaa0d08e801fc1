"""Settings shows what is on the device and what the browser granted; choices stick."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import first_run, wait_view

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
    page.goto("/en/about")
    wait_view(page, "about")
    expect(page.get_by_text("press the Escape key three times")).to_be_visible()
    expect(page.get_by_text("It does not erase your browser history")).to_be_visible()
    expect(page.locator("[data-version]")).to_have_attribute("data-version", re.compile(r"\w+"))
