"""Which locales have content, and how complete each one is."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core import i18n
from app.models import (
    ChecklistItemTranslation,
    ChecklistTemplateTranslation,
    ContentItemTranslation,
    GlossaryTermTranslation,
)
from app.models.api import LocaleInfo, LocaleList

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
    """The source locale first, then every locale that has any content translation."""
    others = sorted(code for code in _translation_counts(session) if code != source_locale)
    return [source_locale, *others]


def list_locales(session: Session, source_locale: str) -> LocaleList:
    counts = _translation_counts(session)
    source_total = counts.get(source_locale, 0) or 1
    locales = [
        LocaleInfo(
            code=code,
            name=i18n.english_name(code),
            native_name=i18n.native_name(code),
            direction=i18n.direction(code),
            # Every UI string is written in the source locale; catalogs for others come
            # with the translation work.
            ui_coverage=1.0 if code == source_locale else 0.0,
            content_coverage=round(min(counts.get(code, 0) / source_total, 1.0), 3),
        )
        for code in available_locales(session, source_locale)
    ]
    return LocaleList(default=source_locale, locales=locales)
