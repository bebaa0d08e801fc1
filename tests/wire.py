"""Bytes on the wire: a small asyncio TCP proxy that counts every byte both ways, headers
included, and attributes them to the HTTP/1.1 exchanges it carries; and a real first visit
(Chromium, Pixel 7 emulation, an empty profile) through it, until the app is ready offline.

Used by tests/browser/test_budget.py (the budget) and bench/first_visit.py (the figures).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.browser.helpers import WAIT_SW_ACTIVATED, wait_until

FIRST_VISIT_BUDGET = 100_000  # bytes on the wire, both ways, headers included (1 KB = 1000 B)
JS_BUDGET = 50_000  # of which JavaScript: the compressed bodies of the script responses
FURTHER_LANGUAGE_SLACK = 2_000  # a further language costs at most its bundle + this


@dataclass
class Exchange:
    method: str
    path: str
    request_bytes: int  # request line, headers and body
    status: int = 0
    response_head: int = 0  # status line and headers
    response_body: int = 0  # as sent (gzip when the server compressed it)
    content_type: str = ""

    @property
    def total(self) -> int:
        return self.request_bytes + self.response_head + self.response_body


class _Parser:
    """Splits one direction of an HTTP/1.1 connection into messages (head, body length)."""

    def __init__(self, responses: bool) -> None:
        self.responses = responses
        self.buf = b""
        self.head: bytes | None = None
        self.remaining = 0  # body bytes still expected (Content-Length)
        self.chunked = False
        self.body = 0

    def feed(
        self, data: bytes, head_requests: deque[bool] | None = None
    ) -> list[tuple[bytes, int]]:
        self.buf += data
        done: list[tuple[bytes, int]] = []
        while True:
            if self.head is None:
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    return done
                self.head, self.buf = self.buf[: end + 4], self.buf[end + 4 :]
                self.body, self.chunked, self.remaining = 0, False, 0
                lines = self.head.split(b"\r\n")
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(b":") for line in lines[1:] if line)
                }
                no_body = False
                if self.responses:
                    status = int(lines[0].split()[1])
                    was_head = bool(head_requests) and head_requests[0]
                    no_body = status in (204, 304) or 100 <= status < 200 or was_head
                if no_body:
                    pass
                elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                    self.chunked = True
                else:
                    self.remaining = int(headers.get(b"content-length", b"0"))
            if self.chunked:
                # chunk-size CRLF data CRLF ... 0 CRLF CRLF
                end = self.buf.find(b"\r\n")
                if end < 0:
                    return done
                size = int(self.buf[:end].split(b";")[0], 16)
                need = end + 2 + size + 2
                if size == 0:
                    trailer = self.buf.find(b"\r\n\r\n", end)
                    if self.buf[end : end + 4] == b"\r\n\r\n":
                        need = end + 4
                    elif trailer >= 0:
                        need = trailer + 4
                    else:
                        return done
                if len(self.buf) < need:
                    return done
                self.body += need
                self.buf = self.buf[need:]
                if size:
                    continue
            else:
                take = min(self.remaining, len(self.buf))
                self.body += take
                self.remaining -= take
                self.buf = self.buf[take:]
                if self.remaining:
                    return done
            done.append((self.head, self.body))
            self.head = None


@dataclass
class WireProxy:
    """``with WireProxy(port) as proxy:`` forwards 127.0.0.1:proxy.port to the upstream port,
    in a thread of its own, counting bytes."""

    upstream_port: int
    upstream_host: str = "127.0.0.1"
    port: int = 0
    exchanges: list[Exchange] = field(default_factory=list)
    up: int = 0  # client -> server bytes
    down: int = 0  # server -> client bytes

    def __enter__(self) -> WireProxy:
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        async def start() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(start())
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def total(self) -> int:
        return self.up + self.down

    def reset(self) -> None:
        self.exchanges, self.up, self.down = [], 0, 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(
                self.upstream_host, self.upstream_port
            )
        except OSError:
            writer.close()
            return
        pending: deque[Exchange] = deque()
        heads: deque[bool] = deque()
        requests, responses = _Parser(False), _Parser(True)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, upward: bool) -> None:
            try:
                while data := await src.read(65536):
                    if upward:
                        self.up += len(data)
                        for head, body in requests.feed(data):
                            line = head.split(b"\r\n", 1)[0].decode("latin-1").split()
                            ex = Exchange(line[0], line[1], len(head) + body)
                            pending.append(ex)
                            heads.append(line[0] == "HEAD")
                            self.exchanges.append(ex)
                    else:
                        self.down += len(data)
                        for head, body in responses.feed(data, heads):
                            ex = pending.popleft() if pending else Exchange("?", "?", 0)
                            if heads:
                                heads.popleft()
                            lines = head.decode("latin-1").split("\r\n")
                            ex.status = int(lines[0].split()[1])
                            ex.response_head, ex.response_body = len(head), body
                            for line in lines[1:]:
                                if line.lower().startswith("content-type:"):
                                    ex.content_type = line.split(":", 1)[1].strip()
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(
                pipe(reader, up_writer, True),
                pipe(up_reader, writer, False),
                return_exceptions=True,
            )


# --- a first visit through the proxy ----------------------------------------------------------

HAS_BUNDLE = """(code) => new Promise((resolve) => {
  const open = indexedDB.open('homeward');
  open.onsuccess = () => {
    const get = open.result.transaction('bundles').objectStore('bundles').get(code);
    get.onsuccess = () => {
      const r = get.result;
      open.result.close();
      resolve(!!r && (code === 'en' || !!r.catalog));
    };
  };
})"""


@dataclass
class Visit:
    locale: str
    exchanges: list[Exchange]
    up: int
    down: int
    offline_ok: bool

    @property
    def total(self) -> int:
        return self.up + self.down

    @property
    def js(self) -> int:
        return sum(e.total for e in self.exchanges if e.path.split("?")[0].endswith(".js"))

    @property
    def js_bodies(self) -> int:
        return sum(e.response_body for e in self.exchanges if e.path.split("?")[0].endswith(".js"))

    @property
    def headers(self) -> int:
        return sum(e.request_bytes + e.response_head for e in self.exchanges)

    def bundle_bytes(self, locale: str) -> int:
        return sum(e.total for e in self.exchanges if e.path == f"/api/v1/content/{locale}")

    def downloaded_twice(self) -> list[str]:
        seen: dict[str, int] = {}
        for e in self.exchanges:
            if e.status == 200:
                seen[e.path] = seen.get(e.path, 0) + 1
        return sorted(p for p, n in seen.items() if n > 1)

    def report(self) -> str:
        rows = sorted(self.exchanges, key=lambda e: -e.total)
        lines = [
            f"{e.total:>7} B  {e.status} {e.method} {e.path}  "
            f"(request {e.request_bytes}, response head {e.response_head}, body {e.response_body})"
            for e in rows
        ]
        lines.append(
            f"{self.total:>7} B  in all ({len(self.exchanges)} requests; up {self.up}, down "
            f"{self.down}; headers {self.headers}; JavaScript {self.js}, of which bodies "
            f"{self.js_bodies})"
        )
        return "\n".join(lines)


def first_visit(browser: Any, device: dict[str, Any], upstream_port: int, locale: str) -> Visit:
    """A first visit in ``locale``: an empty profile whose browser prefers that language opens
    the app, takes the first-run choices (returnee, discreet mode off), and waits until the
    app is ready offline (service worker activated and controlling, the language's bundle and
    catalog stored; English too when the bundle needs it). Then, offline, a reload must show
    the home screen again."""
    with WireProxy(upstream_port) as proxy:
        context = browser.new_context(**device, base_url=proxy.url, locale=locale)
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            page.goto("/")
            page.locator("main[data-view='welcome']").wait_for(state="attached")
            page.locator(f"input[name=locale][value={locale}]").check()
            page.locator("input[name=audience][value=returnee]").check()
            page.locator("input[name=discreet]").uncheck()
            page.locator("form button[type=submit]").click()
            page.locator("main[data-view='home']").wait_for(state="attached")
            page.evaluate(WAIT_SW_ACTIVATED)
            wait_until(page, HAS_BUNDLE, locale)
            leans = page.evaluate(
                """(code) => new Promise((resolve) => {
                  const open = indexedDB.open('homeward');
                  open.onsuccess = () => {
                    const get = open.result.transaction('bundles').objectStore('bundles').get(code);
                    get.onsuccess = () => {
                      const d = get.result.data; open.result.close();
                      const docs = [...d.items, ...d.glossary];
                      for (const c of d.checklists) docs.push(c, ...c.items);
                      resolve(docs.some((x) => x.stale || (x.fallback && x.locale === 'en')));
                    };
                  };
                })""",
                locale,
            )
            if leans and locale != "en":
                wait_until(page, HAS_BUNDLE, "en")
            visit = Visit(locale, list(proxy.exchanges), proxy.up, proxy.down, False)
            context.set_offline(True)
            page.reload()
            page.locator("main[data-view='home']").wait_for(state="attached")
            visit.offline_ok = True
            return visit
        finally:
            context.close()
