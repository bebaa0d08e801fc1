"""Property: three devices (two workers, one of them with two phones) edit shared cases
offline, push and pull in random interleavings, with duplicate pushes and lost responses.
Afterwards every device holds exactly the server's state, every note ever written is still
on the server, and each item's tick follows the documented rule (latest logical clock wins,
ties by device id)."""

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.cases.models import CaseNote
from tests.factories import bearer, make_user, new_id
from tests.sync_sim import SimDevice

ITEM_KEYS = ["meet-on-arrival", "safe-accommodation", "legal-advice"]
STAGES = ["preparing", "travel", "arrival", "reintegration"]

edit = st.one_of(
    st.tuples(st.just("tick"), st.integers(0, 1), st.sampled_from(ITEM_KEYS), st.booleans()),
    st.tuples(st.just("note"), st.integers(0, 1), st.text("abcxyz ", min_size=1, max_size=12)),
    st.tuples(st.just("edit"), st.integers(0, 1), st.integers(0, 5), st.text("ABC", max_size=8)),
    st.tuples(st.just("stage"), st.integers(0, 1), st.sampled_from(STAGES)),
)
step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), edit),
    st.tuples(st.just("push"), st.integers(0, 2), st.booleans(), st.booleans()),
    st.tuples(st.just("pull"), st.integers(0, 2)),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=5, max_size=40))
def test_devices_converge_and_nothing_is_lost(
    client: TestClient, session: Session, steps: list[Any]
) -> None:
    worker_a, worker_b = make_user(session), make_user(session)
    a, b = bearer(client, worker_a), bearer(client, worker_b)
    cases: list[tuple[str, str]] = []
    for country in ("AL", "NG"):
        checklist_id = new_id()
        case = client.post(
            "/api/v1/cases",
            json={
                "country": country,
                "checklists": [{"id": checklist_id, "template_slug": "arrival"}],
            },
            headers=a,
        ).json()
        client.post(
            f"/api/v1/cases/{case['id']}/workers", json={"email": worker_b.email}, headers=a
        )
        cases.append((case["id"], checklist_id))
    # Worker A on two phones, worker B on one.
    devices = [
        SimDevice(client, a, f"a1-{new_id()[:8]}"),
        SimDevice(client, a, f"a2-{new_id()[:8]}"),
        SimDevice(client, b, f"b1-{new_id()[:8]}"),
    ]
    for device in devices:
        device.pull()
    written: set[str] = set()
    sent: list[dict[str, Any]] = []
    origin: dict[str, str] = {}  # mutation id -> the device that made it

    for action in steps:
        device = devices[action[1]]
        if action[0] == "pull":
            device.pull()
        elif action[0] == "push":
            _, _, duplicate, drop = action
            batch = list(device.outbox)
            sent.extend(batch)
            device.push(drop_response=drop)
            if duplicate and batch:
                device.outbox = batch + [m for m in device.outbox if m not in batch]
                device.push()
        else:
            kind, case_index, *args = action[2]
            case_id, checklist_id = cases[case_index]
            if kind == "tick":
                m = device.set_item(case_id, checklist_id, args[0], args[1])
                origin[m["id"]] = device.device_id
            elif kind == "note":
                body = f"{device.device_id}:{args[0]}"
                written.add(body)
                device.add_note(case_id, body)
            elif kind == "edit":
                known = device.known_notes(case_id)
                if known:
                    body = f"{device.device_id}:edit:{args[1]}"
                    written.add(body)
                    device.edit_note(case_id, known[args[0] % len(known)], body)
            else:
                device.set_stage(case_id, args[0])

    for _ in range(2):  # everyone pushes what is left, then everyone pulls
        for device in devices:
            sent.extend(device.outbox)
            device.push()
        for device in devices:
            device.pull()

    case_ids = [c for c, _ in cases]
    server = {c: client.get(f"/api/v1/cases/{c}", headers=a).json() for c in case_ids}
    for device in devices:
        assert not device.outbox
        assert {c: device.cases[c] for c in case_ids} == server
        assert all(r["status"] != "rejected" for r in device.results), device.results

    notes = session.exec(select(CaseNote).where(col(CaseNote.case_id).in_(case_ids))).all()
    on_server = {n.body for n in notes} | {
        h["body"] for n in notes for h in n.history if "body" in h
    }
    assert written <= on_server

    # Ticks: the (clock, device id) maximum among the set_item mutations sent wins.
    winners: dict[tuple[str, str, str], tuple[int, str, bool]] = {}
    for m in sent:
        if m["type"] != "set_item":
            continue
        key = (m["case_id"], m["checklist_id"], m["item_key"])
        candidate = (m["clock"], origin[m["id"]], m["done"])
        if key not in winners or candidate[:2] > winners[key][:2]:
            winners[key] = candidate
    for (case_id, checklist_id, item_key), (_, _, done) in winners.items():
        checklist = next(c for c in server[case_id]["checklists"] if c["id"] == checklist_id)
        assert checklist["items"][item_key]["done"] is done
