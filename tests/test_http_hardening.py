"""Issue #9, HTTP level: a body limit before authentication, errors never cached, the
database being unavailable is a 503, logout's cookie deletion, no CDN-loaded docs."""

import json
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, create_engine, select

from app.accounts.models import Role
from app.cases.models import ReturnCase
from app.core import db
from app.core.config import Settings, get_settings
from tests.factories import bearer, make_user, new_id

LIMIT = get_settings().max_body_bytes


def _push_body(padding: int) -> bytes:
    """A valid push (one new case) padded with JSON whitespace to the given size."""
    mutation = {
        "id": new_id(),
        "seq": 1,
        "type": "create_case",
        "case_id": new_id(),
        "country": "NG",
        "stage": "preparing",
        "clock": 1,
    }
    body = json.dumps({"device_id": "dev-" + new_id()[:8], "mutations": [mutation]}).encode()
    return body[:-1] + b" " * padding + body[-1:]


def _case_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(ReturnCase)).one()


def test_an_anonymous_body_over_the_limit_is_413_before_anything_reads_it(
    client: TestClient,
) -> None:
    response = client.post(
        "/api/v1/sync/cases",
        content=b"{" + b" " * (LIMIT + 10) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"  # headers still apply


def test_a_chunked_body_over_the_limit_is_413_and_nothing_is_stored(
    client: TestClient, session: Session
) -> None:
    headers = bearer(client, make_user(session, Role.worker))
    before = _case_count(session)
    small = _push_body(10)
    # A push that fits is applied (the padding is harmless whitespace).
    headers["Content-Type"] = "application/json"
    assert client.post("/api/v1/sync/cases", content=small, headers=headers).status_code == 200
    assert _case_count(session) == before + 1

    big = _push_body(LIMIT + 1)

    def chunks() -> Iterator[bytes]:  # no Content-Length: Transfer-Encoding: chunked
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    response = client.post(
        "/api/v1/sync/cases",
        content=chunks(),
        headers=headers,
    )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert _case_count(session) == before + 1  # the big push stored nothing


def test_problem_responses_are_never_cached(client: TestClient) -> None:
    for path in ("/api/v1/cases", "/api/v1/auth/me", "/api/v1/no-such-thing"):
        response = client.get(path)
        assert response.status_code in (401, 404)
        assert response.headers["cache-control"] == "no-store", path
    invalid = client.post("/api/v1/auth/login", json={"email": 1})
    assert invalid.status_code == 422 and invalid.headers["cache-control"] == "no-store"


def test_logout_deletes_the_cookie_with_secure_in_production(
    app: FastAPI, session: Session
) -> None:
    production = Settings(environment="production")
    app.dependency_overrides[get_settings] = lambda: production
    user = make_user(session, Role.worker)
    with TestClient(app, base_url="https://testserver") as client:
        headers = bearer(client, user)
        response = client.post("/api/v1/auth/logout", headers=headers)
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-hw_session=")
    assert "Secure" in cookie and "Max-Age=0" in cookie


def test_docs_are_not_served_but_the_schema_is(client: TestClient) -> None:
    # Swagger UI loads its script from a CDN that the Content-Security-Policy blocks.
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_an_unreachable_database_is_a_503_with_retry_after(app: FastAPI) -> None:
    # Nothing listens on port 1: connecting fails at once, as with a database that is down.
    down = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", pool_pre_ping=False)

    def down_session() -> Iterator[Session]:
        with Session(down) as s:
            yield s

    app.dependency_overrides[db.session_scope] = down_session
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(
            "/api/v1/auth/login", json={"email": "w@example.org", "password": "x" * 12}
        )
    down.dispose()
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["content-type"] == "application/problem+json"
    assert "psycopg" not in response.text and "127.0.0.1" not in response.text


def test_the_policy_allows_only_this_origin_for_every_kind_of_fetch() -> None:
    """The policy names only what differs from `default-src` (bytes on every document); what
    each kind of fetch falls back to (CSP 3 fallback lists) is still this origin alone."""
    from app.core.http import CONTENT_SECURITY_POLICY

    policy = dict(
        (d.split()[0], " ".join(d.split()[1:]))
        for d in (part.strip() for part in CONTENT_SECURITY_POLICY.split(";"))
    )
    fallbacks = {
        "script-src": ["script-src", "default-src"],
        "style-src": ["style-src", "default-src"],
        "font-src": ["font-src", "default-src"],
        "connect-src": ["connect-src", "default-src"],
        "manifest-src": ["manifest-src", "default-src"],
        "worker-src": ["worker-src", "child-src", "script-src", "default-src"],
        "frame-src": ["frame-src", "child-src", "default-src"],
        "media-src": ["media-src", "default-src"],
    }
    for kind, chain in fallbacks.items():
        effective = next(policy[d] for d in chain if d in policy)
        assert effective == "'self'", kind
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
