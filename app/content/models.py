"""Guidance content: items, checklist templates, glossary terms, and their translations.

Every translatable entity has a language-neutral row (slug/key, ordering, references) and one
translation row per locale. English is the source locale. A translation stores the hash of
the source text it was made from (``source_hash``) so staleness is computed, not guessed, and
the hash of the seed text it was loaded from (``seed_hash``) so re-seeding never overwrites
an edit made in the database.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.core.models import Timestamped, enum_type, utcnow


class Audience(StrEnum):
    worker = "worker"
    returnee = "returnee"
    both = "both"


class ItemKind(StrEnum):
    overview = "overview"
    tool = "tool"
    page = "page"


class TranslationStatus(StrEnum):
    draft = "draft"
    machine = "machine"  # written without a human translator's review
    reviewed = "reviewed"


class Seeded(Timestamped):
    # Hash of the values last loaded from the seed files. When the row's current values no
    # longer hash to it, someone edited the row in the database and re-seeding leaves it be.
    seed_hash: str | None = Field(default=None, max_length=64)


class TranslationFields(Seeded):
    locale: str = Field(max_length=16, index=True)
    status: TranslationStatus = Field(
        default=TranslationStatus.draft, sa_type=enum_type(TranslationStatus)
    )
    # Hash of the English text this translation was made from; for English, of itself.
    source_hash: str = Field(max_length=64)


def _parent_fk(table: str) -> Any:
    return Field(
        sa_column=Column(Integer, ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False)
    )


class ContentItem(Seeded, table=True):
    __tablename__ = "content_item"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    kind: ItemKind = Field(sa_type=enum_type(ItemKind))
    tool_number: str | None = Field(default=None, max_length=8)
    audience: Audience = Field(sa_type=enum_type(Audience))
    position: int = 0
    # Legal provisions [{instrument, article, title}] and sources [{title, url}]: read-only
    # lists always loaded with the item, so JSON keeps them with it.
    articles: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)
    sources: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)
    related_checklists: list[str] = Field(default_factory=list, sa_type=JSON)
    related_glossary: list[str] = Field(default_factory=list, sa_type=JSON)
    is_published: bool = True


class ContentItemTranslation(TranslationFields, table=True):
    __tablename__ = "content_item_translation"
    __table_args__ = (UniqueConstraint("item_id", "locale"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = _parent_fk("content_item")
    title: str = Field(max_length=200)
    summary: str = Field(sa_type=Text)
    body_md: str = Field(sa_type=Text)
    body_html: str = Field(sa_type=Text)  # sanitised at save time; clients insert it as is
    # Legal article titles in this locale, by "instrument:article" (the item lists them).
    article_titles: dict[str, str] = Field(default_factory=dict, sa_type=JSON)


class ChecklistTemplate(Seeded, table=True):
    __tablename__ = "checklist_template"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    audience: Audience = Field(sa_type=enum_type(Audience))
    related_tool: str | None = Field(default=None, max_length=80)
    position: int = 0
    sources: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)
    is_published: bool = True


class ChecklistTemplateTranslation(TranslationFields, table=True):
    __tablename__ = "checklist_template_translation"
    __table_args__ = (UniqueConstraint("template_id", "locale"),)

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = _parent_fk("checklist_template")
    title: str = Field(max_length=200)
    summary: str = Field(sa_type=Text)


class ChecklistItem(Seeded, table=True):
    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("template_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = _parent_fk("checklist_template")
    # Stable key: case checklists refer to items by it, so it is never renamed.
    key: str = Field(max_length=80)
    position: int = 0
    inferred: bool = False  # synthesised by the authors rather than stated in a source


class ChecklistItemTranslation(TranslationFields, table=True):
    __tablename__ = "checklist_item_translation"
    __table_args__ = (UniqueConstraint("item_id", "locale"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = _parent_fk("checklist_item")
    action: str = Field(sa_type=Text)
    reason: str = Field(sa_type=Text)


class GlossaryTerm(Seeded, table=True):
    __tablename__ = "glossary_term"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    position: int = 0
    is_published: bool = True


class GlossaryTermTranslation(TranslationFields, table=True):
    __tablename__ = "glossary_term_translation"
    __table_args__ = (UniqueConstraint("term_id", "locale"),)

    id: int | None = Field(default=None, primary_key=True)
    term_id: int = _parent_fk("glossary_term")
    term: str = Field(max_length=200)
    definition: str = Field(sa_type=Text)
    # Other written forms of the term in this locale that link to it (inflections, halves).
    variants: list[str] = Field(default_factory=list, sa_type=JSON)


class ContentState(SQLModel, table=True):
    """Single row: the published-content version. Every content write bumps it, so the
    bundle's ``version`` and ETag change exactly when published content changes. It is
    also the sequence number of the content change feed (feed.py: a cursor is a version)."""

    __tablename__ = "content_state"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    # Content change cursors below this were compacted (or belong to another database):
    # a phone holding one downloads the bundle again (410).
    min_valid_seq: int = Field(default=0, sa_type=BigInteger)


# --- editorial: revisions, pointers and the published change feed (issue #11) ----------------


class EntityKind(StrEnum):
    item = "item"
    checklist = "checklist"
    term = "term"


class ContentRevision(SQLModel, table=True):
    """Append-only: every save, revert, review or import of one entity's text in one locale
    is a new row, never an update. ``fields`` holds the whole editable text (and, for the
    source locale, the language-neutral fields). ``source_hash`` is the hash of the source
    text the revision was made from (for the source locale: of itself, or carried forward
    by a minor edit); ``item_hashes`` the same per checklist entry."""

    __tablename__ = "content_revision"
    __table_args__ = (UniqueConstraint("entity_kind", "entity_key", "locale", "rev"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_kind: EntityKind = Field(sa_type=enum_type(EntityKind))
    entity_key: str = Field(max_length=80)
    locale: str = Field(max_length=16)
    rev: int
    fields: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    source_hash: str = Field(max_length=64)
    item_hashes: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    status: TranslationStatus = Field(sa_type=enum_type(TranslationStatus))
    # No foreign key: history outlives accounts, and an archive moves between servers.
    author_id: int | None = None  # None: loaded from the seed files
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    note: str = Field(default="", max_length=500)
    minor: bool = False


class ContentPointer(SQLModel, table=True):
    """Per entity and locale: the revision being edited and the one readers see, the content
    sequence number its publication took, and who reviewed it."""

    __tablename__ = "content_pointer"

    entity_kind: EntityKind = Field(sa_type=enum_type(EntityKind), primary_key=True)
    entity_key: str = Field(max_length=80, primary_key=True)
    locale: str = Field(max_length=16, primary_key=True)
    draft_rev: int = 0
    published_rev: int = 0  # 0: never published through the editor
    published_seq: int | None = Field(default=None, sa_type=BigInteger)
    reviewed_by: int | None = None
    reviewed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ContentView(SQLModel, table=True):
    """The hash of what a reader of one locale sees of one entity (resolved along the
    fallback chain, with its flags). A publish compares and appends to the change feed
    wherever it changed."""

    __tablename__ = "content_view"

    locale: str = Field(max_length=16, primary_key=True)
    entity_kind: EntityKind = Field(sa_type=enum_type(EntityKind), primary_key=True)
    entity_key: str = Field(max_length=80, primary_key=True)
    view_hash: str = Field(max_length=64)
    # The view itself (compact JSON) and the change that published it: the next change is
    # also stored as a patch from it (patch.py). None for views stored before patches (their
    # next change is sent whole). Read only for the views that change (deferred, feed.py).
    view_json: str | None = Field(default=None, sa_type=Text)
    seq: int | None = Field(default=None, sa_type=BigInteger)


class ContentChange(SQLModel, table=True):
    """The published-content change feed behind ``GET /sync/content``: one row per
    (locale, entity) whose resolved view changed, numbered by the content version the
    change was published under (taken under the content_state row lock)."""

    __tablename__ = "content_change"
    __table_args__ = (Index("ix_content_change_locale_seq", "locale", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(sa_type=BigInteger)
    locale: str = Field(max_length=16)
    entity_kind: EntityKind = Field(sa_type=enum_type(EntityKind))
    entity_key: str = Field(max_length=80)
    op: str = Field(max_length=8)  # put | delete
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    # On a put whose previous view was stored: the ops from it (patch.py), and the seq of
    # the change that published it. A reader whose cursor is at or after ``base_seq`` holds
    # that view, so the patch is all it needs (even once older rows were compacted away).
    patch: list[Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    base_seq: int | None = Field(default=None, sa_type=BigInteger)
