"""Issue #13: the content feed sends an entity changed once since the cursor as a patch of the
view the cursor had, to a client that asks (``patches=1``); otherwise, or when it changed more
than once, or is new, the whole entity as before. Compaction keeps every accepted cursor's
answer correct: whatever the ops, applying the pages to the bundle at a cursor gives the bundle
at the head."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.content.feed import compact_feed
from app.content.models import GlossaryTerm
from app.content.write import all_guidance_hashes, content_changed
from tests.test_content_feed_compaction import _unpublish_term
from tests.test_content_patch import apply_patch
from tests.test_editorial import (
    TOOL,
    _cursor,
    _delta,
    _draft,
    _fix_a_figure,
    _publish,
    _save,
    _staff,
)

LOCALES = ("en", "fr", "vi")
LISTS = {
    "items": ("item", "slug"),
    "checklists": ("checklist", "slug"),
    "glossary": ("term", "key"),
}
State = dict[tuple[str, str], Any]


def _bundle(client: TestClient, locale: str) -> tuple[str, State]:
    bundle = client.get(f"/api/v1/content/{locale}").json()
    state = {(kind, doc[key]): doc for name, (kind, key) in LISTS.items() for doc in bundle[name]}
    return bundle["cursor"], state


def _catch_up(client: TestClient, locale: str, since: str, state: State) -> tuple[State, list[str]]:
    """The phone's state after every page since ``since`` (small pages), and the ops used."""
    state, ops = dict(state), []
    while True:
        page = _delta(client, locale, since, limit=7, patches=1)
        for change in page["changes"]:
            ident = (change["type"], change["slug"])
            ops.append(change["op"])
            if change["op"] == "patch":
                state[ident] = apply_patch(state[ident], change["patch"])
            elif change["op"] == "put":
                state[ident] = change["data"]
            else:
                state.pop(ident, None)
        since = page["cursor"]
        if not page["has_more"]:
            return state, ops


def _edit(client: TestClient, editor: dict[str, str], **fields: Any) -> None:
    draft = _draft(client, editor, f"{TOOL}/en")
    if "body_md" in fields:
        old, new = fields["body_md"]
        assert old in draft["fields"]["body_md"]
        fields["body_md"] = draft["fields"]["body_md"].replace(old, new, 1)
    assert _save(client, editor, f"{TOOL}/en", draft["base_rev"], **fields).status_code == 200
    assert _publish(client, editor, ("item", "tool-7-1", "en")).status_code == 200


def _tool(page: dict[str, Any]) -> dict[str, Any]:
    (change,) = [c for c in page["changes"] if c["slug"] == "tool-7-1"]
    return change


def test_one_edit_is_a_patch_to_clients_that_ask_and_a_put_to_the_others(
    client: TestClient, session: Session
) -> None:
    editor = _staff(client, session, Role.editor)
    before = {locale: _bundle(client, locale) for locale in LOCALES}
    _fix_a_figure(client, editor)
    for locale in LOCALES:
        cursor, state = before[locale]
        _head, now = _bundle(client, locale)
        patched = _delta(client, locale, cursor, patches=1)
        change = _tool(patched)
        assert set(change) == {"type", "slug", "op", "patch"} and change["op"] == "patch"
        assert len(str(change["patch"])) < 400, change["patch"]  # not the item's 3 KB
        assert (
            apply_patch(state[("item", "tool-7-1")], change["patch"]) == now[("item", "tool-7-1")]
        )
        # Without the parameter: exactly the answer of before patches (an older app).
        plain = _delta(client, locale, cursor)
        assert {tuple(c) for c in plain["changes"]} == {("type", "slug", "op", "data")}
        assert _tool(plain) == {
            "type": "item", "slug": "tool-7-1", "op": "put", "data": now[("item", "tool-7-1")]
        }  # fmt: skip
        assert _delta(client, locale, cursor, patches=0) == plain
        assert {k: v for k, v in patched.items() if k != "changes"} == {
            k: v for k, v in plain.items() if k != "changes"
        }


def test_two_edits_since_the_cursor_or_a_new_entity_come_whole(
    client: TestClient, session: Session
) -> None:
    editor = _staff(client, session, Role.editor)
    start = _cursor(client, "en")
    _fix_a_figure(client, editor)
    middle = _cursor(client, "en")
    _edit(client, editor, title="What happens next, revised")
    assert _tool(_delta(client, "en", start, patches=1))["op"] == "put"  # changed twice since
    assert _tool(_delta(client, "en", middle, patches=1))["op"] == "patch"  # once since

    key = _unpublish_term(session)
    removed = _cursor(client, "en")
    term = session.exec(select(GlossaryTerm).where(col(GlossaryTerm.key) == key)).one()
    before = all_guidance_hashes(session)
    term.is_published = True
    session.add(term)
    content_changed(session, before)
    session.commit()
    for since in (start, middle, removed):  # back after a removal: new to every cursor
        ops = {c["slug"]: c["op"] for c in _delta(client, "en", since, patches=1)["changes"]}
        assert ops[key] == "put", since


def test_after_compaction_every_cursor_still_reaches_the_head(
    client: TestClient, session: Session
) -> None:
    editor = _staff(client, session, Role.editor)
    # Bundles at every cursor: the figure fixed, a term removed, the title changed, the
    # figure changed again. Each edit touches another place: a patch applied to a view other
    # than its own would give a wrong title or figure, not the head.
    held = [{locale: _bundle(client, locale) for locale in LOCALES}]
    for step in (
        lambda: _fix_a_figure(client, editor),
        lambda: _unpublish_term(session),
        lambda: _edit(client, editor, title="What happens next, revised"),
        lambda: _edit(client, editor, body_md=("at least 45 days", "at least 60 days")),
    ):
        step()
        held.append({locale: _bundle(client, locale) for locale in LOCALES})

    def answers() -> dict[tuple[str, str], list[str]]:
        ops = {}
        for bundles in held:
            for locale, (cursor, state) in bundles.items():
                reached, ops[locale, cursor] = _catch_up(client, locale, cursor, state)
                assert reached == held[-1][locale][1], (locale, cursor)
        return ops

    before = answers()
    assert "patch" in before["en", held[3]["en"][0]]  # the last edit, alone since that cursor
    assert compact_feed(session, older_than_days=180)["content_changes"] > 0
    assert answers() == before  # the same ops from every cursor: no patch on a view not held
