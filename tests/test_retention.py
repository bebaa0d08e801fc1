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
