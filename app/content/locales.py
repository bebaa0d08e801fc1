"""Which locales have content, and how complete each one is."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.content.models import (
    ChecklistItemTranslation,
    ChecklistTemplateTranslation,
    ContentItemTranslation,
    GlossaryTermTranslation,
)
from app.content.schemas import LocaleInfo, LocaleList
from app.i18n import locales as i18n
from app.i18n.catalogs import catalog_locales, ui_catalog

_TRANSLATION_TABLES = (
    ContentItemTranslation,
    ChecklistTemplateTranslation,
    ChecklistItemTranslation,
    GlossaryTermTranslation,
)


def _translation_counts(session: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in _TRANSLATION_TABLES:
        rows = session.exec(
            select(table.locale, func.count()).group_by(col(table.locale))  # type: ignore[arg-type]
        ).all()
        for locale, count in rows:
            counts[locale] = counts.get(locale, 0) + count
    return counts


def available_locales(session: Session, source_locale: str) -> list[str]:
    """The source locale first, then every locale with content translations or a UI
    catalog. Adding a locale is a data change: a catalog and content files."""
    others = set(_translation_counts(session)) | set(catalog_locales())
    others.discard(source_locale)
    return [source_locale, *sorted(others)]


def list_locales(
    session: Session, source_locale: str, accept_language: str | None = None
) -> LocaleList:
    counts = _translation_counts(session)
    source_total = counts.get(source_locale, 0) or 1
    codes = available_locales(session, source_locale)
    locales = []
    for code in codes:
        catalog = ui_catalog(code, source_locale)
        locales.append(
            LocaleInfo(
                code=code,
                name=i18n.english_name(code),
                native_name=i18n.native_name(code),
                direction=i18n.direction(code),
                ui_coverage=catalog.coverage if catalog else 0.0,
                content_coverage=round(min(counts.get(code, 0) / source_total, 1.0), 3),
            )
        )
    preferred = i18n.negotiate(i18n.parse_accept_language(accept_language), codes)
    return LocaleList(default=source_locale, preferred=preferred or source_locale, locales=locales)
