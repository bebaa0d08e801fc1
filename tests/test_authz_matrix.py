"""Issue #9: the authorization matrix. Every route of the app (walked from ``app.routes``)
against anonymous, worker, translator, editor and admin, with the status each must get. A route
without an entry here fails the test: whoever adds one decides who may call it.

Issue #11 adds a translator of another locale: the translator is assigned French, which the
admin content routes are called with; ``translator_other`` is assigned Spanish only."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, UserLocale
from app.content.models import EntityKind
from app.content.write import get_pointer
from app.core.http import iter_routes
from app.field.schemas import ContactIn
from app.field.service import create_contact
from tests.factories import PASSWORD, make_user

ROLES = ("anonymous", "worker", "translator", "translator_other", "editor", "admin")
PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": 401, **dict.fromkeys(ROLES[1:], 200)}
FORBIDDEN = dict.fromkeys(ROLES[1:], 403)


def editors(ok: int) -> dict[str, int]:
    return {"anonymous": 401, **FORBIDDEN, "editor": ok, "admin": ok}


def admins_only(ok: int) -> dict[str, int]:
    return {"anonymous": 401, **FORBIDDEN, "admin": ok}


def workers_only(ok: int) -> dict[str, int]:
    return {"anonymous": 401, **FORBIDDEN, "worker": ok}


def staff(ok: int) -> dict[str, int]:
    """Admins, editors and translators (any locale: reading)."""
    return {"anonymous": 401, **dict.fromkeys(ROLES[1:], ok), "worker": 403}


def writers_of_fr(ok: int) -> dict[str, int]:
    """Admins, editors and the French translator; not the Spanish one."""
    return {**staff(ok), "translator_other": 403}


ADMINS = {"anonymous": 401, **FORBIDDEN, "admin": 200}
ENTITY = "/api/v1/admin/content/{kind}/{key}/{locale}"


FEEDBACK = {"locale": "en", "target_kind": "item", "target_slug": "overview", "kind": "useful"}
CONTACT = {"country": "NG", "name": "Matrix test entry", "help_kind": "test only"}

# (method, path template) -> expected status per caller. Path parameters are filled in by
# _fill(); bodies come from BODIES.
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("HEAD", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/api/v1/locales"): PUBLIC,
    ("GET", "/api/v1/content/{locale}"): PUBLIC,
    ("GET", "/api/v1/content/{locale}/items/{slug}"): PUBLIC,
    ("GET", "/api/v1/i18n/{locale}"): PUBLIC,
    ("POST", "/api/v1/auth/login"): PUBLIC,  # with valid credentials, from anyone
    ("POST", "/api/v1/auth/logout"): {"anonymous": 401, **dict.fromkeys(ROLES[1:], 204)},
    ("GET", "/api/v1/auth/me"): SIGNED_IN,
    ("GET", "/api/v1/cases/rules"): PUBLIC,
    ("GET", "/api/v1/cases"): workers_only(200),
    ("POST", "/api/v1/cases"): workers_only(201),
    ("GET", "/api/v1/cases/{case_id}"): workers_only(200),
    ("POST", "/api/v1/cases/{case_id}/workers"): workers_only(200),
    ("DELETE", "/api/v1/cases/{case_id}/workers/{user_id}"): workers_only(204),
    ("POST", "/api/v1/sync/cases"): workers_only(200),
    ("GET", "/api/v1/sync/cases"): workers_only(200),
    # Issue #14: anonymous feedback, the public contacts directory, and their admin screens.
    ("POST", "/api/v1/feedback"): PUBLIC,
    ("GET", "/api/v1/contacts"): PUBLIC,
    ("GET", "/api/v1/admin/feedback"): editors(200),
    ("POST", "/api/v1/admin/feedback/{feedback_id}/resolve"): editors(200),
    ("GET", "/api/v1/admin/contacts"): admins_only(200),
    ("POST", "/api/v1/admin/contacts"): admins_only(201),
    ("PUT", "/api/v1/admin/contacts/{contact_id}"): admins_only(200),
    ("DELETE", "/api/v1/admin/contacts/{contact_id}"): admins_only(204),
    ("GET", "/sw.js"): PUBLIC,
    ("HEAD", "/sw.js"): PUBLIC,
    ("GET", "/manifest.webmanifest"): PUBLIC,
    ("HEAD", "/manifest.webmanifest"): PUBLIC,
    ("GET", "/static/{path:path}"): PUBLIC,
    ("HEAD", "/static/{path:path}"): PUBLIC,
    ("GET", "/{path:notapi}"): PUBLIC,
    # Issue #11: the content change feed (public, like the bundle) and the admin API.
    ("GET", "/api/v1/sync/content"): PUBLIC,
    ("GET", "/api/v1/admin/content"): staff(200),
    ("GET", "/api/v1/admin/coverage"): staff(200),
    ("GET", ENTITY): staff(200),
    ("PUT", ENTITY): writers_of_fr(200),
    ("GET", ENTITY + "/revisions"): staff(200),
    ("GET", ENTITY + "/diff"): staff(200),
    ("POST", ENTITY + "/revert"): writers_of_fr(200),
    ("POST", ENTITY + "/review"): writers_of_fr(200),
    ("POST", "/api/v1/admin/content/publish"): writers_of_fr(200),
    ("POST", "/api/v1/admin/content/preview"): staff(200),
    ("GET", "/api/v1/admin/translations/{locale}"): writers_of_fr(200),
    ("POST", "/api/v1/admin/translations/{locale}"): writers_of_fr(200),
    ("GET", "/api/v1/admin/users"): ADMINS,
    ("POST", "/api/v1/admin/users"): {**ADMINS, "admin": 201},
    ("PATCH", "/api/v1/admin/users/{user_id}"): ADMINS,
    ("POST", "/api/v1/admin/users/{user_id}/password"): {**ADMINS, "admin": 204},
    ("GET", "/api/v1/admin/audit"): ADMINS,
}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route, including those of included routers."""

    found = set()
    for route in iter_routes(app.routes):
        for method in getattr(route, "methods", None) or ():
            found.add((method, route.path))
    return found


