"""Serves the PWA: the service worker, the web app manifest, static files and the app shell.

Included last by the app factory, so ``/api``, ``/healthz`` and ``/readyz`` win; the catch-all
only answers app navigations (``/`` and ``/{locale}/...``) and 404s everything else.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.convertors import Convertor, register_url_convertor

from app.core.config import Settings, get_settings
from app.services import shell


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

SettingsDep = Annotated[Settings, Depends(get_settings)]

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"


def _send(request: Request, file: shell.ShellFile, cache_control: str) -> Response:
    headers = {"ETag": file.etag, "Cache-Control": cache_control}
    if file.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(content=file.body, media_type=file.media_type, headers=headers)


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
    # ?v=<revision> names one exact version of the file: safe to cache for a year.
    immutable = request.query_params.get("v") == file.revision
    return _send(request, file, IMMUTABLE if immutable else NO_CACHE)
