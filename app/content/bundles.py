"""The language bundle: every published item, checklist and glossary term for one locale,
resolved along its fallback chain (resolver.py). Built once per content version and kept as
bytes (plain, gzip and brotli), so serving it costs about as much as serving a static file.

The bytes, and so the ETag, depend only on the content: two processes on one database, or
one process before and after a restart, serve the same ETag for the same content.
"""

import asyncio
import hashlib
import json
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlmodel import Session

from app.content.feed import make_cursor
from app.content.locales import available_locales, locale_infos
from app.content.resolver import (
    Resolver,
    published_checklists,
    published_items,
    published_terms,
)
from app.content.schemas import Bundle, ChecklistOut, ItemOut, LocaleInfo, LocaleList
from app.content.write import current_version, version_listeners
from app.core.errors import NotFound
from app.core.http import precompress
from app.core.models import utcnow
from app.i18n import _
from app.i18n import locales as i18n

logger = logging.getLogger(__name__)

# While this process hears every publish (notify.py), how long a version read is trusted.
LISTENING_TTL = 60.0

# Bundles kept per process: one per locale served (variants share their parent's), bounded
# all the same so that no request pattern can grow memory without limit.
MAX_CACHED_BUNDLES = 32


def build_bundle(session: Session, locale: str, source_locale: str, version: int) -> Bundle:
    resolver = Resolver(session, locale, source_locale)
    items = [out for item in published_items(session) if (out := resolver.item(item))]
    checklists = [
        out
        for template, entries in published_checklists(session)
        if (out := resolver.checklist(template, entries))
    ]
    glossary = [out for term in published_terms(session) if (out := resolver.term(term))]
    return Bundle(
        locale=locale,
        version=version,
        cursor=make_cursor(version),
        direction=i18n.direction(locale),
        updated_at=resolver.newest or utcnow(),
        items=items,
        checklists=checklists,
        glossary=glossary,
    )


def served_locale(requested: str, available: list[str], source_locale: str) -> str:
    """The locale whose bundle answers a request: the locale itself when we have it, else
    the closest parent we have (``fr-CA`` and ``fr-x001`` are served French). An unknown
    language is refused rather than silently shown in English."""
    if requested in available:
        return requested
    parents = i18n.fallback_chain(requested, source_locale)[1:]
    if parents and parents[-1] == source_locale and source_locale not in requested.split("-")[:1]:
        parents = parents[:-1]  # the source locale appended at the end does not count
    for parent in parents:
        if parent in available:
            return parent
    raise NotFound(
        _("There is no content in locale '{locale}'."),
        {"locale": requested},
        available_locales=available,
    )


@dataclass(frozen=True)
class EncodedBundle:
    """A bundle as served: its bytes only. The models it was built from are not kept (ten
    languages' models took about 25 MB of the 150 MB budget, issue #13): the rare reader of
    one entry parses it from the bytes."""

    version: int
    locale: str
    body: bytes
    gzip_body: bytes
    etag: str
    br_body: bytes | None = None

    @cached_property
    def slugs(self) -> dict[str, tuple[str, ...]]:
        """The items' and the checklists' slugs, in order: a slug it does not have costs no
        parse (each navigation to a guide page asks, app/pwa/prerender.py)."""
        data = json.loads(self.body)
        return {kind: tuple(e["slug"] for e in data[kind]) for kind in ("items", "checklists")}

    def item(self, slug: str) -> ItemOut | None:
        found = self._entry("items", slug)
        return ItemOut.model_validate(found) if found is not None else None

    def checklist(self, slug: str) -> ChecklistOut | None:
        found = self._entry("checklists", slug)
        return ChecklistOut.model_validate(found) if found is not None else None

    def _entry(self, kind: str, slug: str) -> dict[str, Any] | None:
        if slug not in self.slugs[kind]:
            return None
        return next(e for e in json.loads(self.body)[kind] if e["slug"] == slug)


def encode(bundle: Bundle) -> EncodedBundle:
    body = bundle.model_dump_json().encode()
    gz, br = precompress(body)  # deterministic bytes: the same in every process
    return EncodedBundle(
        version=bundle.version,
        locale=bundle.locale,
        body=body,
        gzip_body=gz,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        br_body=br,
    )


@dataclass
class LocaleTable:
    """GET /api/v1/locales of one content version, encoded once for each `preferred`."""

    version: int
    source_locale: str
    locales: list[LocaleInfo]
    _bodies: dict[str, bytes] = field(default_factory=dict)

    def body(self, accept_language: str | None) -> bytes:
        codes = [info.code for info in self.locales]
        ranked = i18n.parse_accept_language(accept_language)
        preferred = i18n.negotiate(ranked, codes) or self.source_locale
        body = self._bodies.get(preferred)
        if body is None:  # at most one per locale
            listing = LocaleList(default=self.source_locale, preferred=preferred,
                                 locales=self.locales)  # fmt: skip
            body = self._bodies[preferred] = listing.model_dump_json().encode()
        return body


