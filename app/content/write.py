"""The one content-write service: every change to guidance (the seeder, the tests, the admin
API) goes through here.

It renders and sanitises Markdown at save time, computes the source hash a translation is
compared with, keeps the "an edit made in the database wins over the seed file" rule, bumps
the content version in the same transaction, and tells listeners (the case feed) which
checklist templates' guidance changed.
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel
from sqlalchemy import event
from sqlmodel import Session, SQLModel, col, select

from app.content.markdown import render_markdown
from app.content.models import (
    ChecklistItem,
    ChecklistItemTranslation,
    ChecklistTemplate,
    ChecklistTemplateTranslation,
    ContentItem,
    ContentItemTranslation,
    ContentState,
    GlossaryTerm,
    GlossaryTermTranslation,
    TranslationFields,
    TranslationStatus,
)
from app.core.errors import AppError, NotFound
from app.core.models import utcnow
from app.i18n import _

Outcome = Literal["created", "updated", "unchanged", "kept"]
Row = TypeVar("Row", bound=SQLModel)
TranslationRow = TypeVar("TranslationRow", bound=TranslationFields)


def values_hash(values: Mapping[str, Any]) -> str:
    """A stable hash of field values (canonical JSON), used for source and seed hashes."""
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def current_version(session: Session) -> int:
    return session.exec(select(ContentState.version).where(ContentState.id == 1)).one()


def bump_content_version(session: Session) -> int:
    """Called in the same transaction as any change to published content."""
    state = session.get(ContentState, 1, with_for_update=True)
    if state is None:  # migrations create it; be forgiving on a hand-made database
        state = ContentState(id=1, version=0)
    state.version += 1
    session.add(state)
    return state.version


# Which translation table belongs to which parent, and the fields that make up its text.
TEXT_FIELDS: dict[type[SQLModel], tuple[str, tuple[str, ...]]] = {
    ContentItemTranslation: ("item_id", ("title", "summary", "body_md")),
    ChecklistTemplateTranslation: ("template_id", ("title", "summary")),
    ChecklistItemTranslation: ("item_id", ("action", "reason")),
    GlossaryTermTranslation: ("term_id", ("term", "definition")),
}


def source_text_hash(text: Mapping[str, Any]) -> str:
    """The hash a translation records of the English text it was made from."""
    return values_hash(text)


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def _row_values(row: SQLModel, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _dump(getattr(row, k)) for k in fields}


def upsert(
    session: Session,
    existing: Row | None,
    values: Mapping[str, Any],
    create: Callable[[], Row],
    derived: Callable[[Row], None] | None = None,
) -> tuple[Row, Outcome]:
    """Create, update or leave one row according to the seed-hash rule."""
    values = {k: _dump(v) for k, v in values.items()}
    new_hash = values_hash(values)
    if existing is None:
        row = create()
        for key, value in values.items():
            setattr(row, key, value)
        row.seed_hash = new_hash  # type: ignore[attr-defined]
        if derived:
            derived(row)
        session.add(row)
        session.flush()
        return row, "created"
    current_hash = values_hash(_row_values(existing, values))
    if current_hash == new_hash:
        return existing, "unchanged"
    if existing.seed_hash != current_hash:  # type: ignore[attr-defined]
        return existing, "kept"  # edited in the database: the edit wins over the file
    for key, value in values.items():
        setattr(existing, key, value)
    existing.seed_hash = new_hash  # type: ignore[attr-defined]
    existing.updated_at = utcnow()  # type: ignore[attr-defined]
    if derived:
        derived(existing)
    session.add(existing)
    session.flush()
    return existing, "updated"


def render_body(row: ContentItemTranslation) -> None:
    row.body_html = render_markdown(row.body_md)


def write_translation(
    session: Session,
    model: type[TranslationRow],
    parent_id: int | None,
    locale: str,
    text: Mapping[str, Any],
    *,
    status: TranslationStatus,
    source_hash: str,
    extra: Mapping[str, Any] | None = None,
) -> tuple[TranslationRow, Outcome]:
    """Creates or changes the text of one entity in one locale (seed-hash rule applies);
    Markdown bodies are rendered and sanitised here, once, at save time."""
    parent_field, _fields = TEXT_FIELDS[model]
    existing = session.exec(
        select(model).where(getattr(model, parent_field) == parent_id, model.locale == locale)
    ).first()
    values = {**text, **(extra or {}), "status": status.value, "source_hash": source_hash}
    return upsert(
        session,
        existing,
        values,
        lambda: model(**{parent_field: parent_id, "locale": locale}),
        derived=render_body if model is ContentItemTranslation else None,  # type: ignore[arg-type]
    )


# The entity that owns each kind of text, and the field naming it.
_OWNERS: dict[type[SQLModel], tuple[type[SQLModel], str]] = {
    ContentItemTranslation: (ContentItem, "slug"),
    ChecklistTemplateTranslation: (ChecklistTemplate, "slug"),
    GlossaryTermTranslation: (GlossaryTerm, "key"),
}


def _text_row(
    session: Session, model: type[TranslationRow], key: str, locale: str
) -> TranslationRow | None:
    """The text of the entity named ``key`` (slug or glossary key) in ``locale``."""
    owner, key_field = _OWNERS[model]
    parent_field, _fields = TEXT_FIELDS[model]
    return session.exec(
        select(model)
        .join(owner, getattr(owner, "id") == getattr(model, parent_field))  # noqa: B009
        .where(getattr(owner, key_field) == key, model.locale == locale)
    ).first()


def edit_text(
    session: Session,
    model: type[TranslationRow],
    key: str,
    locale: str,
    *,
    source_locale: str = "en",
    updated_at: datetime | None = None,
    **changes: str,
) -> dict[str, Any]:
    """Changes fields of one text (an item's, a checklist's or a glossary term's) in one
    locale, as an editor would, and commits. An edit of the source text changes its source
    hash, so translations of it become stale. Returns the previous values of the changed
    fields (and ``updated_at``), so a caller can put them back."""
    _parent_field, text_fields = TEXT_FIELDS[model]
    row = _text_row(session, model, key, locale)
    if row is None:
        raise NotFound(
            _("There is no item '{slug}' in locale '{locale}'."), {"slug": key, "locale": locale}
        )
    previous: dict[str, Any] = {name: getattr(row, name) for name in changes}
    previous["updated_at"] = row.updated_at
    before = all_guidance_hashes(session, source_locale)
    for name, value in changes.items():
        setattr(row, name, value)
    if isinstance(row, ContentItemTranslation):
        render_body(row)
    if locale == source_locale:
        row.source_hash = source_text_hash({f: getattr(row, f) for f in text_fields})
    row.updated_at = updated_at or utcnow()
    session.add(row)
    session.flush()
    content_changed(session, before, source_locale)
    session.commit()
    return previous


def remove_text(
    session: Session, model: type[TranslationRow], key: str, locale: str, source_locale: str = "en"
) -> None:
    """Removes one translation (readers of that locale then see the fallback), and commits."""
    if locale == source_locale:
        raise AppError(_("The source text cannot be removed; unpublish the item instead."))
    row = _text_row(session, model, key, locale)
    if row is None:
        return
    before = all_guidance_hashes(session, source_locale)
    session.delete(row)
    session.flush()
    content_changed(session, before, source_locale)
    session.commit()


# --- the guidance a case checklist was made from ---------------------------------------------


def guidance_hash(session: Session, template_slug: str, source_locale: str = "en") -> str:
    """What a checklist's guidance is made of: the source text of the template, its items
    and its related tool. A case checklist records it, so a change can be flagged."""
    template = session.exec(
        select(ChecklistTemplate).where(
            ChecklistTemplate.slug == template_slug, ChecklistTemplate.is_published
        )
    ).first()
    if template is None:
        raise AppError(
            _("There is no checklist template '{slug}'."), {"slug": template_slug}, field="slug"
        )
    parts = list(
        session.exec(
            select(ChecklistTemplateTranslation.source_hash).where(
                ChecklistTemplateTranslation.template_id == template.id,
                ChecklistTemplateTranslation.locale == source_locale,
            )
        ).all()
    )
    parts += list(
        session.exec(
            select(ChecklistItemTranslation.source_hash)
            .join(ChecklistItem, col(ChecklistItem.id) == ChecklistItemTranslation.item_id)
            .where(
                ChecklistItem.template_id == template.id,
                ChecklistItemTranslation.locale == source_locale,
            )
            .order_by(col(ChecklistItem.position))
        ).all()
    )
    if template.related_tool:
        parts += list(
            session.exec(
                select(ContentItemTranslation.source_hash)
                .join(ContentItem, col(ContentItem.id) == ContentItemTranslation.item_id)
                .where(
                    ContentItem.slug == template.related_tool,
                    ContentItemTranslation.locale == source_locale,
                )
            ).all()
        )
    return values_hash({"template": template_slug, "parts": parts})


def all_guidance_hashes(session: Session, source_locale: str = "en") -> dict[str, str]:
    slugs = session.exec(select(ChecklistTemplate.slug).where(ChecklistTemplate.is_published)).all()
    return {slug: guidance_hash(session, slug, source_locale) for slug in slugs}


# Called with the slugs of templates whose guidance changed, in the writer's transaction.
# The case feed registers itself here (app/main.py, app/cli.py): content never imports cases.
GuidanceListener = Callable[[Session, set[str]], object]
guidance_listeners: list[GuidanceListener] = []


# Called after a transaction that changed content commits (this process's bundle caches).
version_listeners: list[Callable[[], object]] = []


def _content_committed(_session: Session) -> None:
    for listener in list(version_listeners):
        listener()


def content_changed(
    session: Session, guidance_before: Mapping[str, str], source_locale: str = "en"
) -> set[str]:
    """Every writer calls this after changing published content, in its transaction: the
    version moves on, this process's caches hear of it on commit, and cases whose
    checklists' guidance changed are told. Returns the templates whose guidance changed."""
    bump_content_version(session)
    if not event.contains(session, "after_commit", _content_committed):
        event.listen(session, "after_commit", _content_committed, once=True)
    after = all_guidance_hashes(session, source_locale)
    changed = {slug for slug, h in after.items() if guidance_before.get(slug) != h}
    if changed:
        for listener in guidance_listeners:
            listener(session, changed)
    return changed
