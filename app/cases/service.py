"""Return cases: creation, access control, snapshots, assignment and retention.

A worker sees only the cases they are assigned to; any other case answers "not found", so
its existence is not revealed."""

import functools
import hashlib
import json
import re
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from babel import Locale
from pydantic import TypeAdapter
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.accounts.service import normalise_email
from app.cases.models import (
    CaseAssignment,
    CaseChecklist,
    CaseItemState,
    CaseNote,
    CaseRemoval,
    CaseStage,
    ReturnCase,
)
from app.cases.schemas import (
    CaseChecklistOut,
    CaseCreate,
    CaseOut,
    ItemStateOut,
    NoteBody,
    NoteOut,
)
from app.cases.sync.feed import record_case_changes
from app.cases.sync.registers import CaseClocks, Register
from app.content.models import (
    ChecklistItem,
    ChecklistTemplate,
)
from app.content.write import current_version, guidance_hash
from app.core.errors import AppError, Conflict, NotFound
from app.core.models import as_utc, utcnow
from app.i18n import _

# --- pseudonymous reference codes ----------------------------------------------------------

# The checks of a typed reference, in order: (problem, pattern, refuse when the pattern matches
# (True) or when it does not (False)). The same table is served to the PWA (case_rules), so the
# phone checks a code exactly as the server does. Patterns are ASCII-only, in the syntax that
# Python's re and JavaScript's RegExp share.
_DATE = (  # dates of birth in the usual shapes: 1990-05-12, 12.05.1990, 12-05-90, 19900512
    r"(19|20)\d\d[-.]?(0?[1-9]|1[0-2])[-.]?(0?[1-9]|[12]\d|3[01])"
    r"|(0?[1-9]|[12]\d|3[01])[-.](0?[1-9]|1[0-2])[-.]\d\d(\d\d)?"
    r"|(0?[1-9]|1[0-2])[-.](0?[1-9]|[12]\d|3[01])[-.]\d\d(\d\d)?"
)
REFERENCE_CHECKS: tuple[tuple[str, str, bool], ...] = (
    ("format", r"^[A-Z0-9]{1,8}(-[A-Z0-9]{1,8}){0,3}$", False),
    ("format", r"^.{3,}$", False),
    ("word", r"[A-Z]{4,}", True),  # could be a name
    ("digit", r"[0-9]", False),
    ("date", _DATE, True),
    ("phone", r"([^0-9]*[0-9]){7}", True),  # 7 or more digits
    ("date", r"[0-9]{6}", True),  # 6 digits in a row: a compact date (DDMMYY)
)
_REFERENCE_CHECKS = tuple(
    (problem, re.compile(pattern, re.ASCII), refuse_on_match)
    for problem, pattern, refuse_on_match in REFERENCE_CHECKS
)
REFERENCE_PROBLEMS = {
    "format": _("Use 3 to 32 capital letters and digits in groups joined by hyphens."),
    "word": _("A reference must not contain a word or a name (4 or more letters in a row)."),
    "digit": _("A reference needs at least one digit."),
    "date": _("A reference must not look like a date of birth."),
    "phone": _("A reference must not look like a phone number (7 or more digits)."),
}
# No vowels, so generated codes never spell words; no 0/O/1/I to avoid misreading.
_ALPHABET = "23456789BCDFGHJKLMNPQRSTVWXZ"
_GENERATED = {"prefix": "HW", "alphabet": _ALPHABET, "groups": 2, "group_length": 4}


def generate_reference() -> str:
    while True:
        groups = [
            "".join(secrets.choice(_ALPHABET) for _ in range(_GENERATED["group_length"]))
            for _ in range(_GENERATED["groups"])
        ]
        code = "-".join([_GENERATED["prefix"], *groups])
        if check_reference(code) is None:
            return code


def reference_problem(code: str) -> str | None:
    """Why a typed reference is refused (a key of REFERENCE_PROBLEMS), or None."""
    for problem, pattern, refuse_on_match in _REFERENCE_CHECKS:
        if bool(pattern.search(code)) == refuse_on_match:
            return problem
    return None


def check_reference(code: str) -> str | None:
    """Why a typed reference is refused (a msgid), or None when it is acceptable."""
    problem = reference_problem(code)
    return REFERENCE_PROBLEMS[problem] if problem else None


def normalise_reference(code: str | None) -> str:
    if not code:
        return generate_reference()
    code = code.strip().upper()
    problem = check_reference(code)
    if problem:
        raise AppError(problem, field="reference")
    return code


