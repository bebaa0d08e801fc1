"""Fits a cheap phone in every language (issue 8): the bottom navigation at 320 and 360 px and
at 100 %, 130 % and 200 % text in every shipped locale, and tap targets of at least 44 by 44
CSS px on the Arabic glossary and search.

Text size is emulated the way a browser's text-size setting works: it changes the default
font size (CDP ``Page.setFontSizes``), which every ``rem``/``em``/``%`` size in the stylesheet
scales with; pixel sizes (the 48 px tap height) do not change. Screenshots of every
combination go to ``test-artifacts/nav/``."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from app.core.config import PROJECT_ROOT
from tests.browser.conftest import LiveServer
from tests.browser.helpers import wait_view

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "nav"
LOCALES = ("en", "fr", "es", "ru", "uk", "ro", "ar", "fa", "vi", "th")
WIDTHS = (320, 360)
TEXT = (1.0, 1.3, 2.0)
DEFAULT_FONT = 16  # Chromium's default "standard" font size in CSS px
MIN_TAP = 44

NAV_BOXES = """() => {
  const box = (r) => ({ l: r.left, r: r.right, t: r.top, b: r.bottom, w: r.width, h: r.height });
  return [...document.querySelectorAll('nav.tabs a')].map((a) => {
    const range = document.createRange();
    range.selectNodeContents(a);
    return {
      label: a.textContent,
      text: box(range.getBoundingClientRect()),
      item: box(a.getBoundingClientRect()),
      clipped: a.scrollWidth > a.clientWidth + 1 || a.scrollHeight > a.clientHeight + 1,
    };
  });
}"""

# Every tap target on screen that is not a link inside running text (WCAG 2.2 SC 2.5.8's
# "inline" exception: links in the body text of a guide page, or inside a sentence of a notice).
TARGETS = """() => {
  const inline = (el) => el.closest('.prose')
    || (el.closest('.notice p') && getComputedStyle(el).display === 'inline');
  const out = [];
  const all = 'a[href], button, input, select, summary, label.choice, label.check';
  for (const el of document.querySelectorAll(all)) {
    if (el.closest('[hidden], dialog:not([open])') || el.classList.contains('skip')) continue;
    // a box inside its label: the label is the target
    if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) continue;
    if (inline(el)) continue;
    // A stretched link's target is its whole card (a::after covers it).
    const r = (el.classList.contains('stretch') ? el.closest('li') : el).getBoundingClientRect();
    if (!r.width && !r.height) continue;
    out.push({ what: el.outerHTML.slice(0, 120), w: r.width, h: r.height });
  }
  return out;
}"""


def intersects(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["l"] < b["r"] - 0.5
        and b["l"] < a["r"] - 0.5
        and a["t"] < b["b"] - 0.5
        and b["t"] < a["b"] - 0.5
    )


def inside(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["l"] >= b["l"] - 0.5
        and a["r"] <= b["r"] + 0.5
        and a["t"] >= b["t"] - 0.5
        and a["b"] <= b["b"] + 0.5
    )


@pytest.fixture
def phone(
    browser: Browser, live_server: LiveServer, device: dict[str, Any]
) -> Iterator[tuple[BrowserContext, Page]]:
    ctx = browser.new_context(**device, base_url=live_server.url)
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield ctx, page
    ctx.close()
    assert not errors, errors


def set_text_size(ctx: BrowserContext, page: Page, factor: float) -> None:
    cdp = ctx.new_cdp_session(page)
    cdp.send(
        "Page.setFontSizes",
        {"fontSizes": {"standard": round(DEFAULT_FONT * factor), "fixed": round(13 * factor)}},
    )
    cdp.detach()
    page.wait_for_function(
        "(px) => parseFloat(getComputedStyle(document.documentElement).fontSize) === px",
        arg=round(DEFAULT_FONT * factor),
    )


def test_bottom_navigation_fits_every_locale_width_and_text_size(
    phone: tuple[BrowserContext, Page],
) -> None:
    ctx, page = phone
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for locale in LOCALES:
        page.set_viewport_size({"width": 360, "height": 740})
        set_text_size(ctx, page, 1.0)
        page.goto(f"/{locale}/settings")
        wait_view(page, "settings")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 740})
            for factor in TEXT:
                set_text_size(ctx, page, factor)
                where = f"{locale} {width}px {round(factor * 100)}%"
                page.screenshot(
                    path=str(ARTIFACTS / f"nav-{locale}-{width}-{round(factor * 100)}.png")
                )
                boxes = page.evaluate(NAV_BOXES)
                # Nothing wider than the phone (else the browser zooms the whole page out), and
                # the navigation on screen.
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    problems.append(f"{where}: the page is wider than the screen")
                # At large text it may sit at the end of the page (static) rather than on top.
                nav = page.evaluate(
                    "(() => { const n = document.querySelector('nav.tabs');"
                    " return [getComputedStyle(n).position, n.getBoundingClientRect().bottom]; })()"
                )
                if nav[0] == "sticky" and nav[1] > 740.5:
                    problems.append(f"{where}: the navigation is below the screen")
                if nav[0] == "static" and factor == 1.0:
                    problems.append(f"{where}: the navigation is not kept on screen")
                assert len(boxes) >= 5, where
                for n, a in enumerate(boxes):
                    if a["clipped"] or not inside(a["text"], a["item"]):
                        problems.append(f"{where}: “{a['label']}” overflows its item")
                    if a["item"]["l"] < -0.5 or a["item"]["r"] > width + 0.5:
                        problems.append(f"{where}: “{a['label']}” leaves the screen")
                    if a["item"]["w"] < MIN_TAP or a["item"]["h"] < MIN_TAP:
                        problems.append(
                            f"{where}: “{a['label']}” is {a['item']['w']:.0f}×{a['item']['h']:.0f}"
                        )
                    for b in boxes[n + 1 :]:
                        if intersects(a["text"], b["text"]) or intersects(a["item"], b["item"]):
                            problems.append(f"{where}: “{a['label']}” runs into “{b['label']}”")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("screen", ["glossary", "search"])
def test_tap_targets_in_arabic(phone: tuple[BrowserContext, Page], screen: str) -> None:
    _, page = phone
    page.goto(f"/ar/{screen}")
    wait_view(page, screen)
    if screen == "search":
        page.locator("input[type=search]").fill("حق")
        page.locator(".results li").first.wait_for()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"targets-ar-{screen}.png"), full_page=True)
    targets = page.evaluate(TARGETS)
    assert len(targets) > 5
    small = [
        f"{t['w']:.0f}×{t['h']:.0f} {t['what']}"
        for t in targets
        if t["w"] < MIN_TAP or t["h"] < MIN_TAP
    ]
    assert not small, f"{len(small)} targets under {MIN_TAP}×{MIN_TAP}:\n" + "\n".join(small[:20])
