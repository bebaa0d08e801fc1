"""HTTP routes of the PWA: worker, manifest, static files, app shell for every navigation."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import PROJECT_ROOT, Settings, get_settings
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
    css.write_text(css.read_text() + "\n/* v2 */\n")
    assert shell_client.get("/static/app.css").text.endswith("/* v2 */\n")
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
