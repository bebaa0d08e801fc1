"""Issue #11: editing, reviewing and publishing guidance in the app, and small updates to
every phone (the content change feed)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import AuditEvent, Role, UserLocale
from app.content.models import ContentState
from tests.factories import bearer, make_user

TOOL = "/api/v1/admin/content/item/tool-7-1"


def _staff(client: TestClient, session: Session, role: Role, *locales: str) -> dict[str, str]:
    user = make_user(session, role)
    for locale in locales:
        session.add(UserLocale(user_id=user.id or 0, locale=locale))
    session.commit()
    return bearer(client, user)


def _cursor(client: TestClient, locale: str) -> str:
    response = client.get(f"/api/v1/content/{locale}")
    assert response.status_code == 200
    return response.json()["cursor"]


def _delta(client: TestClient, locale: str, since: str, **params: Any) -> dict[str, Any]:
    response = client.get(
        "/api/v1/sync/content", params={"locale": locale, "since": since, **params}
    )
    assert response.status_code == 200, response.text
    return response.json()


def _draft(client: TestClient, headers: dict[str, str], path: str) -> dict[str, Any]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _save(client: TestClient, headers: dict[str, str], path: str, base: int, **fields: Any) -> Any:
    extra = {k: fields.pop(k) for k in ("minor", "note") if k in fields}
    return client.put(path, json={"base_rev": base, "fields": fields, **extra}, headers=headers)


def _publish(client: TestClient, headers: dict[str, str], *targets: tuple[str, str, str]) -> Any:
    body = {"targets": [{"kind": k, "key": key, "locale": loc} for k, key, loc in targets]}
    return client.post("/api/v1/admin/content/publish", json=body, headers=headers)


def _fix_a_figure(client: TestClient, editor: dict[str, str], **save: Any) -> dict[str, Any]:
    draft = _draft(client, editor, f"{TOOL}/en")
    body = draft["fields"]["body_md"]
    assert "at least 30 days" in body
    response = _save(
        client,
        editor,
        f"{TOOL}/en",
        draft["base_rev"],
        body_md=body.replace("at least 30 days", "at least 45 days", 1),
        **save,
    )
    assert response.status_code == 200, response.text
    published = _publish(client, editor, ("item", "tool-7-1", "en"))
    assert published.status_code == 200, published.text
    return published.json()


def test_publish_reaches_phones_as_a_small_delta(client: TestClient, session: Session) -> None:
    editor = _staff(client, session, Role.editor)
    cursors = {locale: _cursor(client, locale) for locale in ("en", "fr", "vi")}
    before = client.get("/api/v1/content/en")
    fr_before = next(
        i for i in client.get("/api/v1/content/fr").json()["items"] if i["slug"] == "tool-7-1"
    )
    assert fr_before["stale"] is False

    # A draft reaches nobody.
    draft = _draft(client, editor, f"{TOOL}/en")
    body = draft["fields"]["body_md"]
    assert (
        _save(
            client, editor, f"{TOOL}/en", draft["base_rev"], body_md=body + "\n\nDraft."
        ).status_code
        == 200
    )
    assert _delta(client, "en", cursors["en"])["changes"] == []
    assert client.get("/api/v1/content/en").headers["etag"] == before.headers["etag"]

    # Publishing it (and the figure fix) changes the bundle, its version and its ETag…
    draft = _draft(client, editor, f"{TOOL}/en")
    assert _save(client, editor, f"{TOOL}/en", draft["base_rev"], body_md=body).status_code == 200
    result = _fix_a_figure(client, editor)
    after = client.get("/api/v1/content/en")
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["version"] == result["seq"] > before.json()["version"]
    assert after.json()["cursor"] == f"k1.{result['seq']}"

    # …and a phone that was online before receives only tool 7.1.
    en = _delta(client, "en", cursors["en"])
    assert [(c["type"], c["slug"], c["op"]) for c in en["changes"]] == [("item", "tool-7-1", "put")]
    assert "at least 45 days" in en["changes"][0]["data"]["body_html"]
    assert en["has_more"] is False and en["cursor"] == after.json()["cursor"]
    assert en["version"] == after.json()["version"]
    assert (
        len(
            client.get(
                "/api/v1/sync/content", params={"locale": "en", "since": cursors["en"]}
            ).content
        )
        < 20_000
    )

    # French: only tool 7.1, now flagged stale (its text unchanged).
    fr = _delta(client, "fr", cursors["fr"])
    assert [(c["slug"], c["op"]) for c in fr["changes"]] == [("tool-7-1", "put")]
    data = fr["changes"][0]["data"]
    assert (
        data["stale"] is True
        and data["locale"] == "fr"
        and data["body_html"] == fr_before["body_html"]
    )

    # A locale without its own tool 7.1 falls back to the new English.
    vi = _delta(client, "vi", cursors["vi"])
    assert [c["slug"] for c in vi["changes"]] == ["tool-7-1"]

    # Up to date: nothing more.
    assert _delta(client, "en", en["cursor"])["changes"] == []


def test_a_minor_edit_does_not_make_translations_stale(
    client: TestClient, session: Session
) -> None:
    editor = _staff(client, session, Role.editor)
    cursor = _cursor(client, "fr")
    _fix_a_figure(client, editor, minor=True)
    fr = _delta(client, "fr", cursor)
    tool = next(c["data"] for c in fr["changes"] if c["slug"] == "tool-7-1")
    assert tool["stale"] is False


def test_an_unknown_or_too_old_cursor_is_gone(client: TestClient, session: Session) -> None:
    cursor = _cursor(client, "en")
    seq = int(cursor.split(".")[1])
    for bad, status in (("nonsense", 400), ("c1.3", 400), (f"k1.{seq + 5}", 410), ("k2.1", 410)):
        response = client.get("/api/v1/sync/content", params={"locale": "en", "since": bad})
        assert response.status_code == status, bad
        assert response.headers["content-type"].startswith("application/problem+json")
    state = session.get(ContentState, 1)
    state.min_valid_seq = seq
    session.add(state)
    session.commit()
    assert (
        client.get(
            "/api/v1/sync/content", params={"locale": "en", "since": f"k1.{seq - 1}"}
        ).status_code
        == 410
    )
    assert (
        client.get("/api/v1/sync/content", params={"locale": "en", "since": cursor}).status_code
        == 200
    )


def test_pages_follow_has_more_without_splitting_a_publish(client: TestClient) -> None:
    seen: list[str] = []
    cursor, pages = "k1.0", 0
    while True:
        page = _delta(client, "fr", cursor, limit=5)
        seen += [f"{c['type']}:{c['slug']}" for c in page["changes"]]
        cursor, pages = page["cursor"], pages + 1
        if not page["has_more"]:
            break
    bundle = client.get("/api/v1/content/fr").json()
    expected = (
        [f"item:{i['slug']}" for i in bundle["items"]]
        + [f"checklist:{c['slug']}" for c in bundle["checklists"]]
        + [f"term:{t['key']}" for t in bundle["glossary"]]
    )
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    assert cursor == bundle["cursor"]


def test_two_editors_saving_from_the_same_revision(client: TestClient, session: Session) -> None:
    first = _staff(client, session, Role.editor)
    second = _staff(client, session, Role.translator, "fr")
    base = _draft(client, first, f"{TOOL}/fr")["base_rev"]
    ok = _save(client, first, f"{TOOL}/fr", base, title="Délai de réflexion (1)")
    assert ok.status_code == 200
    clash = _save(client, second, f"{TOOL}/fr", base, title="Délai de réflexion (2)")
    assert clash.status_code == 409
    assert clash.headers["content-type"].startswith("application/problem+json")
    problem = clash.json()
    assert problem["current"]["rev"] == ok.json()["rev"]
    assert problem["current"]["author"].startswith("editor-")
    assert problem["current"]["fields"]["title"] == "Délai de réflexion (1)"
    assert _draft(client, first, f"{TOOL}/fr")["fields"]["title"] == "Délai de réflexion (1)"


def test_field_level_errors(client: TestClient, session: Session) -> None:
    editor = _staff(client, session, Role.editor)
    base = _draft(client, editor, f"{TOOL}/en")["base_rev"]
    response = _save(client, editor, f"{TOOL}/en", base, title="x" * 201, summary="")
    assert response.status_code == 422
    locs = {tuple(e["loc"]) for e in response.json()["errors"]}
    assert ("fields", "title") in locs and ("fields", "summary") in locs
    response = _save(client, editor, f"{TOOL}/en", base, body_md="# Title\n\n<script>x</script>")
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["errors"]} == {("fields", "body_md")}
    assert _draft(client, editor, f"{TOOL}/en")["base_rev"] == base  # nothing saved


def test_translators_write_only_their_locales(client: TestClient, session: Session) -> None:
    translator = _staff(client, session, Role.translator, "fr")
    assert _save(client, translator, f"{TOOL}/es", 0, title="Período").status_code == 403
    assert _save(client, translator, f"{TOOL}/en", 0, title="Reflection").status_code == 403
    assert _publish(client, translator, ("item", "tool-7-1", "en")).status_code == 403
    ok = _save(client, translator, f"{TOOL}/fr", 0, title="Délai de réflexion")
    assert ok.status_code == 200 and ok.json()["status"] == "draft"
    worker = _staff(client, session, Role.worker)
    assert client.get("/api/v1/admin/content", headers=worker).status_code == 403


def test_review_revert_history_and_diff(client: TestClient, session: Session) -> None:
    editor = _staff(client, session, Role.editor)
    translator = _staff(client, session, Role.translator, "fr")
    path = f"{TOOL}/fr"
    original = _draft(client, translator, path)
    assert original["status"] == "machine" and original["base_rev"] == 0
    first_para = original["fields"]["body_md"].split("\n\n")[0]
    edited = original["fields"]["body_md"].replace(first_para, first_para + " Ajout.", 1)
    saved = _save(client, translator, path, 0, body_md=edited, note="précision").json()
    assert saved["rev"] == 2  # revision 1: the text as seeded
    listed = client.get(
        "/api/v1/admin/content", params={"locale": "fr", "status": "draft"}, headers=editor
    ).json()
    assert [r["key"] for r in listed] == ["tool-7-1"] and listed[0]["last_editor"].startswith(
        "translator-"
    )

    diff = client.get(f"{path}/diff", params={"a": 1, "b": 2}, headers=editor).json()
    assert list(diff["fields"]) == ["body_md"]
    assert diff["fields"]["body_md"] == [
        {"op": "replace", "old": [first_para], "new": [first_para + " Ajout."]}
    ]

    # Publishing keeps the draft status until someone reviews it.
    assert _publish(client, translator, ("item", "tool-7-1", "fr")).status_code == 200
    fr = next(
        i for i in client.get("/api/v1/content/fr").json()["items"] if i["slug"] == "tool-7-1"
    )
    assert fr["status"] == "draft" and "Ajout." in fr["body_html"]
    reviewed = client.post(f"{path}/review", json={"base_rev": 2}, headers=editor)
    assert reviewed.status_code == 200 and reviewed.json()["rev"] == 3
    detail = _draft(client, editor, path)
    assert detail["reviewed_by"].startswith("editor-") and detail["reviewed_at"]
    assert detail["status"] == "reviewed" and detail["published_rev"] == 3  # published at once

    # Revert is a new revision with the old text; it reaches readers when published.
    stale_revert = client.post(f"{path}/revert", json={"base_rev": 2, "to_rev": 1}, headers=editor)
    assert stale_revert.status_code == 409
    reverted = client.post(
        f"{path}/revert", json={"base_rev": 3, "to_rev": 1}, headers=editor
    ).json()
    assert reverted["rev"] == 4 and reverted["fields"]["body_md"] == original["fields"]["body_md"]
    history = client.get(f"{path}/revisions", headers=editor).json()
    assert [r["rev"] for r in history] == [4, 3, 2, 1]
    assert _publish(client, editor, ("item", "tool-7-1", "fr")).status_code == 200
    fr = next(
        i for i in client.get("/api/v1/content/fr").json()["items"] if i["slug"] == "tool-7-1"
    )
    assert "Ajout." not in fr["body_html"]
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    assert {"publish", "review", "revert", "sign_in"} <= set(actions)


def test_stale_translation_shows_what_changed_in_english(
    client: TestClient, session: Session
) -> None:
    editor = _staff(client, session, Role.editor)
    _fix_a_figure(client, editor)
    detail = _draft(client, editor, f"{TOOL}/fr")
    assert detail["status"] == "stale" and detail["stale"] is True
    change = detail["stale_diff"]["fields"]["body_md"]
    assert len(change) == 1 and change[0]["op"] == "replace"
    assert "at least 30 days" in change[0]["old"][0] and "at least 45 days" in change[0]["new"][0]
    stale = client.get(
        "/api/v1/admin/content", params={"locale": "fr", "status": "stale"}, headers=editor
    ).json()
    assert [r["key"] for r in stale] == ["tool-7-1"]
    # The translator updates the French: no longer stale.
    translator = _staff(client, session, Role.translator, "fr")
    body = detail["fields"]["body_md"].replace("30", "45")
    assert (
        _save(client, translator, f"{TOOL}/fr", detail["base_rev"], body_md=body).status_code == 200
    )
    assert _publish(client, translator, ("item", "tool-7-1", "fr")).status_code == 200
    fr = next(
        i for i in client.get("/api/v1/content/fr").json()["items"] if i["slug"] == "tool-7-1"
    )
    assert fr["stale"] is False


def test_a_publish_that_would_leave_an_item_without_english_is_refused(
    client: TestClient, session: Session
) -> None:
    editor = _staff(client, session, Role.editor)
    new = "/api/v1/admin/content/item/new-page"
    english = {
        "kind": "page", "audience": "returnee", "order": 150, "title": "A new page",
        "summary": "A page written in the app.", "body_md": "Some text. " * 10,
        "sources": [{"title": "UNODC", "url": "https://www.unodc.org/"}],
    }  # fmt: skip
    assert _save(client, editor, f"{new}/en", 0, **english).status_code == 200
    french = {"title": "Une page", "summary": "Une page écrite.", "body_md": "Du texte. " * 10}
    assert _save(client, editor, f"{new}/fr", 0, **french).status_code == 200
    refused = _publish(client, editor, ("item", "new-page", "fr"))
    assert refused.status_code == 409
    assert "new-page" not in [i["slug"] for i in client.get("/api/v1/content/fr").json()["items"]]
    both = _publish(client, editor, ("item", "new-page", "fr"), ("item", "new-page", "en"))
    assert both.status_code == 200 and len(both.json()["published"]) == 2
    fr = next(
        i for i in client.get("/api/v1/content/fr").json()["items"] if i["slug"] == "new-page"
    )
    assert fr["title"] == "Une page" and fr["fallback"] is False


def test_preview_renders_exactly_what_readers_get(client: TestClient, session: Session) -> None:
    editor = _staff(client, session, Role.editor)
    response = client.post(
        "/api/v1/admin/content/preview",
        json={"body_md": "## Steps\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1))"},
        headers=editor,
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h2>Steps</h2>" in html and "<img" not in html and 'href="javascript' not in html
    assert "raw HTML is not allowed" in response.json()["problems"]


def test_users_admin_and_audit(client: TestClient, session: Session) -> None:
    admin = _staff(client, session, Role.admin)
    created = client.post(
        "/api/v1/admin/users",
        json={
            "email": "New.Translator@example.org",
            "role": "translator",
            "password": "a long enough password",
            "locales": ["fr"],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "new.translator@example.org" and user["locales"] == ["fr"]
    login = client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": "a long enough password"}
    )
    token = {"Authorization": f"Bearer {login.json()['token']}"}
    client.cookies.clear()
    assert _save(client, token, f"{TOOL}/fr", 0, title="Délai").status_code == 200
    assert _save(client, token, f"{TOOL}/es", 0, title="Período").status_code == 403

    changed = client.patch(
        f"/api/v1/admin/users/{user['id']}", json={"locales": ["es"]}, headers=admin
    )
    assert changed.json()["locales"] == ["es"]
    assert _save(client, token, f"{TOOL}/es", 0, title="Período").status_code == 200
    assert (
        client.patch(
            f"/api/v1/admin/users/{user['id']}",
            json={"role": "editor", "locales": ["fr"]},
            headers=admin,
        ).status_code
        == 400
    )

    # Deactivating revokes every session at once.
    off = client.patch(f"/api/v1/admin/users/{user['id']}", json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=token).status_code == 401
    client.patch(f"/api/v1/admin/users/{user['id']}", json={"active": True}, headers=admin)
    reset = client.post(
        f"/api/v1/admin/users/{user['id']}/password",
        json={"password": "another long password"},
        headers=admin,
    )
    assert reset.status_code == 204
    assert (
        client.post(
            "/api/v1/auth/login",
            json={"email": user["email"], "password": "a long enough password"},
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/auth/login", json={"email": user["email"], "password": "another long password"}
        ).status_code
        == 200
    )
    client.cookies.clear()

    log = client.get(
        "/api/v1/admin/audit", params={"target": str(user["id"])}, headers=admin
    ).json()
    actions = [e["action"] for e in log]
    assert {
        "user_create",
        "locales_change",
        "user_deactivate",
        "user_activate",
        "password_reset",
        "sign_in",
    } <= set(actions)
    raw = str(client.get("/api/v1/admin/audit", params={"limit": 500}, headers=admin).json())
    assert "a long enough password" not in raw and "another long password" not in raw
    assert "Délai" not in raw and "Período" not in raw  # no bodies
    only = client.get(
        "/api/v1/admin/audit", params={"action": "password_reset"}, headers=admin
    ).json()
    assert {e["action"] for e in only} == {"password_reset"}


def test_the_last_admin_cannot_lock_everyone_out(client: TestClient, session: Session) -> None:
    from app.accounts.models import User

    for other in session.exec(select(User).where(User.role == Role.admin)).all():
        other.is_active = False
        session.add(other)
    session.commit()
    user = make_user(session, Role.admin)
    admin = bearer(client, user)
    response = client.patch(f"/api/v1/admin/users/{user.id}", json={"active": False}, headers=admin)
    assert response.status_code == 409


@pytest.mark.parametrize("locale", ["fr", "fr-CA"])
def test_a_regional_variant_reads_its_parents_feed(client: TestClient, locale: str) -> None:
    page = _delta(client, locale, "k1.0", limit=500)
    assert page["has_more"] is False and page["changes"]


def test_the_admin_screens_learn_where_the_caller_may_write(
    client: TestClient, session: Session
) -> None:
    """Every staff member reads every locale; the screens offer editing only where the
    write rule (write.may_write) allows it, so they never copy that rule."""
    translator = _staff(client, session, Role.translator, "fr")
    editor = _staff(client, session, Role.editor)
    assert _draft(client, translator, f"{TOOL}/fr")["may_write"] is True
    assert _draft(client, translator, f"{TOOL}/es")["may_write"] is False
    assert _draft(client, translator, f"{TOOL}/en")["may_write"] is False
    assert _draft(client, editor, f"{TOOL}/es")["may_write"] is True
    rows = client.get("/api/v1/admin/coverage", headers=translator).json()
    assert {r["locale"] for r in rows if r["may_write"]} == {"fr"}
    rows = client.get("/api/v1/admin/coverage", headers=editor).json()
    assert all(r["may_write"] for r in rows)
