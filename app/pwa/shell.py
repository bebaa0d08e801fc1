"""The PWA shell: the files served from ``frontend/``, their revisions and the service worker.

The precache manifest is built from the files actually on disk, so a changed file gets a new
revision (a short content hash) and therefore a new ``sw.js``; nobody edits a cache version by
hand. Files are hashed once and re-read only when their ``(mtime_ns, size)`` changes, so asking
for the shell on every request costs one directory walk of a few dozen ``stat`` calls.

URL layout (see ``url_for``): ``index.html`` is the app shell at ``/`` (and, through the
router, at every navigation path); ``manifest.webmanifest`` and ``sw.js`` live at the root
(the worker's scope must be ``/``); everything else is under ``/static/<path>``.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.core.http import precompress
from app.i18n import _
from app.i18n.catalogs import catalog_locales, gettext_for
from app.i18n.locales import LOCALE_PATTERN, direction, negotiate, parse_accept_language

logger = logging.getLogger(__name__)

INDEX_FILE = "index.html"
SW_FILE = "sw.js"
WEB_MANIFEST_FILE = "manifest.webmanifest"
STATIC_PREFIX = "/static/"
MANIFEST_PLACEHOLDER = "self.__HW_MANIFEST"
LAZY_PLACEHOLDER = "self.__HW_LAZY"
VERSION_PLACEHOLDER = "self.__HW_VERSION"
REVISION_LENGTH = 12
# index.html carries the quick-exit destination (HOMEWARD_QUICK_EXIT_URL) in this meta element,
# so it is part of the precached shell and works offline.
QUICK_EXIT_META = re.compile(r'(<meta name="hw-quick-exit" content=")[^"]*(")')
# ... and in the quick-exit link the page shows before its scripts have run.
QUICK_EXIT_LINK = re.compile(r'(<a [^>]*\bdata-quick-exit\b[^>]*\bhref=")[^"]*(")')

# The app shell is served in the reader's language (issue #13: the first screen is readable
# before any script has arrived): the <html> element's language and direction, and the text of
# every element marked `data-t`, which is a UI message (a msgid of the catalogs).
SOURCE_LOCALE = "en"  # index.html's own language: msgids are English
_HTML_LANG = re.compile(r'<html lang="[^"]*" dir="[^"]*">')
_MARKED_TEXT = re.compile(r"(<(\w+)\b[^>]*\sdata-t\b[^>]*>)([^<]+)(</\2>)")
# The app's module graph is announced in the HTML (<link rel="modulepreload">, put where this
# comment stands in index.html), so every module of the first screen is asked for in the same
# round trip as app.js instead of one level of imports after another.
# index.html's `data-t` texts, marked here so that `pybabel extract` puts them in the catalogs
# (tests/test_shell.py checks that the two lists agree).
SHELL_MESSAGES = (
    _("Homeward"),
    _("Quick exit"),
    _("Opening the guide…"),
    _("Homeward needs JavaScript to work."),
)
MODULEPRELOAD_MARK = "<!-- modulepreload -->"
APP_MODULE = "js/app.js"
SCREENS_DIR = "js/views/"  # a reader's screens, each imported by app.js when first shown
_STATIC_IMPORT = re.compile(
    r"^\s*(?:import|export)\b[^'\"()]*?\bfrom\s*['\"](\.{1,2}/[^'\"]+)['\"]"
    r"|^\s*import\s*['\"](\.{1,2}/[^'\"]+)['\"]",
    re.MULTILINE,
)

# Served and revisioned, but not precached on a reader's first visit: the outreach workers'
# screens (and any staff-only code), the large install icons the browser fetches itself, and
# discreet mode's manifest and icon (fetched, and so cached, when a reader turns it on).
# The service worker caches them when they are first used (workers: all of them at once as
# soon as one worker module loads), so they work offline from then on.
# The field features (issue #14) and their vendored library and protocol summaries likewise:
# a reader who opens one of them online has all of them offline from then on.
LAZY_PREFIXES = ("js/cases/", "js/admin/", "js/field/", "vendor/", "protocol/")
LAZY_FILES = frozenset(
    {
        "icons/icon-512.png",
        "icons/icon-maskable-512.png",
        "icons/notes-512.png",
        "icons/notes-maskable-512.png",
        "icons/notes-192.png",
        "manifest-discreet.webmanifest",
        # Merging content changes and saying so (issue #11): only once something changed.
        "js/delta.js",
        "js/updated.js",
    }
)
# Compressed once when read; images are compressed already.
_COMPRESSIBLE = frozenset({".html", ".js", ".mjs", ".css", ".json", ".webmanifest", ".svg"})

# Files under frontend/ that are never served (documentation, tooling) or not precached.
_EXCLUDED_SUFFIXES = frozenset({".md", ".map", ".py", ".sh", ".txt"})
# Top-level folders under frontend/ that are never served: the JS unit tests (node --test).
_EXCLUDED_DIRS = frozenset({"tests"})
_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    # No charset: module and worker scripts are always UTF-8, classic ones take the page's
    # (UTF-8); 15 bytes on each of two dozen first-visit responses (issue #13).
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}


# First path segment of an app navigation: a BCP 47-ish locale code ("en", "fr-CA", "zh-Hant").
_LOCALE_SEGMENT = re.compile(LOCALE_PATTERN)
# Never answered with the shell even though they look like a locale: they belong to the API/ops.
RESERVED_SEGMENTS = frozenset({"api", "healthz", "readyz", "static", "docs", "redoc"})


class ShellError(RuntimeError):
    """The frontend directory cannot produce a working shell (missing index.html or sw.js)."""


@dataclass(frozen=True)
class ShellFile:
    rel: str  # POSIX path relative to the frontend directory
    url: str
    revision: str
    body: bytes
    media_type: str
    gzip_body: bytes | None = field(default=None, repr=False)
    br_body: bytes | None = field(default=None, repr=False)

    @property
    def etag(self) -> str:
        return f'"{self.revision}"'

    @property
    def lazy(self) -> bool:
        return is_lazy(self.rel)


@dataclass(frozen=True)
class Shell:
    files: tuple[ShellFile, ...]  # every served file but sw.js, sorted by URL
    service_worker: ShellFile  # sw.js with the manifests injected (never precached)
    version: str  # short hash of the whole manifest and the worker template
    by_url: dict[str, ShellFile] = field(repr=False)
    # index.html in each language with a UI catalog (the source language is `index` itself)
    localized: dict[str, ShellFile] = field(default_factory=dict, repr=False)
    # Each screen module (js/views/*.js, loaded on demand by app.js): the modulepreload links
    # of it and of what it imports beyond app.js's own graph, for a page that shows that screen.
    screen_preloads: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def index(self) -> ShellFile:
        return self.by_url["/"]

    def index_for(self, path: str, accept_language: str | None) -> ShellFile:
        """The app shell for a navigation: in the language its path names (``/fr-CA/...``:
        French), or at ``/`` the reader's browser language; English when we have neither."""
        first = path.lstrip("/").split("/", 1)[0]
        preferred = [first] if first else parse_accept_language(accept_language)
        locale = negotiate(preferred, [SOURCE_LOCALE, *self.localized])
        return self.localized.get(locale or SOURCE_LOCALE, self.index)

    def index_in(self, locale: str) -> ShellFile | None:
        """The app shell in exactly ``locale``; None when it has no UI catalog."""
        return self.index if locale == SOURCE_LOCALE else self.localized.get(locale)

    def manifest(self) -> list[dict[str, str]]:
        """What the service worker precaches at install: the reader's app."""
        return [{"url": f.url, "revision": f.revision} for f in self.files if not f.lazy]

    def lazy_manifest(self) -> list[dict[str, str]]:
        """What it caches on first use (workers' screens, install icons)."""
        return [{"url": f.url, "revision": f.revision} for f in self.files if f.lazy]


