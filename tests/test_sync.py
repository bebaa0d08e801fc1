"""Case sync through the real API: idempotent push, cursors, merge rules and notices."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.cases.models import CaseNote
from app.cases.sync.models import AppliedMutation
from tests.factories import bearer, make_user, new_id
from tests.sync_sim import SimDevice


def _shared_case(client: TestClient, a: dict[str, str], b_user: User) -> tuple[str, str]:
    checklist_id = new_id()
    case = client.post(
        "/api/v1/cases",
        json={"country": "VN", "checklists": [{"id": checklist_id, "template_slug": "arrival"}]},
        headers=a,
    ).json()
    client.post(f"/api/v1/cases/{case['id']}/workers", json={"email": b_user.email}, headers=a)
    return case["id"], checklist_id


def _devices(client: TestClient, session: Session) -> tuple[SimDevice, SimDevice, str, str]:
    a_user, b_user = make_user(session), make_user(session)
    a, b = bearer(client, a_user), bearer(client, b_user)
    case_id, checklist_id = _shared_case(client, a, b_user)
    phone_a = SimDevice(client, a, "phone-a-" + new_id()[:8])
    phone_b = SimDevice(client, b, "phone-b-" + new_id()[:8])
    phone_a.pull()
    phone_b.pull()
    return phone_a, phone_b, case_id, checklist_id


def test_offline_case_creation_and_edits_arrive_on_the_server(
    client: TestClient, session: Session
) -> None:
    headers = bearer(client, make_user(session))
    phone = SimDevice(client, headers, "phone-" + new_id()[:8])
    case_id, checklist_id = new_id(), new_id()
    phone._mutation(
        "create_case", case_id, country="UA",
        checklists=[{"id": checklist_id, "template_slug": "pre-return"}],
    )  # fmt: skip
    phone.set_item(case_id, checklist_id, "reflection-period", True)
    phone.add_note(case_id, "Met at the shelter; prefers a female interpreter.")
    results = phone.push()
    assert [r["status"] for r in results] == ["applied"] * 3
    case = client.get(f"/api/v1/cases/{case_id}", headers=headers).json()
    assert case["country"] == "UA"
    assert case["checklists"][0]["items"]["reflection-period"]["done"] is True
    assert case["notes"][0]["body"].startswith("Met at the shelter")


def test_a_replayed_push_is_acknowledged_not_reapplied(
    client: TestClient, session: Session
) -> None:
    phone, _, case_id, checklist_id = _devices(client, session)
    phone.add_note(case_id, "only once")
    phone.set_item(case_id, checklist_id, "meet-on-arrival", True)
    batch = list(phone.outbox)
    phone.push(drop_response=True)  # committed on the server; the answer was lost
    phone.outbox = batch  # so the phone sends the same batch again
    again = phone.push()
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    notes = session.exec(select(CaseNote).where(CaseNote.case_id == case_id)).all()
    assert [n.body for n in notes] == ["only once"]
    ids = [m["id"] for m in batch]
    applied = session.exec(
        select(AppliedMutation).where(col(AppliedMutation.mutation_id).in_(ids))
    ).all()
    assert len(applied) == 2


def test_the_same_id_with_a_different_payload_is_rejected(
    client: TestClient, session: Session
) -> None:
    phone, _, case_id, _ = _devices(client, session)
    mutation = phone.add_note(case_id, "original")
    phone.push()
    forged = {**mutation, "body": "something else", "seq": phone.seq + 1}
    response = client.post(
        "/api/v1/sync/cases",
        json={"device_id": phone.device_id, "mutations": [forged]},
        headers=phone.headers,
    )
    assert response.json()["results"][0] == {
        "mutation_id": mutation["id"], "status": "rejected", "reason": "id_reused", "case_id": None,
    }  # fmt: skip


def test_a_rejected_mutation_does_not_block_the_ones_after_it(
    client: TestClient, session: Session
) -> None:
    phone, _, case_id, checklist_id = _devices(client, session)
    phone.set_item(case_id, checklist_id, "no-such-item", True)
    phone._mutation("set_item", case_id, checklist_id=checklist_id, item_key="Bad Key!", done=1)
    phone.add_note(case_id, "a NUL \x00 cannot be stored")
    phone._mutation("add_note", "not-a-case\x00", note_id=new_id(), body="x")
    phone.add_note(case_id, "still arrives")
    statuses = [r["status"] for r in phone.push()]
    assert statuses == ["rejected", "rejected", "rejected", "rejected", "applied"]
    phone.pull()
    assert [n["body"] for n in phone.cases[case_id]["notes"]] == ["still arrives"]


def test_concurrent_tick_and_untick_resolve_by_logical_time_and_both_are_told(
    client: TestClient, session: Session
) -> None:
    phone_a, phone_b, case_id, checklist_id = _devices(client, session)
    phone_a.set_item(case_id, checklist_id, "meet-on-arrival", True)
    phone_b.clock += 5  # B's edit is logically later
    phone_b.set_item(case_id, checklist_id, "meet-on-arrival", False)
    assert phone_a.push()[0]["status"] == "applied"
    assert phone_b.push()[0]["status"] == "applied"
    phone_a.pull()
    phone_b.pull()
    for phone in (phone_a, phone_b):
        state = phone.cases[case_id]["checklists"][0]["items"]["meet-on-arrival"]
        assert state["done"] is False
    assert [n["kind"] for n in phone_a.notices] == ["tick_overridden"]
    # The other order gives the same answer: B's later untick wins, A is told.
    phone_b.set_item(case_id, checklist_id, "meet-on-arrival", True)
    phone_a.clock = 0  # an old, logically earlier edit from A
    phone_a.set_item(case_id, checklist_id, "meet-on-arrival", False)
    phone_b.push()
    assert phone_a.push()[0]["status"] == "conflict_resolved"
    phone_a.pull()
    assert phone_a.cases[case_id]["checklists"][0]["items"]["meet-on-arrival"]["done"] is True
    assert phone_a.notices[-1]["kind"] == "tick_kept"


def test_concurrent_note_edits_keep_both_notes(client: TestClient, session: Session) -> None:
    phone_a, phone_b, case_id, _ = _devices(client, session)
    phone_a.add_note(case_id, "first text")
    phone_a.push()
    phone_a.pull()
    phone_b.pull()
    note_id = phone_a.cases[case_id]["notes"][0]["id"]
    phone_a.edit_note(case_id, note_id, "A's edit")
    phone_b.edit_note(case_id, note_id, "B's edit")
    assert phone_a.push()[0]["status"] == "applied"
    assert phone_b.push()[0]["status"] == "conflict_resolved"
    phone_a.pull()
    phone_b.pull()
    bodies = sorted(n["body"] for n in phone_b.cases[case_id]["notes"])
    assert bodies == ["A's edit", "B's edit"]
    sibling = next(n for n in phone_b.cases[case_id]["notes"] if n["body"] == "B's edit")
    assert sibling["conflict_of"] == note_id
    assert phone_b.notices[-1]["kind"] == "note_kept_both"
    assert phone_a.cases[case_id] == phone_b.cases[case_id]


def test_a_colleagues_edit_says_who_wrote_the_current_text_and_who_wrote_it_first(
    client: TestClient, session: Session
) -> None:
    """Issue #8: after B edits A's note, every phone learns that B wrote the current text (and
    when) and that A wrote the first one; the history keeps who wrote each earlier text."""
    phone_a, phone_b, case_id, _ = _devices(client, session)
    phone_a.add_note(case_id, "first text")
    phone_a.push()
    phone_a.pull()
    phone_b.pull()
    [first] = phone_b.cases[case_id]["notes"]
    a_id = first["author_id"]
    a_email = first["author_email"]
    assert first["edited_by"] is None and first["editor_email"] is None
    assert a_email and a_email in phone_b.cases[case_id]["workers"]

    phone_b.edit_note(case_id, first["id"], "B's text")
    assert phone_b.push()[0]["status"] == "applied"
    phone_a.pull()
    phone_b.pull()
    for phone in (phone_a, phone_b):
        [note] = phone.cases[case_id]["notes"]
        assert note["body"] == "B's text"
        assert note["author_id"] == a_id and note["author_email"] == a_email
        assert note["edited_by"] is not None and note["edited_by"] != a_id
        assert note["editor_email"] not in (None, a_email)
        assert note["updated_at"] > note["created_at"]
    b_id = phone_b.cases[case_id]["notes"][0]["edited_by"]

    phone_a.edit_note(case_id, first["id"], "A's text again")
    phone_a.push()
    phone_b.pull()
    [note] = phone_b.cases[case_id]["notes"]
    assert note["edited_by"] == a_id and note["author_id"] == a_id
    stored = session.get(CaseNote, first["id"])
    assert stored is not None
    session.refresh(stored)
    assert [(h["body"], h["author_id"]) for h in stored.history] == [
        ("first text", a_id),
        ("B's text", b_id),
    ]


def test_an_edit_to_a_deleted_case_revives_it_and_the_deleter_is_told(
    client: TestClient, session: Session
) -> None:
    phone_a, phone_b, case_id, checklist_id = _devices(client, session)
    phone_a._mutation("delete_case", case_id, base_version=phone_a.cases[case_id]["version"])
    assert phone_a.push()[0]["status"] == "applied"
    phone_b.clock += 10
    phone_b.set_item(case_id, checklist_id, "medical-psychosocial-care", True)
    assert phone_b.push()[0]["status"] == "applied"
    phone_a.pull()
    assert phone_a.cases[case_id]["deleted"] is False
    assert phone_a.notices[-1]["kind"] == "case_restored"


def test_a_delete_made_before_a_colleagues_change_is_refused_and_reported(
    client: TestClient, session: Session
) -> None:
    phone_a, phone_b, case_id, checklist_id = _devices(client, session)
    stale_version = phone_a.cases[case_id]["version"]
    phone_b.set_item(case_id, checklist_id, "medical-psychosocial-care", True)
    phone_b.push()
    phone_a._mutation("delete_case", case_id, base_version=stale_version)
    assert phone_a.push()[0]["status"] == "conflict_resolved"
    phone_a.pull()
    assert phone_a.cases[case_id]["deleted"] is False
    assert phone_a.notices[-1]["kind"] == "delete_refused"


def test_pull_pages_with_a_cursor_and_has_more(client: TestClient, session: Session) -> None:
    headers = bearer(client, make_user(session))
    ids = set()
    for _ in range(5):
        ids.add(client.post("/api/v1/cases", json={"country": "TH"}, headers=headers).json()["id"])
    first = client.get("/api/v1/sync/cases", params={"limit": 2}, headers=headers).json()
    assert len(first["cases"]) == 2 and first["has_more"] is True
    seen = {c["id"] for c in first["cases"]}
    cursor = first["cursor"]
    while True:
        page = client.get(
            "/api/v1/sync/cases", params={"limit": 2, "since": cursor}, headers=headers
        ).json()
        seen |= {c["id"] for c in page["cases"]}
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert seen == ids
    empty = client.get("/api/v1/sync/cases", params={"since": cursor}, headers=headers).json()
    assert empty["cases"] == [] and empty["cursor"] == cursor and empty["has_more"] is False


def test_bad_and_unknown_cursors(client: TestClient, session: Session) -> None:
    headers = bearer(client, make_user(session))
    bad = client.get("/api/v1/sync/cases", params={"since": "yesterday"}, headers=headers)
    assert bad.status_code == 400
    future = client.get("/api/v1/sync/cases", params={"since": "c1.999999999"}, headers=headers)
    assert future.status_code == 410
    assert future.headers["content-type"] == "application/problem+json"


def test_a_device_id_belongs_to_one_account(client: TestClient, session: Session) -> None:
    a = bearer(client, make_user(session))
    b = bearer(client, make_user(session))
    body = {"device_id": "shared-phone-1", "mutations": []}
    assert client.post("/api/v1/sync/cases", json=body, headers=a).status_code == 200
    assert client.post("/api/v1/sync/cases", json=body, headers=b).status_code == 403


def test_guidance_updated_after_the_template_changes(client: TestClient, session: Session) -> None:
    from app.content.models import ChecklistItem, ChecklistItemTranslation, ChecklistTemplate
    from app.content.write import bump_content_version

    headers = bearer(client, make_user(session))
    case = client.post(
        "/api/v1/cases",
        json={"country": "RO", "checklists": [{"id": new_id(), "template_slug": "travel"}]},
        headers=headers,
    ).json()
    assert case["checklists"][0]["guidance_updated"] is False
    text = session.exec(
        select(ChecklistItemTranslation)
        .join(ChecklistItem, col(ChecklistItem.id) == ChecklistItemTranslation.item_id)
        .join(ChecklistTemplate, col(ChecklistTemplate.id) == ChecklistItem.template_id)
        .where(ChecklistTemplate.slug == "travel", ChecklistItemTranslation.locale == "en")
    ).first()
    assert text is not None
    text.source_hash = "changed-by-an-editor"
    session.add(text)
    bump_content_version(session)
    session.commit()
    updated = client.get(f"/api/v1/cases/{case['id']}", headers=headers).json()
    assert updated["checklists"][0]["guidance_updated"] is True
    phone = SimDevice(client, headers, "phone-" + new_id()[:8])
    phone._mutation("ack_guidance", case["id"], checklist_id=case["checklists"][0]["id"])
    assert phone.push()[0]["status"] == "applied"
    again = client.get(f"/api/v1/cases/{case['id']}", headers=headers).json()
    assert again["checklists"][0]["guidance_updated"] is False
    _ = Role


def test_a_devices_own_earlier_edits_do_not_block_its_delete(
    client: TestClient, session: Session
) -> None:
    phone, _, case_id, checklist_id = _devices(client, session)
    version = phone.cases[case_id]["version"]
    phone.set_item(case_id, checklist_id, "legal-advice", True)
    phone._mutation("delete_case", case_id, base_version=version)
    assert [r["status"] for r in phone.push()] == ["applied", "applied"]
    phone.pull()
    assert phone.cases[case_id]["deleted"] is True


def test_a_replayed_refused_mutation_stays_refused_with_a_code(
    client: TestClient, session: Session
) -> None:
    phone = _devices(client, session)[0]
    phone._mutation("create_case", new_id(), country="ZZ")
    batch = list(phone.outbox)
    first = phone.push()
    assert first[0]["status"] == "rejected" and first[0]["reason"] == "invalid_country"
    phone.outbox = batch
    again = phone.push()
    assert again[0]["status"] == "rejected" and again[0]["reason"] == "invalid_country"


def test_nobody_is_told_that_a_colleague_overrode_their_own_change(
    client: TestClient, session: Session
) -> None:
    headers = bearer(client, make_user(session))
    case_id, checklist_id = new_id(), new_id()
    first = SimDevice(client, headers, "first-" + new_id()[:8])
    second = SimDevice(client, headers, "second-" + new_id()[:8])  # the same worker's phone
    first._mutation(
        "create_case", case_id, country="AL",
        checklists=[{"id": checklist_id, "template_slug": "arrival"}],
    )  # fmt: skip
    first.push()
    first.pull()
    second.pull()
    first.set_item(case_id, checklist_id, "legal-advice", True)
    second.clock += 5
    second.set_item(case_id, checklist_id, "legal-advice", False)
    first.push()
    second.push()
    first.pull()
    second.pull()
    assert first.notices == [] and second.notices == []
