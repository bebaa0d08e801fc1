"""Schemas of the case API."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from app.accounts.schemas import Email
from app.cases.models import CaseStage
from app.core.schemas import MULTILINE_TEXT, PLAIN_TEXT, Slug, Strict, Uuid

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
NoteBody = Annotated[str, Field(min_length=1, max_length=1000, pattern=MULTILINE_TEXT)]
Reference = Annotated[str, Field(max_length=32, pattern=PLAIN_TEXT)]


class ChecklistSpec(Strict):
    id: Uuid
    template_slug: Slug


class CaseCreate(Strict):
    id: Uuid | None = None
    reference: Reference | None = None  # generated if absent
    country: CountryCode
    stage: CaseStage = CaseStage.preparing
    checklists: list[ChecklistSpec] = Field(default_factory=list)


class AssignWorker(Strict):
    email: Email


class ItemStateOut(BaseModel):
    done: bool
    done_on: date | None
    clock: int
    device_id: str
    version: int
    changed_by: int | None


class CaseChecklistOut(BaseModel):
    id: str
    template_slug: str
    content_version: int
    guidance_updated: bool  # the template or its guidance changed since the case used it
    deleted: bool
    items: dict[str, ItemStateOut]  # only items that were ever ticked or unticked


class NoteOut(BaseModel):
    id: str
    body: str
    author_id: int  # who wrote the first text (at created_at)
    author_email: str | None  # None when that account no longer exists
    edited_by: int | None  # who wrote the current text (at updated_at); None: the author
    editor_email: str | None
    checklist_id: str | None
    item_key: str | None
    created_at: datetime
    updated_at: datetime  # when the current text was written
    deleted: bool
    conflict_of: str | None
    version: int


class CaseOut(BaseModel):
    id: str
    reference: str
    country: str
    stage: CaseStage
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    deleted: bool
    version: int
    clocks: dict[str, Any]  # LWW registers per field ([clock, device, user]) and "max"
    workers: list[str]
    worker_ids: list[int] = []  # the same workers' account ids, in the same order
    checklists: list[CaseChecklistOut]
    notes: list[NoteOut]
