"""The merge rules: one function per mutation type, registered in ``RULES``.

Each rule applies one validated mutation inside its own SAVEPOINT (see push.py), raises
``Refused`` with a stable reason code when the mutation cannot apply, and reports merges to
the people concerned through ``MergeContext.notify``. The rules themselves are described in
docs/SYNC.md.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlmodel import Session, select

from app.accounts.models import User
from app.cases import service as case_service
from app.cases.models import CaseChecklist, CaseItemState, CaseNote, CaseStage, ReturnCase
from app.cases.sync.registers import CaseClocks, Register
from app.cases.sync.schemas import (
    AckGuidanceMutation,
    AddChecklistMutation,
    AddNoteMutation,
    CreateCaseMutation,
    DeleteCaseMutation,
    DeleteNoteMutation,
    EditNoteMutation,
    SetItemMutation,
    UpdateCaseMutation,
)
from app.content.write import current_version
from app.core.errors import AppError
from app.core.models import as_utc, utcnow

# Sibling notes made from a conflicting edit get an id derived from the mutation id, so a
# replayed mutation can never create a second sibling.
_SIBLING_NAMESPACE = uuid.UUID("6f1c2a4e-8d0b-4c7e-9a53-2b1e5d7f9c10")
# How far back a device may date a note it wrote offline.
_MAX_NOTE_AGE = timedelta(days=366)

Status = Literal["applied", "conflict_resolved"]


class Refused(Exception):
    """The mutation cannot apply; ``reason`` is a stable code the device words itself."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PendingNotice:
    user_id: int
    case_id: str
    kind: str
    details: dict[str, Any]


@dataclass
class MergeContext:
    """What a rule needs: who pushes from which device, and where notices and touched
    cases are collected (written with the batch's change-feed sequence number)."""

    session: Session
    user: User
    device_id: str
    notices: list[PendingNotice] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)

    def notify(self, user_id: int | None, case_id: str, kind: str, **details: Any) -> None:
        if user_id is not None:
            self.notices.append(PendingNotice(user_id, case_id, kind, details))

    def case(self, case_id: str) -> ReturnCase:
        case = self.session.get(ReturnCase, case_id)
        if case is None or not case_service.is_assigned(self.session, self.user, case_id):
            raise Refused("not_found")
        return case

    def checklist(self, case: ReturnCase, checklist_id: str) -> CaseChecklist:
        checklist = self.session.get(CaseChecklist, checklist_id)
        if checklist is None or checklist.case_id != case.id:
            raise Refused("unknown_checklist")
        return checklist

    def note(self, case: ReturnCase, note_id: str) -> CaseNote:
        note = self.session.get(CaseNote, note_id)
        if note is None or note.case_id != case.id:
            raise Refused("unknown_note")
        return note

    def write(self, case: ReturnCase, clock: int) -> Register:
        """The register of this mutation's write on ``case`` (clock clamped, see registers)."""
        return Register(case.get_clocks().effective_clock(clock), self.device_id, self.user.id)

    def touch(self, case: ReturnCase, clock: int, mutation_id: str) -> Register:
        """Every mutation on a deleted case either revives it (when it is logically newer
        than the delete) or is reported to its author: an edit never silently vanishes."""
        write = self.write(case, clock)
        clocks = case.get_clocks()
        if case.deleted_at is not None and clocks.deleted is not None:
            if write.beats(clocks.deleted):
                case.deleted_at = None
                self.notify(clocks.deleted.user, case.id, "case_restored", by_device=self.device_id)
            else:
                self.notify(self.user.id, case.id, "edited_deleted_case", mutation_id=mutation_id)
        case.set_clocks(clocks.observe(write))
        case.version += 1
        case.updated_at = utcnow()
        self.session.add(case)
        self.touched.add(case.id)
        return write


def _refuse_app_error(exc: AppError) -> Refused:
    field_name = exc.extra.get("field")
    return Refused(f"invalid_{field_name}" if field_name else "invalid")


def create_case(ctx: MergeContext, m: CreateCaseMutation) -> Status:
    write = Register(CaseClocks().effective_clock(m.clock), ctx.device_id, ctx.user.id)
    try:
        case = case_service.new_case(
            ctx.session,
            ctx.user,
            case_id=m.case_id,
            reference=m.reference,
            country=m.country,
            stage=m.stage,
            clock=write.clock,
            device_id=ctx.device_id,
        )
        for spec in m.checklists:
            case_service.new_checklist(
                ctx.session, case, checklist_id=spec.id, template_slug=spec.template_slug
            )
    except AppError as exc:
        raise _refuse_app_error(exc) from exc
    case.set_clocks(case.get_clocks().observe(write))
    ctx.touched.add(case.id)
    return "applied"


