"""Pull: the caller's cases changed since a cursor, in pages, with the merge notices meant
for them and the cases their device must delete. The cursor is a change-feed sequence
number (feed.py), never a timestamp."""

import re
from datetime import timedelta

from sqlalchemy import delete, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cases import service as case_service
from app.cases.models import CaseAssignment, ReturnCase
from app.cases.sync.models import AppliedMutation, CaseChange, MergeNotice, SyncCounter
from app.cases.sync.schemas import NoticeOut, PullResponse
from app.core.config import Settings
from app.core.errors import AppError, Gone
from app.core.models import as_utc, utcnow
from app.i18n import _

CURSOR_PREFIX = "c1."
# ASCII digits only ("²" is a digit to str.isdigit, not to int), at most what a BIGINT holds.
_CURSOR = re.compile(r"c1\.([0-9]{1,18})")


def parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise AppError(_("The cursor '{cursor}' is not valid."), {"cursor": cursor[:40]})
    return int(match[1])


def _changed_cases(session: Session, user: User, since: int, limit: int) -> tuple[list, bool]:
    """(case id, its latest seq) after the cursor, oldest first; never splits the cases of
    one sequence number across pages (the next page starts after the cursor)."""
    assigned = select(CaseAssignment.case_id).where(CaseAssignment.user_id == user.id)
    changed = (
        select(CaseChange.case_id, func.max(CaseChange.seq))
        .where(CaseChange.seq > since, col(CaseChange.case_id).in_(assigned))
        .group_by(col(CaseChange.case_id))
    )
    rows = session.exec(
        changed.order_by(func.max(CaseChange.seq), col(CaseChange.case_id)).limit(limit + 1)
    ).all()
    has_more = len(rows) > limit
    if has_more and rows[limit][1] == rows[limit - 1][1]:
        # Stop before the boundary's cases, or (if they fill the page) take them all.
        boundary = rows[limit - 1][1]
        before = [r for r in rows[:limit] if r[1] < boundary]
        rows = before or list(
            session.exec(
                changed.having(func.max(CaseChange.seq) == boundary).order_by(
                    col(CaseChange.case_id)
                )
            ).all()
        )
    else:
        rows = rows[:limit]
    return list(rows), has_more


def pull(
    session: Session, user: User, cursor: str | None, limit: int, settings: Settings
) -> PullResponse:
    since = parse_cursor(cursor)
    current = session.exec(select(SyncCounter.case_seq).where(SyncCounter.id == 1)).one()
    if since > current:  # a cursor this database never issued (e.g. restored from backup)
        raise Gone(_("This sync cursor has expired: download your cases again."))
    rows, has_more = _changed_cases(session, user, since, limit)
    new_cursor = rows[-1][1] if rows else since
    retention_cutoff = utcnow() - timedelta(days=settings.closed_case_device_days)
    by_id = {
        case.id: case
        for case in session.exec(
            select(ReturnCase).where(col(ReturnCase.id).in_([case_id for case_id, _ in rows]))
        ).all()
    }
    keep, purge = [], []
    for case_id, _seq in rows:
        case = by_id.get(case_id)
        if case is None or (case.closed_at and as_utc(case.closed_at) < retention_cutoff):
            purge.append(case_id)
        else:
            keep.append(case)
    # Closed cases past the device retention leave every device on its next pull, even when
    # nothing about them changes any more.
    assigned = select(CaseAssignment.case_id).where(CaseAssignment.user_id == user.id)
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
        cases=case_service.snapshots(session, keep),
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


def prune_bookkeeping(session: Session, older_than_days: int) -> dict[str, int]:
    """Forgets applied-mutation records and notices older than the retention window, and
    compacts the change feed to the latest change of each case (older rows of a case add
    nothing to any pull: a pull takes each case's latest sequence number after the cursor).
    A replay older than the window is still refused: the device's last sequence number has
    passed it."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    mutations = session.execute(
        delete(AppliedMutation).where(col(AppliedMutation.applied_at) < cutoff)
    ).rowcount
    notices = session.execute(
        delete(MergeNotice).where(col(MergeNotice.created_at) < cutoff)
    ).rowcount
    newer = aliased(CaseChange)
    latest_of_case = (
        select(func.max(newer.seq)).where(newer.case_id == CaseChange.case_id).scalar_subquery()
    )
    changes = session.execute(
        delete(CaseChange).where(
            col(CaseChange.created_at) < cutoff, col(CaseChange.seq) < latest_of_case
        )
    ).rowcount
    session.commit()
    return {
        "applied_mutations": int(mutations or 0),
        "notices": int(notices or 0),
        "case_changes": int(changes or 0),
    }
