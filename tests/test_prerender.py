"""A navigation to a guide page gets its first screen drawn by the server (app/pwa/prerender.py):
readable before any script, in the page's language, from the current content, and only where
it can be drawn exactly as the app draws it."""

import html
import re
from contextlib import nullcontext

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.content.bundles import BundleCache
from app.content.models import ContentItemTranslation
from app.content.write import edit_text
from app.core.config import PROJECT_ROOT
from app.i18n.catalogs import gettext_for
from app.pwa import prerender, shell
from tests.test_frontend_routes import preloaded_in, static_imports

MAIN = re.compile(r'<main id="main"(?: data-prerendered="([^"]*)")?>(.*?)</main>', re.DOTALL)


def main_of(page: str) -> tuple[str | None, str]:
    found = MAIN.search(page)
    assert found, "no <main> in the page"
    return found[1], found[2]


def bundle(client: TestClient, locale: str) -> dict:  # type: ignore[type-arg]
    return client.get(f"/api/v1/content/{locale}").json()


def test_an_item_is_readable_in_the_html(client: TestClient) -> None:
    en = bundle(client, "en")
    item = next(i for i in en["items"] if i["slug"] == "overview")
    res = client.get("/en/pages/overview")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    drawn, main = main_of(res.text)
    assert drawn == "/en/pages/overview"  # the app keeps it only on this path
    assert f"<h1>{html.escape(item['title'], quote=False)}</h1>" in main
    assert f'<p class="lead">{html.escape(item["summary"], quote=False)}</p>' in main
    assert f'<div class="prose">{item["body_html"]}</div>' in main
    assert '<p class="up"><a href="/en/">Back to home</a></p>' in main
    assert "Opening the guide" not in res.text
    assert '<html lang="en" dir="ltr">' in res.text
    # Same shell otherwise: the quick exit and the modules are there.
    assert "data-quick-exit" in res.text and 'rel="modulepreload"' in res.text
    revision = shell.load_shell(PROJECT_ROOT / "frontend").index.revision
    assert res.headers["etag"].startswith(f'"{revision}.')
    assert res.headers["cache-control"] == "no-cache"
    again = client.get("/en/pages/overview", headers={"If-None-Match": res.headers["etag"]})
    assert again.status_code == 304
    # Either section of the app's item route shows the item (frontend/js/router.js).
    assert main_of(client.get("/en/tools/overview").text)[0] == "/en/tools/overview"


def test_an_arabic_checklist_says_it_is_machine_translated(client: TestClient) -> None:
    ar = bundle(client, "ar")
    checklist = next(c for c in ar["checklists"] if c["slug"] == "pre-return")
    assert checklist["status"] == "machine"
    res = client.get("/ar/checklists/pre-return")
    drawn, main = main_of(res.text)
    assert drawn == "/ar/checklists/pre-return"
    assert '<html lang="ar" dir="rtl">' in res.text
    notice = html.escape(gettext_for("ar", "Not yet checked by a translator."), quote=False)
    assert notice != "Not yet checked by a translator."
    assert f'<p data-translation="machine">{notice}</p>' in main
    assert gettext_for("ar", "All checklists") in main
    steps = re.findall(r'<li><label class="check"><input type="checkbox" disabled>', main)
    assert len(steps) == len(checklist["items"])
    for step in checklist["items"]:
        assert html.escape(step["action"], quote=False) in main


@pytest.mark.parametrize("locale", ["en", "ar", "fa"])
def test_a_language_home_is_the_welcome_of_a_first_visit(client: TestClient, locale: str) -> None:
    drawn, main = main_of(client.get(f"/{locale}/").text)
    assert drawn == f"/{locale}/"
    title = html.escape(gettext_for(locale, "Welcome to Homeward"), quote=False)
    assert f"<h1>{title}</h1>" in main
    assert (locale == "en") == (title == "Welcome to Homeward")


