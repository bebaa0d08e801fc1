"""On a slow connection the app opens from the phone first (issue 8): the service worker answers
app navigations from the precached shell without waiting for the network, the app renders
from IndexedDB, and only then revalidates in the background. No wall-clock assertions: the
network copy of the shell is made different, and the app's own requests are held open."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import first_run, wait_sw_activated, wait_view

pytestmark = pytest.mark.browser

MARKER = "<!-- served by the network -->"
SLOW_3G = {  # 400 kbps, 400 ms
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}


@pytest.fixture
def network_shell_differs(live_server: LiveServer) -> Iterator[Path]:
    index = live_server.frontend_dir / "index.html"
    original = index.read_bytes()
    yield index
    index.write_bytes(original)


def test_navigation_is_answered_from_the_phone_then_revalidated(
    context: BrowserContext, page: Page, live_server: LiveServer, network_shell_differs: Path
) -> None:
    first_run(page, "worker")
    wait_sw_activated(page)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)

    # What the network would answer now differs from what the phone holds.
    text = network_shell_differs.read_text()
    network_shell_differs.write_text(text.replace("<body>", f"<body>\n{MARKER}"))

    # Hold every API request the page makes: the screen must not wait for any of them.
    held: list[Route] = []
    page.route("**/api/**", lambda route: held.append(route))

    with page.expect_request("**/api/v1/sync/content?locale=en*") as revalidation:
        response = page.reload()
        assert response is not None and response.from_service_worker
        wait_view(page, "home")  # drawn while every API request is still pending
    assert MARKER not in page.content()  # the shell came from the phone, not the network
    expect(page.locator("[data-list=tools] > li").first).to_be_visible()

    # Deep links too.
    response = page.goto("/en/tools/tool-7-8")
    assert response is not None and response.from_service_worker
    wait_view(page, "item")
    assert MARKER not in page.content()

    # And it brings the guide up to date in the background: what changed since its cursor.
    assert "since=k1." in revalidation.value.url
    for route in held:
        route.continue_()
    page.unroute("**/api/**")
