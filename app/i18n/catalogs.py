"""UI message catalogs (gettext PO files in ``locales/``) for the server and the PWA.

The PWA gets each catalog as JSON with plural variants keyed by CLDR category, which it
selects with ``Intl.PluralRules``: no gettext plural expression is ever evaluated in the
browser (the CSP forbids eval). The mapping from gettext plural index to CLDR category is
derived from Babel's data and checked; a catalog whose Plural-Forms disagree with CLDR is an
error, not a guess.
"""

import gettext
import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from app.core.config import PROJECT_ROOT
from app.i18n import locales as i18n

logger = logging.getLogger(__name__)

LOCALES_DIR = PROJECT_ROOT / "locales"
TEMPLATE = LOCALES_DIR / "messages.pot"

# Categories no integer reaches, so they cannot be derived from Plural-Forms: which gettext
# form each language uses for them (fractions: "1,5 шага" takes the genitive singular).
FRACTION_FORMS: dict[str, dict[str, int]] = {"ru": {"other": 1}, "uk": {"other": 1}}
_SAMPLES = [*range(0, 201), 1000, 1_000_000, 2_000_000]
_FRACTIONS = [0.5, 1.5, 2.5, 5.5, 21.5]


class CatalogError(ValueError):
    pass


def catalog_locales() -> list[str]:
    """Locales with a UI catalog that loads (a broken one is left out and logged)."""
    found = sorted(p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"))
    return [locale for locale in found if _loads(locale)]


def _po_path(locale: str) -> Path:
    return LOCALES_DIR / locale.replace("-", "_") / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=64)
def _read(path: Path, _mtime: float) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def load_catalog(locale: str) -> Catalog | None:
    """The locale's catalog, or None when it has none or it cannot be read (logged): a
    broken catalog must never break the app for everyone."""
    path = _po_path(locale)
    if not path.exists():
        return None
    try:
        return _read(path, path.stat().st_mtime)
    except Exception:
        logger.exception("UI catalog %s cannot be read: left out", path)
        return None


def _loads(locale: str) -> bool:
    path = _po_path(locale)
    return path.exists() and _usable_catalog(locale, path.stat().st_mtime)


@lru_cache(maxsize=64)
def _usable_catalog(locale: str, _mtime: float) -> bool:
    """Checked once per version of the file (the result, and its log line, are cached)."""
    catalog = load_catalog(locale)
    if catalog is None:
        return False
    try:
        plural_categories(catalog, locale.replace("_", "-"))
    except Exception:
        logger.exception("UI catalog %s: its plural forms cannot be used: left out", locale)
        return False
    return True


def plural_categories(catalog: Catalog, locale: str, *, strict: bool = False) -> dict[str, int]:
    """CLDR category → gettext plural index. The categories come from CLDR (Babel's rules
    for the locale), the indices from the catalog's own Plural-Forms evaluated on samples.

    Where the two disagree (Babel's gettext table is cruder than CLDR for many languages a
    new catalog might be made for), each category takes the form most of its samples use and
    a warning is logged; ``strict`` (the shipped catalogs' tests) raises instead."""
    cldr = Locale.parse(locale.replace("-", "_")).plural_form
    categories = {*cldr.rules, "other"}
    if catalog.num_plurals == 1:
        return dict.fromkeys(sorted(categories), 0)
    index_of = gettext.c2py(catalog.plural_expr)
    votes: dict[str, Counter[int]] = {}
    for n in _SAMPLES:
        votes.setdefault(cldr(n), Counter())[index_of(n)] += 1
    mapping = {category: count.most_common(1)[0][0] for category, count in votes.items()}
    disagreeing = sorted(category for category, count in votes.items() if len(count) > 1)
    if disagreeing:
        message = (
            f"{locale}: Plural-Forms and CLDR disagree for categories {disagreeing}; "
            "each takes the form most of its numbers use"
        )
        if strict:
            raise CatalogError(message)
        logger.warning("%s", message)
    # Categories no integer reaches (fractions: ru/uk "other", pl/cs/lt "other", …) take
    # the form the language's table names, else gettext's last form (the general one).
    overrides = FRACTION_FORMS.get(locale.split("-")[0], {})
    for category in sorted(({cldr(x) for x in _FRACTIONS} | categories) - set(mapping)):
        mapping[category] = overrides.get(category, catalog.num_plurals - 1)
    return mapping