def test_every_route_has_an_entry_in_the_matrix(app: FastAPI) -> None:
    routes = app_routes(app)
    assert len(routes) > 20  # the walk found the included routers' routes
    missing = sorted(routes - MATRIX.keys())
    assert not missing, f"routes without an authorization entry in MATRIX: {missing}"
    stale = sorted(MATRIX.keys() - routes)
    assert not stale, f"MATRIX entries for routes that no longer exist: {stale}"


@pytest.fixture
def callers(client: TestClient, session: Session) -> dict[str, Any]:
    users = {role: make_user(session, Role(role.split("_")[0])) for role in ROLES[1:]}
    session.add(UserLocale(user_id=users["translator"].id, locale="fr"))
    session.add(UserLocale(user_id=users["translator_other"].id, locale="es"))
    session.commit()
    colleague = make_user(session, Role.worker)
    target = make_user(session, Role.translator)
    tokens = {}
    for role, user in users.items():
        r = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
        tokens[role] = r.json()["token"]
    worker = {"Authorization": f"Bearer {tokens['worker']}"}
    case = client.post("/api/v1/cases", json={"country": "NG"}, headers=worker).json()
    feedback_id = str(uuid.uuid4())
    client.post("/api/v1/feedback", json={**FEEDBACK, "id": feedback_id})
    contact = create_contact(session, ContactIn.model_validate(CONTACT), users["admin"])
    return {
        "users": users,
        "tokens": tokens,
        "colleague": colleague,
        "case_id": case["id"],
        "feedback_id": feedback_id,
        "contact_id": contact.id,
        "target": target,
        "session": session,
    }


QUERIES = {
    "/api/v1/sync/content": "?locale=fr&since=k1.0",
    ENTITY + "/diff": "?a=1&b=2",
}


