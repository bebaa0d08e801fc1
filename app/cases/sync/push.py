"""Case sync: pushing offline mutations and pulling changes. The rules are in docs/SYNC.md.

Push: each mutation is applied at most once (its client-made id is the idempotency key), in
its own SAVEPOINT so a rejected one never blocks the next, and the device's last sequence
number advances in the same transaction. Pull: changes since a cursor, which is a sequence
number taken under a row lock, never a timestamp.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import delete, func, update
from sqlalchemy.exc import DataError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cases import service as case_service
from app.cases.models import (
    CaseAssignment,
    CaseChecklist,
    CaseItemState,
    CaseNote,
    CaseStage,
    ReturnCase,
)
from app.cases.sync.models import AppliedMutation, CaseChange, Device, MergeNotice, SyncCounter
from app.cases.sync.schemas import (
    AckGuidanceMutation,
    AddChecklistMutation,
    AddNoteMutation,
    CreateCaseMutation,
    DeleteCaseMutation,
    DeleteNoteMutation,
    EditNoteMutation,
    Mutation,
    MutationEnvelope,
    MutationResult,
    NoticeOut,
    PullResponse,
    PushResponse,
    SetItemMutation,
    UpdateCaseMutation,
)
from app.content.write import current_version
from app.core.config import Settings
from app.core.errors import AppError, Forbidden, Gone
from app.core.models import as_utc, utcnow
from app.i18n import _

_MUTATION = TypeAdapter(Mutation)
# Sibling notes made from a conflicting edit get an id derived from the mutation id, so a
# replayed mutation can never create a second sibling.
_SIBLING_NAMESPACE = uuid.UUID("6f1c2a4e-8d0b-4c7e-9a53-2b1e5d7f9c10")
CURSOR_PREFIX = "c1."
_UUID = re.compile(r"^[0-9a-fA-F-]{36}$")


@dataclass
class _Outcome:
    status: str  # applied | conflict_resolved
    case_id: str


class _Rejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _reason(exc: AppError) -> str:
    """A stable code for a refused mutation (the device words it in the reader's language)."""
    field = exc.extra.get("field")
    return f"invalid_{field}" if field else "invalid"


def _payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _take_seq(session: Session) -> int:
    """The next change sequence number. The row lock is held until commit, so sequence
    numbers become visible to readers in order (pushes serialise here)."""
    result = session.execute(
        update(SyncCounter)
        .where(col(SyncCounter.id) == 1)
        .values(case_seq=SyncCounter.case_seq + 1)
        .returning(SyncCounter.case_seq)
    )
    return int(result.scalar_one())


def _newer(a: tuple[int, str], b: tuple[int, str]) -> bool:
    return a > b  # latest logical clock wins; ties broken by device id


def _notify(
    session: Session, seq: int, user_id: int | None, case_id: str, kind: str, **details: Any
) -> None:
    if user_id is None:
        return
    session.add(MergeNotice(seq=seq, user_id=user_id, case_id=case_id, kind=kind, details=details))


class _Applier:
    def __init__(self, session: Session, user: User, device_id: str, seq: int) -> None:
        self.session = session
        self.user = user
        self.device_id = device_id
        self.seq = seq
        self.touched: set[str] = set()

    # -- helpers ------------------------------------------------------------------------------

    def case(self, case_id: str) -> ReturnCase:
        case = self.session.get(ReturnCase, case_id)
        if case is None or not case_service.is_assigned(self.session, self.user, case_id):
            raise _Rejected("not_found")
        return case

    def touch(self, case: ReturnCase, m: Any) -> None:
        """Every mutation on a deleted case either revives it (when it is logically newer
        than the delete) or is reported to its author: an edit never silently vanishes."""
        deleted = case.clocks.get("deleted")
        if case.deleted_at is not None and deleted:
            if _newer((m.clock, self.device_id), (deleted[0], deleted[1])):
                case.deleted_at = None
                _notify(
                    self.session,
                    self.seq,
                    deleted[2],
                    case.id,
                    "case_restored",
                    by_device=self.device_id,
                )
            else:
                _notify(
                    self.session,
                    self.seq,
                    self.user.id,
                    case.id,
                    "edited_deleted_case",
                    mutation_id=m.id,
                )
        clocks = dict(case.clocks)
        clocks["max"] = max(int(clocks.get("max", 0)), m.clock)
        clocks["last"] = [m.clock, self.device_id]
        case.clocks = clocks
        case.version += 1
        case.updated_at = utcnow()
        self.session.add(case)
        self.touched.add(case.id)

    def checklist(self, case: ReturnCase, checklist_id: str) -> CaseChecklist:
        checklist = self.session.get(CaseChecklist, checklist_id)
        if checklist is None or checklist.case_id != case.id:
            raise _Rejected("unknown_checklist")
        return checklist

    def note(self, case: ReturnCase, note_id: str) -> CaseNote:
        note = self.session.get(CaseNote, note_id)
        if note is None or note.case_id != case.id:
            raise _Rejected("unknown_note")
        return note

    # -- mutations ----------------------------------------------------------------------------

    def apply(self, m: Any) -> _Outcome:
        handler = getattr(self, f"_{m.type}")
        return handler(m)

    def _create_case(self, m: CreateCaseMutation) -> _Outcome:
        try:
            case = case_service.new_case(
                self.session,
                self.user,
                case_id=m.case_id,
                reference=m.reference,
                country=m.country,
                stage=m.stage,
                clock=m.clock,
                device_id=self.device_id,
            )
            for spec in m.checklists:
                case_service.new_checklist(
                    self.session, case, checklist_id=spec.id, template_slug=spec.template_slug
                )
        except AppError as exc:
            raise _Rejected(_reason(exc)) from exc
        case.clocks = {**case.clocks, "max": m.clock, "last": [m.clock, self.device_id]}
        self.touched.add(case.id)
        return _Outcome("applied", case.id)

    def _update_case(self, m: UpdateCaseMutation) -> _Outcome:
        """Stage and country are last-writer-wins registers. ``base_version`` is the clock of
        the register the device last saw; when it differs, the change was concurrent."""
        case = self.case(m.case_id)
        if m.country is not None and m.country not in case_service.COUNTRIES:
            raise _Rejected("invalid_country")
        self.touch(case, m)
        status = "applied"
        for field in ("stage", "country"):
            value = getattr(m, field)
            if value is None:
                continue
            current = case.clocks.get(field, [0, ""])
            previous_user = current[2] if len(current) > 2 else None
            if _newer((m.clock, self.device_id), (current[0], current[1])):
                concurrent = m.base_version is not None and m.base_version != current[0]
                if (
                    concurrent
                    and getattr(case, field) != value
                    and previous_user not in (None, self.user.id)
                ):
                    _notify(
                        self.session,
                        self.seq,
                        previous_user,
                        case.id,
                        "field_overridden",
                        field=field,
                        yours=str(getattr(case, field)),
                        now=str(value),
                    )
                setattr(case, field, value)
                case.clocks = {**case.clocks, field: [m.clock, self.device_id, self.user.id]}
                if field == "stage":
                    case.closed_at = utcnow() if value == CaseStage.closed else None
            elif getattr(case, field) != value:
                status = "conflict_resolved"
                _notify(
                    self.session,
                    self.seq,
                    self.user.id,
                    case.id,
                    "field_kept",
                    field=field,
                    yours=str(value),
                    kept=str(getattr(case, field)),
                    mutation_id=m.id,
                )
        self.session.add(case)
        return _Outcome(status, case.id)

    def _delete_case(self, m: DeleteCaseMutation) -> _Outcome:
        case = self.case(m.case_id)
        last = case.clocks.get("last")  # [clock, device] of the latest change
        by_other_device = bool(last) and last[1] != self.device_id
        stale = m.base_version is not None and m.base_version != case.version
        if by_other_device and (stale or m.clock < int(last[0])):
            # Someone changed the case after the delete was made: the case is kept.
            _notify(
                self.session, self.seq, self.user.id, case.id, "delete_refused", mutation_id=m.id
            )
            self.touched.add(case.id)
            return _Outcome("conflict_resolved", case.id)
        case.deleted_at = utcnow()
        case.clocks = {**case.clocks, "deleted": [m.clock, self.device_id, self.user.id]}
        case.version += 1
        self.session.add(case)
        self.touched.add(case.id)
        return _Outcome("applied", case.id)

    def _add_checklist(self, m: AddChecklistMutation) -> _Outcome:
        case = self.case(m.case_id)
        self.touch(case, m)
        try:
            case_service.new_checklist(
                self.session, case, checklist_id=m.checklist_id, template_slug=m.template_slug
            )
        except AppError as exc:
            raise _Rejected(_reason(exc)) from exc
        return _Outcome("applied", case.id)

    def _set_item(self, m: SetItemMutation) -> _Outcome:
        case = self.case(m.case_id)
        checklist = self.checklist(case, m.checklist_id)
        if m.item_key not in case_service.template_item_keys(self.session, checklist.template_slug):
            raise _Rejected("unknown_item")
        self.touch(case, m)
        state = self.session.exec(
            select(CaseItemState).where(
                CaseItemState.checklist_id == checklist.id, CaseItemState.item_key == m.item_key
            )
        ).first()
        if state is None:
            state = CaseItemState(checklist_id=checklist.id, item_key=m.item_key, version=0)
        if not _newer((m.clock, self.device_id), (state.clock, state.device_id)):
            if state.done != m.done:
                _notify(
                    self.session,
                    self.seq,
                    self.user.id,
                    case.id,
                    "tick_kept",
                    checklist_id=checklist.id,
                    item_key=m.item_key,
                    yours=m.done,
                    kept=state.done,
                    mutation_id=m.id,
                )
                return _Outcome("conflict_resolved", case.id)
            return _Outcome("applied", case.id)
        concurrent = m.base_version is not None and m.base_version != state.version
        if concurrent and state.done != m.done and state.changed_by not in (None, self.user.id):
            # The earlier value was replaced by a change made without seeing it: tell its author.
            _notify(
                self.session,
                self.seq,
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
        state.changed_by = self.user.id
        state.clock = m.clock
        state.device_id = self.device_id
        state.version += 1
        self.session.add(state)
        return _Outcome("applied", case.id)

    def _add_note(self, m: AddNoteMutation) -> _Outcome:
        case = self.case(m.case_id)
        if self.session.get(CaseNote, m.note_id) is not None:
            raise _Rejected("note_exists")
        if m.checklist_id is not None:
            self.checklist(case, m.checklist_id)
        self.touch(case, m)
        now = as_utc(m.created_at) if m.created_at else utcnow()
        self.session.add(
            CaseNote(
                id=m.note_id,
                case_id=case.id,
                checklist_id=m.checklist_id,
                item_key=m.item_key,
                body=m.body,
                author_id=self.user.id or 0,
                created_at=now,
                updated_at=now,
            )
        )
        return _Outcome("applied", case.id)

    def _edit_note(self, m: EditNoteMutation) -> _Outcome:
        case = self.case(m.case_id)
        note = self.note(case, m.note_id)
        self.touch(case, m)
        if (
            note.deleted_at is None
            and m.base_version is not None
            and m.base_version != note.version
        ):
            # Concurrent edits: keep both. Yours becomes a sibling note; nothing is dropped.
            sibling_id = str(uuid.uuid5(_SIBLING_NAMESPACE, m.id))
            self.session.add(
                CaseNote(
                    id=sibling_id,
                    case_id=case.id,
                    checklist_id=note.checklist_id,
                    item_key=note.item_key,
                    body=m.body,
                    author_id=self.user.id or 0,
                    conflict_of=note.id,
                )
            )
            _notify(
                self.session,
                self.seq,
                self.user.id,
                case.id,
                "note_kept_both",
                note_id=note.id,
                sibling_id=sibling_id,
                mutation_id=m.id,
            )
            return _Outcome("conflict_resolved", case.id)
        if note.deleted_at is not None:
            # Edit beats delete: the note comes back, and whoever deleted it is told.
            deleter = next(
                (h.get("deleted_by") for h in reversed(note.history) if h.get("deleted_by")), None
            )
            _notify(self.session, self.seq, deleter, case.id, "note_restored", note_id=note.id)
            note.deleted_at = None
        note.history = [
            *note.history,
            {
                "body": note.body,
                "author_id": note.author_id,
                "at": as_utc(note.updated_at).isoformat(),
            },
        ]
        note.body = m.body
        note.updated_at = utcnow()
        note.version += 1
        self.session.add(note)
        return _Outcome("applied", case.id)

    def _delete_note(self, m: DeleteNoteMutation) -> _Outcome:
        case = self.case(m.case_id)
        note = self.note(case, m.note_id)
        self.touch(case, m)
        if note.deleted_at is not None:
            return _Outcome("applied", case.id)
        if m.base_version is not None and m.base_version != note.version:
            # The note was edited after the delete was made: the edit wins, the note stays.
            _notify(
                self.session,
                self.seq,
                self.user.id,
                case.id,
                "note_delete_refused",
                note_id=note.id,
                mutation_id=m.id,
            )
            return _Outcome("conflict_resolved", case.id)
        note.deleted_at = utcnow()
        note.history = [*note.history, {"deleted_by": self.user.id, "at": utcnow().isoformat()}]
        note.version += 1
        self.session.add(note)
        return _Outcome("applied", case.id)

    def _ack_guidance(self, m: AckGuidanceMutation) -> _Outcome:
        case = self.case(m.case_id)
        checklist = self.checklist(case, m.checklist_id)
        self.touch(case, m)
        checklist.guidance_hash = case_service.guidance_hash(self.session, checklist.template_slug)
        checklist.content_version = current_version(self.session)
        self.session.add(checklist)
        return _Outcome("applied", case.id)


def _device(session: Session, user: User, device_id: str) -> Device:
    device = session.get(Device, device_id, with_for_update=True)
    if device is None:
        device = Device(id=device_id, user_id=user.id or 0)
        session.add(device)
        session.flush()
    elif device.user_id != user.id:
        # A device id belongs to one account; a shared phone gets a new id after sign-out.
        raise Forbidden(_("This device is registered to another account."))
    return device


def push(
    session: Session, user: User, device_id: str, mutations: list[MutationEnvelope]
) -> PushResponse:
    seq = _take_seq(session)
    device = _device(session, user, device_id)
    applier = _Applier(session, user, device_id, seq)
    results: list[MutationResult] = []
    for envelope in mutations:
        payload = envelope.model_dump(mode="json")
        digest = _payload_hash(payload)
        seen = session.get(AppliedMutation, envelope.id)
        if seen is not None:
            if seen.user_id != user.id or seen.payload_hash != digest:
                results.append(
                    MutationResult(mutation_id=envelope.id, status="rejected", reason="id_reused")
                )
            else:
                results.append(
                    MutationResult(
                        mutation_id=envelope.id,
                        # A replay is never applied twice; a refused one stays refused.
                        status="rejected" if seen.status == "rejected" else "duplicate",
                        reason=seen.result.get("reason"),
                        case_id=seen.result.get("case_id"),
                    )
                )
            continue
        if envelope.seq <= device.last_seq:
            results.append(
                MutationResult(mutation_id=envelope.id, status="rejected", reason="stale_seq")
            )
            continue
        savepoint = session.begin_nested()
        try:
            mutation = _MUTATION.validate_python(payload)
            outcome = applier.apply(mutation)
            status, reason, case_id = outcome.status, None, outcome.case_id
            session.flush()
            savepoint.commit()
        except (_Rejected, ValidationError, DataError) as exc:
            # DataError: a value the database cannot store; this mutation alone is refused.
            savepoint.rollback()
            raw_case = payload.get("case_id")
            case_id = raw_case if isinstance(raw_case, str) and _UUID.match(raw_case) else None
            status = "rejected"
            reason = exc.reason if isinstance(exc, _Rejected) else "invalid"
        session.add(
            AppliedMutation(
                mutation_id=envelope.id,
                user_id=user.id or 0,
                device_id=device_id,
                seq=envelope.seq,
                payload_hash=digest,
                status=status,
                result={"reason": reason, "case_id": case_id},
            )
        )
        device.last_seq = envelope.seq
        results.append(
            MutationResult(mutation_id=envelope.id, status=status, reason=reason, case_id=case_id)  # type: ignore[arg-type]
        )
    for case_id in sorted(applier.touched):
        session.add(CaseChange(seq=seq, case_id=case_id))
    device.last_seen_at = utcnow()
    session.add(device)
    session.commit()
    return PushResponse(results=results)


def record_case_change(session: Session, case_id: str) -> None:
    """For changes made outside a push (API creation, assignment): same feed, same lock."""
    session.add(CaseChange(seq=_take_seq(session), case_id=case_id))


def parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.startswith(CURSOR_PREFIX) or not cursor[len(CURSOR_PREFIX) :].isdigit():
        raise AppError(_("The cursor '{cursor}' is not valid."), {"cursor": cursor[:40]})
    return int(cursor[len(CURSOR_PREFIX) :])


def pull(
    session: Session, user: User, cursor: str | None, limit: int, settings: Settings
) -> PullResponse:
    since = parse_cursor(cursor)
    current = session.exec(select(SyncCounter.case_seq).where(SyncCounter.id == 1)).one()
    if since > current:  # a cursor this database never issued (e.g. restored from backup)
        raise Gone(_("This sync cursor has expired: download your cases again."))
    assigned = select(CaseAssignment.case_id).where(CaseAssignment.user_id == user.id)
    rows = session.exec(
        select(CaseChange.case_id, func.max(CaseChange.seq))
        .where(CaseChange.seq > since, col(CaseChange.case_id).in_(assigned))
        .group_by(col(CaseChange.case_id))
        .order_by(func.max(CaseChange.seq), col(CaseChange.case_id))
        .limit(limit + 1)
    ).all()
    has_more = len(rows) > limit
    if has_more and rows[limit][1] == rows[limit - 1][1]:
        # Never split the cases of one sequence number across pages: the next page starts
        # after the cursor. Stop before them, or (if they fill the page) take them all.
        boundary = rows[limit - 1][1]
        before = [r for r in rows[:limit] if r[1] < boundary]
        rows = before or list(
            session.exec(
                select(CaseChange.case_id, func.max(CaseChange.seq))
                .where(CaseChange.seq > since, col(CaseChange.case_id).in_(assigned))
                .group_by(col(CaseChange.case_id))
                .having(func.max(CaseChange.seq) == boundary)
                .order_by(col(CaseChange.case_id))
            ).all()
        )
    else:
        rows = rows[:limit]
    new_cursor = rows[-1][1] if rows else since
    retention_cutoff = utcnow() - timedelta(days=settings.closed_case_device_days)
    cases, purge = [], []
    guidance: dict[str, str | None] = {}
    for case_id, _seq in rows:
        case = session.get(ReturnCase, case_id)
        if case is None or (case.closed_at and as_utc(case.closed_at) < retention_cutoff):
            purge.append(case_id)
        else:
            cases.append(case_service.snapshot(session, case, guidance))
    # Closed cases past the device retention leave every device on its next pull, even when
    # nothing about them changes any more.
    expired = session.exec(
        select(ReturnCase.id).where(
            col(ReturnCase.id).in_(assigned), col(ReturnCase.closed_at) < retention_cutoff
        )
    ).all()
    purge += [case_id for case_id in expired if case_id not in purge]
    # Cases the caller was taken off leave every one of their devices (issue #9).
    purge += [c for c in case_service.removed_case_ids(session, user.id or 0) if c not in purge]
    notices = session.exec(
        select(MergeNotice)
        .where(
            MergeNotice.user_id == user.id,
            MergeNotice.seq > since,
            MergeNotice.seq <= new_cursor,
        )
        .order_by(col(MergeNotice.seq), col(MergeNotice.id))
    ).all()
    return PullResponse(
        cases=cases,
        notices=[
            NoticeOut(
                id=n.id or 0,
                case_id=n.case_id,
                kind=n.kind,
                details=n.details,
                created_at=as_utc(n.created_at),
            )
            for n in notices
        ],
        purge=purge,
        cursor=f"{CURSOR_PREFIX}{new_cursor}",
        has_more=has_more,
    )


def prune_bookkeeping(session: Session, older_than_days: int) -> int:
    """Forgets applied-mutation records and notices older than the retention window. A
    replay older than that is still refused: the device's last sequence number has passed it."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    removed = session.execute(
        delete(AppliedMutation).where(col(AppliedMutation.applied_at) < cutoff)
    ).rowcount
    session.execute(delete(MergeNotice).where(col(MergeNotice.created_at) < cutoff))
    session.commit()
    return int(removed or 0)
