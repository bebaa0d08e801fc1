"""Install criteria (Chromium): a complete web app manifest with fetchable icons, and a service
worker with a fetch handler that controls the page and answers start_url offline."""

import struct
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright

from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.helpers import first_run, go_offline, wait_sw_activated, wait_view

pytestmark = pytest.mark.browser


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_manifest_and_icons(page: Page, live_server: LiveServer) -> None:
    page.goto("/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == "/manifest.webmanifest"
    r = page.request.get(href)
    assert r.ok and r.headers["content-type"] == "application/manifest+json"
    m: dict[str, Any] = r.json()
    assert m["id"] == "/" and m["start_url"] == "/" and m["scope"] == "/"
    assert m["name"] == "Homeward" and m["short_name"]
    assert m["display"] == "standalone"
    assert m["theme_color"].startswith("#") and m["background_color"].startswith("#")
    assert m.get("prefer_related_applications") is not True
    found: set[tuple[str, str]] = set()
    for icon in m["icons"]:
        ir = page.request.get(icon["src"])
        assert ir.ok and ir.headers["content-type"] == "image/png", icon["src"]
        w, h = png_size(ir.body())
        assert f"{w}x{h}" == icon["sizes"], icon
        found.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= found


def test_chromium_reports_no_installability_errors(
    playwright: Playwright, live_server: LiveServer, device: dict[str, Any], tmp_path: Path
) -> None:
    # A real (non-incognito) profile: Chromium never offers installation in incognito, and
    # Playwright's ordinary contexts are incognito-like ("in-incognito" installability error).
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile", executable_path=str(CHROMIUM), base_url=live_server.url, **device
    )
    try:
        check_installable(context.pages[0] if context.pages else context.new_page(), live_server)
    finally:
        context.close()


def check_installable(page: Page, live_server: LiveServer) -> None:
    context = page.context
    first_run(page)
    assert wait_sw_activated(page) == f"{live_server.url}/sw.js"
    page.reload()  # loaded under the worker's control, as an installed app would be
    wait_view(page, "home")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors

    # start_url opens with no network at all.
    go_offline(context)
    response = page.goto("/")
    assert response is not None and response.status == 200 and response.from_service_worker
    wait_view(page, "home")
