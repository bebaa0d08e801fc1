"""HTTP hardening shared by every response: a request body limit, security headers and
compression."""

import gzip
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Same-origin only, no inline script or style: the PWA is built to run under this.
# `default-src 'self'` is what scripts, styles, fonts, fetches, workers and the manifest fall
# back to, so only what differs is named (issue #13: this is sent with every document).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# Every response: what holds whatever the body is.
COMMON_HEADERS: dict[str, str] = {
    "x-content-type-options": "nosniff",
    # Returnees' privacy: never tell another site where the reader came from.
    "referrer-policy": "no-referrer",
}
# Documents (HTML, SVG) and the service worker script, the only responses these policies
# govern: on a script, style sheet or image they are ignored, and on a phone that pays by the
# megabyte 400 bytes on each of forty responses is a page's worth of data.
DOCUMENT_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    **COMMON_HEADERS,
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
    "x-frame-options": "DENY",
}
# Scripts: a module's imports take the page's referrer policy when the script sets none (HTML,
# "fetch a single module script"), and the page's is no-referrer: 29 bytes saved on each of two
# dozen scripts of a first visit.
SCRIPT_HEADERS: dict[str, str] = {"x-content-type-options": "nosniff"}
# JSON from the API: never a document, never framed (OWASP REST security cheat sheet).
API_HEADERS: dict[str, str] = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    **COMMON_HEADERS,
}
# Kept for callers that want the whole set.
SECURITY_HEADERS = DOCUMENT_HEADERS

_DOCUMENT_TYPES = (b"text/html", b"image/svg+xml")
_WORKER_PATHS = frozenset({"/sw.js"})


def _encode(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.encode(), v.encode()) for k, v in headers.items()]


class SecurityHeadersMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware) so streaming and background tasks are unaffected.
    The full policy goes on documents and the service worker; JSON gets a short one; other
    static files (scripts, styles, images) only what applies to them."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        extra = [(b"strict-transport-security", b"max-age=31536000; includeSubDomains")]
        extra = extra if hsts else []
        self.document = _encode(DOCUMENT_HEADERS) + extra
        self.api = _encode(API_HEADERS) + extra
        self.common = _encode(COMMON_HEADERS) + extra
        self.script = _encode(SCRIPT_HEADERS) + extra

    def _for(self, path: str, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        return self.headers_for(path, content_type)

    def headers_for(self, path: str, content_type: bytes) -> list[tuple[bytes, bytes]]:
        """The security headers of a response to ``path`` with this Content-Type (b"" for
        none, as on a 304)."""
        if path in _WORKER_PATHS:
            return self.document
        if content_type.startswith(_DOCUMENT_TYPES):
            return self.document
        if content_type.startswith(b"application/") and b"json" in content_type:
            return self.api
        if content_type.startswith(b"text/javascript"):
            return self.script
        # Everything else, and a 304: a cache merges a 304's headers into the stored response,
        # so a 304 must not carry a policy meant for another kind of response.
        return self.common

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                existing = {k.lower() for k, _ in headers}
                extra = [(k, v) for k, v in self._for(path, headers) if k not in existing]
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(413, "The request body is too large.")


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` before any route, authentication or parser
    sees them: at once when Content-Length says so, otherwise (chunked) as soon as the
    bytes received pass the limit. Pure ASGI, so nothing is buffered here."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._refuse(scope, receive, send)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException, so FastAPI's body parsing lets it through to the
                    # problem+json handler (it turns other errors into a 400).
                    raise BodyTooLarge()
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from app.core.errors import too_large_response  # errors imports this module's peers

        response = too_large_response(Request(scope))
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)


class HeadAsGetMiddleware:
    """HEAD is answered wherever GET is (RFC 9110 9.3.2): the request is routed as a GET and
    the body is dropped, headers (Content-Length included) kept. Uptime monitors and link
    checkers use HEAD; FastAPI's GET routes would answer 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


def install_http_middleware(
    app: FastAPI,
    *,
    production: bool,
    max_body_bytes: int,
    fast_paths: Sequence[Any] = (),
) -> None:
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(HeadAsGetMiddleware)
    # Outside everything but the headers: the limit holds before anything reads the body.
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware, hsts=production)
    if fast_paths:
        from app.core.fastpath import FastPathMiddleware  # it imports this module

        # Outermost, even outside Starlette's error middleware: a hit costs no other layer.
        # It sets the same security headers and answers HEAD itself; a request with a body
        # goes the long way (through the body limit).
        headers = SecurityHeadersMiddleware(app, hsts=production)
        build_stack = app.build_middleware_stack

        def build_with_fast_path() -> ASGIApp:
            return FastPathMiddleware(build_stack(), resolvers=fast_paths, headers=headers)

        app.build_middleware_stack = build_with_fast_path  # type: ignore[method-assign]


def iter_routes(routes: Iterable[Any]) -> Iterator[Any]:
    """Every endpoint route, including those of included routers (FastAPI keeps included
    routers nested rather than copying their routes into ``app.routes``)."""
    for route in routes:
        nested = getattr(route, "effective_candidates", None)
        if nested is not None:  # FastAPI's included router
            yield from iter_routes(nested())
            yield from iter_routes(route.effective_low_priority_routes())
        elif hasattr(route, "routes") and not hasattr(route, "methods"):
            yield from iter_routes(route.routes)
        else:
            yield route


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """The one If-None-Match comparison (weak comparison, as RFC 9110 asks for GET)."""
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


def vary_header(vary: str | None, compressed: bool) -> str:
    """The Vary value of a prepared answer: the request headers it depends on (``vary``) and,
    when it exists in several codings, Accept-Encoding; "" when none."""
    return ", ".join([*([vary] if vary else []), *(["Accept-Encoding"] if compressed else [])])


def cached_response(
    request: Request,
    *,
    body: bytes,
    etag: str,
    cache_control: str,
    media_type: str,
    gzip_body: bytes | None = None,
    br_body: bytes | None = None,
    vary: str | None = None,
) -> Response:
    """A response with an ETag: 304 when the client's copy still holds, otherwise the
    bytes, pre-compressed when the client takes brotli or gzip (the ETag names the content,
    whatever its coding: caches tell codings apart by Vary)."""
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if varies := vary_header(vary, gzip_body is not None or br_body is not None):
        headers["Vary"] = varies
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    accept = request.headers.get("accept-encoding", "")
    if br_body is not None and accepts(accept, "br"):
        headers["Content-Encoding"] = "br"
        body = br_body
    elif gzip_body is not None and accepts(accept, "gzip"):
        headers["Content-Encoding"] = "gzip"
        body = gzip_body
    return Response(content=body, media_type=media_type, headers=headers)


try:  # a declared dependency; without it (an old environment) everything is gzip only
    import brotli as _brotli
except ImportError:  # pragma: no cover
    _brotli = None


def precompress(body: bytes) -> tuple[bytes, bytes | None]:
    """(gzip, brotli) encodings of bytes that are served many times: compressed once, at the
    highest levels (a few hundred ms for the largest bundle, once per content version)."""
    # mtime=0: the same bytes in every process and run (byte budgets, caches in front).
    gz = gzip.compress(body, compresslevel=9, mtime=0)
    br = _brotli.compress(body, quality=11) if _brotli is not None else None
    return gz, br


def accepts(accept_encoding: str, coding: str) -> bool:
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == coding:
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def no_store(response: Response) -> None:
    """Per-user answers must never be kept by a cache (a shared phone, a proxy)."""
    response.headers["Cache-Control"] = "no-store"
