"""Serves the PWA: the service worker, the web app manifest, static files and the app shell.

Included last by the app factory, so ``/api``, ``/healthz`` and ``/readyz`` win; the catch-all
only answers app navigations (``/`` and ``/{locale}/...``) and 404s everything else.
"""

import logging
import threading

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.types import Scope

from app.content.bundles import BundleCache
from app.core.config import Settings, get_settings
from app.core.fastpath import Prepared, Resolver
from app.core.http import cached_response
from app.pwa import prerender, shell


class _NotApiPath(Convertor[str]):
    """Like ``path`` but never under /api, so "GET /api/v1/auth/login" (a POST route) still
    gets the API's 405 instead of being swallowed by the app-shell catch-all."""

    regex = r"(?!api(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("notapi", _NotApiPath())

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

NO_CACHE = "no-cache"


def _app_settings(app: FastAPI) -> Settings:
    """The settings, read directly rather than as a dependency: FastAPI runs a plain-function
    dependency on a worker thread, and these routes are hot. Tests' overrides still apply."""
    return app.dependency_overrides.get(get_settings, get_settings)()


def _settings(request: Request) -> Settings:
    return _app_settings(request.app)


def _shell(settings: Settings) -> shell.Shell:
    return shell.current_shell(
        settings.frontend_dir, settings.quick_exit_url, settings.frontend_recheck_seconds
    )


def _send(
    request: Request, file: shell.ShellFile, cache_control: str, vary: str | None = None
) -> Response:
    return cached_response(
        request,
        body=file.body,
        gzip_body=file.gzip_body,
        br_body=file.br_body,
        etag=file.etag,
        cache_control=cache_control,
        media_type=file.media_type,
        vary=vary,
    )


# At / the shell's language is the browser's (a locale path names its own).
def _vary_for(path: str) -> str | None:
    return "Accept-Language" if path in ("", "/") else None


_first_screens = prerender.FirstScreens()


def _first_screen_source(
    app: FastAPI, path: str
) -> tuple[prerender.Target, shell.Shell, shell.ShellFile, BundleCache] | None:
    """What a navigation's first screen would be drawn from (prerender.py): the screen, the
    shell, its page in exactly the screen's language, and the bundle cache; None for a plain
    shell."""
    target = prerender.target_for(path)
    cache: BundleCache | None = getattr(app.state, "bundle_cache", None)  # none: shell only
    if target is None or cache is None:
        return None
    files = _shell(_app_settings(app))
    local = files.index_in(target.locale)
    return (target, files, local, cache) if local is not None else None


# async, and no I/O but a stat walk at most every HOMEWARD_FRONTEND_RECHECK_SECONDS: these
# answer on the event loop, without a thread hop.
@router.api_route("/sw.js", methods=["GET", "HEAD"])
async def service_worker(request: Request) -> Response:
    return _send(request, _shell(_settings(request)).service_worker, NO_CACHE)


@router.api_route("/manifest.webmanifest", methods=["GET", "HEAD"])
async def web_manifest(request: Request) -> Response:
    return _asset(request, "/manifest.webmanifest")


@router.api_route("/static/{path:path}", methods=["GET", "HEAD"])
async def static_file(path: str, request: Request) -> Response:
    return _asset(request, shell.STATIC_PREFIX + path)


# GET only: a HEAD catch-all would turn "HEAD /api/..." (405 from the API route) into a 404.
@router.get("/{path:notapi}")
async def app_shell(path: str, request: Request) -> Response:
    if not shell.is_navigation_path(path):
        raise HTTPException(status_code=404)
    path = "/" + path
    page = None
    if (source := _first_screen_source(request.app, path)) is not None:
        target, files, local, cache = source
        try:
            bundle = cache.fresh(target.locale) or await run_in_threadpool(cache.get, target.locale)
        except Exception:  # the page still works without its first screen: the app draws it
            logger.warning("no first screen for %s", path, exc_info=True)
        else:
            page = _first_screens.get(files, local, bundle, target, path)
    if page is None:
        page = _shell(_settings(request)).index_for(path, request.headers.get("accept-language"))
    return _send(request, page, NO_CACHE, _vary_for(path))


def _asset(request: Request, url: str) -> Response:
    file = _shell(_settings(request)).by_url.get(url)
    if file is None:
        raise HTTPException(status_code=404)
    return _send(request, file, NO_CACHE)


def warm_up(app: FastAPI) -> threading.Thread:
    """Loads the shell on a background thread as the process starts, without holding up
    readiness: its first load compresses every file (about 1.5 s of CPU) and would otherwise
    be paid by the first visitor, on the event loop."""

    def load() -> None:
        try:
            _shell(_app_settings(app))
        except Exception:  # the first request reports it, as it did before
            logger.warning("warming the app shell failed", exc_info=True)

    thread = threading.Thread(target=load, name="homeward-shell-warm-up", daemon=True)
    thread.start()
    return thread


def shell_fast_path(app: FastAPI) -> Resolver:
    """The worker, the manifest, static files and app navigations answered before routing
    (app/core/fastpath.py), exactly as the routes above would; misses go on to them."""

    def resolve(path: str, scope: Scope) -> Prepared | None:
        vary = None
        if path == "/sw.js":
            file: shell.ShellFile | None = _shell(_app_settings(app)).service_worker
        elif path.startswith(shell.STATIC_PREFIX) or path == "/manifest.webmanifest":
            file = _shell(_app_settings(app)).by_url.get(path)
        elif shell.is_navigation_path(path[1:]):
            accept_language = next(
                (v.decode("latin-1") for k, v in scope["headers"] if k == b"accept-language"), None
            )
            if (source := _first_screen_source(app, path)) is not None:
                target, files, local, cache = source
                bundle = cache.fresh(target.locale)
                if bundle is None:
                    return None  # the route reads the content version, off the event loop
                file = _first_screens.get(files, local, bundle, target, path)
            else:
                file = _shell(_app_settings(app)).index_for(path, accept_language)
            vary = _vary_for(path)
        else:
            return None
        if file is None:
            return None
        return Prepared(
            body=file.body,
            etag=file.etag,
            cache_control=NO_CACHE,
            media_type=file.media_type,
            gzip_body=file.gzip_body,
            br_body=file.br_body,
            vary=vary,
        )

    return resolve