# CLDR's two-letter territories, less its groupings and placeholders (EU, UN, ZZ, …).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
COUNTRIES = frozenset(
    code
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


def check_country(code: str) -> str:
    if code not in COUNTRIES:
        raise AppError(
            _("'{country}' is not an ISO 3166 country code."), {"country": code}, field="country"
        )
    return code


# --- the rules the PWA checks before sending ------------------------------------------------


def case_rules() -> dict[str, Any]:
    """What a phone checks before it sends a case or a note, taken from the validators above and
    the API schemas (served by GET /api/v1/cases/rules; the PWA keeps no copy of its own)."""
    reference = CaseCreate.model_json_schema()["properties"]["reference"]["anyOf"][0]
    note = TypeAdapter(NoteBody).json_schema()
    return {
        "reference": {
            "max_length": reference["maxLength"],
            "checks": [
                {"problem": problem, "pattern": pattern, "refuse_on_match": refuse}
                for problem, pattern, refuse in REFERENCE_CHECKS
            ],
            "generated": _GENERATED,
        },
        "countries": sorted(COUNTRIES),
        "stages": [stage.value for stage in CaseStage],
        "note": {"max_length": note["maxLength"]},
    }


@functools.cache
def case_rules_json() -> tuple[bytes, str]:
    """The rules as JSON bytes and their strong ETag (a hash of the bytes)."""
    body = json.dumps(case_rules(), ensure_ascii=False, separators=(",", ":")).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


# --- guidance the checklists were made from --------------------------------------------------


def template_item_keys(session: Session, template_slug: str) -> set[str]:
    return set(
        session.exec(
            select(ChecklistItem.key)
            .join(ChecklistTemplate, col(ChecklistTemplate.id) == ChecklistItem.template_id)
            .where(ChecklistTemplate.slug == template_slug)
        ).all()
    )


# --- access ------------------------------------------------------------------------------


def is_assigned(session: Session, user: User, case_id: str) -> bool:
    return (
        session.get(CaseAssignment, (case_id, user.id)) is not None  # type: ignore[arg-type]
    )


def assigned_case(session: Session, user: User, case_id: str) -> ReturnCase:
    case = session.get(ReturnCase, case_id)
    if case is None or not is_assigned(session, user, case_id):
        raise NotFound(_("There is no case '{case_id}' for you."), {"case_id": case_id})
    return case


# --- writes used by the API and by sync ----------------------------------------------------


def new_case(
    session: Session,
    user: User,
    *,
    case_id: str,
    reference: str | None,
    country: str,
    stage: CaseStage,
    clock: int = 0,
    device_id: str = "",
) -> ReturnCase:
    if session.get(ReturnCase, case_id) is not None:
        raise AppError(_("A case with this id already exists."), field="id")
    case = ReturnCase(
        id=case_id,
        reference=normalise_reference(reference),
        country=check_country(country),
        stage=stage,
        created_by=user.id or 0,
        closed_at=utcnow() if stage == CaseStage.closed else None,
        clocks=CaseClocks(
            stage=Register(clock, device_id, user.id),
            country=Register(clock, device_id, user.id),
        ).to_json(),
    )
    session.add(case)
    session.flush()
    session.add(CaseAssignment(case_id=case_id, user_id=user.id or 0))
    session.flush()
    return case


def new_checklist(
    session: Session, case: ReturnCase, *, checklist_id: str, template_slug: str
) -> CaseChecklist:
    existing = session.get(CaseChecklist, checklist_id)
    if existing is not None:
        if existing.case_id == case.id and existing.template_slug == template_slug:
            return existing
        raise AppError(_("A checklist with this id already exists."), field="checklist_id")
    checklist = CaseChecklist(
        id=checklist_id,
        case_id=case.id,
        template_slug=template_slug,
        content_version=current_version(session),
        guidance_hash=guidance_hash(session, template_slug),
    )
    session.add(checklist)
    session.flush()
    return checklist


def assign_worker(session: Session, case: ReturnCase, email: str) -> User:
    worker = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if worker is None or not worker.is_active or worker.role != Role.worker:
        raise NotFound(_("There is no worker with the email '{email}'."), {"email": email})
    if session.get(CaseAssignment, (case.id, worker.id)) is None:  # type: ignore[arg-type]
        session.add(CaseAssignment(case_id=case.id, user_id=worker.id or 0))
        session.exec(  # type: ignore[call-overload]
            delete(CaseRemoval).where(
                col(CaseRemoval.case_id) == case.id, col(CaseRemoval.user_id) == worker.id
            )
        )
        session.flush()
    return worker


def create_case(session: Session, user: User, spec: CaseCreate) -> CaseOut:
    """Creates a case online (offline creation goes through sync)."""
    case = new_case(
        session,
        user,
        case_id=spec.id or str(uuid.uuid4()),
        reference=spec.reference,
        country=spec.country,
        stage=spec.stage,
    )
    for checklist in spec.checklists:
        new_checklist(
            session, case, checklist_id=checklist.id, template_slug=checklist.template_slug
        )
    record_case_changes(session, [case.id])
    session.commit()
    return snapshot(session, case)


def add_worker(session: Session, user: User, case_id: str, email: str) -> CaseOut:
    """Adds a colleague (a worker account) to a case the caller is assigned to."""
    case = assigned_case(session, user, case_id)
    assign_worker(session, case, email)
    record_case_changes(session, [case.id])
    session.commit()
    return snapshot(session, case)


def take_off_case(session: Session, user: User, case_id: str, worker_id: int) -> None:
    """Takes a worker (possibly the caller) off a case the caller is assigned to."""
    case = assigned_case(session, user, case_id)
    remove_worker(session, case, worker_id)
    record_case_changes(session, [case.id])
    session.commit()


def record_guidance_change(session: Session, template_slugs: Iterable[str]) -> int:
    """After the guidance of these checklist templates changed: every live case with a live
    checklist from them enters the change feed, so the next pull of every phone holding it
    brings it again, with ``guidance_updated: true``. Registered as a content-write listener
    (app/main.py, app/cli.py). Returns how many cases."""
    slugs = sorted(set(template_slugs))
    if not slugs:
        return 0
    case_ids = session.exec(
        select(CaseChecklist.case_id)
        .join(ReturnCase, col(ReturnCase.id) == CaseChecklist.case_id)
        .where(
            col(CaseChecklist.template_slug).in_(slugs),
            col(CaseChecklist.deleted_at).is_(None),
            col(ReturnCase.deleted_at).is_(None),
        )
        .distinct()
    ).all()
    if case_ids:
        record_case_changes(session, case_ids)
    return len(case_ids)


def remove_worker(session: Session, case: ReturnCase, user_id: int) -> None:
    """Takes a worker off a case (any worker on it may do this; a case always keeps at least
    one). The removed worker's devices erase the case on their next pull
    (:func:`removed_case_ids`). The caller records the case change and commits."""
    assignment = session.get(CaseAssignment, (case.id, user_id))
    if assignment is None:
        raise NotFound(
            _("There is no worker {user_id} on this case."), {"user_id": user_id}, field="user_id"
        )
    others = session.exec(
        select(CaseAssignment.user_id).where(
            CaseAssignment.case_id == case.id, CaseAssignment.user_id != user_id
        )
    ).first()
    if others is None:
        raise Conflict(_("A case needs at least one worker: add a colleague first."))
    session.delete(assignment)
    if session.get(CaseRemoval, (case.id, user_id)) is None:
        session.add(CaseRemoval(case_id=case.id, user_id=user_id))
    session.flush()


def removed_case_ids(session: Session, user_id: int) -> list[str]:
    """Cases this worker was taken off (and not put back on): every pull puts them in
    ``purge`` so that each of the worker's devices erases them, however old its cursor."""
    return list(
        session.exec(
            select(CaseRemoval.case_id)
            .where(CaseRemoval.user_id == user_id)
            .order_by(col(CaseRemoval.case_id))
        ).all()
    )


def prune_removals(session: Session, older_than_days: int) -> int:
    """Forgets removals older than the sync retention (devices have synced since, or are
    gone). Called by `homeward cases purge`."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    removed = session.execute(delete(CaseRemoval).where(col(CaseRemoval.created_at) < cutoff))
    session.commit()
    return int(removed.rowcount or 0)


# --- reads -------------------------------------------------------------------------------


def snapshots(session: Session, cases: Sequence[ReturnCase]) -> list[CaseOut]:
    """Cases as the API shows them, loaded in batches: the number of queries does not grow
    with the number of cases (one per kind of row, plus the guidance hash per template)."""
    if not cases:
        return []
    ids = [c.id for c in cases]
    checklists = session.exec(
        select(CaseChecklist)
        .where(col(CaseChecklist.case_id).in_(ids))
        .order_by(col(CaseChecklist.created_at), col(CaseChecklist.id))
    ).all()
    states: dict[str, dict[str, ItemStateOut]] = {c.id: {} for c in checklists}
    if checklists:
        for state in session.exec(
            select(CaseItemState).where(
                col(CaseItemState.checklist_id).in_([c.id for c in checklists])
            )
        ).all():
            states[state.checklist_id][state.item_key] = ItemStateOut(
                done=state.done,
                done_on=state.done_on,
                clock=state.clock,
                device_id=state.device_id,
                version=state.version,
                changed_by=state.changed_by,
            )
    guidance: dict[str, str | None] = {}
    for slug in sorted({c.template_slug for c in checklists}):
        try:
            guidance[slug] = guidance_hash(session, slug)
        except AppError:  # the template was unpublished: nothing newer to review
            guidance[slug] = None
    notes = session.exec(
        select(CaseNote)
        .where(col(CaseNote.case_id).in_(ids))
        .order_by(col(CaseNote.created_at), col(CaseNote.id))
    ).all()
    writer_ids = {n.author_id for n in notes} | {n.edited_by for n in notes if n.edited_by}
    emails: dict[int | None, str] = (
        dict(session.exec(select(User.id, User.email).where(col(User.id).in_(writer_ids))).all())
        if writer_ids
        else {}
    )
    workers = session.exec(
        select(CaseAssignment.case_id, User.email, User.id)
        .join(User, col(CaseAssignment.user_id) == User.id)
        .where(col(CaseAssignment.case_id).in_(ids))
        .order_by(col(User.email))
    ).all()
    checklists_of: dict[str, list[CaseChecklist]] = defaultdict(list)
    for checklist in checklists:
        checklists_of[checklist.case_id].append(checklist)
    notes_of: dict[str, list[CaseNote]] = defaultdict(list)
    for note in notes:
        notes_of[note.case_id].append(note)
    workers_of: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for case_id, email, user_id in workers:
        workers_of[case_id].append((email, user_id or 0))
    return [
        CaseOut(
            id=case.id,
            reference=case.reference,
            country=case.country,
            stage=case.stage,
            created_at=as_utc(case.created_at),
            updated_at=as_utc(case.updated_at),
            closed_at=as_utc(case.closed_at) if case.closed_at else None,
            deleted=case.deleted_at is not None,
            version=case.version,
            clocks=case.get_clocks().to_json(),
            workers=[email for email, _id in workers_of[case.id]],
            worker_ids=[user_id for _email, user_id in workers_of[case.id]],
            checklists=[
                CaseChecklistOut(
                    id=c.id,
                    template_slug=c.template_slug,
                    content_version=c.content_version,
                    guidance_updated=guidance[c.template_slug] not in (None, c.guidance_hash),
                    deleted=c.deleted_at is not None,
                    items=states[c.id],
                )
                for c in checklists_of[case.id]
            ],
            notes=[
                NoteOut(
                    id=n.id,
                    body=n.body,
                    author_id=n.author_id,
                    author_email=emails.get(n.author_id),
                    edited_by=n.edited_by,
                    editor_email=emails.get(n.edited_by),
                    checklist_id=n.checklist_id,
                    item_key=n.item_key,
                    created_at=as_utc(n.created_at),
                    updated_at=as_utc(n.updated_at),
                    deleted=n.deleted_at is not None,
                    conflict_of=n.conflict_of,
                    version=n.version,
                )
                for n in notes_of[case.id]
            ],
        )
        for case in cases
    ]


def snapshot(session: Session, case: ReturnCase) -> CaseOut:
    return snapshots(session, [case])[0]


def list_cases(session: Session, user: User) -> list[CaseOut]:
    cases = session.exec(
        select(ReturnCase)
        .join(CaseAssignment, col(CaseAssignment.case_id) == ReturnCase.id)
        .where(CaseAssignment.user_id == user.id, col(ReturnCase.deleted_at).is_(None))
        .order_by(col(ReturnCase.created_at))
    ).all()
    return snapshots(session, cases)


# --- retention ---------------------------------------------------------------------------


def purge_closed_cases(session: Session, older_than_days: int) -> int:
    """Deletes, from the server, cases closed (or deleted) longer ago than the period."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    ids = session.exec(
        select(ReturnCase.id).where(
            (col(ReturnCase.closed_at) < cutoff) | (col(ReturnCase.deleted_at) < cutoff)
        )
    ).all()
    if ids:
        session.exec(delete(ReturnCase).where(col(ReturnCase.id).in_(ids)))  # type: ignore[call-overload]
    session.commit()
    return len(ids)
