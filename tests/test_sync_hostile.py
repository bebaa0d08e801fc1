"""What one worker sends cannot break a colleague's sync (issue #9): hostile times, clocks,
sequence numbers, cursors and payloads are refused or contained, never a 500, and never
roll back the rest of the batch."""

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cases.sync.registers import MAX_CLOCK_STEP, MAX_COUNTER
from tests.factories import bearer, make_user, new_id
from tests.sync_sim import SimDevice


def _shared_case(client: TestClient, session: Session) -> tuple[str, dict, dict]:
    alice, bob = make_user(session), make_user(session)
    a, b = bearer(client, alice), bearer(client, bob)
    case_id = client.post("/api/v1/cases", json={"country": "AL"}, headers=a).json()["id"]
    assert client.post(f"/api/v1/cases/{case_id}/workers", json={"email": bob.email}, headers=a)
    return case_id, a, b


def _push(client: TestClient, headers: dict, device: str, mutations: list[dict]) -> Any:
    return client.post(
        "/api/v1/sync/cases", json={"device_id": device, "mutations": mutations}, headers=headers
    )


def _reads_work(client: TestClient, headers: dict, case_id: str) -> None:
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    assert client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code == 200
    assert client.get("/api/v1/sync/cases", headers=headers).status_code == 200


def test_a_note_dated_year_one_does_not_break_anyones_reads(
    client: TestClient, session: Session
) -> None:
    case_id, a, b = _shared_case(client, session)
    note = {
        "id": new_id(),
        "seq": 1,
        "type": "add_note",
        "case_id": case_id,
        "note_id": new_id(),
        "body": "dated in year one",
        "created_at": "0001-01-01T00:00:00+14:00",
    }
    r = _push(client, a, "device-alice-1", [note])
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "applied"
    _reads_work(client, a, case_id)
    _reads_work(client, b, case_id)
    stored = client.get(f"/api/v1/cases/{case_id}", headers=b).json()["notes"][0]
    assert stored["created_at"] >= "2025"  # clamped to the last year, not year one


def test_a_hostile_clock_is_clamped_and_the_colleague_can_still_write(
    client: TestClient, session: Session
) -> None:
    case_id, a, b = _shared_case(client, session)
    hostile = {
        "id": new_id(),
        "seq": 1,
        "type": "update_case",
        "case_id": case_id,
        "stage": "travel",
        "clock": MAX_COUNTER,
    }
    assert _push(client, a, "device-alice-1", [hostile]).json()["results"][0]["status"] == (
        "applied"
    )
    bob = SimDevice(client, b, "device-bob-1")
    bob.pull()
    seen_max = bob.cases[case_id]["clocks"]["max"]
    assert seen_max <= MAX_CLOCK_STEP  # not MAX_COUNTER: the colleague's clock stays usable
    bob.set_stage(case_id, "arrival")
    assert [r["status"] for r in bob.push()] == ["applied"]
    bob.pull()
    assert bob.cases[case_id]["stage"] == "arrival"


def test_out_of_range_numbers_are_refused_alone(client: TestClient, session: Session) -> None:
    case_id, a, _ = _shared_case(client, session)
    too_big = {
        "id": new_id(),
        "seq": 1,
        "type": "update_case",
        "case_id": case_id,
        "stage": "travel",
        "clock": 2**63 - 1,
    }
    fine = {
        "id": new_id(),
        "seq": 2,
        "type": "add_note",
        "case_id": case_id,
        "note_id": new_id(),
        "body": "kept",
    }
    r = _push(client, a, "device-alice-1", [too_big, fine])
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "applied"]
    # A sequence number no database column holds is bad input for the whole request: 422.
    r = _push(client, a, "device-alice-1", [{**fine, "id": new_id(), "seq": 2**31}])
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    _reads_work(client, a, case_id)


def test_a_cursor_with_a_unicode_digit_is_a_400(client: TestClient, session: Session) -> None:
    headers = bearer(client, make_user(session))
    for cursor in ("c1.²", "c1.٣", "c1.99999999999999999999999"):
        r = client.get("/api/v1/sync/cases", params={"since": cursor}, headers=headers)
        assert r.status_code == 400, (cursor, r.status_code)


def test_a_deeply_nested_extra_field_is_refused_without_a_500(
    client: TestClient, session: Session
) -> None:
    case_id, a, _ = _shared_case(client, session)
    for depth in (200, 5000):
        mutation = json.dumps(
            {
                "id": new_id(),
                "seq": 1,
                "type": "add_note",
                "case_id": case_id,
                "note_id": new_id(),
                "body": "deep",
                "extra": "NESTED",
            }
        ).replace('"NESTED"', '{"n": ' * depth + '"x"' + "}" * depth)
        body = f'{{"device_id": "device-deep-{depth}", "mutations": [{mutation}]}}'
        r = client.post(
            "/api/v1/sync/cases",
            content=body,
            headers={**a, "Content-Type": "application/json"},
        )
        assert r.status_code in (200, 400), (depth, r.status_code)
        if r.status_code == 200:
            assert r.json()["results"][0]["status"] == "rejected"
        else:
            assert r.headers["content-type"].startswith("application/problem+json")


def test_note_id_collisions_are_refused_alone(client: TestClient, session: Session) -> None:
    case_id, a, _ = _shared_case(client, session)
    note_id = new_id()

    def add(seq: int, body: str) -> dict:
        return {
            "id": new_id(),
            "seq": seq,
            "type": "add_note",
            "case_id": case_id,
            "note_id": note_id,
            "body": body,
        }

    r = _push(client, a, "device-alice-1", [add(1, "first"), add(2, "same id"), add(3, "again")])
    assert [x["status"] for x in r.json()["results"]] == ["applied", "rejected", "rejected"]
    assert [
        n["body"] for n in client.get(f"/api/v1/cases/{case_id}", headers=a).json()["notes"]
    ] == ["first"]
