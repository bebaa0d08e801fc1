"""The audit log: who did what and when. ``record`` adds one row to the caller's
transaction (never commits), so the event exists exactly when the act does. Only ids and
kinds of acts are stored, never content bodies or passwords; nothing updates or deletes it."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import AuditEvent, User
from app.core.models import as_utc


def record(
    session: Session,
    actor: User | int | None,
    action: str,
    target_kind: str = "",
    target: str = "",
    **details: Any,
) -> AuditEvent:
    actor_id = actor.id if isinstance(actor, User) else actor
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        target_kind=target_kind,
        target=target[:200],
        details=details,
    )
    session.add(event)
    return event


def list_events(
    session: Session,
    *,
    actor_id: int | None = None,
    action: str | None = None,
    target_kind: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """Newest first; page with ``before_id`` (the last id of the previous page). ``since``
    (inclusive) and ``until`` (exclusive) are instants, a time without an offset is UTC; they
    are converted to UTC first (SQLite compares the stored UTC wall clock and would drop the
    offset of a parameter)."""
    query = select(AuditEvent)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if target_kind:
        query = query.where(AuditEvent.target_kind == target_kind)
    if target:
        query = query.where(AuditEvent.target == target)
    if since is not None:
        query = query.where(col(AuditEvent.at) >= as_utc(since))
    if until is not None:
        query = query.where(col(AuditEvent.at) < as_utc(until))
    if before_id is not None:
        query = query.where(col(AuditEvent.id) < before_id)
    return list(session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all())
