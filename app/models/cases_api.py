"""Schemas of the account, case and case-sync API."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.models.base import Role
from app.models.cases import CaseStage

# No control characters (PostgreSQL cannot store NUL; none belong in an email or a note).
_PLAIN = r"^[^\x00-\x1f\x7f]*$"
_MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Email = Annotated[str, Field(min_length=3, max_length=254, pattern=_PLAIN)]
Uuid = Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")]
Key = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
NoteBody = Annotated[str, Field(min_length=1, max_length=1000, pattern=_MULTILINE)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(Strict):
    email: Email
    password: Annotated[str, Field(min_length=1, max_length=128)]


class UserOut(BaseModel):
    id: int
    email: str
    role: Role


class LoginResponse(BaseModel):
    token: str  # also set as an HttpOnly cookie for the browser
    user: UserOut


class ChecklistSpec(Strict):
    id: Uuid
    template_slug: Key


class CaseCreate(Strict):
    id: Uuid | None = None
    reference: Annotated[str | None, Field(max_length=32, pattern=_PLAIN)] = (
        None  # generated if absent
    )
    country: CountryCode
    stage: CaseStage = CaseStage.preparing
    checklists: list[ChecklistSpec] = []


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
    checklists: list[CaseChecklistOut]
    notes: list[NoteOut]


# --- sync ---------------------------------------------------------------------------------

MutationType = Literal[
    "create_case",
    "update_case",
    "delete_case",
    "add_checklist",
    "set_item",
    "add_note",
    "edit_note",
    "delete_note",
    "ack_guidance",
]


class MutationEnvelope(BaseModel):
    """One offline change. Only the envelope is validated with the request, so one malformed
    mutation is rejected on its own and never blocks the rest (see docs/SYNC.md)."""

    model_config = ConfigDict(extra="allow")

    id: Uuid
    seq: Annotated[int, Field(ge=1)]
    type: Annotated[str, Field(max_length=40)]


class PushRequest(Strict):
    device_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
    mutations: Annotated[list[MutationEnvelope], Field(max_length=500)]


class MutationResult(BaseModel):
    mutation_id: str
    status: Literal["applied", "duplicate", "conflict_resolved", "rejected"]
    reason: str | None = None
    case_id: str | None = None


class PushResponse(BaseModel):
    results: list[MutationResult]


class NoticeOut(BaseModel):
    id: int
    case_id: str
    kind: str
    details: dict[str, Any]
    created_at: datetime


class PullResponse(BaseModel):
    cases: list[CaseOut]
    notices: list[NoticeOut]
    purge: list[str]  # case ids the device must delete (closed past retention, or unassigned)
    cursor: str
    has_more: bool


# Typed payloads, validated one by one in the sync service.
class _Mutation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Uuid
    seq: int
    case_id: Uuid
    clock: Annotated[int, Field(ge=0)] = 0
    base_version: int | None = None
    created_at: datetime | None = None


class CreateCaseMutation(_Mutation):
    type: Literal["create_case"]
    reference: Annotated[str | None, Field(max_length=32, pattern=_PLAIN)] = None
    country: CountryCode
    stage: CaseStage = CaseStage.preparing
    checklists: list[ChecklistSpec] = []


class UpdateCaseMutation(_Mutation):
    type: Literal["update_case"]
    stage: CaseStage | None = None
    country: CountryCode | None = None


class DeleteCaseMutation(_Mutation):
    type: Literal["delete_case"]


class AddChecklistMutation(_Mutation):
    type: Literal["add_checklist"]
    checklist_id: Uuid
    template_slug: Key


class SetItemMutation(_Mutation):
    type: Literal["set_item"]
    checklist_id: Uuid
    item_key: Key
    done: bool
    done_on: date | None = None


class AddNoteMutation(_Mutation):
    type: Literal["add_note"]
    note_id: Uuid
    body: NoteBody
    checklist_id: Uuid | None = None
    item_key: Key | None = None


class EditNoteMutation(_Mutation):
    type: Literal["edit_note"]
    note_id: Uuid
    body: NoteBody


class DeleteNoteMutation(_Mutation):
    type: Literal["delete_note"]
    note_id: Uuid


class AckGuidanceMutation(_Mutation):
    type: Literal["ack_guidance"]
    checklist_id: Uuid


Mutation = Annotated[
    CreateCaseMutation
    | UpdateCaseMutation
    | DeleteCaseMutation
    | AddChecklistMutation
    | SetItemMutation
    | AddNoteMutation
    | EditNoteMutation
    | DeleteNoteMutation
    | AckGuidanceMutation,
    Field(discriminator="type"),
]
