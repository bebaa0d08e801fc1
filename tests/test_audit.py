"""The audit log as the admin screen reads it: filters by action, actor and date range, pages
with ``before_id``, times in UTC, and no route that changes it (append-only). Field-level
errors of the users API name the field, so the screen can show them beside it."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts import audit
from app.accounts.models import Role
from app.main import create_app
from tests.factories import bearer, make_user

PASSWORD = "a long enough password"


def _events(client: TestClient, headers: dict[str, str], **params: object) -> list[dict]:
    response = client.get("/api/v1/admin/audit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_audit_filters_by_actor_action_and_date_range(client: TestClient, session: Session) -> None:
    admin_user = make_user(session, Role.admin)
    other = make_user(session, Role.admin)
    admin = bearer(client, admin_user)
    # Three events of known times, two actors: one long ago, two now.
    old = audit.record(session, other, "export", "translations", "fr")
    old.at = datetime(2020, 5, 1, 12, 0, tzinfo=UTC)
    audit.record(session, other, "export", "translations", "es")
    audit.record(session, admin_user, "export", "translations", "ar")
    session.commit()

    by_other = _events(client, admin, actor_id=other.id, action="export")
    assert [e["target"] for e in by_other] == ["es", "fr"]  # newest first
    assert {e["actor_id"] for e in by_other} == {other.id}

    # A day in 2020, given with an offset: the server compares instants, not wall clocks.
    day = _events(
        client,
        admin,
        action="export",
        since="2020-05-01T13:00:00+02:00",  # 11:00 UTC
        until="2020-05-01T15:00:00+02:00",  # 13:00 UTC
    )
    assert [e["target"] for e in day] == ["fr"]
    assert _events(client, admin, action="export", until="2020-05-01T11:59:00Z") == []
    recent = _events(client, admin, action="export", since="2021-01-01T00:00:00Z")
    assert {"es", "ar"} <= {e["target"] for e in recent} and "fr" not in {
        e["target"] for e in recent
    }
    # Times come back as instants in UTC on every database (a browser must not read them as
    # its own local time).
    assert datetime.fromisoformat(day[0]["at"]) == datetime(2020, 5, 1, 12, 0, tzinfo=UTC)


def test_audit_pages_with_before_id(client: TestClient, session: Session) -> None:
    admin_user = make_user(session, Role.admin)
    admin = bearer(client, admin_user)
    for n in range(5):
        audit.record(session, admin_user, "review", "item", f"page-{n}")
    session.commit()
    first = _events(client, admin, action="review", actor_id=admin_user.id, limit=2)
    second = _events(
        client, admin, action="review", actor_id=admin_user.id, limit=2, before_id=first[-1]["id"]
    )
    third = _events(
        client, admin, action="review", actor_id=admin_user.id, limit=2, before_id=second[-1]["id"]
    )
    targets = [e["target"] for e in first + second + third]
    assert targets == ["page-4", "page-3", "page-2", "page-1", "page-0"]


def test_audit_bad_filters_are_problems_not_errors(client: TestClient, session: Session) -> None:
    admin = bearer(client, make_user(session, Role.admin))
    response = client.get("/api/v1/admin/audit", params={"since": "yesterday"}, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["loc"] == ["query", "since"]


def test_no_route_changes_the_audit_log() -> None:
    app = create_app()
    for route in app.routes:
        path = getattr(route, "path", "")
        if "audit" in path:
            assert set(getattr(route, "methods", set())) <= {"GET", "HEAD"}, (path, route)


def test_audit_is_only_ever_added_to(client: TestClient, session: Session) -> None:
    admin = bearer(client, make_user(session, Role.admin))
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        response = client.request(method, "/api/v1/admin/audit", headers=admin)
        assert response.status_code == 405, (method, response.status_code)


def test_user_errors_name_their_field(client: TestClient, session: Session) -> None:
    admin = bearer(client, make_user(session, Role.admin))
    body = {"email": "taken@example.org", "role": "editor", "password": PASSWORD}
    assert client.post("/api/v1/admin/users", json=body, headers=admin).status_code == 201
    again = client.post("/api/v1/admin/users", json=body, headers=admin)
    assert again.status_code == 409 and again.json()["field"] == "email"
    bad = client.post(
        "/api/v1/admin/users", json={**body, "email": "not an address"}, headers=admin
    )
    assert bad.status_code == 400 and bad.json()["field"] == "email"
    weak = client.post(
        "/api/v1/admin/users",
        json={**body, "email": "weak@example.org", "password": "password"},
        headers=admin,
    )
    assert weak.status_code == 400 and weak.json()["field"] == "password"
    wrong = client.post(
        "/api/v1/admin/users",
        json={**body, "email": "x@example.org", "locales": ["fr"]},
        headers=admin,
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "locales"


def test_admin_times_are_utc(client: TestClient, session: Session) -> None:
    admin = bearer(client, make_user(session, Role.admin))
    users = client.get("/api/v1/admin/users", headers=admin).json()
    for u in users:
        assert datetime.fromisoformat(u["created_at"]).utcoffset() == timedelta(0)
