"""Request and response bodies of the feedback and contacts API."""

from typing import Annotated

from pydantic import BaseModel, Field, HttpUrl

from app.core.schemas import MULTILINE_TEXT, PLAIN_TEXT, JsonInt, Slug, Strict, UtcDatetime, Uuid
from app.field.models import FeedbackKind
from app.i18n.locales import LOCALE_PATTERN

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Line = Annotated[str, Field(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
Phone = Annotated[str, Field(min_length=3, max_length=40, pattern=r"^\+?[0-9][0-9 ()./-]*$")]
Language = Annotated[str, Field(pattern=LOCALE_PATTERN, max_length=35)]


class FeedbackIn(Strict):
    """What a reader sends. There is no field for a name, an email or a phone number."""

    id: Uuid
    locale: Language
    target_kind: Annotated[str, Field(pattern=r"^(item|checklist)$")]
    target_slug: Slug
    kind: FeedbackKind
    text: Annotated[str, Field(max_length=500, pattern=MULTILINE_TEXT)] = ""
    # JSON Schema keywords spelled out: pydantic leaves them out next to a before-validator.
    content_version: (
        Annotated[
            JsonInt,
            Field(ge=0, le=2**31 - 1, json_schema_extra={"minimum": 0, "maximum": 2**31 - 1}),
        ]
        | None
    ) = None


class FeedbackAck(BaseModel):
    id: str
    duplicate: bool  # already received (a resend from the device's outbox)


class FeedbackOut(BaseModel):
    id: str
    locale: str
    target_kind: str
    target_slug: str
    kind: FeedbackKind
    text: str
    content_version: int | None
    created_at: UtcDatetime
    resolved_at: UtcDatetime | None
    resolved_by: int | None


class ContactIn(Strict):
    country: CountryCode
    name: Line
    help_kind: Annotated[str, Field(min_length=1, max_length=300, pattern=PLAIN_TEXT)]
    phone: Phone | None = None
    website: HttpUrl | None = None
    languages: list[Language] = Field(default_factory=list, max_length=20)
    hours: Line | None = None


class ContactOut(BaseModel):
    id: int
    country: str
    name: str
    help_kind: str
    phone: str | None
    website: str | None
    languages: list[str]
    hours: str | None
    updated_at: UtcDatetime
