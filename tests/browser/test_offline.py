"""The promise of the issue: open once, go offline, and everything is still there."""

import html
import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, item_path, wait_sw_activated, wait_view

pytestmark = pytest.mark.browser


def first_heading(body_html: str) -> str:
    match = re.search(r"<h2[^>]*>(.*?)</h2>", body_html, re.S)
    assert match, "every guide item has at least one section heading"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_everything_readable_offline_after_first_visit(
    context: BrowserContext, page: Page, live_server: LiveServer, en_bundle: dict[str, Any]
) -> None:
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    first_run(page, "worker")
    assert wait_sw_activated(page) == f"{live_server.url}/sw.js"
    online_requests = list(requests)

    context.set_offline(True)
    failed: list[str] = []
    answered: list[tuple[str, bool]] = []

    def on_failed(r: Request) -> None:
        # App navigations come from the cached shell (no preload); a navigation preload that
        # fails is tolerated. Anything else hitting the network offline is a bug.
        if "service-worker-navigation-preload" not in r.headers:
            failed.append(r.url)

    context.on("requestfailed", on_failed)
    context.on("response", lambda r: answered.append((r.url, r.from_service_worker)))

    # Home, reloaded with no network: served by the service worker.
    response = page.reload()
    assert response is not None and response.from_service_worker
    wait_view(page, "home")
    tools = [i for i in en_bundle["items"] if i["kind"] in ("tool", "overview")]
    expect(page.locator("[data-list=tools] > li")).to_have_count(len(tools))
    expect(page.get_by_role("link", name="The return and reintegration process")).to_be_visible()

    # Three different items, each opened by deep link (a fresh navigation, not an in-app click).
    items = {i["slug"]: i for i in en_bundle["items"]}
    for slug in ("tool-7-8", "overview", "your-rights"):
        item = items[slug]
        response = page.goto(item_path(item))
        assert response is not None and response.from_service_worker, slug
        wait_view(page, "item")
        expect(page.locator("h1")).to_have_text(item["title"])
        expect(page.locator(".prose h2").first).to_have_text(first_heading(item["body_html"]))

    # A checklist: tick two steps, reload offline, they are still ticked.
    checklist = next(c for c in en_bundle["checklists"] if c["slug"] == "pre-return")
    page.goto("/en/checklists/pre-return")
    wait_view(page, "checklist")
    boxes = page.locator(".checklist input[type=checkbox]")
    expect(boxes).to_have_count(len(checklist["items"]))
    boxes.nth(0).check()
    boxes.nth(2).check()
    expect(page.locator("[data-progress]")).to_have_attribute("data-done", "2")
    page.reload()
    wait_view(page, "checklist")
    expect(boxes.nth(0)).to_be_checked()
    expect(boxes.nth(1)).not_to_be_checked()
    expect(boxes.nth(2)).to_be_checked()
    expect(page.locator("[data-progress]")).to_have_text(
        f"2 of {len(checklist['items'])} steps done"
    )

    # The glossary, every term.
    page.goto("/en/glossary")
    wait_view(page, "glossary")
    expect(page.locator(".glossary .entry")).to_have_count(len(en_bundle["glossary"]))

    # Search: case and accents do not matter.
    page.goto("/en/search")
    wait_view(page, "search")
    page.get_by_label("Search the downloaded guide").fill("RÉFLECTION périod")
    expect(page.locator(".results li[data-id='tool-7-1']")).to_be_visible()
    expect(page.locator(".results mark").first).to_have_text(re.compile("reflection", re.I))

    # Cold start: a new tab opened in airplane mode.
    cold = context.new_page()
    response = cold.goto("/")
    assert response is not None and response.from_service_worker
    wait_view(cold, "home")
    cold.close()

    assert failed == [], f"requests tried the network while offline: {failed}"
    assert answered, "no responses recorded"
    not_from_sw = [url for url, from_sw in answered if not from_sw]
    assert not_from_sw == [], f"answered without the service worker: {not_from_sw}"
    foreign = [u for u in online_requests if not u.startswith(live_server.url)]
    assert foreign == [], f"requests to another origin: {foreign}"


def test_term_links_open_their_definition(page: Page, en_bundle: dict[str, Any]) -> None:
    first_run(page, "worker")
    page.goto("/en/tools/tool-7-1")
    wait_view(page, "item")
    link = page.locator(".prose a.term").first
    expect(link).to_be_visible()
    key = link.get_attribute("data-term")
    term = next(g for g in en_bundle["glossary"] if g["key"] == key)
    link.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(term["term"])
    expect(dialog).to_contain_text(term["definition"])
    dialog.get_by_role("link", name="Open the glossary").click()
    wait_view(page, "glossary")
    expect(page.locator(f"#term-{key}")).to_be_focused()


LAZY_KEYS = """async () => {
  const cache = await caches.open('hw-precache-v1');
  return (await cache.keys()).map((r) => r.url).filter((u) => u.includes('/static/js/cases/'));
}"""


def test_worker_screens_are_cached_on_first_use_not_for_readers(
    context: BrowserContext, page: Page, live_server: LiveServer
) -> None:
    """Readers never download the workers' screens (issue #13); a worker gets all of them kept
    for offline use as soon as one loads."""
    from app.pwa import shell

    lazy = [
        e for e in shell.load_shell(live_server.frontend_dir).lazy_manifest()
        if e["url"].startswith("/static/js/cases/")
    ]  # fmt: skip
    assert lazy, "the workers' modules are not precached"
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    first_run(page, "returnee")
    wait_sw_activated(page)
    assert not [u for u in requests if "/static/js/cases/" in u]
    assert page.evaluate(LAZY_KEYS) == []

    page.goto("/en/signin")  # a worker's first screen: its module asks for the whole set
    wait_view(page, "signin")
    expected = sorted(f"{live_server.url}{e['url']}?__hw_rev={e['revision']}" for e in lazy)
    page.wait_for_function(
        """async (n) => {
          const keys = await (await caches.open('hw-precache-v1')).keys();
          return keys.filter((r) => r.url.includes('/static/js/cases/')).length >= n;
        }""",
        arg=len(expected),
    )
    assert sorted(page.evaluate(LAZY_KEYS)) == expected
    # What a returning visit does once the server has answered (the guide brought up to date,
    # the field features kept offline, the contacts directory refreshed) has finished before
    # the network goes: a request cut off would be a console error this test is not about.
    page.wait_for_function(
        """() => localStorage.getItem('hw-field-kept') === '1'
              && performance.getEntriesByType('resource')
                   .some((e) => e.name.endsWith('/api/v1/contacts'))"""
    )
    context.set_offline(True)  # offline, each one comes from the service worker's cache
    for e in lazy:
        assert page.evaluate("(u) => fetch(u).then((r) => r.ok)", e["url"]) is True, e["url"]
