"""Resolves content for one locale along its fallback chain (``fr-CA → fr → en``).

A ``Resolver`` loads the texts of the chain once and then resolves one entity at a time:
``item``, ``checklist``, ``term``. The bundle is the list of everything it resolves; a
single item (or a content delta) asks for just that one. Each result says which locale its
text is really in, whether that is a fallback, and whether the translation is stale.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from app.content.models import (
    ChecklistItem,
    ChecklistItemTranslation,
    ChecklistTemplate,
    ChecklistTemplateTranslation,
    ContentItem,
    ContentItemTranslation,
    GlossaryTerm,
    GlossaryTermTranslation,
    TranslationFields,
)
from app.content.schemas import (
    ArticleRef,
    ChecklistItemOut,
    ChecklistOut,
    GlossaryTermOut,
    ItemOut,
    SourceRef,
)
from app.core.models import as_utc
from app.i18n import _
from app.i18n import locales as i18n
from app.i18n.catalogs import catalog_locales, gettext_for

# Translated with the UI catalogs, so a French bundle names the instruments in French.
INSTRUMENT_NAMES = {
    "protocol": _("Trafficking in Persons Protocol"),
    "coe": _("Council of Europe Convention on Action against Trafficking in Human Beings"),
    "untoc": _("UN Convention against Transnational Organized Crime"),
    "eu-directive-2004-81": _("Council Directive 2004/81/EC"),
    "refugee-convention": _("1951 Refugee Convention"),
    "crc": _("Convention on the Rights of the Child"),
}

T = TypeVar("T", bound=TranslationFields)


def _by_parent(rows: Sequence[T], parent: str) -> dict[int, dict[str, T]]:
    grouped: dict[int, dict[str, T]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, parent), {})[row.locale] = row
    return grouped


class Resolver:
    def __init__(self, session: Session, locale: str, source_locale: str) -> None:
        self.session = session
        self.locale = locale
        self.source_locale = source_locale
        self.chain = i18n.fallback_chain(locale, source_locale)
        with_catalog = set(catalog_locales())
        self.ui_locale = next((c for c in self.chain if c in with_catalog), source_locale)
        self._texts: dict[type, dict[int, dict[str, Any]]] = {}
        self.newest: datetime | None = None  # the newest text resolved so far

    def _translations(self, model: type[T], parent: str) -> dict[int, dict[str, T]]:
        if model not in self._texts:
            rows = self.session.exec(select(model).where(col(model.locale).in_(self.chain))).all()
            self._texts[model] = _by_parent(rows, parent)
        return self._texts[model]

    def _resolve(self, translations: dict[str, T]) -> tuple[T, dict[str, Any]] | None:
        """The first translation along the chain, and the flags describing it."""
        source = translations.get(self.source_locale)
        for locale in self.chain:
            row = translations.get(locale)
            if row is None:
                continue
            updated = as_utc(row.updated_at)
            self.newest = max(self.newest or updated, updated)
            return row, {
                "locale": row.locale,
                "status": row.status,
                "fallback": locale != self.chain[0],
                "stale": source is not None and row.source_hash != source.source_hash,
                "updated_at": updated,
                "source_updated_at": as_utc((source or row).updated_at),
            }
        return None

    def _article(self, article: dict[str, Any], titles: dict[str, dict[str, str]]) -> ArticleRef:
        code = article["instrument"]
        name = INSTRUMENT_NAMES.get(code)
        key = f"{code}:{article['article']}"
        title, title_locale = (
            article.get("title"),
            self.source_locale if article.get("title") else None,
        )
        for locale in self.chain:
            if key in titles.get(locale, {}):
                title, title_locale = titles[locale][key], locale
                break
        return ArticleRef(
            instrument=code,
            instrument_name=gettext_for(self.ui_locale, name) if name else code,
            instrument_name_locale=self.ui_locale if name else self.source_locale,
            article=article["article"],
            title=title,
            title_locale=title_locale,
        )

    def item(self, item: ContentItem) -> ItemOut | None:
        texts = self._translations(ContentItemTranslation, "item_id").get(item.id or 0, {})
        resolved = self._resolve(texts)
        if resolved is None:
            return None
        text, flags = resolved
        titles = {locale: row.article_titles for locale, row in texts.items()}
        return ItemOut(
            slug=item.slug,
            kind=item.kind,
            tool_number=item.tool_number,
            audience=item.audience,
            order=item.position,
            title=text.title,
            summary=text.summary,
            body_html=text.body_html,
            articles=[self._article(a, titles) for a in item.articles],
            sources=[SourceRef(**s) for s in item.sources],
            related_checklists=item.related_checklists,
            related_glossary=item.related_glossary,
            **flags,
        )

    def checklist(
        self, template: ChecklistTemplate, entries: list[ChecklistItem]
    ) -> ChecklistOut | None:
        texts = self._translations(ChecklistTemplateTranslation, "template_id")
        resolved = self._resolve(texts.get(template.id or 0, {}))
        if resolved is None:
            return None
        text, flags = resolved
        entry_texts = self._translations(ChecklistItemTranslation, "item_id")
        entries_out = []
        for entry in entries:
            entry_resolved = self._resolve(entry_texts.get(entry.id or 0, {}))
            if entry_resolved is None:
                continue
            entry_text, entry_flags = entry_resolved
            entries_out.append(
                ChecklistItemOut(
                    key=entry.key,
                    action=entry_text.action,
                    reason=entry_text.reason,
                    inferred=entry.inferred,
                    **entry_flags,
                )
            )
        return ChecklistOut(
            slug=template.slug,
            title=text.title,
            summary=text.summary,
            audience=template.audience,
            related_tool=template.related_tool,
            order=template.position,
            sources=[SourceRef(**s) for s in template.sources],
            items=entries_out,
            **flags,
        )

    def term(self, term: GlossaryTerm) -> GlossaryTermOut | None:
        texts = self._translations(GlossaryTermTranslation, "term_id")
        resolved = self._resolve(texts.get(term.id or 0, {}))
        if resolved is None:
            return None
        text, flags = resolved
        return GlossaryTermOut(
            key=term.key,
            term=text.term,
            definition=text.definition,
            variants=text.variants,
            **flags,
        )


def published_items(session: Session) -> Sequence[ContentItem]:
    return session.exec(
        select(ContentItem)
        .where(ContentItem.is_published)
        .order_by(col(ContentItem.position), col(ContentItem.slug))
    ).all()


def published_checklists(session: Session) -> list[tuple[ChecklistTemplate, list[ChecklistItem]]]:
    templates = session.exec(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.is_published)
        .order_by(col(ChecklistTemplate.position), col(ChecklistTemplate.slug))
    ).all()
    entries: dict[int, list[ChecklistItem]] = {}
    for entry in session.exec(select(ChecklistItem).order_by(col(ChecklistItem.position))).all():
        entries.setdefault(entry.template_id, []).append(entry)
    return [(t, entries.get(t.id or 0, [])) for t in templates]


def published_terms(session: Session) -> Sequence[GlossaryTerm]:
    return session.exec(
        select(GlossaryTerm)
        .where(GlossaryTerm.is_published)
        .order_by(col(GlossaryTerm.position), col(GlossaryTerm.key))
    ).all()


def resolve_item(session: Session, slug: str, locale: str, source_locale: str) -> ItemOut | None:
    """One published item in one locale, or None."""
    item = session.exec(
        select(ContentItem).where(ContentItem.slug == slug, ContentItem.is_published)
    ).first()
    return Resolver(session, locale, source_locale).item(item) if item else None