def _usable(message: Any) -> bool:
    return (
        bool(message.id)
        and not message.fuzzy
        and (all(message.string) if message.pluralizable else bool(message.string))
    )


@dataclass(frozen=True)
class UiCatalog:
    locale: str
    body: bytes
    etag: str
    coverage: float


@lru_cache(maxsize=64)
def _build(locale: str, path_key: tuple[str, float] | None) -> UiCatalog:
    catalog = load_catalog(locale)
    messages: dict[str, Any] = {}
    total = translated = 0
    if catalog is not None:
        plural = plural_categories(catalog, locale)
        for message in catalog:
            if not message.id:
                continue
            total += 1
            if not _usable(message):
                continue
            translated += 1
            key = message.id[0] if message.pluralizable else message.id
            if message.context:
                key = f"{message.context}\u0004{key}"
            if message.pluralizable:
                messages[key] = {cat: message.string[i] for cat, i in plural.items()}
            else:
                messages[key] = message.string
    document = {
        "locale": locale,
        "dir": i18n.direction(locale),
        "plural": "cldr",
        "messages": messages,
    }
    body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
    coverage = 1.0 if catalog is None else round(translated / total, 3) if total else 0.0
    return UiCatalog(locale, body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', coverage)


def ui_catalog(locale: str, source_locale: str) -> UiCatalog | None:
    """The JSON catalog; the source locale has an empty one (msgids are English)."""
    path = _po_path(locale)
    if locale == source_locale:
        return _build(locale, None)
    if not path.exists() or not _loads(locale):
        return None
    return _build(locale, (str(path), path.stat().st_mtime))


def gettext_for(locale: str | None, message: str) -> str:
    """Server-side translation of one message (falls back to the English msgid)."""
    if not locale:
        return message
    catalog = load_catalog(locale)
    if catalog is None:
        return message
    entry = catalog.get(message)
    if entry is None or entry.fuzzy or not entry.string or entry.pluralizable:
        return message
    return str(entry.string)


def message_locale(explicit: str | None, accept_language: str | None, source_locale: str) -> str:
    """The locale for server messages: an explicit choice (``?lang=`` or the ``hw_lang``
    cookie) when we have it, else the best Accept-Language match, else the source."""
    available = [source_locale, *catalog_locales()]
    preferred = ([explicit] if explicit else []) + i18n.parse_accept_language(accept_language)
    return i18n.negotiate(preferred, available) or source_locale


def ngettext_for(locale: str | None, singular: str, plural: str, n: int) -> str:
    """Server-side plural message: the catalog's Plural-Forms pick the form (CLDR-checked)."""
    catalog = load_catalog(locale) if locale else None
    entry = catalog.get(singular) if catalog is not None else None
    if catalog is not None and entry is not None and not entry.fuzzy and all(entry.string):
        index = gettext.c2py(catalog.plural_expr)(n)
        return str(entry.string[index])
    return singular if n == 1 else plural


def format_number(locale: str, value: float) -> str:
    return format_decimal(value, locale=Locale.parse(locale.replace("-", "_")))


def format_day(locale: str, value: date | datetime) -> str:
    return format_date(value, format="long", locale=Locale.parse(locale.replace("-", "_")))


def resolve_ui_catalog(locale: str, source_locale: str) -> UiCatalog | None:
    """The catalog for a locale or, for a regional variant we have no catalog of, its
    parent's (``fr-CA`` → ``fr``). An unknown language gets none rather than English."""
    chain = i18n.fallback_chain(locale, source_locale)
    if locale.split("-")[0] != source_locale:
        chain = tuple(c for c in chain if c != source_locale)
    for candidate in chain:
        catalog = ui_catalog(candidate, source_locale)
        if catalog is not None:
            return catalog
    return None