@pytest.mark.parametrize(
    "path",
    [
        "/",  # the shell the service worker precaches and answers every navigation with
        "/en/glossary",
        "/en/pages/no-such-page",
        "/en/checklists",
        "/fr-CA/pages/overview",  # the app moves to /fr/...: nothing to keep
        "/de/pages/overview",  # no such language: the app's English page under another address
    ],
)
def test_other_navigations_get_the_plain_shell(client: TestClient, path: str) -> None:
    drawn, main = main_of(client.get(path).text)
    assert drawn is None
    assert 'role="status"' in main


def test_a_publish_is_drawn_at_once(client: TestClient, session: Session) -> None:
    before = client.get("/fr/pages/what-happens-next")
    assert main_of(before.text)[0] == "/fr/pages/what-happens-next"
    edit_text(session, ContentItemTranslation, "what-happens-next", "fr",
              title="Ce qui se passe <ensuite>")  # fmt: skip
    after = client.get("/fr/pages/what-happens-next")
    assert after.headers["etag"] != before.headers["etag"]
    assert "<h1>Ce qui se passe &lt;ensuite&gt;</h1>" in main_of(after.text)[1]


def test_only_what_the_app_draws_the_same_is_drawn(client: TestClient) -> None:
    """A page shown in another language, or one whose translation is out of date, carries a
    notice that names languages and dates: the app words it, so the server leaves it out."""
    from app.content.bundles import encode
    from app.content.schemas import Bundle

    fr = Bundle.model_validate(bundle(client, "fr"))
    item = next(i for i in fr.items if i.slug == "what-happens-next")
    target = prerender.Target("fr", "item", item.slug)
    assert prerender.first_screen(target, encode(fr)) is not None
    for change in ({"fallback": True, "locale": "en"}, {"stale": True}):
        changed = fr.model_copy(update={"items": [item.model_copy(update=change)]})
        assert prerender.first_screen(target, encode(changed)) is None, change
    checklist = fr.checklists[0]
    target = prerender.Target("fr", "checklist", checklist.slug)
    assert prerender.first_screen(target, encode(fr)) is not None
    step = checklist.items[0].model_copy(update={"stale": True})
    changed = fr.model_copy(update={"checklists": [
        checklist.model_copy(update={"items": [step, *checklist.items[1:]]})]})  # fmt: skip
    assert prerender.first_screen(target, encode(changed)) is None
    # Another language's bundle (a locale served from a fallback) is never drawn as this one.
    assert prerender.first_screen(prerender.Target("fr", "home"), encode(fr.model_copy(
        update={"locale": "en"}))) is None  # fmt: skip


def test_the_fast_path_sends_the_same_page(app: FastAPI, session: Session) -> None:
    cache = BundleCache(lambda: nullcontext(session), source_locale="en", version_ttl=3600,
                        max_age=300)  # fmt: skip
    app.state.bundle_cache = cache
    with TestClient(app) as client:
        routed = client.get("/ar/pages/overview")  # the version is not known yet: the route
        assert cache.fresh("ar") is not None
        fast = client.get("/ar/pages/overview")
        assert fast.content == routed.content
        assert fast.headers["etag"] == routed.headers["etag"]
        assert main_of(fast.text)[0] == "/ar/pages/overview"


@pytest.mark.parametrize(
    ("path", "screen"),
    [
        ("/en/pages/overview", "js/views/item.js"),
        ("/ar/checklists/pre-return", "js/views/checklists.js"),
        ("/fr/", "js/views/welcome.js"),  # a first visit's home is the welcome screen
    ],
)
def test_a_drawn_first_screen_announces_its_own_module(
    client: TestClient, path: str, screen: str
) -> None:
    """A page the server draws (app/pwa/prerender.py) also announces the module app.js will
    draw it with, and that module's imports, each once: the whole first screen arrives in
    the same round trip as app.js."""
    body = client.get(path).text
    assert "data-prerendered" in body
    preloaded = preloaded_in(body)
    assert len(preloaded) == len(set(preloaded))
    expected = static_imports("js/app.js") | {shell.url_for(screen)} | static_imports(screen)
    assert set(preloaded) == expected
    # Announced in the head, before the body starts.
    assert body.rindex('rel="modulepreload"') < body.index("<body>")
