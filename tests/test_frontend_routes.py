"""HTTP routes of the PWA: worker, manifest, static files, app shell for every navigation."""

import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import PROJECT_ROOT, Settings, get_settings
from app.i18n.catalogs import catalog_locales
from app.pwa import routes as frontend_routes
from app.pwa import shell


@pytest.fixture
def frontend_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "frontend"
    shutil.copytree(PROJECT_ROOT / "frontend", copy)
    shell.clear_cache()
    return copy


@pytest.fixture
def shell_client(frontend_dir: Path) -> Iterator[TestClient]:
    """Only the frontend router, pointed at a copy of frontend/ (no database needed)."""
    app = FastAPI()
    app.include_router(frontend_routes.router)
    app.dependency_overrides[get_settings] = lambda: Settings(
        frontend_dir=frontend_dir, frontend_recheck_seconds=0
    )
    with TestClient(app) as client:
        yield client


def test_service_worker_is_served_uncached_as_javascript(shell_client: TestClient) -> None:
    r = shell_client.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "no-cache"
    assert "self.__HW_MANIFEST" not in r.text
    assert '"url":"/static/js/app.js"' in r.text


def test_web_manifest(shell_client: TestClient) -> None:
    r = shell_client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/manifest+json"
    data = json.loads(r.content)
    assert data["display"] == "standalone" and data["start_url"] == "/"


@pytest.mark.parametrize("path", ["/", "/en/", "/en/tools/tool-7-8", "/fr/checklists/pre-return"])
def test_navigations_get_the_app_shell(shell_client: TestClient, path: str) -> None:
    r = shell_client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"
    assert '<script type="module" src="/static/js/app.js">' in r.text
    assert "<script>" not in r.text and "style=" not in r.text  # CSP: nothing inline


@pytest.mark.parametrize(
    "path",
    ["/static/nope.js", "/static/%2e%2e/app/main.py", "/favicon.ico", "/api/v1/x", "/healthz"],
)
def test_unknown_paths_are_404(shell_client: TestClient, path: str) -> None:
    assert shell_client.get(path).status_code == 404