def update_case(ctx: MergeContext, m: UpdateCaseMutation) -> Status:
    """Stage and country are last-writer-wins registers. ``base_version`` is the clock of
    the register the device last saw; when it differs, the change was concurrent."""
    case = ctx.case(m.case_id)
    if m.country is not None and m.country not in case_service.COUNTRIES:
        raise Refused("invalid_country")
    write = ctx.touch(case, m.clock, m.id)
    status: Status = "applied"
    for name in ("stage", "country"):
        value = getattr(m, name)
        if value is None:
            continue
        current = case.get_clocks().field(name)
        if write.beats(current):
            concurrent = m.base_version is not None and m.base_version != (
                current.clock if current else 0
            )
            previous_user = current.user if current else None
            if concurrent and getattr(case, name) != value and previous_user != ctx.user.id:
                ctx.notify(
                    previous_user,
                    case.id,
                    "field_overridden",
                    field=name,
                    yours=str(getattr(case, name)),
                    now=str(value),
                )
            setattr(case, name, value)
            case.set_clocks(case.get_clocks().with_field(name, write))
            if name == "stage":
                case.closed_at = utcnow() if value == CaseStage.closed else None
        elif getattr(case, name) != value:
            status = "conflict_resolved"
            ctx.notify(
                ctx.user.id,
                case.id,
                "field_kept",
                field=name,
                yours=str(value),
                kept=str(getattr(case, name)),
                mutation_id=m.id,
            )
    ctx.session.add(case)
    return status


def delete_case(ctx: MergeContext, m: DeleteCaseMutation) -> Status:
    case = ctx.case(m.case_id)
    clocks = case.get_clocks()
    last = clocks.last  # the latest change of any kind
    by_other_device = last is not None and last.device != ctx.device_id
    stale = m.base_version is not None and m.base_version != case.version
    if by_other_device and (stale or (last is not None and m.clock < last.clock)):
        # Someone changed the case after the delete was made: the case is kept.
        ctx.notify(ctx.user.id, case.id, "delete_refused", mutation_id=m.id)
        ctx.touched.add(case.id)
        return "conflict_resolved"
    case.deleted_at = utcnow()
    write = ctx.write(case, m.clock)
    case.set_clocks(clocks.with_field("deleted", write).observe(write))
    case.version += 1
    ctx.session.add(case)
    ctx.touched.add(case.id)
    return "applied"


def add_checklist(ctx: MergeContext, m: AddChecklistMutation) -> Status:
    case = ctx.case(m.case_id)
    ctx.touch(case, m.clock, m.id)
    try:
        case_service.new_checklist(
            ctx.session, case, checklist_id=m.checklist_id, template_slug=m.template_slug
        )
    except AppError as exc:
        raise _refuse_app_error(exc) from exc
    return "applied"


def set_item(ctx: MergeContext, m: SetItemMutation) -> Status:
    case = ctx.case(m.case_id)
    checklist = ctx.checklist(case, m.checklist_id)
    if m.item_key not in case_service.template_item_keys(ctx.session, checklist.template_slug):
        raise Refused("unknown_item")
    write = ctx.touch(case, m.clock, m.id)
    state = ctx.session.exec(
        select(CaseItemState).where(
            CaseItemState.checklist_id == checklist.id, CaseItemState.item_key == m.item_key
        )
    ).first()
    if state is None:
        state = CaseItemState(checklist_id=checklist.id, item_key=m.item_key, version=0)
    if not write.beats(state.register()):
        if state.done != m.done:
            ctx.notify(
                ctx.user.id,
                case.id,
                "tick_kept",
                checklist_id=checklist.id,
                item_key=m.item_key,
                yours=m.done,
                kept=state.done,
                mutation_id=m.id,
            )
            return "conflict_resolved"
        return "applied"
    concurrent = m.base_version is not None and m.base_version != state.version
    if concurrent and state.done != m.done and state.changed_by not in (None, ctx.user.id):
        # The earlier value was replaced by a change made without seeing it: tell its author.
        ctx.notify(
            state.changed_by,
            case.id,
            "tick_overridden",
            checklist_id=checklist.id,
            item_key=m.item_key,
            yours=state.done,
            now=m.done,
        )
    state.done = m.done
    state.done_on = (m.done_on or utcnow().date()) if m.done else None
    state.set_register(write)
    state.version += 1
    ctx.session.add(state)
    return "applied"


