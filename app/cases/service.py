"""Return cases: creation, access control, snapshots, assignment and retention.

A worker sees only the cases they are assigned to; any other case answers "not found", so
its existence is not revealed."""

import re
import secrets
from datetime import timedelta

from babel import Locale
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
from app.cases.schemas import CaseChecklistOut, CaseOut, ItemStateOut, NoteOut
from app.content.models import (
    ChecklistItem,
    ChecklistItemTranslation,
    ChecklistTemplate,
    ChecklistTemplateTranslation,
    ContentItem,
    ContentItemTranslation,
)
from app.content.write import current_version, values_hash
from app.core.errors import AppError, Conflict, NotFound
from app.core.models import as_utc, utcnow
from app.i18n import _

# --- pseudonymous reference codes ----------------------------------------------------------

_REFERENCE = re.compile(r"^[A-Z0-9]{1,8}(-[A-Z0-9]{1,8}){0,3}$")
_LETTER_RUN = re.compile(r"[A-Z]{4,}")  # a word: could be a name
_DIGITS = re.compile(r"\d")
# Dates of birth in the usual shapes: 1990-05-12, 12.05.1990, 12-05-90, 120590, 19900512.
_DATE = re.compile(
    r"(19|20)\d\d[-.]?(0?[1-9]|1[0-2])[-.]?(0?[1-9]|[12]\d|3[01])"
    r"|(0?[1-9]|[12]\d|3[01])[-.](0?[1-9]|1[0-2])[-.]\d\d(\d\d)?"
    r"|(0?[1-9]|1[0-2])[-.](0?[1-9]|[12]\d|3[01])[-.]\d\d(\d\d)?"
)
_DIGIT_RUN = re.compile(r"\d{6,}")  # 6 digits in a row: a compact date (DDMMYY) or a phone
# No vowels, so generated codes never spell words; no 0/O/1/I to avoid misreading.
_ALPHABET = "23456789BCDFGHJKLMNPQRSTVWXZ"


def generate_reference() -> str:
    while True:
        groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(2)]
        code = "HW-" + "-".join(groups)
        if check_reference(code) is None:
            return code


def check_reference(code: str) -> str | None:
    """Why a typed reference is refused (a msgid), or None when it is acceptable."""
    if not _REFERENCE.match(code):
        return _("Use 3 to 32 capital letters and digits in groups joined by hyphens.")
    if len(code) < 3:
        return _("Use 3 to 32 capital letters and digits in groups joined by hyphens.")
    if _LETTER_RUN.search(code.replace("-", " ")):
        return _("A reference must not contain a word or a name (4 or more letters in a row).")
    if not _DIGITS.search(code):
        return _("A reference needs at least one digit.")
    if _DATE.search(code):
        return _("A reference must not look like a date of birth.")
    if len(re.sub(r"\D", "", code)) >= 7:
        return _("A reference must not look like a phone number (7 or more digits).")
    if _DIGIT_RUN.search(code):  # DDMMYY
        return _("A reference must not look like a date of birth.")
    return None


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


# --- guidance the checklists were made from --------------------------------------------------


def guidance_hash(session: Session, template_slug: str, source_locale: str = "en") -> str:
    """A hash of the template's source text, its items and its related tool's source text."""
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
        clocks={
            "stage": [clock, device_id, user.id],
            "country": [clock, device_id, user.id],
        },
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
    gone). Called by `homeward cases purge`; the caller commits."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    removed = session.execute(delete(CaseRemoval).where(col(CaseRemoval.created_at) < cutoff))
    return int(removed.rowcount or 0)


# --- reads -------------------------------------------------------------------------------


def snapshot(
    session: Session, case: ReturnCase, guidance: dict[str, str | None] | None = None
) -> CaseOut:
    """One case as the API shows it. ``guidance`` memoises the current guidance hash per
    template across the snapshots of one listing or pull (three queries per template)."""
    checklists = session.exec(
        select(CaseChecklist)
        .where(CaseChecklist.case_id == case.id)
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
    guidance = {} if guidance is None else guidance
    for checklist in checklists:
        if checklist.template_slug not in guidance:
            try:
                guidance[checklist.template_slug] = guidance_hash(session, checklist.template_slug)
            except AppError:  # the template was unpublished: nothing newer to review
                guidance[checklist.template_slug] = None
    notes = session.exec(
        select(CaseNote)
        .where(CaseNote.case_id == case.id)
        .order_by(col(CaseNote.created_at), col(CaseNote.id))
    ).all()
    workers = session.exec(
        select(User.email, User.id)
        .join(CaseAssignment, col(CaseAssignment.user_id) == User.id)
        .where(CaseAssignment.case_id == case.id)
        .order_by(col(User.email))
    ).all()
    return CaseOut(
        id=case.id,
        reference=case.reference,
        country=case.country,
        stage=case.stage,
        created_at=as_utc(case.created_at),
        updated_at=as_utc(case.updated_at),
        closed_at=as_utc(case.closed_at) if case.closed_at else None,
        deleted=case.deleted_at is not None,
        version=case.version,
        clocks=case.clocks,
        workers=[email for email, _id in workers],
        worker_ids=[user_id for _email, user_id in workers],
        checklists=[
            CaseChecklistOut(
                id=c.id,
                template_slug=c.template_slug,
                content_version=c.content_version,
                guidance_updated=guidance[c.template_slug] not in (None, c.guidance_hash),
                deleted=c.deleted_at is not None,
                items=states[c.id],
            )
            for c in checklists
        ],
        notes=[
            NoteOut(
                id=n.id,
                body=n.body,
                author_id=n.author_id,
                checklist_id=n.checklist_id,
                item_key=n.item_key,
                created_at=as_utc(n.created_at),
                updated_at=as_utc(n.updated_at),
                deleted=n.deleted_at is not None,
                conflict_of=n.conflict_of,
                version=n.version,
            )
            for n in notes
        ],
    )


def list_cases(session: Session, user: User) -> list[CaseOut]:
    cases = session.exec(
        select(ReturnCase)
        .join(CaseAssignment, col(CaseAssignment.case_id) == ReturnCase.id)
        .where(CaseAssignment.user_id == user.id, col(ReturnCase.deleted_at).is_(None))
        .order_by(col(ReturnCase.created_at))
    ).all()
    guidance: dict[str, str | None] = {}
    return [snapshot(session, case, guidance) for case in cases]


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
