"""Shared steps for the browser tests. Every wait is on a condition, never on time."""

import re
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

WAIT_SW_ACTIVATED = """async () => {
  const reg = await navigator.serviceWorker.ready;
  const sw = reg.active;
  if (sw.state !== 'activated') {
    await new Promise((resolve) => sw.addEventListener('statechange', () => {
      if (sw.state === 'activated') resolve();
    }));
  }
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  }
  return navigator.serviceWorker.controller.scriptURL;
}"""

SW_VERSION = """() => new Promise((resolve) => {
  const ch = new MessageChannel();
  ch.port1.onmessage = (e) => resolve(e.data.version);
  navigator.serviceWorker.controller.postMessage({ type: 'VERSION' }, [ch.port2]);
})"""


def wait_view(page: Page, name: str) -> None:
    expect(page.locator(f"main[data-view='{name}']")).to_be_attached()


def first_run(page: Page, audience: str = "worker", discreet: bool = False) -> None:
    """Open the app for the first time, pick English and an audience, land on home. Discreet
    mode (offered to returnees, on by default for them) is turned off unless asked for, so
    that the address follows the screens."""
    page.goto("/")
    wait_view(page, "welcome")
    label = "I work with returnees" if audience == "worker" else "I am going home / I came back"
    page.get_by_label("English").check()
    page.get_by_label(label).check()
    if audience == "returnee":
        page.locator("input[name=discreet]").set_checked(discreet)
    page.get_by_role("button", name="Continue").click()
    wait_view(page, "home")


def wait_sw_activated(page: Page) -> str:
    return page.evaluate(WAIT_SW_ACTIVATED)


def sw_version(page: Page) -> str:
    return page.evaluate(SW_VERSION)


def item_path(item: dict[str, Any]) -> str:
    section = "pages" if item["kind"] == "page" else "tools"
    return f"/en/{section}/{item['slug']}"


FIELD_CACHED = """async () => {
  const { keepFieldOffline } = await import('/static/js/updates.js');
  await keepFieldOffline(); // resolves once the service worker has answered
  const want = ['/static/js/field/protocol.js', '/static/js/field/sheet.js',
                '/static/js/field/passon.js', '/static/vendor/qrcode-generator/qrcode.js',
                '/static/protocol/ar.json'];
  const urls = [];
  for (const name of await caches.keys()) {
    for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
  }
  const kept = localStorage.getItem('hw-field-kept') === '1';
  return { kept, missing: want.filter((w) => !urls.includes(w)) };
}"""


def keep_field_offline(page: Page) -> None:
    """What a second visit does: the field features are cached for offline use (they are not
    part of a first visit, issue #13). Waits until they are."""
    wait_sw_activated(page)
    # The app counts them as kept only once the service worker says all are cached: check both.
    assert page.evaluate(FIELD_CACHED) == {"kept": True, "missing": []}


def go_offline(context: BrowserContext) -> None:
    """Airplane mode, once the open app pages have finished what they do after the server
    answered (keeping the field features offline, sending feedback, refreshing contacts):
    going offline in the middle of that is a test's race, not what it means to test."""
    for open_page in context.pages:
        if open_page.url.startswith("http"):
            expect(open_page.locator("main[data-connected]")).to_be_attached()
    context.set_offline(True)


def cache_lazy_files(page: Page, *paths: str) -> None:
    """Has the service worker cache lazily cached files (app/pwa/shell.py LAZY_FILES) now.

    Playwright brings a context back online page by page and only then its service workers: for
    a moment the page is online and its worker is not, so a lazy file first fetched in that
    moment fails (net::ERR_FAILED), which cannot happen on a phone. A test that comes back online
    and then needs such a file has it cached before going offline."""
    page.evaluate(
        """async (paths) => {
          for (const path of paths) {
            const res = await fetch(path);
            if (!res.ok) throw new Error(`${path}: ${res.status}`);
            // Kept under its revision (sw.js cacheKey): the address with a query.
            const cached = await caches.match(path, { ignoreSearch: true });
            if (!cached) throw new Error(`${path}: not cached by the service worker`);
          }
        }""",
        list(paths),
    )


WAIT_UNTIL = """async (arg) => {
  const check = %s;
  const deadline = Date.now() + %d;
  for (;;) {
    if (await check(arg)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}"""


def wait_until(page: Page, predicate: str, arg: Any = None, timeout_ms: int = 15_000) -> None:
    """Waits until an async page-side predicate holds. Playwright's wait_for_function does not
    await a promise: an async predicate (IndexedDB, Cache Storage) would pass at once."""
    done = page.evaluate(WAIT_UNTIL % (predicate, timeout_ms), arg)
    assert done, f"not true within {timeout_ms} ms: {predicate}"


def watched(context: BrowserContext, allowed: str | None = None) -> tuple[Page, list[str]]:
    """A page whose script errors and console errors are collected; ``allowed`` matches the
    console messages a test expects (e.g. the browser reporting an expected 401)."""
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))

    def on_console(m: Any) -> None:
        if m.type == "error" and not (allowed and re.search(allowed, m.text)):
            errors.append(f"console: {m.text}")

    p.on("console", on_console)
    return p, errors
