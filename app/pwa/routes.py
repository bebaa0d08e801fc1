"""Serves the PWA: the service worker, the web app manifest, static files and the app shell.

Included last by the app factory, so ``/api``, ``/healthz`` and ``/readyz`` win; the catch-all
only answers app navigations (``/`` and ``/{locale}/...``) and 404s everything else.
"""

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.convertors import Convertor, register_url_convertor

from app.core.config import Settings
from app.core.deps import SettingsDep
from app.core.http import cached_response
from app.pwa import shell


class _NotApiPath(Convertor[str]):
    """Like ``path`` but never under /api, so "GET /api/v1/auth/login" (a POST route) still
    gets the API's 405 instead of being swallowed by the app-shell catch-all."""

    regex = r"(?!api(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("notapi", _NotApiPath())

router = APIRouter(include_in_schema=False)

NO_CACHE = "no-cache"


def _send(request: Request, file: shell.ShellFile, cache_control: str) -> Response:
    return cached_response(
        request,
        body=file.body,
        etag=file.etag,
        cache_control=cache_control,
        media_type=file.media_type,
    )


@router.api_route("/sw.js", methods=["GET", "HEAD"])
def service_worker(request: Request, settings: SettingsDep) -> Response:
    sw = shell.load_shell(settings.frontend_dir, settings.quick_exit_url).service_worker
    return _send(request, sw, NO_CACHE)


@router.api_route("/manifest.webmanifest", methods=["GET", "HEAD"])
def web_manifest(request: Request, settings: SettingsDep) -> Response:
    return _asset(request, settings, "/manifest.webmanifest")


@router.api_route("/static/{path:path}", methods=["GET", "HEAD"])
def static_file(path: str, request: Request, settings: SettingsDep) -> Response:
    return _asset(request, settings, shell.STATIC_PREFIX + path)


# GET only: a HEAD catch-all would turn "HEAD /api/..." (405 from the API route) into a 404.
@router.get("/{path:notapi}")
def app_shell(path: str, request: Request, settings: SettingsDep) -> Response:
    if not shell.is_navigation_path(path):
        raise HTTPException(status_code=404)
    return _send(
        request, shell.load_shell(settings.frontend_dir, settings.quick_exit_url).index, NO_CACHE
    )


def _asset(request: Request, settings: Settings, url: str) -> Response:
    file = shell.find_asset(settings.frontend_dir, url, settings.quick_exit_url)
    if file is None:
        raise HTTPException(status_code=404)
    return _send(request, file, NO_CACHE)