def _fill(path: str, ctx: dict[str, Any]) -> str:
    if path.startswith("/api/v1/admin/users/"):
        path = path.replace("{user_id}", str(ctx["target"].id))
    if path.startswith("/api/v1/admin/"):
        path = path.replace("{locale}", "fr").replace("{kind}", "item").replace("{key}", "overview")
    return (
        path.replace("{locale}", "en")
        .replace("{slug}", "overview")
        .replace("{case_id}", ctx["case_id"])
        .replace("{user_id}", str(ctx["colleague"].id))
        .replace("{feedback_id}", ctx["feedback_id"])
        .replace("{contact_id}", str(ctx["contact_id"]))
        .replace("{path:path}", "app.css")
        .replace("{path:notapi}", "en/cases")
    ) + QUERIES.get(path, "")


def _body(method: str, path: str, ctx: dict[str, Any]) -> Any:
    if path == "/api/v1/auth/login":
        return {"email": ctx["colleague"].email, "password": PASSWORD}
    if path == "/api/v1/cases" and method == "POST":
        return {"country": "NG"}
    if path == "/api/v1/cases/{case_id}/workers":
        return {"email": ctx["colleague"].email}
    if path == "/api/v1/feedback":
        return {**FEEDBACK, "id": str(uuid.uuid4())}
    if path.startswith("/api/v1/admin/contacts") and method in ("POST", "PUT"):
        return CONTACT
    if path == "/api/v1/sync/cases" and method == "POST":
        return {"device_id": "matrix-device-0001", "mutations": []}
    if path.startswith(ENTITY) and method in ("PUT", "POST"):
        pointer = get_pointer(ctx["session"], EntityKind.item, "overview", "fr")
        base = {"base_rev": pointer.draft_rev if pointer else 0}
        if method == "PUT":
            return {**base, "fields": {"title": f"Vue d’ensemble {ctx['calls']}"}}
        return {**base, "to_rev": 1} if path.endswith("/revert") else base
    if path == "/api/v1/admin/content/publish":
        return {"targets": [{"kind": "item", "key": "overview", "locale": "fr"}]}
    if path == "/api/v1/admin/content/preview":
        return {"body_md": "Some **text**."}
    if path == "/api/v1/admin/users" and method == "POST":
        return {
            "email": f"new-{ctx['calls']}@example.org",
            "role": "translator",
            "password": PASSWORD,
            "locales": ["fr"],
        }
    if path == "/api/v1/admin/users/{user_id}":
        return {"role": "translator", "locales": ["fr", "es"]}
    if path == "/api/v1/admin/users/{user_id}/password":
        return {"password": PASSWORD + " reset"}
    return None


def _headers(role: str, method: str, path: str, client: TestClient, ctx: dict[str, Any]) -> dict:  # type: ignore[type-arg]
    if role == "anonymous":
        return {}
    token = ctx["tokens"][role]
    if path == "/api/v1/auth/logout":  # a session of its own, so the others stay signed in
        user = ctx["users"][role]
        r = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
        token = r.json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_every_route_answers_each_caller_as_the_matrix_says(
    app: FastAPI, client: TestClient, callers: dict[str, Any]
) -> None:
    # The colleague is on the case before the worker takes them off it again.
    order = sorted(MATRIX, key=lambda k: (k[0] == "DELETE", k[1], k[0]))
    wrong = []
    for method, path in order:
        for role in ROLES:
            if (method, path) == ("DELETE", "/api/v1/cases/{case_id}/workers/{user_id}"):
                client.post(
                    f"/api/v1/cases/{callers['case_id']}/workers",
                    json={"email": callers["colleague"].email},
                    headers={"Authorization": f"Bearer {callers['tokens']['worker']}"},
                )
            client.cookies.clear()  # bearer tokens only: the login responses set cookies
            callers["calls"] = callers.get("calls", 0) + 1
            response = client.request(
                method,
                _fill(path, callers),
                json=_body(method, path, callers),
                headers=_headers(role, method, path, client, callers),
            )
            expected = MATRIX[(method, path)][role]
            if response.status_code != expected:
                wrong.append(f"{method} {path} as {role}: {response.status_code} != {expected}")
    assert not wrong, "\n".join(wrong)
