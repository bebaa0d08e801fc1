"""Response schemas of the public read API (the contract in PRODUCT.md)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from app.content.models import Audience, ItemKind, TranslationStatus


class Localised(BaseModel):
    """How the text of one entity was resolved for the requested locale."""

    locale: str  # the locale the text is actually in (differs when falling back)
    status: TranslationStatus
    fallback: bool  # shown in a fallback language, not the requested one
    stale: bool  # the English source changed after this translation was made
    updated_at: datetime
    source_updated_at: datetime  # when the English source text last changed


class ArticleRef(BaseModel):
    instrument: str
    instrument_name: str
    instrument_name_locale: str  # the language the instrument's name is in
    article: str
    title: str | None = None
    title_locale: str | None = None  # the language the title is in (a fallback may differ)


class SourceRef(BaseModel):
    title: str
    url: str


class ItemOut(Localised):
    slug: str
    kind: ItemKind
    tool_number: str | None
    audience: Audience
    order: int
    title: str
    summary: str
    body_html: str
    articles: list[ArticleRef]
    sources: list[SourceRef]
    related_checklists: list[str]
    related_glossary: list[str]


class ChecklistItemOut(Localised):
    key: str
    action: str
    reason: str
    inferred: bool


class ChecklistOut(Localised):
    slug: str
    title: str
    summary: str
    audience: Audience
    related_tool: str | None
    order: int
    sources: list[SourceRef]
    items: list[ChecklistItemOut]


class GlossaryTermOut(Localised):
    key: str
    term: str
    definition: str
    variants: list[str]  # other written forms that link to the term in running text


class Bundle(BaseModel):
    locale: str
    version: int
    # Where this bundle's content stands in the change feed: a phone asks
    # GET /sync/content?since=<cursor> for what changed after it.
    cursor: str
    direction: Literal["ltr", "rtl"]
    updated_at: datetime  # when the newest text in it last changed (not when it was built)
    items: list[ItemOut]
    checklists: list[ChecklistOut]
    glossary: list[GlossaryTermOut]


class ContentChangeOut(BaseModel):
    type: Literal["item", "checklist", "term"]
    slug: str  # the item's or checklist's slug, the glossary term's key
    op: Literal["put", "delete"]
    data: dict[str, Any] | None  # resolved for the locale, as in the bundle; None on delete


class ContentPatchOut(BaseModel):
    """Only to a client that asked for patches (``patches=1``): the entity as the cursor
    had it, changed by these ops (app/content/patch.py states the format)."""

    type: Literal["item", "checklist", "term"]
    slug: str
    op: Literal["patch"]
    patch: list[list[Any]]


class ContentDelta(BaseModel):
    changes: list[Annotated[ContentChangeOut | ContentPatchOut, Field(discriminator="op")]]
    cursor: str
    # The bundle `version` a phone holds once it has applied this page (what its readers'
    # feedback names); the cursor stays opaque to the phone.
    version: int
    has_more: bool


class LocaleInfo(BaseModel):
    code: str
    name: str
    native_name: str
    direction: Literal["ltr", "rtl"]
    ui_coverage: float
    content_coverage: float


class LocaleList(BaseModel):
    default: str
    preferred: str  # the best match for the request's Accept-Language, else the default
    locales: list[LocaleInfo]
