"""Issue #9, a lost or stolen phone: disabling an account, shorter worker sessions, taking a
worker off a case (their devices erase it on the next pull)."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, UserSession
from app.accounts.service import set_active
from app.core.config import get_settings
from tests.factories import PASSWORD, bearer, make_user, new_id


def _new_case(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post("/api/v1/cases", json={"country": "NG"}, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _pull(client: TestClient, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    response = client.get("/api/v1/sync/cases", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_disabling_a_user_revokes_every_session_and_the_next_sync_says_wipe(
    client: TestClient, session: Session
) -> None:
    worker = make_user(session, Role.worker)
    phone, laptop = bearer(client, worker), bearer(client, worker)
    assert client.get("/api/v1/sync/cases", headers=phone).status_code == 200

    user, revoked = set_active(session, worker.email.upper(), False)
    assert not user.is_active and revoked == 2
    records = session.exec(select(UserSession).where(UserSession.user_id == worker.id)).all()
    assert all(r.revoked_at is not None for r in records)
    for headers in (phone, laptop):
        response = client.get("/api/v1/sync/cases", headers=headers)
        assert response.status_code == 401
        assert response.json()["wipe"] is True  # the PWA erases the case data it holds
    refused = client.post("/api/v1/auth/login", json={"email": worker.email, "password": "x"})
    assert refused.status_code == 401

    set_active(session, worker.email, True)
    assert client.get("/api/v1/sync/cases", headers=phone).status_code == 401  # stays revoked
    assert client.get("/api/v1/sync/cases", headers=bearer(client, worker)).status_code == 200


def test_an_expired_session_is_401_without_wipe(client: TestClient) -> None:
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer not-a-session"})
    assert response.status_code == 401 and "wipe" not in response.json()


def test_worker_sessions_are_shorter_than_staff_sessions(
    client: TestClient, session: Session
) -> None:
    settings = get_settings()
    assert settings.worker_session_absolute_days < settings.session_absolute_days
    for role, days in (
        (Role.worker, settings.worker_session_absolute_days),
        (Role.editor, settings.session_absolute_days),
    ):
        user = make_user(session, role)
        response = client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert f"Max-Age={days * 86400}" in response.headers["set-cookie"], role
        record = session.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
        assert record.expires_at - record.created_at == timedelta(days=days)


def test_worker_sessions_end_after_the_worker_idle_limit(
    client: TestClient, session: Session
) -> None:
    settings = get_settings()
    worker = make_user(session, Role.worker)
    headers = bearer(client, worker)
    record = session.exec(select(UserSession).where(UserSession.user_id == worker.id)).one()
    record.last_seen_at -= timedelta(minutes=settings.worker_session_idle_minutes + 1)
    session.add(record)
    session.commit()
    assert settings.worker_session_idle_minutes < settings.session_idle_minutes
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_a_worker_taken_off_a_case_has_it_purged_from_their_devices(
    client: TestClient, session: Session
) -> None:
    alice, bob = make_user(session, Role.worker), make_user(session, Role.worker)
    a, b = bearer(client, alice), bearer(client, bob)
    case_id = _new_case(client, a)
    assigned = client.post(f"/api/v1/cases/{case_id}/workers", json={"email": bob.email}, headers=a)
    assert assigned.status_code == 200
    assert assigned.json()["worker_ids"] == [
        u.id for u in sorted((alice, bob), key=lambda u: u.email)
    ]
    first = _pull(client, b)
    assert [c["id"] for c in first["cases"]] == [case_id]
    cursor = first["cursor"]

    removed = client.delete(f"/api/v1/cases/{case_id}/workers/{bob.id}", headers=a)
    assert removed.status_code == 204, removed.text

    # Bob's phone, pulling from where it was, and a new device of his: both erase the case.
    later = client.get(f"/api/v1/sync/cases?since={cursor}", headers=b).json()
    assert case_id in later["purge"] and later["cases"] == []
    assert case_id in _pull(client, b)["purge"]
    assert client.get(f"/api/v1/cases/{case_id}", headers=b).status_code == 404
    # Alice sees the change in her next pull.
    (mine,) = [c for c in _pull(client, a)["cases"] if c["id"] == case_id]
    assert mine["workers"] == [alice.email] and mine["worker_ids"] == [alice.id]

    # Bob can no longer act on the case; put back on it, it is no longer purged.
    assert (
        client.delete(f"/api/v1/cases/{case_id}/workers/{alice.id}", headers=b).status_code == 404
    )
    client.post(f"/api/v1/cases/{case_id}/workers", json={"email": bob.email}, headers=a)
    again = _pull(client, b)
    assert case_id not in again["purge"] and case_id in [c["id"] for c in again["cases"]]


def test_a_case_never_ends_with_zero_workers(client: TestClient, session: Session) -> None:
    alice = make_user(session, Role.worker)
    a = bearer(client, alice)
    case_id = _new_case(client, a)
    alone = client.delete(f"/api/v1/cases/{case_id}/workers/{alice.id}", headers=a)
    assert alone.status_code == 409
    assert alone.headers["content-type"] == "application/problem+json"
    assert client.get(f"/api/v1/cases/{case_id}", headers=a).status_code == 200
    missing = client.delete(f"/api/v1/cases/{case_id}/workers/{alice.id + 999}", headers=a)
    assert missing.status_code == 404
    unknown_case = client.delete(f"/api/v1/cases/{new_id()}/workers/{alice.id}", headers=a)
    assert unknown_case.status_code == 404


def test_a_worker_may_take_themselves_off_a_shared_case(
    client: TestClient, session: Session
) -> None:
    alice, bob = make_user(session, Role.worker), make_user(session, Role.worker)
    a, b = bearer(client, alice), bearer(client, bob)
    case_id = _new_case(client, a)
    client.post(f"/api/v1/cases/{case_id}/workers", json={"email": bob.email}, headers=a)
    assert client.delete(f"/api/v1/cases/{case_id}/workers/{bob.id}", headers=b).status_code == 204
    assert case_id in _pull(client, b)["purge"]
