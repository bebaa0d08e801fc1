from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, UserSession
from app.accounts.service import revoke_all_sessions
from app.core.config import get_settings
from app.core.models import utcnow
from tests.factories import PASSWORD, bearer, make_user


def test_login_gives_a_bearer_token_and_an_httponly_strict_cookie(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    response = client.post(
        "/api/v1/auth/login", json={"email": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"id": user.id, "email": user.email, "role": "worker"}
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert body["token"] in cookie
    assert response.headers["cache-control"] == "no-store"
    stored = session.exec(select(UserSession.token_hash)).all()
    assert body["token"] not in stored  # only its hash is kept
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json()["email"] == user.email


def test_wrong_password_and_unknown_account_look_the_same(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    wrong = client.post("/api/v1/auth/login", json={"email": user.email, "password": "nope"})
    unknown = client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.org", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.headers["content-type"] == "application/problem+json"


def test_failed_logins_are_throttled_per_account_with_retry_after(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    limit = get_settings().login_max_failures_per_account
    for _ in range(limit):
        assert (
            client.post(
                "/api/v1/auth/login", json={"email": user.email, "password": "guess"}
            ).status_code
            == 401
        )
    blocked = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert blocked.json()["retry_after"] > 0
    other = make_user(session)
    assert (
        client.post(
            "/api/v1/auth/login", json={"email": other.email, "password": PASSWORD}
        ).status_code
        == 200
    )


def test_logout_revokes_the_session(client: TestClient, session: Session) -> None:
    headers = bearer(client, make_user(session))
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_revoking_all_sessions_signs_the_user_out_everywhere(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    first, second = bearer(client, user), bearer(client, user)
    assert revoke_all_sessions(session, user.id or 0) == 2
    assert client.get("/api/v1/auth/me", headers=first).status_code == 401
    assert client.get("/api/v1/auth/me", headers=second).status_code == 401


def test_cookie_requests_that_change_state_need_the_csrf_header(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert client.get("/api/v1/auth/me").status_code == 200  # the cookie works for reads
    refused = client.post("/api/v1/auth/logout")
    assert refused.status_code == 403
    cross_site = client.post(
        "/api/v1/auth/logout", headers={"X-Homeward-CSRF": "1", "Sec-Fetch-Site": "cross-site"}
    )
    assert cross_site.status_code == 403
    accepted = client.post("/api/v1/auth/logout", headers={"X-Homeward-CSRF": "1"})
    assert accepted.status_code == 204


def test_idle_sessions_expire(client: TestClient, session: Session) -> None:
    user = make_user(session)
    headers = bearer(client, user)
    record = session.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    record.last_seen_at = record.last_seen_at - timedelta(
        minutes=get_settings().session_idle_minutes + 1
    )
    session.add(record)
    session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_only_workers_reach_cases(client: TestClient, session: Session) -> None:
    editor = bearer(client, make_user(session, Role.editor))
    assert client.get("/api/v1/cases", headers=editor).status_code == 403


def test_control_characters_in_an_email_are_a_422_not_a_500(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": "a\x00b@example.org", "password": "x"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_failed_logins_are_throttled_per_address_across_accounts(
    app: FastAPI, session: Session
) -> None:
    strict = get_settings().model_copy(update={"login_max_failures_per_address": 3})
    app.dependency_overrides[get_settings] = lambda: strict
    with TestClient(app) as client:
        users = [make_user(session) for _ in range(4)]
        for user in users[:3]:  # one failure each: no single account reaches its limit
            bad = client.post("/api/v1/auth/login", json={"email": user.email, "password": "x"})
            assert bad.status_code == 401
        blocked = client.post(
            "/api/v1/auth/login", json={"email": users[3].email, "password": PASSWORD}
        )
    assert blocked.status_code == 429
    assert "retry-after" in blocked.headers


def test_sessions_end_at_their_absolute_expiry(client: TestClient, session: Session) -> None:
    user = make_user(session)
    headers = bearer(client, user)
    record = session.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    record.expires_at = utcnow() - timedelta(seconds=1)
    session.add(record)
    session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
