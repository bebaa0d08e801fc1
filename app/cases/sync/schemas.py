"""Schemas of case sync: the push envelope, typed mutations (validated one by one, so one
malformed mutation is refused on its own), results, notices and pull pages."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.cases.models import CaseStage
from app.cases.schemas import CaseOut, ChecklistSpec, CountryCode, NoteBody, Reference
from app.cases.sync.registers import MAX_COUNTER
from app.core.schemas import Slug, Strict, Uuid

# Sequence numbers, clocks and versions: what both databases and JavaScript hold exactly.
Counter = Annotated[int, Field(ge=1, le=MAX_COUNTER)]


class MutationEnvelope(BaseModel):
    """One offline change. Only the envelope is validated with the request, so one malformed
    mutation is rejected on its own and never blocks the rest (see docs/SYNC.md)."""

    model_config = ConfigDict(extra="allow")

    id: Uuid
    seq: Counter
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
    seq: Counter
    case_id: Uuid
    clock: Annotated[int, Field(ge=0, le=MAX_COUNTER)] = 0
    base_version: Annotated[int, Field(ge=0, le=MAX_COUNTER)] | None = None
    created_at: datetime | None = None


class CreateCaseMutation(_Mutation):
    type: Literal["create_case"]
    reference: Reference | None = None
    country: CountryCode
    stage: CaseStage = CaseStage.preparing
    checklists: list[ChecklistSpec] = Field(default_factory=list)


class UpdateCaseMutation(_Mutation):
    type: Literal["update_case"]
    stage: CaseStage | None = None
    country: CountryCode | None = None


class DeleteCaseMutation(_Mutation):
    type: Literal["delete_case"]


class AddChecklistMutation(_Mutation):
    type: Literal["add_checklist"]
    checklist_id: Uuid
    template_slug: Slug


class SetItemMutation(_Mutation):
    type: Literal["set_item"]
    checklist_id: Uuid
    item_key: Slug
    done: bool
    done_on: date | None = None


class AddNoteMutation(_Mutation):
    type: Literal["add_note"]
    note_id: Uuid
    body: NoteBody
    checklist_id: Uuid | None = None
    item_key: Slug | None = None


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
