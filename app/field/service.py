"""Feedback (anonymous, idempotent, capped per address and day) and the help-contacts
directory. Services take a session, own their transaction and raise domain errors."""

import hashlib
import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.accounts import audit
from app.accounts.models import User
from app.core.config import Settings
from app.core.errors import AppError, NotFound
from app.core.models import utcnow
from app.field.models import Feedback, FeedbackQuota, HelpContact
from app.field.schemas import ContactIn, ContactOut, FeedbackAck, FeedbackIn, FeedbackOut
from app.i18n import _


class FeedbackLimit(AppError):
    status = 429
    title = _("Too many requests")

    def __init__(self, retry_after: int) -> None:
        super().__init__(_("Too much feedback from this connection today. Try again tomorrow."))
        self.headers = {"Retry-After": str(retry_after)}


def _quota_key(day: date, address: str) -> str:
    return hashlib.sha256(f"{day.isoformat()}|{address}".encode()).hexdigest()


def _seconds_to_midnight() -> int:
    now = utcnow()
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((tomorrow - now).total_seconds()))


def _claim_quota(session: Session, address: str, limit: int) -> None:
    today = utcnow().date()
    key = _quota_key(today, address)
    session.exec(delete(FeedbackQuota).where(col(FeedbackQuota.day) < today))  # type: ignore[call-overload]
    row = session.get(FeedbackQuota, key, with_for_update=True)
    if row is None:
        try:
            with session.begin_nested():
                row = FeedbackQuota(key=key, day=today, count=0)
                session.add(row)
                session.flush()
        except IntegrityError:  # another request of the same address made it meanwhile
            row = session.get(FeedbackQuota, key, with_for_update=True, populate_existing=True)
            assert row is not None
    if row.count >= limit:
        session.rollback()
        raise FeedbackLimit(_seconds_to_midnight())
    row.count += 1
    session.add(row)


def receive_feedback(
    session: Session, body: FeedbackIn, *, address: str, settings: Settings
) -> FeedbackAck:
    """Stores one piece of feedback once: a resend of the same id (the device's outbox
    retrying after a lost answer) is acknowledged as a duplicate and changes nothing."""
    if session.get(Feedback, body.id) is not None:
        return FeedbackAck(id=body.id, duplicate=True)
    _claim_quota(session, address, settings.feedback_daily_per_address)
    try:
        with session.begin_nested():
            session.add(Feedback(**body.model_dump()))
            session.flush()
    except IntegrityError:  # the same id arrived twice at once
        session.rollback()
        return FeedbackAck(id=body.id, duplicate=True)
    session.commit()
    return FeedbackAck(id=body.id, duplicate=False)


def list_feedback(session: Session, *, resolved: bool | None = None) -> list[FeedbackOut]:
    query = select(Feedback).order_by(col(Feedback.created_at).desc())
    if resolved is True:
        query = query.where(col(Feedback.resolved_at).is_not(None))
    elif resolved is False:
        query = query.where(col(Feedback.resolved_at).is_(None))
    rows = session.exec(query.limit(1000)).all()
    return [FeedbackOut.model_validate(r, from_attributes=True) for r in rows]


def resolve_feedback(session: Session, feedback_id: str, user: User) -> FeedbackOut:
    row = session.get(Feedback, feedback_id)
    if row is None:
        raise NotFound(_("There is no feedback '{id}'."), {"id": feedback_id})
    if row.resolved_at is None:
        row.resolved_at = utcnow()
        row.resolved_by = user.id
        session.add(row)
        audit.record(session, user, "feedback_resolve", "feedback", feedback_id)
        session.commit()
        session.refresh(row)
    return FeedbackOut.model_validate(row, from_attributes=True)


# --- contacts --------------------------------------------------------------------------------


def _contact_out(row: HelpContact) -> ContactOut:
    return ContactOut.model_validate(row, from_attributes=True)


def list_contacts(session: Session, country: str | None = None) -> list[ContactOut]:
    query = select(HelpContact).order_by(col(HelpContact.country), col(HelpContact.name))
    if country:
        query = query.where(HelpContact.country == country)
    return [_contact_out(r) for r in session.exec(query).all()]


def contacts_json(session: Session, country: str | None = None) -> tuple[bytes, str]:
    """The public directory as bytes and a strong ETag computed from them."""
    items: list[dict[str, Any]] = [
        c.model_dump(mode="json") for c in list_contacts(session, country)
    ]
    body = json.dumps({"contacts": items}, ensure_ascii=False, separators=(",", ":")).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _values(body: ContactIn) -> dict[str, Any]:
    values = body.model_dump(mode="json")
    return values


# Contact changes are audited (ids only): a wrong number in the directory can send a returnee
# to the wrong people, so who changed it and when must be known.
def create_contact(session: Session, body: ContactIn, user: User) -> ContactOut:
    row = HelpContact(**_values(body))
    session.add(row)
    session.flush()
    audit.record(session, user, "contact_create", "contact", str(row.id), country=row.country)
    session.commit()
    session.refresh(row)
    return _contact_out(row)


def update_contact(session: Session, contact_id: int, body: ContactIn, user: User) -> ContactOut:
    row = session.get(HelpContact, contact_id)
    if row is None:
        raise NotFound(_("There is no contact {id}."), {"id": contact_id})
    for key, value in _values(body).items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.add(row)
    audit.record(session, user, "contact_update", "contact", str(contact_id), country=row.country)
    session.commit()
    session.refresh(row)
    return _contact_out(row)


def delete_contact(session: Session, contact_id: int, user: User) -> None:
    row = session.get(HelpContact, contact_id)
    if row is None:
        raise NotFound(_("There is no contact {id}."), {"id": contact_id})
    audit.record(session, user, "contact_delete", "contact", str(contact_id), country=row.country)
    session.delete(row)
    session.commit()
