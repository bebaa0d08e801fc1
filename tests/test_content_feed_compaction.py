"""Issue #11: the content change feed is compacted where the case feed is pruned (`homeward
cases purge`): every cursor the server still accepts gets exactly the answer it got before,
and a cursor that could miss a dropped removal is refused (410: download the bundle again)."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.content.feed import compact_feed
from app.content.models import ContentChange, ContentState, GlossaryTerm
from app.content.write import all_guidance_hashes, content_changed
from app.core.models import utcnow
from tests.test_editorial import _cursor, _delta, _fix_a_figure, _staff

LOCALES = ("en", "fr", "vi")


def _seq(cursor: str) -> int:
    return int(cursor.split(".")[1])


def _all_pages(client: TestClient, locale: str, since: str) -> list[tuple[str, str, str, Any]]:
    """Every change after `since`, following has_more (small pages, to test their edges)."""
    seen: list[tuple[str, str, str, Any]] = []
    while True:
        page = _delta(client, locale, since, limit=7)
        seen += [(c["type"], c["slug"], c["op"], c["data"]) for c in page["changes"]]
        since = page["cursor"]
        if not page["has_more"]:
            return seen


def _answers(client: TestClient, seqs: range) -> dict[tuple[str, int], Any]:
    return {(loc, s): _all_pages(client, loc, f"k1.{s}") for loc in LOCALES for s in seqs}


def _unpublish_term(session: Session) -> str:
    """A glossary term taken off through the content writer: a removal in every locale."""
    term = session.exec(select(GlossaryTerm).order_by(col(GlossaryTerm.key))).first()
    assert term is not None
    before = all_guidance_hashes(session)
    term.is_published = False
    session.add(term)
    content_changed(session, before)
    session.commit()
    return term.key


def test_compaction_keeps_every_answer_and_refuses_cursors_older_than_a_dropped_removal(
    client: TestClient, session: Session
) -> None:
    editor = _staff(client, session, Role.editor)
    start = _seq(_cursor(client, "en"))
    _fix_a_figure(client, editor)  # two publishes of tool 7.1: the first is superseded
    draft = client.get("/api/v1/admin/content/item/tool-7-1/en", headers=editor).json()
    body = draft["fields"]["body_md"].replace("at least 45 days", "at least 60 days", 1)
    saved = client.put(
        "/api/v1/admin/content/item/tool-7-1/en",
        json={"base_rev": draft["base_rev"], "fields": {"body_md": body}},
        headers=editor,
    )
    assert saved.status_code == 200, saved.text
    published = client.post(
        "/api/v1/admin/content/publish",
        json={"targets": [{"kind": "item", "key": "tool-7-1", "locale": "en"}]},
        headers=editor,
    )
    assert published.status_code == 200, published.text
    removed_key = _unpublish_term(session)
    head = _seq(_cursor(client, "en"))
    removal_seq = head
    assert head == start + 3

    # 1. Superseded rows go; every cursor, from the whole feed (k1.0) to the head, gets the
    #    very same answer (entities, order, data).
    seqs = range(0, head + 1)
    before = _answers(client, seqs)
    rows_before = session.exec(select(func.count()).select_from(ContentChange)).one()
    pruned = compact_feed(session, older_than_days=180)
    assert pruned["content_changes"] > 0 and pruned["content_removals"] == 0
    assert session.exec(select(func.count()).select_from(ContentChange)).one() == (
        rows_before - pruned["content_changes"]
    )
    per_entity = session.exec(
        select(func.count())
        .select_from(ContentChange)
        .group_by(
            col(ContentChange.locale),
            col(ContentChange.entity_kind),
            col(ContentChange.entity_key),
        )
        .having(func.count() > 1)
    ).all()
    assert per_entity == []  # one row per entity and locale
    assert _answers(client, seqs) == before
    assert session.get(ContentState, 1).min_valid_seq == 0  # type: ignore[union-attr]
    tool = [c for c in before[("fr", start)] if c[1] == "tool-7-1"]
    assert len(tool) == 1 and tool[0][3]["stale"] is True

    # 2. The removal, once older than the window, goes too: a cursor from before it could
    #    no longer learn of it, so it is refused; from the removal on, cursors still work.
    removals = session.exec(
        select(ContentChange).where(ContentChange.entity_key == removed_key)
    ).all()
    assert len(removals) >= len(LOCALES) and {c.op for c in removals} == {"delete"}
    assert compact_feed(session, older_than_days=180)["content_removals"] == 0  # too recent
    for change in removals:
        change.created_at = utcnow() - timedelta(days=400)
        session.add(change)
    session.commit()
    pruned = compact_feed(session, older_than_days=180)
    assert pruned == {"content_changes": 0, "content_removals": len(removals)}
    assert session.get(ContentState, 1).min_valid_seq == removal_seq  # type: ignore[union-attr]
    for stale in (f"k1.{removal_seq - 1}", f"k1.{start}", "k1.0"):
        gone = client.get("/api/v1/sync/content", params={"locale": "fr", "since": stale})
        assert gone.status_code == 410, stale
        assert gone.headers["content-type"].startswith("application/problem+json")
    assert _delta(client, "fr", f"k1.{removal_seq}")["changes"] == []

    # 3. A current cursor still gets exactly the next change.
    current = _cursor(client, "fr")
    draft = client.get("/api/v1/admin/content/item/tool-7-1/en", headers=editor).json()
    body = draft["fields"]["body_md"].replace("at least 60 days", "at least 30 days", 1)
    assert (
        client.put(
            "/api/v1/admin/content/item/tool-7-1/en",
            json={"base_rev": draft["base_rev"], "fields": {"body_md": body}},
            headers=editor,
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/api/v1/admin/content/publish",
            json={"targets": [{"kind": "item", "key": "tool-7-1", "locale": "en"}]},
            headers=editor,
        ).status_code
        == 200
    )
    fr = _delta(client, "fr", current)
    assert [(c["type"], c["slug"], c["op"]) for c in fr["changes"]] == [("item", "tool-7-1", "put")]
    assert fr["changes"][0]["data"]["stale"] is False  # English is back to what fr was made from
    assert compact_feed(session, older_than_days=180)["content_removals"] == 0
