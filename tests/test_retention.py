from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cases.models import ReturnCase
from app.cases.service import purge_closed_cases
from app.cases.sync.models import AppliedMutation
from app.cases.sync.pull import prune_bookkeeping
from app.core.models import utcnow
from tests.factories import bearer, make_user, new_id
from tests.sync_sim import SimDevice


def test_closed_cases_leave_devices_and_then_the_server(
    client: TestClient, session: Session
) -> None:
    headers = bearer(client, make_user(session))
    old_id = client.post("/api/v1/cases", json={"country": "AL"}, headers=headers).json()["id"]
    open_id = client.post("/api/v1/cases", json={"country": "AL"}, headers=headers).json()["id"]
    phone = SimDevice(client, headers, "phone-" + new_id()[:8])
    phone.pull()
    phone.set_stage(old_id, "closed")
    phone.push()
    case = session.get(ReturnCase, old_id)
    assert case is not None and case.closed_at is not None
    case.closed_at = utcnow() - timedelta(days=60)  # past the 30-day device retention
    session.add(case)
    session.commit()
    phone.pull()
    assert old_id not in phone.cases and open_id in phone.cases
    fresh = SimDevice(client, headers, "fresh-" + new_id()[:8])
    fresh.cases[old_id] = {"id": old_id}  # a phone that still holds it from long ago
    fresh.cursor = phone.cursor  # and has nothing new to pull
    fresh.pull()
    assert old_id not in fresh.cases

    assert purge_closed_cases(session, older_than_days=90) == 0
    assert purge_closed_cases(session, older_than_days=30) == 1
    assert session.get(ReturnCase, old_id) is None
    assert session.get(ReturnCase, open_id) is not None


def test_old_sync_records_are_pruned_and_old_replays_stay_refused(
    client: TestClient, session: Session
) -> None:
    headers = bearer(client, make_user(session))
    case_id = client.post("/api/v1/cases", json={"country": "AL"}, headers=headers).json()["id"]
    phone = SimDevice(client, headers, "phone-" + new_id()[:8])
    mutation = phone.add_note(case_id, "an old note")
    phone.push()
    record = session.get(AppliedMutation, mutation["id"])
    assert record is not None
    record.applied_at = utcnow() - timedelta(days=400)
    session.add(record)
    session.commit()
    assert prune_bookkeeping(session, older_than_days=180)["applied_mutations"] == 1
    phone.outbox = [mutation]
    assert phone.push()[0]["status"] == "rejected"  # stale sequence number, not re-applied
    phone.pull()
    assert [n["body"] for n in phone.cases[case_id]["notes"]] == ["an old note"]


def test_retention_prunes_the_change_feed_sessions_and_throttles(
    client: TestClient, session: Session
) -> None:
    """Issue #10: the case change feed, expired sessions and old sign-in records grew forever."""
    from sqlalchemy import func
    from sqlmodel import select

    from app.accounts.models import LoginThrottle, UserSession
    from app.accounts.service import prune_sessions
    from app.cases.sync.models import CaseChange
    from app.core.config import get_settings

    settings = get_settings()
    headers = bearer(client, make_user(session))
    case_id = client.post("/api/v1/cases", json={"country": "AL"}, headers=headers).json()["id"]
    phone = SimDevice(client, headers, "phone-" + new_id()[:8])
    for n in range(3):
        phone.add_note(case_id, f"note {n}")
        phone.push()
    changes = session.exec(
        select(CaseChange).where(CaseChange.case_id == case_id).order_by(CaseChange.seq)
    ).all()
    assert len(changes) == 4  # created, then three pushes
    for change in changes:
        change.created_at = utcnow() - timedelta(days=400)
        session.add(change)
    # One session expired, one revoked, one live; one stale throttle, one fresh.
    user = make_user(session)
    now = utcnow()
    session.add(
        UserSession(token_hash="a" * 64, user_id=user.id, expires_at=now - timedelta(days=1))
    )
    session.add(
        UserSession(
            token_hash="b" * 64, user_id=user.id, expires_at=now + timedelta(days=1), revoked_at=now
        )
    )
    session.add(
        UserSession(token_hash="c" * 64, user_id=user.id, expires_at=now + timedelta(days=1))
    )
    old_ms = int((now - timedelta(days=30)).timestamp() * 1000)
    session.add(LoginThrottle(key="account:old", failures=3, delay_seconds=0, since_ms=old_ms,
                              next_attempt_ms=old_ms))  # fmt: skip
    session.add(LoginThrottle(key="account:new", failures=1, delay_seconds=0,
                              since_ms=int(now.timestamp() * 1000), next_attempt_ms=0))  # fmt: skip
    session.commit()

    pruned = prune_bookkeeping(session, older_than_days=180)
    assert pruned["case_changes"] == 3  # only the case's latest change is kept
    kept = session.exec(select(CaseChange).where(CaseChange.case_id == case_id)).all()
    assert [c.seq for c in kept] == [changes[-1].seq]
    fresh = SimDevice(client, headers, "fresh-" + new_id()[:8])
    fresh.pull()  # a new device still gets the case from the compacted feed
    assert [n["body"] for n in fresh.cases[case_id]["notes"]] == ["note 0", "note 1", "note 2"]

    ours = {"a" * 64, "b" * 64, "c" * 64}
    before = session.exec(
        select(func.count()).select_from(UserSession).where(UserSession.token_hash.in_(ours))
    ).one()
    assert before == 3
    result = prune_sessions(session, settings)
    assert result["sessions"] >= 2  # ours below, and any dead session other tests committed
    left = session.exec(
        select(UserSession.token_hash).where(UserSession.token_hash.in_(ours))
    ).all()
    assert left == ["c" * 64]
    keys = set(session.exec(select(LoginThrottle.key)).all())
    assert "account:old" not in keys and "account:new" in keys
