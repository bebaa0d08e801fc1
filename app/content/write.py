"""The one content-write service: every change to guidance (the seeder, the tests, the admin
API) goes through here.

It renders and sanitises Markdown at save time, computes the source hash a translation is
compared with, keeps the "an edit made in the database wins over the seed file" rule, bumps
the content version in the same transaction, and tells listeners (the case feed) which
checklist templates' guidance changed.
"""

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic import Field as PydanticField
from sqlalchemy import event, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from app.accounts import audit
from app.accounts.models import Role, User, UserLocale
from app.content.feed import record_changes
from app.content.markdown import markdown_problems, render_markdown
from app.content.models import (
    Audience,
    ChecklistItem,
    ChecklistItemTranslation,
    ChecklistTemplate,
    ChecklistTemplateTranslation,
    ContentItem,
    ContentItemTranslation,
    ContentPointer,
    ContentRevision,
    ContentState,
    EntityKind,
    GlossaryTerm,
    GlossaryTermTranslation,
    ItemKind,
    TranslationFields,
    TranslationStatus,
)
from app.content.notify import notify_published
from app.core.errors import AppError, Conflict, Forbidden, NotFound
from app.core.models import as_utc, utcnow
from app.core.schemas import MULTILINE_TEXT, PLAIN_TEXT, SLUG_PATTERN
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
    entity = entity_of(session, model, parent_id) if existing is not None else None
    if entity is not None and published_in_app(session, *entity, locale):
        return existing, "kept"  # type: ignore[return-value]  # published in the app: it wins
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
    version moves on (under the content_state row lock), every locale whose resolved view
    changed gets a change in the content feed numbered by it (feed.py), this process's caches
    hear of it on commit (every other process's too, on PostgreSQL: notify.py), and cases
    whose checklists' guidance changed are told. Returns the templates whose guidance
    changed."""
    seq = bump_content_version(session)
    record_changes(session, seq, source_locale)
    notify_published(session, seq)  # the other processes' caches, at commit (notify.py)
    if not event.contains(session, "after_commit", _content_committed):
        event.listen(session, "after_commit", _content_committed, once=True)
    after = all_guidance_hashes(session, source_locale)
    changed = {slug for slug, h in after.items() if guidance_before.get(slug) != h}
    if changed:
        for listener in guidance_listeners:
            listener(session, changed)
    return changed


# --- editorial: revisions, drafts, review and publishing (issue #11) --------------------------
#
# Readers see the live rows above (the resolver reads them). The editor works on revisions:
# an append-only ``content_revision`` per entity (item, checklist, glossary term) and locale,
# with a draft and a published pointer. Publishing copies a revision into the live rows, in
# the same transaction as the pointer move, the content version and the change feed.


class Unprocessable(AppError):
    status = 422
    title = _("Invalid request")


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid")


Slug = Annotated[str, PydanticField(pattern=SLUG_PATTERN, max_length=80)]
Line = Annotated[str, PydanticField(min_length=1, max_length=300, pattern=PLAIN_TEXT)]


class SourceLink(_Text):
    title: Annotated[str, PydanticField(min_length=3, max_length=300, pattern=PLAIN_TEXT)]
    url: Annotated[str, PydanticField(max_length=500, pattern=r"^https?://[^\s]+$")]


class ArticleLink(_Text):
    instrument: Literal[
        "protocol", "coe", "untoc", "eu-directive-2004-81", "refugee-convention", "crc"
    ]
    article: Annotated[str, PydanticField(min_length=1, max_length=20, pattern=PLAIN_TEXT)]
    title: Line | None = None


class ItemText(_Text):
    title: Annotated[str, PydanticField(min_length=2, max_length=200, pattern=PLAIN_TEXT)]
    summary: Annotated[str, PydanticField(min_length=5, max_length=1000, pattern=MULTILINE_TEXT)]
    body_md: Annotated[str, PydanticField(min_length=1, max_length=100_000, pattern=MULTILINE_TEXT)]
    article_titles: dict[Annotated[str, PydanticField(max_length=60)], Line] = {}


class ItemSource(ItemText):
    kind: ItemKind
    tool_number: Annotated[str, PydanticField(pattern=r"^7\.([1-9]|10)$")] | None = None
    audience: Audience
    order: int
    articles: Annotated[list[ArticleLink], PydanticField(max_length=50)] = []
    sources: Annotated[list[SourceLink], PydanticField(min_length=1, max_length=50)]
    related_checklists: Annotated[list[Slug], PydanticField(max_length=50)] = []
    related_glossary: Annotated[list[Slug], PydanticField(max_length=100)] = []


class EntryText(_Text):
    key: Slug
    action: Annotated[str, PydanticField(min_length=2, max_length=1000, pattern=PLAIN_TEXT)]
    reason: Annotated[str, PydanticField(min_length=2, max_length=2000, pattern=PLAIN_TEXT)]


class EntrySource(EntryText):
    inferred: bool = False


class ChecklistText(_Text):
    title: Annotated[str, PydanticField(min_length=2, max_length=200, pattern=PLAIN_TEXT)]
    summary: Annotated[str, PydanticField(min_length=5, max_length=1000, pattern=PLAIN_TEXT)]
    items: Annotated[list[EntryText], PydanticField(min_length=1, max_length=200)]


class ChecklistSource(ChecklistText):
    audience: Audience
    related_tool: Slug | None = None
    order: int
    sources: Annotated[list[SourceLink], PydanticField(min_length=1, max_length=50)]
    items: Annotated[list[EntrySource], PydanticField(min_length=1, max_length=200)]  # type: ignore[assignment]


class TermText(_Text):
    term: Annotated[str, PydanticField(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
    definition: Annotated[str, PydanticField(min_length=2, max_length=5000, pattern=MULTILINE_TEXT)]
    variants: Annotated[list[Line], PydanticField(max_length=50)] = []


FIELD_MODELS: dict[EntityKind, tuple[type[_Text], type[_Text]]] = {
    EntityKind.item: (ItemSource, ItemText),
    EntityKind.checklist: (ChecklistSource, ChecklistText),
    EntityKind.term: (TermText, TermText),
}
_OWNER_OF_KIND: dict[EntityKind, tuple[type[SQLModel], str]] = {
    EntityKind.item: (ContentItem, "slug"),
    EntityKind.checklist: (ChecklistTemplate, "slug"),
    EntityKind.term: (GlossaryTerm, "key"),
}


def _owner_row(session: Session, kind: EntityKind, key: str) -> Any:
    model, key_field = _OWNER_OF_KIND[kind]
    return session.exec(select(model).where(getattr(model, key_field) == key)).first()


def _entries(session: Session, template_id: int | None) -> list[ChecklistItem]:
    return list(
        session.exec(
            select(ChecklistItem)
            .where(ChecklistItem.template_id == template_id)
            .order_by(col(ChecklistItem.position))
        ).all()
    )


@dataclass
class LiveText:
    """An entity's text in one locale as readers see it (the live rows), in revision form."""

    fields: dict[str, Any]
    source_hash: str
    item_hashes: dict[str, str]
    status: TranslationStatus
    updated_at: datetime


def live_text(
    session: Session, kind: EntityKind, key: str, locale: str, source_locale: str
) -> LiveText | None:
    owner = _owner_row(session, kind, key)
    if owner is None:
        return None
    source = locale == source_locale
    if kind is EntityKind.item:
        row = session.exec(
            select(ContentItemTranslation).where(
                ContentItemTranslation.item_id == owner.id, ContentItemTranslation.locale == locale
            )
        ).first()
        if row is None:
            return None
        fields: dict[str, Any] = {
            "title": row.title,
            "summary": row.summary,
            "body_md": row.body_md,
            "article_titles": dict(row.article_titles or {}),
        }
        if source:
            fields.update(
                kind=owner.kind.value,
                tool_number=owner.tool_number,
                audience=owner.audience.value,
                order=owner.position,
                articles=list(owner.articles),
                sources=list(owner.sources),
                related_checklists=list(owner.related_checklists),
                related_glossary=list(owner.related_glossary),
            )
        return LiveText(fields, row.source_hash, {}, row.status, as_utc(row.updated_at))
    if kind is EntityKind.checklist:
        head = session.exec(
            select(ChecklistTemplateTranslation).where(
                ChecklistTemplateTranslation.template_id == owner.id,
                ChecklistTemplateTranslation.locale == locale,
            )
        ).first()
        if head is None:
            return None
        entries = _entries(session, owner.id)
        texts = {
            r.item_id: r
            for r in session.exec(
                select(ChecklistItemTranslation).where(
                    col(ChecklistItemTranslation.item_id).in_([e.id for e in entries]),
                    ChecklistItemTranslation.locale == locale,
                )
            ).all()
        }
        items, hashes = [], {}
        newest = as_utc(head.updated_at)
        for entry in entries:
            text = texts.get(entry.id or 0)
            if text is None:
                continue
            item: dict[str, Any] = {"key": entry.key, "action": text.action, "reason": text.reason}
            if source:
                item["inferred"] = entry.inferred
            items.append(item)
            hashes[entry.key] = text.source_hash
            newest = max(newest, as_utc(text.updated_at))
        fields = {"title": head.title, "summary": head.summary, "items": items}
        if source:
            fields.update(
                audience=owner.audience.value,
                related_tool=owner.related_tool,
                order=owner.position,
                sources=list(owner.sources),
            )
        return LiveText(fields, head.source_hash, hashes, head.status, newest)
    row = session.exec(
        select(GlossaryTermTranslation).where(
            GlossaryTermTranslation.term_id == owner.id, GlossaryTermTranslation.locale == locale
        )
    ).first()
    if row is None:
        return None
    fields = {"term": row.term, "definition": row.definition, "variants": list(row.variants)}
    return LiveText(fields, row.source_hash, {}, row.status, as_utc(row.updated_at))


def text_hashes(kind: EntityKind, fields: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The source hashes of a source-locale text (the same the seed files are stamped with)."""
    if kind is EntityKind.item:
        return source_text_hash({k: fields[k] for k in ("title", "summary", "body_md")}), {}
    if kind is EntityKind.checklist:
        head = source_text_hash({"title": fields["title"], "summary": fields["summary"]})
        return head, {
            e["key"]: source_text_hash({"action": e["action"], "reason": e["reason"]})
            for e in fields["items"]
        }
    return source_text_hash({"term": fields["term"], "definition": fields["definition"]}), {}


# --- who may write what -----------------------------------------------------------------


def user_locales(session: Session, user_id: int | None) -> set[str]:
    return set(session.exec(select(UserLocale.locale).where(UserLocale.user_id == user_id)).all())


def may_write(session: Session, user: User, locale: str) -> bool:
    """Admins and editors: every locale. Translators: the locales assigned to them."""
    if not user.is_active:
        return False
    if user.role in (Role.admin, Role.editor):
        return True
    return user.role is Role.translator and locale in user_locales(session, user.id)


def check_may_write(session: Session, user: User, locale: str) -> None:
    if not may_write(session, user, locale):
        raise Forbidden(_("You may not change content in locale '{locale}'."), {"locale": locale})


def check_locale(session: Session, locale: str, source_locale: str) -> None:
    from app.content.locales import available_locales

    if locale not in available_locales(session, source_locale):
        raise NotFound(_("There is no content in locale '{locale}'."), {"locale": locale})


# --- revisions and pointers -------------------------------------------------------------


def get_pointer(session: Session, kind: EntityKind, key: str, locale: str) -> ContentPointer | None:
    return session.get(ContentPointer, (kind, key, locale))


def _lock_pointer(session: Session, kind: EntityKind, key: str, locale: str) -> ContentPointer:
    """The pointer row, created if missing, locked until commit (PostgreSQL; SQLite
    writers are serialised anyway): saves of one entity and locale take turns."""
    table = ContentPointer.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(table)
        .values(entity_kind=kind.value, entity_key=key, locale=locale, draft_rev=0, published_rev=0)
        .on_conflict_do_nothing()
    )
    pointer = session.exec(
        select(ContentPointer)
        .where(
            ContentPointer.entity_kind == kind,
            ContentPointer.entity_key == key,
            ContentPointer.locale == locale,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return pointer


def get_revision(
    session: Session, kind: EntityKind, key: str, locale: str, rev: int
) -> ContentRevision | None:
    return session.exec(
        select(ContentRevision).where(
            ContentRevision.entity_kind == kind,
            ContentRevision.entity_key == key,
            ContentRevision.locale == locale,
            ContentRevision.rev == rev,
        )
    ).first()


def list_revisions(
    session: Session, kind: EntityKind, key: str, locale: str
) -> list[ContentRevision]:
    return list(
        session.exec(
            select(ContentRevision)
            .where(
                ContentRevision.entity_kind == kind,
                ContentRevision.entity_key == key,
                ContentRevision.locale == locale,
            )
            .order_by(col(ContentRevision.rev).desc())
        ).all()
    )


def _append_revision(
    session: Session,
    pointer: ContentPointer,
    *,
    fields: Mapping[str, Any],
    source_hash: str,
    item_hashes: Mapping[str, str],
    status: TranslationStatus,
    author_id: int | None,
    note: str = "",
    minor: bool = False,
) -> ContentRevision:
    last = session.exec(
        select(func.max(ContentRevision.rev)).where(
            ContentRevision.entity_kind == pointer.entity_kind,
            ContentRevision.entity_key == pointer.entity_key,
            ContentRevision.locale == pointer.locale,
        )
    ).one()
    revision = ContentRevision(
        entity_kind=pointer.entity_kind,
        entity_key=pointer.entity_key,
        locale=pointer.locale,
        rev=(last or 0) + 1,
        fields=dict(fields),
        source_hash=source_hash,
        item_hashes=dict(item_hashes),
        status=status,
        author_id=author_id,
        note=note[:500],
        minor=minor,
    )
    session.add(revision)
    pointer.draft_rev = revision.rev
    session.add(pointer)
    session.flush()
    return revision


def _ensure_base(
    session: Session, pointer: ContentPointer, source_locale: str
) -> ContentRevision | None:
    """The revision the next edit builds on. Content seeded from files has no revision yet:
    its live text becomes revision 1 (no author) the first time someone edits it."""
    if pointer.draft_rev:
        return get_revision(
            session, pointer.entity_kind, pointer.entity_key, pointer.locale, pointer.draft_rev
        )
    live = live_text(
        session, pointer.entity_kind, pointer.entity_key, pointer.locale, source_locale
    )
    if live is None:
        return None
    return _publish_live(session, pointer, live, note="as published before the editor")


def _publish_live(session: Session, pointer: Any, live: Any, *, note: str) -> Any:
    """Records what readers see now (not written in the editor: no author) as the published
    revision."""
    revision = _append_revision(
        session,
        pointer,
        fields=live.fields,
        source_hash=live.source_hash,
        item_hashes=live.item_hashes,
        status=live.status,
        author_id=None,
        note=note,
    )
    pointer.published_rev = revision.rev
    return revision


def author_name(session: Session, author_id: int | None) -> str | None:
    if author_id is None:
        return None
    user = session.get(User, author_id)
    return user.email if user else f"user {author_id}"


def revision_summary(session: Session, revision: ContentRevision) -> dict[str, Any]:
    return {
        "rev": revision.rev,
        "author": author_name(session, revision.author_id),
        "created_at": as_utc(revision.created_at).isoformat(),
        "status": revision.status.value,
        "note": revision.note,
        "minor": revision.minor,
    }


def _conflict(session: Session, pointer: ContentPointer, base_rev: int) -> Conflict:
    current = get_revision(
        session, pointer.entity_kind, pointer.entity_key, pointer.locale, pointer.draft_rev
    )
    return Conflict(
        _(
            "Someone saved this text after the revision you started from; reload it and redo "
            "your change."
        ),
        base_rev=base_rev,
        current=revision_summary(session, current) | {"fields": current.fields}
        if current
        else None,
    )


def _validate(
    kind: EntityKind, fields: Mapping[str, Any], source: bool, keys: list[str] | None
) -> dict[str, Any]:
    model = FIELD_MODELS[kind][0 if source else 1]
    try:
        clean = model.model_validate(dict(fields)).model_dump(mode="json", exclude_none=False)
    except ValidationError as exc:
        raise Unprocessable(
            _("Some fields are missing or invalid."),
            errors=[
                {"loc": ["fields", *err["loc"]], "msg": err["msg"], "type": err["type"]}
                for err in exc.errors()
            ],
        ) from exc
    if kind is EntityKind.item and not source:
        clean.pop("kind", None)
    errors = []
    if kind is EntityKind.item:
        for problem in markdown_problems(clean["body_md"]):
            errors.append({"loc": ["fields", "body_md"], "msg": problem, "type": "markdown"})
    if kind is EntityKind.checklist and keys is not None:
        got = [e["key"] for e in clean["items"]]
        if got != keys:
            errors.append(
                {
                    "loc": ["fields", "items"],
                    "msg": "the checklist's entries must keep their keys, in order: "
                    + ", ".join(keys),
                    "type": "keys",
                }
            )
    if errors:
        raise Unprocessable(_("Some fields are missing or invalid."), errors=errors)
    return clean


def _source_fields_hashes(
    session: Session, kind: EntityKind, key: str, source_locale: str
) -> tuple[str, dict[str, str]] | None:
    """The source hashes translations are made from now: the published source text's, or
    the source draft's for an entity not yet published."""
    live = live_text(session, kind, key, source_locale, source_locale)
    if live is not None:
        return live.source_hash, live.item_hashes
    pointer = get_pointer(session, kind, key, source_locale)
    draft = (
        get_revision(session, kind, key, source_locale, pointer.draft_rev)
        if pointer and pointer.draft_rev
        else None
    )
    return (draft.source_hash, draft.item_hashes) if draft else None


def _entry_keys(
    session: Session, kind: EntityKind, key: str, source_locale: str
) -> list[str] | None:
    if kind is not EntityKind.checklist:
        return None
    owner = _owner_row(session, kind, key)
    return [e.key for e in _entries(session, owner.id)] if owner else None


def _exists(session: Session, kind: EntityKind, key: str, source_locale: str) -> bool:
    if _owner_row(session, kind, key) is not None:
        return True
    pointer = get_pointer(session, kind, key, source_locale)
    return pointer is not None and pointer.draft_rev > 0


def save_draft(
    session: Session,
    user: User,
    kind: EntityKind,
    key: str,
    locale: str,
    *,
    base_rev: int,
    fields: Mapping[str, Any],
    note: str = "",
    minor: bool = False,
    status: TranslationStatus | None = None,
    source_locale: str = "en",
    commit: bool = True,
) -> ContentRevision:
    """Saves a new draft revision of one entity's text in one locale. ``base_rev`` is the
    draft revision the edit started from (0 for text never edited in the app); anything but
    the current draft is a 409 with the newer revision and its author, never a silent
    overwrite. ``fields`` may be partial: they are laid over the base. A ``minor`` edit keeps
    the source hash (source text: translations do not go stale; a translation: it stays as
    stale as it was). Editing a translation makes it a draft until someone reviews it."""
    check_locale(session, locale, source_locale)
    check_may_write(session, user, locale)
    source = locale == source_locale
    if not _exists(session, kind, key, source_locale) and not (source and kind is EntityKind.item):
        raise NotFound(_("There is no {kind} '{key}'."), {"kind": kind.value, "key": key})
    # Validate before writing anything (an invalid save leaves no trace).
    current = get_pointer(session, kind, key, locale)
    if (current.draft_rev if current else 0) != base_rev:
        assert current is not None
        raise _conflict(session, current, base_rev)
    if current and current.draft_rev:
        base_fields = get_revision(session, kind, key, locale, current.draft_rev).fields  # type: ignore[union-attr]
    else:
        live = live_text(session, kind, key, locale, source_locale)
        base_fields = live.fields if live else {}
    merged = {**base_fields, **fields}
    if not source and kind is EntityKind.item:
        merged = {k: v for k, v in merged.items() if k in ItemText.model_fields}
    clean = _validate(kind, merged, source, _entry_keys(session, kind, key, source_locale))
    pointer = _lock_pointer(session, kind, key, locale)
    if pointer.draft_rev != base_rev:  # someone saved between the check and the lock
        raise _conflict(session, pointer, base_rev)
    base = _ensure_base(session, pointer, source_locale)
    if minor and base is not None:
        source_hash, item_hashes = base.source_hash, base.item_hashes
    elif source:
        source_hash, item_hashes = text_hashes(kind, clean)
    else:
        hashes = _source_fields_hashes(session, kind, key, source_locale)
        if hashes is None:
            raise NotFound(_("There is no {kind} '{key}'."), {"kind": kind.value, "key": key})
        source_hash, item_hashes = hashes
    if status is None:
        status = TranslationStatus.reviewed if source else TranslationStatus.draft
    if (
        base is not None
        and base.fields == clean
        and base.source_hash == source_hash
        and base.item_hashes == item_hashes
        and base.status == status
    ):
        if commit:
            session.commit()
        return base  # nothing changed
    revision = _append_revision(
        session,
        pointer,
        fields=clean,
        source_hash=source_hash,
        item_hashes=item_hashes,
        status=status,
        author_id=user.id,
        note=note,
        minor=minor,
    )
    if commit:
        session.commit()
        session.refresh(revision)
    return revision


def _apply(session: Session, revision: ContentRevision, source_locale: str) -> None:
    """Copies a revision into the live rows readers see."""
    kind, key, locale, fields = (
        revision.entity_kind,
        revision.entity_key,
        revision.locale,
        revision.fields,
    )
    source = locale == source_locale
    now = utcnow()
    owner = _owner_row(session, kind, key)
    if kind is EntityKind.item:
        if owner is None:
            owner = ContentItem(
                slug=key, kind=ItemKind(fields["kind"]), audience=Audience(fields["audience"])
            )
        if source:
            owner.kind = ItemKind(fields["kind"])
            owner.tool_number = fields.get("tool_number")
            owner.audience = Audience(fields["audience"])
            owner.position = fields["order"]
            owner.articles = fields.get("articles", [])
            owner.sources = fields["sources"]
            owner.related_checklists = fields.get("related_checklists", [])
            owner.related_glossary = fields.get("related_glossary", [])
            owner.updated_at = now
        session.add(owner)
        session.flush()
        row = session.exec(
            select(ContentItemTranslation).where(
                ContentItemTranslation.item_id == owner.id, ContentItemTranslation.locale == locale
            )
        ).first() or ContentItemTranslation(item_id=owner.id, locale=locale, source_hash="")
        row.title, row.summary, row.body_md = fields["title"], fields["summary"], fields["body_md"]
        row.article_titles = dict(fields.get("article_titles", {}))
        render_body(row)
        rows: list[Any] = [row]
    elif kind is EntityKind.checklist:
        if source:
            owner.audience = Audience(fields["audience"])
            owner.related_tool = fields.get("related_tool")
            owner.position = fields["order"]
            owner.sources = fields["sources"]
            owner.updated_at = now
            session.add(owner)
        row = session.exec(
            select(ChecklistTemplateTranslation).where(
                ChecklistTemplateTranslation.template_id == owner.id,
                ChecklistTemplateTranslation.locale == locale,
            )
        ).first() or ChecklistTemplateTranslation(
            template_id=owner.id, locale=locale, source_hash=""
        )
        row.title, row.summary = fields["title"], fields["summary"]
        rows = [row]
        entries = {e.key: e for e in _entries(session, owner.id)}
        for item in fields["items"]:
            entry = entries[item["key"]]
            if source:
                entry.inferred = bool(item.get("inferred", False))
                entry.updated_at = now
                session.add(entry)
            text = session.exec(
                select(ChecklistItemTranslation).where(
                    ChecklistItemTranslation.item_id == entry.id,
                    ChecklistItemTranslation.locale == locale,
                )
            ).first() or ChecklistItemTranslation(item_id=entry.id, locale=locale, source_hash="")
            text.action, text.reason = item["action"], item["reason"]
            text.source_hash = revision.item_hashes.get(item["key"], revision.source_hash)
            text.status = revision.status
            text.updated_at = now
            session.add(text)
    else:
        row = session.exec(
            select(GlossaryTermTranslation).where(
                GlossaryTermTranslation.term_id == owner.id,
                GlossaryTermTranslation.locale == locale,
            )
        ).first() or GlossaryTermTranslation(term_id=owner.id, locale=locale, source_hash="")
        row.term, row.definition = fields["term"], fields["definition"]
        row.variants = list(fields.get("variants", []))
        rows = [row]
    for live in rows:
        live.status = revision.status
        live.source_hash = revision.source_hash
        live.updated_at = now
        session.add(live)
    session.flush()


Target = tuple[EntityKind, str, str]  # kind, key, locale


def publish(
    session: Session,
    user: User | None,
    targets: list[Target],
    *,
    source_locale: str = "en",
    commit: bool = True,
) -> dict[str, Any]:
    """Publishes the drafts of one or more entities (and locales) atomically: the live rows
    change, the pointers move, the content version takes its next value (row lock) and
    every locale whose resolved view changed gets a change in the feed, all in one
    transaction. A translation cannot be published while its entity has no published source
    text (unless the source is in the same batch)."""
    order = sorted(set(targets), key=lambda t: (t[2] != source_locale, t[0].value, t[1], t[2]))
    batch_sources = {(k, key) for k, key, loc in order if loc == source_locale}
    plan: list[tuple[ContentPointer, ContentRevision]] = []
    for kind, key, locale in order:
        if user is not None:
            check_may_write(session, user, locale)
        pointer = _lock_pointer(session, kind, key, locale)
        if not pointer.draft_rev:
            if live_text(session, kind, key, locale, source_locale) is None:
                raise NotFound(
                    _("There is no draft of {kind} '{key}' in locale '{locale}'."),
                    {"kind": kind.value, "key": key, "locale": locale},
                )
            continue  # published from the files, never edited: nothing to publish
        if pointer.draft_rev == pointer.published_rev:
            continue
        if (
            locale != source_locale
            and (kind, key) not in batch_sources
            and live_text(session, kind, key, source_locale, source_locale) is None
        ):
            raise Conflict(
                _(
                    "'{key}' has no published English text yet: publish the English first, or "
                    "in the same batch."
                ),
                {"key": key},
            )
        revision = get_revision(session, kind, key, locale, pointer.draft_rev)
        assert revision is not None
        plan.append((pointer, revision))
    # An English draft in the batch must actually be publishable (not just named).
    for kind, key in batch_sources:
        if live_text(session, kind, key, source_locale, source_locale) is None and not any(
            p.entity_kind == kind and p.entity_key == key and p.locale == source_locale
            for p, _r in plan
        ):
            raise Conflict(
                _(
                    "'{key}' has no published English text yet: publish the English first, or "
                    "in the same batch."
                ),
                {"key": key},
            )
    if not plan:
        if commit:
            session.commit()
        return {"seq": None, "published": []}
    before = all_guidance_hashes(session, source_locale)
    for _pointer, revision in plan:
        _apply(session, revision, source_locale)
    content_changed(session, before, source_locale)
    seq = current_version(session)
    published = []
    for pointer, revision in plan:
        pointer.published_rev = revision.rev
        pointer.published_seq = seq
        session.add(pointer)
        published.append(
            {
                "kind": pointer.entity_kind.value,
                "key": pointer.entity_key,
                "locale": pointer.locale,
                "rev": revision.rev,
            }
        )
    audit.record(session, user, "publish", "content", f"seq {seq}", entries=published, seq=seq)
    if commit:
        session.commit()
    return {"seq": seq, "published": published}


def revert(
    session: Session,
    user: User,
    kind: EntityKind,
    key: str,
    locale: str,
    *,
    base_rev: int,
    to_rev: int,
    source_locale: str = "en",
) -> ContentRevision:
    """A revert is a new draft revision with an old revision's text and source hashes."""
    check_may_write(session, user, locale)
    pointer = _lock_pointer(session, kind, key, locale)
    if pointer.draft_rev != base_rev:
        raise _conflict(session, pointer, base_rev)
    old = get_revision(session, kind, key, locale, to_rev)
    if old is None:
        raise NotFound(_("There is no revision {rev}."), {"rev": to_rev})
    revision = _append_revision(
        session,
        pointer,
        fields=old.fields,
        source_hash=old.source_hash,
        item_hashes=old.item_hashes,
        status=old.status,
        author_id=user.id,
        note=f"revert to revision {to_rev}",
    )
    audit.record(
        session, user, "revert", kind.value, f"{key}@{locale}", to_rev=to_rev, rev=revision.rev
    )
    session.commit()
    session.refresh(revision)
    return revision


def mark_reviewed(
    session: Session,
    user: User,
    kind: EntityKind,
    key: str,
    locale: str,
    *,
    base_rev: int,
    source_locale: str = "en",
) -> ContentRevision:
    """Records that a person reviewed the current draft (a new revision with status
    ``reviewed``, who and when on the pointer). When the draft is what readers already see,
    the review is published at once (only the status changes)."""
    check_may_write(session, user, locale)
    pointer = _lock_pointer(session, kind, key, locale)
    if pointer.draft_rev != base_rev:
        raise _conflict(session, pointer, base_rev)
    base = _ensure_base(session, pointer, source_locale)
    if base is None:
        raise NotFound(
            _("There is no draft of {kind} '{key}' in locale '{locale}'."),
            {"kind": kind.value, "key": key, "locale": locale},
        )
    was_published = pointer.published_rev == pointer.draft_rev
    revision = _append_revision(
        session,
        pointer,
        fields=base.fields,
        source_hash=base.source_hash,
        item_hashes=base.item_hashes,
        status=TranslationStatus.reviewed,
        author_id=user.id,
        note="reviewed",
    )
    pointer.reviewed_by, pointer.reviewed_at = user.id, revision.created_at
    session.add(pointer)
    audit.record(session, user, "review", kind.value, f"{key}@{locale}", rev=revision.rev)
    if was_published:
        publish(session, user, [(kind, key, locale)], source_locale=source_locale, commit=False)
    session.commit()
    session.refresh(revision)
    return revision


# --- diffs --------------------------------------------------------------------------------


def _paragraphs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    if isinstance(value, list) and all(isinstance(v, dict) and "key" in v for v in value):
        return [json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value]
    return (
        [json.dumps(value, ensure_ascii=False, sort_keys=True)]
        if value not in (None, [], {})
        else []
    )


def diff_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per changed field, the paragraph-level differences (difflib opcodes)."""
    result: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(set(old) | set(new)):
        a, b = _paragraphs(old.get(name)), _paragraphs(new.get(name))
        if a == b:
            continue
        ops = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag != "equal":
                ops.append({"op": tag, "old": a[i1:i2], "new": b[j1:j2]})
        result[name] = ops
    return result


def diff_revisions(
    session: Session, kind: EntityKind, key: str, locale: str, a: int, b: int
) -> dict[str, Any]:
    old, new = (get_revision(session, kind, key, locale, r) for r in (a, b))
    if old is None or new is None:
        raise NotFound(_("There is no revision {rev}."), {"rev": a if old is None else b})
    return {"from": a, "to": b, "fields": diff_fields(old.fields, new.fields)}


def _source_revision_with_hash(
    session: Session, kind: EntityKind, key: str, source_locale: str, source_hash: str
) -> ContentRevision | None:
    return session.exec(
        select(ContentRevision)
        .where(
            ContentRevision.entity_kind == kind,
            ContentRevision.entity_key == key,
            ContentRevision.locale == source_locale,
            ContentRevision.source_hash == source_hash,
        )
        .order_by(col(ContentRevision.rev).desc())
    ).first()


def stale_diff(
    session: Session, kind: EntityKind, key: str, locale: str, source_locale: str = "en"
) -> dict[str, Any] | None:
    """For a stale translation: what changed in the source text since the revision it was
    translated from (None when it is not stale; ``fields`` None when that source revision
    predates the editor and is unknown)."""
    text = live_text(session, kind, key, locale, source_locale)
    source = live_text(session, kind, key, source_locale, source_locale)
    if text is None or source is None:
        return None
    stale = text.source_hash != source.source_hash or any(
        text.item_hashes.get(k) not in (None, h) for k, h in source.item_hashes.items()
    )
    if not stale:
        return None
    old = _source_revision_with_hash(session, kind, key, source_locale, text.source_hash)
    text_fields = lambda f: {k: v for k, v in f.items() if k in TEXT_KEYS[kind]}  # noqa: E731
    return {
        "translated_from": old.rev if old else None,
        "fields": diff_fields(text_fields(old.fields), text_fields(source.fields)) if old else None,
    }


TEXT_KEYS: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.item: ("title", "summary", "body_md"),
    EntityKind.checklist: ("title", "summary", "items"),
    EntityKind.term: ("term", "definition"),
}


# --- the seed files and the editor ---------------------------------------------------------


def published_in_app(session: Session, kind: EntityKind, key: str, locale: str) -> bool:
    """Whether readers see a revision someone published in the app (the seed leaves it)."""
    pointer = get_pointer(session, kind, key, locale)
    if pointer is None or not pointer.published_rev:
        return False
    revision = get_revision(session, kind, key, locale, pointer.published_rev)
    return revision is not None and revision.author_id is not None


def entity_of(
    session: Session, model: type[SQLModel], parent_id: int | None
) -> tuple[EntityKind, str] | None:
    """The entity a translation row belongs to."""
    if model is ContentItemTranslation or model is ContentItem:
        item = session.get(ContentItem, parent_id)
        return (EntityKind.item, item.slug) if item else None
    if model is ChecklistItemTranslation or model is ChecklistItem:
        entry = session.get(ChecklistItem, parent_id)
        parent_id = entry.template_id if entry else None
        model = ChecklistTemplateTranslation
    if model in (ChecklistTemplateTranslation, ChecklistTemplate):
        template = session.get(ChecklistTemplate, parent_id)
        return (EntityKind.checklist, template.slug) if template else None
    term = session.get(GlossaryTerm, parent_id)
    return (EntityKind.term, term.key) if term else None


def record_seed_revisions(session: Session, source_locale: str) -> int:
    """After a seed changed live rows of entities the editor already has revisions of, their
    history gets the seeded text as a new revision (no author), so the next edit builds on
    what readers see. Returns the revisions added."""
    added = 0
    for pointer in session.exec(
        select(ContentPointer).where(col(ContentPointer.published_rev) > 0)
    ).all():
        live = live_text(
            session, pointer.entity_kind, pointer.entity_key, pointer.locale, source_locale
        )
        published = get_revision(
            session, pointer.entity_kind, pointer.entity_key, pointer.locale, pointer.published_rev
        )
        if live is None or published is None:
            continue
        if (
            published.fields == live.fields
            and published.source_hash == live.source_hash
            and published.item_hashes == live.item_hashes
            and published.status == live.status
        ):
            continue
        had_draft = pointer.draft_rev != pointer.published_rev
        draft_rev = pointer.draft_rev
        _publish_live(session, pointer, live, note="seed")
        if had_draft:
            pointer.draft_rev = draft_rev  # the pending draft stays the one being edited
        session.add(pointer)
        added += 1
    return added


def restore_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Writes archived rows exactly as they were (ids, timestamps, hashes): the content
    archive import (export.py), into a database without content."""
    if table.name == ContentState.__tablename__:
        session.execute(table.delete())
    if rows:
        session.execute(table.insert(), rows)
    if not event.contains(session, "after_commit", _content_committed):
        event.listen(session, "after_commit", _content_committed, once=True)
