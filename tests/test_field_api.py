"""Issue #14, server side: anonymous feedback (idempotent, capped, no personal data) and the
help-contacts directory (public to read, admins edit)."""

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlmodel import Session, select

from app.accounts.models import Role
from app.core.config import get_settings
from app.field.models import Feedback, FeedbackQuota
from tests.factories import bearer, make_user


def feedback(**changes: object) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "locale": "fr",
        "target_kind": "item",
        "target_slug": "tool-7-4",
        "kind": "wrong",
        "text": "Le lien vers la source ne marche pas.",
        **changes,
    }


def test_feedback_is_stored_once_even_when_the_outbox_resends_it(
    client: TestClient, session: Session
) -> None:
    body = feedback()
    first = client.post("/api/v1/feedback", json=body)
    again = client.post("/api/v1/feedback", json=body)
    assert first.status_code == again.status_code == 200
    assert first.json() == {"id": body["id"], "duplicate": False}
    assert again.json() == {"id": body["id"], "duplicate": True}
    assert len(session.exec(select(Feedback).where(Feedback.id == body["id"])).all()) == 1
    # Only a hash of the day and the address is kept for the daily cap.
    keys = [q.key for q in session.exec(select(FeedbackQuota)).all()]
    assert keys and all(len(k) == 64 and "testclient" not in k for k in keys)


def test_feedback_asks_for_no_personal_data(client: TestClient) -> None:
    r = client.post("/api/v1/feedback", json=feedback(email="someone@example.org"))
    assert r.status_code == 422
    assert client.post("/api/v1/feedback", json=feedback(text="x" * 501)).status_code == 422


def test_feedback_body_size_and_daily_cap_per_address(client: TestClient, session: Session) -> None:
    # Other tests (the API fuzzing) send feedback from the same test client address and
    # commit it: start this address's day afresh, inside this test's transaction.
    session.execute(delete(FeedbackQuota))
    session.flush()
    settings = get_settings()
    big = b'{"pad":"' + b"x" * settings.feedback_max_bytes + b'"}'
    r = client.post("/api/v1/feedback", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    old = settings.feedback_daily_per_address
    settings.feedback_daily_per_address = 3
    try:
        codes = [client.post("/api/v1/feedback", json=feedback()).status_code for _ in range(4)]
    finally:
        settings.feedback_daily_per_address = old
    assert codes == [200, 200, 200, 429]


def test_editors_see_and_resolve_feedback(client: TestClient, session: Session) -> None:
    body = feedback()
    client.post("/api/v1/feedback", json=body)
    editor = bearer(client, make_user(session, Role.editor))
    open_items = client.get("/api/v1/admin/feedback?resolved=false", headers=editor).json()
    assert body["id"] in [f["id"] for f in open_items]
    r = client.post(f"/api/v1/admin/feedback/{body['id']}/resolve", headers=editor)
    assert r.status_code == 200 and r.json()["resolved_at"]
    open_items = client.get("/api/v1/admin/feedback?resolved=false", headers=editor).json()
    assert body["id"] not in [f["id"] for f in open_items]


def test_contacts_ship_empty_and_admins_edit_them(client: TestClient, session: Session) -> None:
    assert client.get("/api/v1/contacts").json() == {"contacts": []}
    admin = bearer(client, make_user(session, Role.admin))
    entry = {
        "country": "NG",
        "name": "Test organisation",
        "help_kind": "Shelter",
        "phone": "+234 1 000 0000",
        "website": "https://example.org/",
        "languages": ["en", "yo"],
        "hours": "Mon-Fri 9-17",
    }
    created = client.post("/api/v1/admin/contacts", json=entry, headers=admin)
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    assert (
        client.post(
            "/api/v1/admin/contacts", json={**entry, "phone": "call me"}, headers=admin
        ).status_code
        == 422
    )
    r = client.get("/api/v1/contacts?country=NG")
    assert [c["name"] for c in r.json()["contacts"]] == ["Test organisation"]
    assert client.get("/api/v1/contacts?country=RO").json() == {"contacts": []}
    etag = r.headers["etag"]
    assert (
        client.get("/api/v1/contacts?country=NG", headers={"If-None-Match": etag}).status_code
        == 304
    )
    changed = client.put(
        f"/api/v1/admin/contacts/{cid}", json={**entry, "hours": "24/7"}, headers=admin
    )
    assert changed.json()["hours"] == "24/7"
    assert client.delete(f"/api/v1/admin/contacts/{cid}", headers=admin).status_code == 204
    assert client.get("/api/v1/contacts").json() == {"contacts": []}


def test_contact_changes_and_resolved_feedback_are_in_the_audit_log(
    client: TestClient, session: Session
) -> None:
    admin_user = make_user(session, Role.admin)
    admin = bearer(client, admin_user)
    entry = {"country": "NG", "name": "Test organisation", "help_kind": "Shelter"}
    cid = client.post("/api/v1/admin/contacts", json=entry, headers=admin).json()["id"]
    client.put(f"/api/v1/admin/contacts/{cid}", json={**entry, "hours": "24/7"}, headers=admin)
    client.delete(f"/api/v1/admin/contacts/{cid}", headers=admin)
    body = feedback()
    client.post("/api/v1/feedback", json=body)
    client.post(f"/api/v1/admin/feedback/{body['id']}/resolve", headers=admin)
    client.post(f"/api/v1/admin/feedback/{body['id']}/resolve", headers=admin)  # no new event

    events = client.get(f"/api/v1/admin/audit?actor_id={admin_user.id}", headers=admin).json()
    mine = [(e["action"], e["target_kind"], e["target"]) for e in reversed(events)]
    assert [m for m in mine if m[1] in ("contact", "feedback")] == [
        ("contact_create", "contact", str(cid)),
        ("contact_update", "contact", str(cid)),
        ("contact_delete", "contact", str(cid)),
        ("feedback_resolve", "feedback", body["id"]),
    ]
    # Ids and kinds only: the organisation's details stay out of the log.
    assert "Test organisation" not in str(events) and "24/7" not in str(events)