def test_static_file_revalidates_with_etag(shell_client: TestClient) -> None:
    r = shell_client.get("/static/app.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    assert r.headers["cache-control"] == "no-cache"
    etag = r.headers["etag"]
    again = shell_client.get("/static/app.css", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_a_changed_file_is_served_and_changes_the_worker(
    shell_client: TestClient, frontend_dir: Path
) -> None:
    sw_before = shell_client.get("/sw.js").text
    css = frontend_dir / "app.css"
    css.write_text(css.read_text() + "\n.v2 { color: red; }\n")
    assert shell_client.get("/static/app.css").text.endswith(".v2 { color: red; }\n")
    assert shell_client.get("/sw.js").text != sw_before


def test_head_requests(shell_client: TestClient) -> None:
    assert shell_client.head("/sw.js").status_code == 200
    assert shell_client.head("/static/app.css").status_code == 200


def test_full_app_keeps_api_and_health_routes(client: TestClient) -> None:
    """In the real app the PWA router is included last and shadows nothing."""
    assert client.get("/healthz").json()["status"] == "ok"
    locales = client.get("/api/v1/locales")
    assert locales.headers["content-type"].startswith("application/json")
    missing = client.get("/api/v1/does-not-exist")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert client.head("/api/v1/locales").status_code == 200  # the API answers, not the shell
    assert client.get("/en/").headers["content-type"].startswith("text/html")
    sw = client.get("/sw.js")
    assert sw.status_code == 200
    assert "default-src 'self'" in sw.headers["content-security-policy"]


def test_head_is_answered_wherever_get_is(client: TestClient) -> None:
    """Uptime monitors and link checkers use HEAD (issue #8): same status and headers as GET,
    no body; a path that only takes POST still says which methods it takes."""
    for path in ("/", "/en/", "/healthz", "/readyz", "/api/v1/locales", "/api/v1/content/en",
                 "/api/v1/openapi.json", "/sw.js", "/static/app.css"):  # fmt: skip
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, (path, head.status_code)
        assert head.content == b""
        assert head.headers.get("etag") == get.headers.get("etag"), path
    post_only = client.head("/api/v1/auth/login")
    assert post_only.status_code == 405 and post_only.headers["allow"] == "POST"


# --- the shell in the reader's language (issue #13: readable before any script arrives) ----


def _shell_language(body: str) -> tuple[str, str, str]:
    html_tag = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)">', body)
    exit_link = re.search(r"data-quick-exit[^>]*>([^<]+)</a>", body)
    assert html_tag and exit_link, body[:400]
    return html_tag[1], html_tag[2], exit_link[1]


@pytest.mark.parametrize("which", ["routes", "fast path"])
@pytest.mark.parametrize(
    ("path", "accept_language", "expected"),
    [
        ("/ar/settings", None, ("ar", "rtl", "خروج سريع")),  # (/ar/ is drawn: test_prerender)
        ("/fr-CA/pages/x", "ar", ("fr", "ltr", "Sortie rapide")),  # the path wins
        ("/de/", "ar", ("en", "ltr", "Quick exit")),  # a language we do not have
        ("/", "fa-IR, fa;q=0.9, en;q=0.5", ("fa", "rtl", "خروج سریع")),
        ("/", "de, en;q=0.1", ("en", "ltr", "Quick exit")),
        ("/", None, ("en", "ltr", "Quick exit")),
    ],
)
def test_the_shell_is_served_in_the_readers_language(
    shell_client: TestClient,
    client: TestClient,
    which: str,
    path: str,
    accept_language: str | None,
    expected: tuple[str, str, str],
) -> None:
    http = shell_client if which == "routes" else client
    headers = {"Accept-Language": accept_language} if accept_language else {}
    res = http.get(path, headers=headers)
    assert res.status_code == 200
    assert _shell_language(res.text) == expected
    if expected[0] != "en":
        translated = {
            "fr": "Ouverture du guide…",
            "ar": "جارٍ فتح الدليل…",
            "fa": "در حال باز کردن راهنما…",
        }
        assert translated[expected[0]] in res.text
    # Each language its own ETag, which the service worker still takes as the shell's revision.
    revision = shell.revision_of((shell.load_shell(PROJECT_ROOT / "frontend")).index.body)
    etag = res.headers["etag"].strip('"')
    assert etag == revision or etag.startswith(revision + ".")
    assert (expected[0] == "en") == (etag == revision)
    vary = res.headers.get("vary", "")
    assert ("Accept-Language" in vary) == (path == "/")
    again = http.get(path, headers={**headers, "If-None-Match": res.headers["etag"]})
    assert again.status_code == 304


def test_shell_texts_are_catalog_messages() -> None:
    """Every text index.html marks for translation is one pybabel extracts (SHELL_MESSAGES),
    so translators see it; and each has a translation in every catalog."""
    index = (PROJECT_ROOT / "frontend" / "index.html").read_text()
    marked = {html.unescape(m[3]) for m in shell._MARKED_TEXT.finditer(index)}
    assert marked == set(shell.SHELL_MESSAGES)
    localized = shell.load_shell(PROJECT_ROOT / "frontend").localized
    assert set(localized) == set(catalog_locales()) and len(localized) >= 9
    for locale, file in localized.items():
        body = file.body.decode()
        if locale != "en":
            assert "Opening the guide…" not in body, f"{locale}: untranslated"


def static_imports(entry: str) -> set[str]:
    """The URLs of the modules ``entry`` (a path under frontend/) imports statically, directly
    or not: what the browser loads before it runs ``entry``. Read here with a regex of its own,
    not shell.py's."""
    pending, seen = [entry], set()
    while pending:
        rel = pending.pop()
        if rel in seen:
            continue
        seen.add(rel)
        text = (PROJECT_ROOT / "frontend" / rel).read_text()
        for spec in re.findall(r"^import [^;]*? from '(\.[^']+)';", text, re.MULTILINE):
            pending.append(os.path.normpath(Path(rel).parent.joinpath(spec)).replace("\\", "/"))
    return {shell.url_for(r) for r in seen - {entry}}


def preloaded_in(body: str) -> list[str]:
    return re.findall(r'<link rel="modulepreload" href="([^"]+)">', body)


def test_every_module_of_the_first_screen_is_preloaded() -> None:
    """The static import graph of app.js is announced in the HTML, so the browser asks for all of
    it in one round trip; modules loaded on demand (import(): the screens, the workers' and the
    field features) and lazy files are not."""
    s = shell.load_shell(PROJECT_ROOT / "frontend")
    preloaded = preloaded_in(s.index.body.decode())
    assert "/static/js/content.js" in preloaded
    assert "/static/js/notices.js" in preloaded  # imported two levels down
    assert len(preloaded) == len(set(preloaded))
    for url in preloaded:
        assert url in s.by_url and not s.by_url[url].lazy
    assert not any("/admin/" in u or "/cases/" in u or "/field/" in u for u in preloaded)
    assert "/static/js/delta.js" not in preloaded  # import() only
    # A screen loads when it is shown: the plain shell (every later visit) announces none.
    assert "/static/js/views/item.js" not in preloaded
    assert "/static/js/views/parts.js" in preloaded  # app.js's own: the not-found screen
    assert set(preloaded) == static_imports("js/app.js")
