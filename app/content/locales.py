"""Which locales have content, and how complete each one is."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.content.models import (
    ChecklistItemTranslation,
    ChecklistTemplateTranslation,
    ContentItemTranslation,
    GlossaryTermTranslation,
)
from app.content.schemas import LocaleInfo
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
    return _codes(_translation_counts(session), source_locale)


def _codes(counts: dict[str, int], source_locale: str) -> list[str]:
    others = set(counts) | set(catalog_locales())
    others.discard(source_locale)
    return [source_locale, *sorted(others)]


def locale_infos(session: Session, source_locale: str) -> list[LocaleInfo]:
    """Every available locale with its names, direction and coverage (a few grouped counts:
    the caller keeps the answer for the content version, app/content/bundles.py)."""
    counts = _translation_counts(session)
    source_total = counts.get(source_locale, 0) or 1
    infos = []
    for code in _codes(counts, source_locale):
        catalog = ui_catalog(code, source_locale)
        infos.append(
            LocaleInfo(
                code=code,
                name=i18n.english_name(code),
                native_name=i18n.native_name(code),
                direction=i18n.direction(code),
                ui_coverage=catalog.coverage if catalog else 0.0,
                content_coverage=round(min(counts.get(code, 0) / source_total, 1.0), 3),
            )
        )
    return infos
