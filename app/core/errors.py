"""Domain errors and their RFC 9457 ``application/problem+json`` rendering.

Services raise these (they never import FastAPI); one set of handlers turns every error,
including validation errors and unknown routes, into a problem document.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.config import get_settings
from app.core.http import iter_routes
from app.i18n import _, ngettext
from app.i18n.catalogs import format_number, gettext_for, message_locale, ngettext_for

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details, as documented in the OpenAPI schema."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None


class AppError(Exception):
    """``detail`` is an English msgid with ``{placeholders}`` filled from ``params``;
    ``extra`` become additional members of the problem document."""

    status: int = 400
    title: str = _("Bad request")

    headers: dict[str, str] | None = None

    def __init__(self, detail: str, params: dict[str, Any] | None = None, **extra: Any) -> None:
        super().__init__(detail.format(**(params or {})))
        self.msgid = detail
        self.params = params or {}
        self.extra = extra

    @property
    def detail(self) -> str:
        return str(self)

    plural: str | None = None  # the plural msgid, when ``params["n"]`` counts something

    def localised(self, locale: str) -> tuple[str, str]:
        title = gettext_for(locale, self.title)
        if self.plural is not None:
            n = int(self.params["n"])
            text = ngettext_for(locale, self.msgid, self.plural, n)
            return title, text.format(**{**self.params, "n": format_number(locale, n)})
        return title, gettext_for(locale, self.msgid).format(**self.params)


class NotFound(AppError):
    status = 404
    title = _("Not found")


class Conflict(AppError):
    status = 409
    title = _("Conflict")


class Unauthorized(AppError):
    status = 401
    title = _("Sign-in required")

    def __init__(self, detail: str, params: dict[str, Any] | None = None, **extra: Any) -> None:
        super().__init__(detail, params, **extra)
        self.headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(AppError):
    status = 403
    title = _("Forbidden")


class TooManyRequests(AppError):
    status = 429
    title = _("Too many requests")

    def __init__(self, retry_after: int, **extra: Any) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            ngettext(
                "Too many failed sign-ins. Try again in {n} minute.",
                "Too many failed sign-ins. Try again in {n} minutes.",
                minutes,
            ),
            {"n": minutes},
            retry_after=retry_after,
            **extra,
        )
        self.msgid = "Too many failed sign-ins. Try again in {n} minute."
        self.plural = "Too many failed sign-ins. Try again in {n} minutes."
        self.headers = {"Retry-After": str(retry_after)}


class Gone(AppError):
    status = 410
    title = _("Gone")


def request_locale(request: Request) -> str:
    settings = get_settings()
    explicit = request.query_params.get("lang") or request.cookies.get("hw_lang")
    return message_locale(explicit, request.headers.get("accept-language"), settings.source_locale)


def problem_response(
    status: int, title: str, detail: str | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    # An error can describe the caller's data (or that they are signed in): never cached.
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers={"Cache-Control": "no-store"}
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries so every documented error has the problem schema."""
    return {s: {"model": Problem, "content": {PROBLEM_JSON: {}}} for s in statuses}


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    title, detail = exc.localised(request_locale(request))
    response = problem_response(exc.status, title, detail, **exc.extra)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    locale = request_locale(request)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    return problem_response(
        422,
        gettext_for(locale, _("Invalid request")),
        gettext_for(locale, _("Some fields are missing or invalid.")),
        errors=errors,
    )


_HTTP_TITLES = {
    400: _("Bad request"),
    404: _("Not found"),
    405: _("Method not allowed"),
    413: _("Request too large"),
    429: _("Too many requests"),
}


def too_large_response(request: Request) -> JSONResponse:
    locale = request_locale(request)
    return problem_response(
        413,
        gettext_for(locale, _HTTP_TITLES[413]),
        gettext_for(locale, _("The request body is too large.")),
        max_bytes=get_settings().max_body_bytes,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    locale = request_locale(request)
    title = gettext_for(locale, _HTTP_TITLES.get(exc.status_code, _("Error")))
    response = problem_response(exc.status_code, title, gettext_for(locale, str(exc.detail)))
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        # Starlette names only the first route's methods; list every route on this path.
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    return response


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in iter_routes(request.app.routes):
        path_regex = getattr(route, "path_regex", None)
        if path_regex is not None and path_regex.match(request.url.path):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _too_deep(request: Request, exc: Exception) -> JSONResponse:
    # A JSON body nested deeper than the parser's recursion limit is bad input, not a fault.
    locale = request_locale(request)
    return problem_response(
        400,
        gettext_for(locale, _("Bad request")),
        gettext_for(locale, _("The request body is nested too deeply.")),
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # The database is down, stalled (a timeout) or locked: nothing was written, try again.
    # Only the exception's class is logged: its message can carry SQL and its parameters.
    logger.warning("database unavailable: %s", type(exc).__name__)
    locale = request_locale(request)
    retry_after = get_settings().unavailable_retry_after_seconds
    response = problem_response(
        503,
        gettext_for(locale, _("Service unavailable")),
        gettext_for(locale, _("The service is busy or briefly unavailable. Try again shortly.")),
        retry_after=retry_after,
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Never echo internals (or request data) back; the traceback goes to the server log.
    logger.exception("unhandled error", exc_info=exc)
    locale = request_locale(request)
    return problem_response(
        500,
        gettext_for(locale, _("Internal server error")),
        gettext_for(locale, _("Something went wrong on our side.")),
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RecursionError, _too_deep)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
