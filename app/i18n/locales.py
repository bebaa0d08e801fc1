"""Locale facts from Babel's CLDR data: names, direction, and the content fallback chain."""

from functools import lru_cache
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.core import get_global

LOCALE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def _babel_id(code: str) -> str:
    return code.replace("-", "_")


@lru_cache
def parse_locale(code: str) -> Locale | None:
    try:
        return Locale.parse(_babel_id(code))
    except (ValueError, UnknownLocaleError):
        return None


def english_name(code: str) -> str:
    locale = parse_locale(code)
    return locale.get_display_name("en") or code if locale else code


def native_name(code: str) -> str:
    locale = parse_locale(code)
    return locale.get_display_name(locale) or code if locale else code


def direction(code: str) -> Literal["ltr", "rtl"]:
    locale = parse_locale(code)
    return "rtl" if locale is not None and locale.text_direction == "rtl" else "ltr"


@lru_cache
def fallback_chain(code: str, source_locale: str) -> tuple[str, ...]:
    """``fr-CA`` → (``fr-CA``, ``fr``, ``en``), following Babel's own inheritance rule:
    CLDR parent exceptions first, otherwise drop the last subtag; the source comes last."""
    chain = [code]
    parents = get_global("parent_exceptions")
    current = _babel_id(code)
    while True:
        parent = parents.get(current)
        if parent is None and "_" in current:
            parent = current.rsplit("_", 1)[0]
        if not parent or parent == "root":
            break
        chain.append(parent.replace("_", "-"))
        current = parent
    if source_locale not in chain:
        chain.append(source_locale)
    return tuple(chain)


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags by descending q (stable for equal q); ``*`` and q=0 dropped."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            weighted.append((-q, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(preferred: list[str], available: list[str]) -> str | None:
    """The first preferred tag we have, exactly or by its fallback chain (``fr-CA`` → ``fr``);
    returned in our own spelling of the locale id."""
    by_lower = {code.lower(): code for code in available}
    for tag in preferred:
        for candidate in fallback_chain(tag.replace("_", "-"), tag.split("-")[0].split("_")[0]):
            match = by_lower.get(candidate.lower())
            if match:
                return match
    return None