def url_for(rel: str) -> str:
    if rel == INDEX_FILE:
        return "/"
    if rel in (WEB_MANIFEST_FILE, SW_FILE):
        return f"/{rel}"
    return STATIC_PREFIX + rel


def is_lazy(rel: str) -> bool:
    return rel.startswith(LAZY_PREFIXES) or rel in LAZY_FILES


def shell_file(rel: str, body: bytes) -> ShellFile:
    gz = br = None
    if Path(rel).suffix.lower() in _COMPRESSIBLE and len(body) >= 256:
        gz, br = precompress(body)
    return ShellFile(rel, url_for(rel), revision_of(body), body, media_type_for(rel), gz, br)


# Comments are for the people who read the source; a phone that pays by the megabyte should not
# download them (about a quarter of the app's script and style bytes, issue #13). Taken out as
# the files are read, so the revisions, the precache and the ETags follow the bytes served;
# the files in the repository keep them. Only what is certain to be a comment goes:
# - CSS: every /* ... */ outside a string;
# - our scripts: whole lines that start with //, in files where no template literal spans a
#   line (each line holds an even number of backticks): such a line cannot be inside a string,
#   and removing it with its newline leaves the lines around it apart as before. Vendored
#   libraries keep their comments (their licences are in them).
_CSS_TOKENS = re.compile(r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|/\*.*?\*/""", re.DOTALL)
_JS_COMMENT_LINE = re.compile(r"^[ \t]*//.*$")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def without_comments(rel: str, body: bytes) -> bytes:
    suffix = Path(rel).suffix.lower()
    if suffix == ".css":
        text = _CSS_TOKENS.sub(lambda m: "" if m[0].startswith("/*") else m[0], body.decode())
    elif suffix in (".js", ".mjs") and not rel.startswith("vendor/"):
        lines = body.decode().split("\n")
        if any(line.count("`") % 2 for line in lines):
            return body
        text = "\n".join(line for line in lines if not _JS_COMMENT_LINE.match(line))
    else:
        return body
    return _BLANK_LINES.sub("\n", text).encode()


def media_type_for(rel: str) -> str:
    return _MEDIA_TYPES.get(Path(rel).suffix.lower(), "application/octet-stream")


def revision_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:REVISION_LENGTH]


def is_navigation_path(path: str) -> bool:
    """Whether ``path`` (no leading slash) is an app page: ``""`` or ``{locale}/...``."""
    if path == "":
        return True
    first = path.split("/", 1)[0]
    return bool(_LOCALE_SEGMENT.match(first)) and first not in RESERVED_SEGMENTS


def _served(rel: str) -> bool:
    parts = rel.split("/")
    return (
        not any(p.startswith(".") for p in parts)
        and not (len(parts) > 1 and parts[0] in _EXCLUDED_DIRS)
        and Path(rel).suffix.lower() not in _EXCLUDED_SUFFIXES
    )


def _walk(root: Path) -> list[tuple[str, Path, os.stat_result]]:
    found: list[tuple[str, Path, os.stat_result]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        top = Path(dirpath) == root
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not (top and d in _EXCLUDED_DIRS)
        )
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if _served(rel):
                found.append((rel, path, path.stat()))
    return found


def render_service_worker(
    template: str,
    manifest: list[dict[str, str]],
    version: str,
    lazy: list[dict[str, str]] | None = None,
) -> str:
    """Replace the placeholders (each must occur exactly once; the lazy list's only when it is
    given) with JSON literals."""
    placeholders = [MANIFEST_PLACEHOLDER, VERSION_PLACEHOLDER]
    if lazy is not None:
        placeholders.append(LAZY_PLACEHOLDER)
    for placeholder in placeholders:
        count = template.count(placeholder)
        if count != 1:
            raise ShellError(f"{SW_FILE} must contain {placeholder} exactly once (found {count})")

    def literal(value: object) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=True)

    text = template.replace(MANIFEST_PLACEHOLDER, literal(manifest))
    if lazy is not None:
        text = text.replace(LAZY_PLACEHOLDER, literal(lazy))
    return text.replace(VERSION_PLACEHOLDER, json.dumps(version))


class ShellCache:
    """Thread-safe cache of file contents/revisions keyed by ``(mtime_ns, size)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[Path, tuple[int, int, ShellFile]] = {}
        self._shells: dict[
            tuple[Path, str | None], tuple[tuple[tuple[str, int, int], ...], Shell]
        ] = {}

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
            self._shells.clear()

    def _file(self, rel: str, path: Path, st: os.stat_result) -> ShellFile:
        cached = self._files.get(path)
        if cached and cached[0] == st.st_mtime_ns and cached[1] == st.st_size:
            return cached[2]
        body = without_comments(rel, path.read_bytes())
        file = shell_file(rel, body)
        self._files[path] = (st.st_mtime_ns, st.st_size, file)
        return file

    def load(self, frontend_dir: Path, quick_exit_url: str | None = None) -> Shell:
        root = frontend_dir.resolve()
        entries = _walk(root) if root.is_dir() else []
        fingerprint = tuple((rel, st.st_mtime_ns, st.st_size) for rel, _, st in entries)
        key = (root, quick_exit_url)
        with self._lock:
            cached = self._shells.get(key)
            if cached and cached[0] == fingerprint:
                return cached[1]
            files = [self._file(rel, path, st) for rel, path, st in entries]
            if quick_exit_url is not None:
                files = [with_quick_exit(f, quick_exit_url) for f in files]
            shell = _build(files)
            self._shells[key] = (fingerprint, shell)
            return shell


def with_quick_exit(file: ShellFile, url: str) -> ShellFile:
    """index.html with the organisation's quick-exit destination in its meta element."""
    if file.rel != INDEX_FILE:
        return file
    text = file.body.decode("utf-8")
    value = html.escape(url, quote=True)
    new = text
    for pattern in (QUICK_EXIT_META, QUICK_EXIT_LINK):
        new = pattern.sub(lambda m: m.group(1) + value + m.group(2), new, count=1)
    if new == text:
        return file
    return shell_file(file.rel, new.encode("utf-8"))


def module_graph(by_rel: dict[str, ShellFile], entry: str = APP_MODULE) -> list[str]:
    """The modules ``entry`` imports statically, directly or not (dynamic ``import()`` is
    left out: it loads on demand), in the order first met; lazy files are never included."""
    seen: list[str] = []
    stack = [entry]
    while stack:
        rel = stack.pop(0)
        if rel in seen or rel not in by_rel or is_lazy(rel):
            continue
        seen.append(rel)
        text = by_rel[rel].body.decode("utf-8", "replace")
        base = Path(rel).parent
        for match in _STATIC_IMPORT.finditer(text):
            target = os.path.normpath(base / (match[1] or match[2])).replace(os.sep, "/")
            stack.append(target)
    return seen[1:]


def preload_links(rels: list[str]) -> str:
    return "\n".join(f'<link rel="modulepreload" href="{url_for(rel)}">' for rel in rels)


def with_modulepreload(index: ShellFile, by_rel: dict[str, ShellFile]) -> ShellFile:
    text = index.body.decode("utf-8")
    if MODULEPRELOAD_MARK not in text:
        return index
    links = preload_links(module_graph(by_rel))
    return shell_file(index.rel, text.replace(MODULEPRELOAD_MARK, links, 1).encode("utf-8"))


def screen_preloads(by_rel: dict[str, ShellFile]) -> dict[str, str]:
    """For each screen module, the links that announce it and its imports that app.js's own
    graph (already announced by index.html) does not hold."""
    announced = {APP_MODULE, *module_graph(by_rel)}
    return {
        rel: preload_links([m for m in (rel, *module_graph(by_rel, rel)) if m not in announced])
        for rel in sorted(by_rel)
        if rel.startswith(SCREENS_DIR) and rel.endswith(".js") and rel not in announced
    }


def localize_index(index: ShellFile, locale: str) -> ShellFile:
    """index.html in ``locale``: lang and dir, and its ``data-t`` texts translated. Its
    revision starts with the index's own (the service worker's precache check accepts
    ``"<revision>.<anything>"`` for the shell) and ends with a hash of this copy."""
    text = index.body.decode("utf-8")
    text = _HTML_LANG.sub(f'<html lang="{locale}" dir="{direction(locale)}">', text, count=1)
    text = _MARKED_TEXT.sub(
        lambda m: m[1] + html.escape(gettext_for(locale, html.unescape(m[3])), quote=False) + m[4],
        text,
    )
    body = text.encode("utf-8")
    gz, br = precompress(body)
    revision = f"{index.revision}.{locale}.{revision_of(body)[:6]}"
    return ShellFile(index.rel, index.url, revision, body, index.media_type, gz, br)


def _build(files: list[ShellFile]) -> Shell:
    by_rel = {f.rel: f for f in files}
    if INDEX_FILE not in by_rel or SW_FILE not in by_rel:
        raise ShellError(f"the frontend directory needs {INDEX_FILE} and {SW_FILE}")
    by_rel[INDEX_FILE] = with_modulepreload(by_rel[INDEX_FILE], by_rel)
    files = list(by_rel.values())
    template = by_rel[SW_FILE]
    served = tuple(sorted((f for f in files if f.rel != SW_FILE), key=lambda f: f.url))
    manifest = [{"url": f.url, "revision": f.revision} for f in served if not f.lazy]
    lazy = [{"url": f.url, "revision": f.revision} for f in served if f.lazy]
    digest = hashlib.sha256(json.dumps([manifest, lazy], sort_keys=True).encode())
    digest.update(template.revision.encode())
    version = digest.hexdigest()[:REVISION_LENGTH]
    text = template.body.decode("utf-8")
    # A template without the lazy placeholder (an older sw.js) precaches everything.
    if LAZY_PLACEHOLDER not in text:
        manifest, lazy = manifest + lazy, None
    service_worker = shell_file(
        SW_FILE, render_service_worker(text, manifest, version, lazy).encode("utf-8")
    )
    by_url = {f.url: f for f in served}
    index = by_url["/"]
    localized = {code: localize_index(index, code) for code in catalog_locales()}
    return Shell(
        files=served,
        service_worker=service_worker,
        version=version,
        by_url=by_url,
        localized=localized,
        screen_preloads=screen_preloads(by_rel),
    )


_cache = ShellCache()


def load_shell(frontend_dir: Path, quick_exit_url: str | None = None) -> Shell:
    """The current shell for ``frontend_dir`` (recomputed only for files that changed), with
    ``quick_exit_url`` (when given) as the quick-exit destination in index.html."""
    return _cache.load(frontend_dir, quick_exit_url)


def find_asset(frontend_dir: Path, url: str, quick_exit_url: str | None = None) -> ShellFile | None:
    """The served file for a URL path such as ``/static/js/app.js``; None if there is none."""
    return load_shell(frontend_dir, quick_exit_url).by_url.get(url)


def clear_cache() -> None:
    _cache.clear()
    _recent.clear()


# The routes ask for the shell on every request; walking the folder each time (a few dozen
# stat calls) is what made static files slow. A shell is reused for `recheck_seconds`; after
# that the same shell is still answered while one background thread walks the folder, so no
# request (on the event loop) ever pays for the walk once a shell is known (issue #13).
# 0: walk on every call, as tests that change files behind the server's back need.
_recent: dict[tuple[Path, str | None], tuple[float, Shell]] = {}
_rechecking: set[tuple[Path, str | None]] = set()
_recheck_lock = threading.Lock()


def current_shell(frontend_dir: Path, quick_exit_url: str | None, recheck_seconds: float) -> Shell:
    key = (frontend_dir, quick_exit_url)
    hit = _recent.get(key)
    if hit is not None and recheck_seconds > 0:
        if time.monotonic() - hit[0] >= recheck_seconds:
            _recheck_in_background(key)
        return hit[1]
    return _reload(key)


def _reload(key: tuple[Path, str | None]) -> Shell:
    shell = load_shell(*key)
    _recent[key] = (time.monotonic(), shell)
    return shell


def _recheck_in_background(key: tuple[Path, str | None]) -> None:
    with _recheck_lock:
        if key in _rechecking:
            return
        _rechecking.add(key)

    def recheck() -> None:
        try:
            _reload(key)
        except Exception:  # a broken folder: keep serving the last good shell, try again later
            _recent[key] = (time.monotonic(), _recent[key][1])
            logger.warning("re-reading the frontend folder failed", exc_info=True)
        finally:
            with _recheck_lock:
                _rechecking.discard(key)

    threading.Thread(target=recheck, name="homeward-shell-recheck", daemon=True).start()