class BundleCache:
    """Per-process cache of encoded bundles, keyed by the locale served.

    The content version is read from the database at most once per ``version_ttl`` seconds
    (0: on every request), and at once after a write made by this process: a request on
    the hot path costs no query and no thread. When the TTL has run out, the first request
    on the event loop starts one re-read on a background thread and, while it runs (for at
    most one more TTL), requests are still answered from memory: under load nobody waits
    for the check. On PostgreSQL every process listens for publishes (notify.py) and drops
    its version at once after any, wherever it was made; the version is then trusted for up
    to ``LISTENING_TTL`` (a safety net for a notification lost without a word). Without a
    listener, other processes learn of a publish within ``version_ttl`` plus the time of one
    query; after a quiet spell longer than twice the TTL a request reads the version itself."""

    def __init__(
        self,
        open_session: Callable[[], AbstractContextManager[Session]],
        *,
        source_locale: str,
        version_ttl: float,
        max_age: int,
    ) -> None:
        self._open_session = open_session
        self._source_locale = source_locale
        self._version_ttl = version_ttl
        self.cache_control = f"public, max-age={max_age}"
        self._entries: OrderedDict[str, EncodedBundle] = OrderedDict()
        self._served: dict[str, str] = {}  # requested locale -> served locale
        self._version: int | None = None
        self._version_read_at = 0.0
        self._lock = threading.Lock()
        self._recheck: asyncio.Future[None] | None = None  # the re-read under way, if any
        self._listening = False
        # Moves on every invalidation: a version read before one must not be trusted after it.
        self._generation = 0
        self._locales: LocaleTable | None = None
        # One build at a time per locale (striped): after a publish, fifty requests for the
        # same bundle wait for one build instead of making fifty.
        self._build_locks = [threading.Lock() for _ in range(16)]
        invalidate = weakref.WeakMethod(self.invalidate)
        version_listeners.append(lambda: (method := invalidate()) and method())

    def invalidate(self) -> None:
        """The version may have changed (this process wrote content, or another one did)."""
        self._generation += 1
        self._version = None

    def listening(self, on: bool) -> None:
        """Whether this process hears every publish (notify.py). Either way the version is
        read again: a publish may have been missed while the listener was not connected."""
        self._listening = on
        self.invalidate()

    def _ttl(self) -> float:
        if self._listening and self._version_ttl > 0:
            return max(self._version_ttl, LISTENING_TTL)
        return self._version_ttl

    def _known_version(self) -> int | None:
        """The content version if it is known to be current, without touching the database."""
        version = self._version
        if version is None:
            return None
        age, ttl = time.monotonic() - self._version_read_at, self._ttl()
        if age > ttl and not (age <= 2 * ttl and self._start_recheck()):
            return None
        return version

    def fresh(self, locale: str) -> EncodedBundle | None:
        """The cached bundle if it is known to be current, without touching the database."""
        version = self._known_version()
        if version is None:
            return None
        served = self._served.get(locale)
        entry = self._entries.get(served) if served else None
        return entry if entry is not None and entry.version == version else None

    def _start_recheck(self) -> bool:
        """Starts (once) a re-read of the version off the event loop; False when not called
        from the event loop (a worker thread reads the version itself)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self._recheck is None or self._recheck.done():
            self._recheck = loop.run_in_executor(None, self._read_version)
        return True

    def _read_version(self) -> None:
        generation = self._generation
        try:
            with self._open_session() as session:
                self._note_version(session, generation)
        except Exception:  # the next request reads it on the slow path
            logger.warning("content version re-read failed", exc_info=True)

    def _note_version(self, session: Session, generation: int) -> int:
        """Reads the content version and keeps it as known, unless a publish was announced
        since ``generation`` was taken, before the session was opened (then the read is
        served but not trusted)."""
        version = current_version(session)
        if generation == self._generation:
            self._version, self._version_read_at = version, time.monotonic()
        return version

    def get(self, locale: str) -> EncodedBundle:
        """The current bundle (reads the version, and builds the bundle when needed)."""
        entry = self.fresh(locale)
        if entry is not None:
            return entry
        with self._build_locks[hash(locale) % len(self._build_locks)]:
            entry = self.fresh(locale)  # built meanwhile by the request we waited for
            if entry is not None:
                return entry
            return self._load(locale)

    def _load(self, locale: str) -> EncodedBundle:
        generation = self._generation
        with self._open_session() as session:
            version = self._note_version(session, generation)
            served = self._served.get(locale)
            if served is None:
                available = available_locales(session, self._source_locale)
                served = served_locale(locale, available, self._source_locale)
            entry = self._entries.get(served)
            if entry is None or entry.version != version:
                entry = encode(build_bundle(session, served, self._source_locale, version))
        with self._lock:
            if locale not in self._served and len(self._served) >= 4 * MAX_CACHED_BUNDLES:
                self._served.clear()  # invented variants must not grow it either
            self._served[locale] = served
            self._entries[served] = entry
            self._entries.move_to_end(served)
            while len(self._entries) > MAX_CACHED_BUNDLES:
                self._entries.popitem(last=False)
        return entry

    def fresh_locales(self) -> LocaleTable | None:
        """The locale list if it is known to be current, without touching the database."""
        table = self._locales
        version = self._known_version()
        return table if table is not None and table.version == version else None

    def get_locales(self) -> LocaleTable:
        """The locale list of the current version (read when the version may have moved)."""
        table = self.fresh_locales()
        if table is not None:
            return table
        generation = self._generation
        with self._open_session() as session:
            version = self._note_version(session, generation)
            table = self._locales
            if table is None or table.version != version:
                table = LocaleTable(version, self._source_locale,
                                    locale_infos(session, self._source_locale))  # fmt: skip
                self._locales = table
        return table

    def __len__(self) -> int:
        return len(self._entries)


def find_item(bundle: EncodedBundle, slug: str) -> ItemOut:
    item = bundle.item(slug)
    if item is None:
        raise NotFound(
            _("There is no item '{slug}' in locale '{locale}'."),
            {"slug": slug, "locale": bundle.locale},
            available_slugs=list(bundle.slugs["items"]),
        )
    return item