def _note_time(claimed: datetime | None) -> datetime:
    """When the device says the note was written, within [now - a year, now]: a device's
    clock may be wrong, and a hostile date must not break anyone's reads."""
    now = utcnow()
    if claimed is None:
        return now
    try:
        claimed = as_utc(claimed)
        return min(max(claimed, now - _MAX_NOTE_AGE), now)
    except (OverflowError, ValueError):
        return now


def add_note(ctx: MergeContext, m: AddNoteMutation) -> Status:
    case = ctx.case(m.case_id)
    if ctx.session.get(CaseNote, m.note_id) is not None:
        raise Refused("note_exists")
    if m.checklist_id is not None:
        ctx.checklist(case, m.checklist_id)
    ctx.touch(case, m.clock, m.id)
    written = _note_time(m.created_at)
    ctx.session.add(
        CaseNote(
            id=m.note_id,
            case_id=case.id,
            checklist_id=m.checklist_id,
            item_key=m.item_key,
            body=m.body,
            author_id=ctx.user.id or 0,
            created_at=written,
            updated_at=written,
        )
    )
    return "applied"


def edit_note(ctx: MergeContext, m: EditNoteMutation) -> Status:
    case = ctx.case(m.case_id)
    note = ctx.note(case, m.note_id)
    ctx.touch(case, m.clock, m.id)
    if note.deleted_at is None and m.base_version is not None and m.base_version != note.version:
        # Concurrent edits: keep both. Yours becomes a sibling note; nothing is dropped.
        sibling_id = str(uuid.uuid5(_SIBLING_NAMESPACE, m.id))
        if ctx.session.get(CaseNote, sibling_id) is not None:
            raise Refused("note_exists")
        ctx.session.add(
            CaseNote(
                id=sibling_id,
                case_id=case.id,
                checklist_id=note.checklist_id,
                item_key=note.item_key,
                body=m.body,
                author_id=ctx.user.id or 0,
                conflict_of=note.id,
            )
        )
        ctx.notify(
            ctx.user.id,
            case.id,
            "note_kept_both",
            note_id=note.id,
            sibling_id=sibling_id,
            mutation_id=m.id,
        )
        return "conflict_resolved"
    if note.deleted_at is not None:
        # Edit beats delete: the note comes back, and whoever deleted it is told.
        deleter = next(
            (h.get("deleted_by") for h in reversed(note.history) if h.get("deleted_by")), None
        )
        ctx.notify(deleter, case.id, "note_restored", note_id=note.id)
        note.deleted_at = None
    note.history = [
        *note.history,
        {
            "body": note.body,
            "author_id": note.edited_by or note.author_id,  # who wrote that text
            "at": as_utc(note.updated_at).isoformat(),
        },
    ]
    note.body = m.body
    note.edited_by = ctx.user.id
    note.updated_at = utcnow()
    note.version += 1
    ctx.session.add(note)
    return "applied"


def delete_note(ctx: MergeContext, m: DeleteNoteMutation) -> Status:
    case = ctx.case(m.case_id)
    note = ctx.note(case, m.note_id)
    ctx.touch(case, m.clock, m.id)
    if note.deleted_at is not None:
        return "applied"
    if m.base_version is not None and m.base_version != note.version:
        # The note was edited after the delete was made: the edit wins, the note stays.
        ctx.notify(ctx.user.id, case.id, "note_delete_refused", note_id=note.id, mutation_id=m.id)
        return "conflict_resolved"
    note.deleted_at = utcnow()
    note.history = [*note.history, {"deleted_by": ctx.user.id, "at": utcnow().isoformat()}]
    note.version += 1
    ctx.session.add(note)
    return "applied"


def ack_guidance(ctx: MergeContext, m: AckGuidanceMutation) -> Status:
    case = ctx.case(m.case_id)
    checklist = ctx.checklist(case, m.checklist_id)
    ctx.touch(case, m.clock, m.id)
    checklist.guidance_hash = case_service.guidance_hash(ctx.session, checklist.template_slug)
    checklist.content_version = current_version(ctx.session)
    ctx.session.add(checklist)
    return "applied"


Rule = Callable[[MergeContext, Any], Status]

# The one table from mutation type to its rule; push.py dispatches through it.
RULES: dict[type, Rule] = {
    CreateCaseMutation: create_case,
    UpdateCaseMutation: update_case,
    DeleteCaseMutation: delete_case,
    AddChecklistMutation: add_checklist,
    SetItemMutation: set_item,
    AddNoteMutation: add_note,
    EditNoteMutation: edit_note,
    DeleteNoteMutation: delete_note,
    AckGuidanceMutation: ack_guidance,
}
