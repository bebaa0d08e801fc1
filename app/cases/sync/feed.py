"""The case change feed behind the pull cursor.

Sequence numbers come from a single counter row, updated under a row lock held until commit,
so they become visible to readers in order and a cursor never skips a change that commits
late (unlike timestamps). Writers take the number at the END of their transaction, so the
lock is held only for the commit, not while a batch is applied.
"""

from collections.abc import Iterable

from sqlalchemy import update
from sqlmodel import Session, col

from app.cases.sync.models import CaseChange, SyncCounter


def take_seq(session: Session) -> int:
    result = session.execute(
        update(SyncCounter)
        .where(col(SyncCounter.id) == 1)
        .values(case_seq=SyncCounter.case_seq + 1)
        .returning(SyncCounter.case_seq)
    )
    return int(result.scalar_one())


def record_case_changes(session: Session, case_ids: Iterable[str]) -> int:
    """Appends the cases to the feed under one new sequence number (call last, then commit)."""
    seq = take_seq(session)
    for case_id in sorted(set(case_ids)):
        session.add(CaseChange(seq=seq, case_id=case_id))
    return seq
