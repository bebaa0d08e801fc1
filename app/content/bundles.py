"""The language bundle: every published item, checklist and glossary term for one locale,
with fallbacks resolved and flagged. Built once per content version and kept as bytes (plain
and gzip) so serving it costs about as much as serving a static file."""

import gzip
import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from app.content.locales import available_locales
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
    Bundle,
    ChecklistItemOut,
    ChecklistOut,
    GlossaryTermOut,
    ItemOut,
    SourceRef,
)
from app.content.write import current_version
from app.core.errors import NotFound
from app.core.models import as_utc, utcnow
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


def _resolve(
    translations: dict[str, T], chain: tuple[str, ...], source_locale: str
) -> tuple[T, dict[str, Any]] | None:
    """The first translation along the chain, and the flags describing it."""
    source = translations.get(source_locale)
    for locale in chain:
        row = translations.get(locale)
        if row is None:
            continue
        flags = {
            "locale": row.locale,
            "status": row.status,
            "fallback": locale != chain[0],
            "stale": source is not None and row.source_hash != source.source_hash,
            "updated_at": as_utc(row.updated_at),
            "source_updated_at": as_utc((source or row).updated_at),
        }
        return row, flags
    return None


def build_bundle(session: Session, locale: str, source_locale: str, version: int) -> Bundle:
    chain = i18n.fallback_chain(locale, source_locale)
    with_catalog = set(catalog_locales())
    ui_locale = next((c for c in chain if c in with_catalog), source_locale)

    def instrument_name(code: str) -> str:
        return gettext_for(ui_locale, INSTRUMENT_NAMES[code]) if code in INSTRUMENT_NAMES else code

    items = session.exec(
        select(ContentItem)
        .where(ContentItem.is_published)
        .order_by(col(ContentItem.position), col(ContentItem.slug))
    ).all()
    item_texts = _by_parent(
        session.exec(
            select(ContentItemTranslation).where(col(ContentItemTranslation.locale).in_(chain))
        ).all(),
        "item_id",
    )
    items_out = []
    for item in items:
        resolved = _resolve(item_texts.get(item.id or 0, {}), chain, source_locale)
        if resolved is None:
            continue
        text, flags = resolved
        items_out.append(
            ItemOut(
                slug=item.slug,
                kind=item.kind,
                tool_number=item.tool_number,
                audience=item.audience,
                order=item.position,
                title=text.title,
                summary=text.summary,
                body_html=text.body_html,
                articles=[
                    ArticleRef(instrument_name=instrument_name(a["instrument"]), **a)
                    for a in item.articles
                ],
                sources=[SourceRef(**s) for s in item.sources],
                related_checklists=item.related_checklists,
                related_glossary=item.related_glossary,
                **flags,
            )
        )

    templates = session.exec(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.is_published)
        .order_by(col(ChecklistTemplate.position), col(ChecklistTemplate.slug))
    ).all()
    template_texts = _by_parent(
        session.exec(
            select(ChecklistTemplateTranslation).where(
                col(ChecklistTemplateTranslation.locale).in_(chain)
            )
        ).all(),
        "template_id",
    )
    checklist_items: dict[int, list[ChecklistItem]] = {}
    for entry in session.exec(select(ChecklistItem).order_by(col(ChecklistItem.position))).all():
        checklist_items.setdefault(entry.template_id, []).append(entry)
    entry_texts = _by_parent(
        session.exec(
            select(ChecklistItemTranslation).where(col(ChecklistItemTranslation.locale).in_(chain))
        ).all(),
        "item_id",
    )
    checklists_out = []
    for template in templates:
        resolved = _resolve(template_texts.get(template.id or 0, {}), chain, source_locale)
        if resolved is None:
            continue
        text, flags = resolved
        entries_out = []
        for entry in checklist_items.get(template.id or 0, []):
            entry_resolved = _resolve(entry_texts.get(entry.id or 0, {}), chain, source_locale)
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
        checklists_out.append(
            ChecklistOut(
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
        )

    terms = session.exec(
        select(GlossaryTerm)
        .where(GlossaryTerm.is_published)
        .order_by(col(GlossaryTerm.position), col(GlossaryTerm.key))
    ).all()
    term_texts = _by_parent(
        session.exec(
            select(GlossaryTermTranslation).where(col(GlossaryTermTranslation.locale).in_(chain))
        ).all(),
        "term_id",
    )
    glossary_out = []
    for term in terms:
        resolved = _resolve(term_texts.get(term.id or 0, {}), chain, source_locale)
        if resolved is None:
            continue
        text, flags = resolved
        glossary_out.append(
            GlossaryTermOut(key=term.key, term=text.term, definition=text.definition, **flags)
        )

    return Bundle(
        locale=locale,
        version=version,
        direction=i18n.direction(locale),
        generated_at=utcnow(),
        items=items_out,
        checklists=checklists_out,
        glossary=glossary_out,
    )


@dataclass(frozen=True)
class EncodedBundle:
    version: int
    bundle: Bundle
    body: bytes
    gzip_body: bytes
    etag: str


class BundleCache:
    """Per-process cache of encoded bundles, invalidated by the content version. Several
    app processes can share one database: each checks the version on every request."""

    def __init__(self) -> None:
        self._entries: dict[str, EncodedBundle] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, locale: str, source_locale: str) -> EncodedBundle:
        version = current_version(session)
        entry = self._entries.get(locale)
        if entry is not None and entry.version == version:
            return entry
        available = available_locales(session, source_locale)
        if not _servable(locale, available, source_locale):
            raise NotFound(
                _("There is no content in locale '{locale}'."),
                {"locale": locale},
                available_locales=available,
            )
        bundle = build_bundle(session, locale, source_locale, version)
        body = bundle.model_dump_json().encode()
        # mtime=0 keeps the gzip bytes (and so the byte budget) deterministic.
        entry = EncodedBundle(
            version=version,
            bundle=bundle,
            body=body,
            gzip_body=gzip.compress(body, compresslevel=6, mtime=0),
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        )
        with self._lock:
            self._entries[locale] = entry
        return entry


def _servable(locale: str, available: list[str], source_locale: str) -> bool:
    """A locale we have, or a variant of one (``fr-CA`` is served from ``fr``, flagged as a
    fallback). An unknown language is refused rather than silently shown in English."""
    if locale in available:
        return True
    parents = i18n.fallback_chain(locale, source_locale)[1:]
    if parents and parents[-1] == source_locale and source_locale not in locale.split("-")[:1]:
        parents = parents[:-1]  # the source locale appended at the end does not count
    return any(parent in available for parent in parents)


def find_item(bundle: Bundle, slug: str) -> ItemOut:
    for item in bundle.items:
        if item.slug == slug:
            return item
    raise NotFound(
        _("There is no item '{slug}' in locale '{locale}'."),
        {"slug": slug, "locale": bundle.locale},
        available_slugs=[i.slug for i in bundle.items],
    )
