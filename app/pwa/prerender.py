"""The first screen of a guide page, drawn by the server (issue #13).

On a first visit nothing is cached yet: before the app can draw an item it needs its modules
and the language's whole bundle, which is seconds on a 400 kbps link. So a navigation to an
item (``/{locale}/pages/{slug}`` or ``/tools/{slug}``), a checklist
(``/{locale}/checklists/{slug}``) or a language's home (``/{locale}/``, the welcome screen of a
first visit) gets the app shell with that screen's readable part already in ``<main>``: the
same elements and classes the app draws (``frontend/js/views/``), so nothing moves when the
app takes it over (``frontend/js/app.js`` keeps these children until its own screen is ready).
The rest of the screen (glossary links, legal basis, sources, ticking) is the app's.

Only what can be drawn exactly is drawn: the content is in the page's own language, which has
a UI catalog, and needs no notice but "not yet checked by a translator" (a fallback or an
outdated translation names languages and dates, which the app words). Anything else gets the
plain shell. Later visits never see this: the service worker answers navigations from its
precached shell (``/``, which is never pre-rendered).
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from app.content.bundles import EncodedBundle
from app.content.schemas import ChecklistOut, ItemOut
from app.core.http import precompress
from app.i18n import _
from app.i18n.catalogs import gettext_for
from app.pwa.shell import Shell, ShellFile, revision_of

MAIN_MARK = re.compile(r'<main id="main">.*?</main>', re.DOTALL)
# The screens drawn here, by path below the locale: the app's routes (frontend/js/router.js).
_ITEM = re.compile(r"^/([^/]+)/(?:pages|tools)/([a-z0-9-]+)$")
_CHECKLIST = re.compile(r"^/([^/]+)/checklists/([a-z0-9-]+)$")
_HOME = re.compile(r"^/([^/]+)/?$")
_SECTIONS = {"item": "items", "checklist": "checklists"}  # Target.kind -> the bundle's list
# The module app.js draws each screen with (frontend/js/app.js VIEWS; "home" is the welcome
# screen of a first visit): the page announces it, so it arrives with app.js.
SCREEN_MODULES = {
    "item": "js/views/item.js",
    "checklist": "js/views/checklists.js",
    "home": "js/views/welcome.js",
}
MAX_CACHED = 128  # pages (about 10 KB each with their compressed copies)

# The app's own words on these screens (msgids of the catalogs, also used by the views).
BACK_TO_HOME = _("Back to home")
ALL_CHECKLISTS = _("All checklists")
TOOL_NUMBER = _("Tool {number}")
MACHINE_NOTICE = _("Not yet checked by a translator.")
TICKS_HINT = _("Your ticks are kept only on this device. Nothing is sent anywhere.")
INFERRED_BADGE = _("Good practice, not stated in the sources")
WELCOME_TITLE = _("Welcome to Homeward")
WELCOME_LEAD = _(
    "Clear information on immigration status, safe return and reintegration after "
    "trafficking. Once downloaded, it works without a connection."
)


@dataclass(frozen=True)
class Target:
    """A navigation whose first screen can be drawn here."""

    locale: str
    kind: str  # "item", "checklist" or "home"
    slug: str = ""


def target_for(path: str) -> Target | None:
    """The screen a navigation path shows, if it is one drawn here."""
    if m := _ITEM.match(path):
        return Target(m[1], "item", m[2])
    if m := _CHECKLIST.match(path):
        return Target(m[1], "checklist", m[2])
    if m := _HOME.match(path):
        return Target(m[1], "home")
    return None


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _plain(doc: ItemOut | ChecklistOut) -> bool:
    """Whether the app shows ``doc`` with at most the machine-translation notice."""
    return not doc.fallback and not doc.stale


def _notice(locale: str, doc: ItemOut | ChecklistOut) -> str:
    if doc.status != "machine":
        return ""
    text = _esc(gettext_for(locale, MACHINE_NOTICE))
    return f'<div class="notice" role="note"><p data-translation="machine">{text}</p></div>'


def _lead(summary: str) -> str:
    return f'<p class="lead">{_esc(summary)}</p>' if summary else ""


def _up(href: str, label: str) -> str:
    return f'<p class="up"><a href="{_attr(href)}">{_esc(label)}</a></p>'


def _item(locale: str, item: ItemOut) -> str:
    kicker = ""
    if item.tool_number:
        number = gettext_for(locale, TOOL_NUMBER).replace("{number}", item.tool_number)
        kicker = f'<p class="kicker">{_esc(number)}</p>'
    return (
        _up(f"/{locale}/", gettext_for(locale, BACK_TO_HOME))
        + f'<article class="item" data-slug="{_attr(item.slug)}">{kicker}'
        + f"<h1>{_esc(item.title)}</h1>{_notice(locale, item)}{_lead(item.summary)}"
        # Sanitised by the server when it was published, as the app inserts it.
        + f'<div class="prose">{item.body_html}</div></article>'
    )


def _checklist(locale: str, checklist: ChecklistOut) -> str:
    steps = []
    for step in checklist.items:
        reason = f'<p class="reason">{_esc(step.reason)}</p>' if step.reason else ""
        badge = f'<p class="badge">{_esc(gettext_for(locale, INFERRED_BADGE))}</p>'
        # Ticking needs the app (the ticks are kept on the device): until it has loaded, the
        # box is there but cannot be used.
        steps.append(
            '<li><label class="check"><input type="checkbox" disabled>'
            f"<span>{_esc(step.action)}</span></label>{reason}"
            f"{badge if step.inferred else ''}</li>"
        )
    return (
        _up(f"/{locale}/checklists", gettext_for(locale, ALL_CHECKLISTS))
        + f'<article class="item" data-slug="{_attr(checklist.slug)}">'
        + f"<h1>{_esc(checklist.title)}</h1>{_notice(locale, checklist)}"
        + f'{_lead(checklist.summary)}<p class="hint">{_esc(gettext_for(locale, TICKS_HINT))}</p>'
        + f'<ol class="checklist">{"".join(steps)}</ol></article>'
    )


def _welcome(locale: str) -> str:
    return (
        f"<h1>{_esc(gettext_for(locale, WELCOME_TITLE))}</h1>"
        f'<p class="lead">{_esc(gettext_for(locale, WELCOME_LEAD))}</p>'
    )


def first_screen(target: Target, bundle: EncodedBundle) -> str | None:
    """The readable part of the screen, as the app draws it; None when it is not drawn here
    (no such page, or content in another language or with a notice the app words)."""
    locale = target.locale
    if bundle.locale != locale:
        return None
    if target.kind == "home":
        return _welcome(locale)
    if target.kind == "item":
        item = bundle.item(target.slug)
        return _item(locale, item) if item is not None and _plain(item) else None
    checklist = bundle.checklist(target.slug)
    if checklist is None or not _plain(checklist):
        return None
    if any(not _plain(s) or (s.status == "machine") != (checklist.status == "machine")
           for s in checklist.items):  # fmt: skip
        return None  # a step with its own notice (frontend/js/notices.js entryNotice)
    return _checklist(locale, checklist)


def with_first_screen(index: ShellFile, path: str, screen: str, preloads: str = "") -> ShellFile:
    """``index`` (the shell in the page's language) with ``screen`` as its main content and
    ``preloads`` (the links of the screen's modules) at the end of its head. Its revision is the
    shell's followed by a hash of this page (the ETag the service worker's precache check would
    take as the shell's, like the shell in each language)."""
    main = f'<main id="main" data-prerendered="{_attr(path)}">{screen}</main>'
    text = MAIN_MARK.sub(lambda _m: main, index.body.decode("utf-8"), count=1)
    if preloads:
        text = text.replace("</head>", f"{preloads}\n</head>", 1)
    body = text.encode("utf-8")
    gz, br = precompress(body)
    revision = f"{index.revision}.{revision_of(body)[:6]}"
    return ShellFile(index.rel, index.url, revision, body, index.media_type, gz, br)


class FirstScreens:
    """Pre-rendered pages of this process, by shell, content and path (bounded, LRU)."""

    def __init__(self, max_entries: int = MAX_CACHED) -> None:
        self._entries: OrderedDict[tuple[str, str, str, str], ShellFile | None] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(
        self, shell: Shell, index: ShellFile, bundle: EncodedBundle, target: Target, path: str
    ) -> ShellFile:
        """``index`` (``shell``'s page in ``target``'s language) with its first screen (at
        ``path``) and that screen's modules drawn in, or ``index`` itself. Addresses of pages
        that do not exist are not kept: they cannot push out the pages readers open."""
        if target.kind != "home" and target.slug not in bundle.slugs[_SECTIONS[target.kind]]:
            return index
        key = (shell.version, index.revision, bundle.etag, path)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key] or index
        screen = first_screen(target, bundle)
        preloads = shell.screen_preloads.get(SCREEN_MODULES[target.kind], "")
        page = with_first_screen(index, path, screen, preloads) if screen is not None else None
        with self._lock:
            self._entries[key] = page
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return page or index
