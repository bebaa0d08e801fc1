"""The hottest GETs answered from memory before routing: the shell's files and the current
content bundle are bytes prepared once (plain, gzip, brotli) with their ETag, so a request
needs no routing, no dependency injection, no thread and no query. Pure ASGI, and the outermost
layer: it sets the security headers of app/core/http.py itself and answers HEAD (no body);
anything a resolver does not claim (a miss, a bundle not known to be current, a 404) and any
request with a body goes on to the ordinary stack, which gives the same answer more slowly."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.http import SecurityHeadersMiddleware, accepts, etag_matches, vary_header


@dataclass(frozen=True)
class Prepared:
    body: bytes
    etag: str
    cache_control: str
    media_type: str
    gzip_body: bytes | None = None
    br_body: bytes | None = None
    vary: str | None = None  # request headers the answer depends on, besides its coding


# (path, scope) -> the prepared answer, or None to let the routes answer.
Resolver = Callable[[str, Scope], Prepared | None]


class FastPathMiddleware:
    def __init__(
        self, app: ASGIApp, *, resolvers: Sequence[Resolver], headers: SecurityHeadersMiddleware
    ) -> None:
        self.app = app
        self.resolvers = tuple(resolvers)
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _METHODS:
            path = scope["path"]
            try:
                hit = next((h for r in self.resolvers if (h := r(path, scope)) is not None), None)
            except Exception:  # e.g. a broken frontend folder: the routes' error handling says so
                hit = None
            if hit is not None and await self._answer(scope, send, path, hit):
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send, path: str, hit: Prepared) -> bool:
        if_none_match = accept = ""
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
            elif name == b"accept-encoding":
                accept = value.decode("latin-1")
            elif name in _BODY_HEADERS and value != b"0":
                return False  # a body: the routes (and the body limit) deal with it
        headers = [(b"etag", hit.etag.encode()), (b"cache-control", hit.cache_control.encode())]
        if vary := vary_header(hit.vary, hit.gzip_body is not None or hit.br_body is not None):
            headers.append((b"vary", vary.encode()))
        if etag_matches(if_none_match, hit.etag):
            headers += self.headers.headers_for(path, b"")
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return True
        body = hit.body
        if hit.br_body is not None and accepts(accept, "br"):
            body = hit.br_body
            headers.append((b"content-encoding", b"br"))
        elif hit.gzip_body is not None and accepts(accept, "gzip"):
            body = hit.gzip_body
            headers.append((b"content-encoding", b"gzip"))
        media_type = hit.media_type.encode()
        headers.append((b"content-type", media_type))
        headers.append((b"content-length", str(len(body)).encode()))
        headers += self.headers.headers_for(path, media_type)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )
        return True


_METHODS = frozenset({"GET", "HEAD"})
_BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})
