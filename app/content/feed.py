"""The published-content change feed (design notes 3.2): what each locale's readers see of
each entity, hashed, and one ``content_change`` row per (locale, entity) whose resolved
view changed.

The sequence number of a change is the content version it was published under. The version
is taken by ``UPDATE … content_state`` (a row lock held until commit, write.py
``bump_content_version``), so versions become visible in order and a cursor never skips a
change that commits late. A phone's cursor is ``k1.<version>``; ``k1`` is the format epoch.

Views are compared for every served locale, so an English edit reaches the locales that fall
back to it, and the translations it makes stale, without the writer naming them.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, update
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col, select

from app.content.locales import available_locales
from app.content.models import ContentChange, ContentState, ContentView, EntityKind
from app.content.patch import dumps, make_patch
from app.content.resolver import (
    Resolver,
    published_checklists,
    published_items,
    published_terms,
)
from app.core.errors import AppError, Gone
from app.core.models import utcnow
from app.i18n import _

CURSOR_EPOCH = "k1"
_CURSOR = re.compile(r"k([0-9]{1,9})\.([0-9]{1,18})")  # k<format epoch>.<sequence>
_EPOCH = CURSOR_EPOCH[1:]  # the epoch part of the cursor made above


def make_cursor(seq: int) -> str:
    return f"{CURSOR_EPOCH}.{seq}"


def resolved_entities(
    session: Session, locale: str, source_locale: str
) -> Iterator[tuple[EntityKind, str, BaseModel]]:
    """Every published entity as a reader of ``locale`` sees it."""
    resolver = Resolver(session, locale, source_locale)
    for item in published_items(session):
        if (out := resolver.item(item)) is not None:
            yield EntityKind.item, item.slug, out
    for template, entries in published_checklists(session):
        if (checklist := resolver.checklist(template, entries)) is not None:
            yield EntityKind.checklist, template.slug, checklist
    for term in published_terms(session):
        if (term_out := resolver.term(term)) is not None:
            yield EntityKind.term, term.key, term_out


def _view_hash(view: dict[str, Any]) -> str:
    from app.content.write import values_hash  # write.py imports this module

    return values_hash(view)


def record_changes(session: Session, seq: int, source_locale: str) -> int:
    """Compares every served locale's resolved views with the stored hashes and appends a
    change (numbered ``seq``) wherever one differs: a put carries a patch from the previous
    view when that was stored (patch.py), unless the patch is no smaller than the view. Call
    inside the writer's transaction, after the content rows changed and the version was
    bumped. Returns the rows added."""
    # The stored views' text is read only where a view changed (at 100x it is ~100 MB).
    views = select(ContentView).options(defer(col(ContentView.view_json)))
    stored = {(v.locale, v.entity_kind, v.entity_key): v for v in session.exec(views)}
    seen: set[tuple[str, EntityKind, str]] = set()
    added = 0
    for locale in available_locales(session, source_locale):
        for kind, key, out in resolved_entities(session, locale, source_locale):
            ident = (locale, kind, key)
            seen.add(ident)
            view = out.model_dump(mode="json")
            digest = _view_hash(view)
            row = stored.get(ident)
            if row is not None and row.view_hash == digest:
                continue
            text = dumps(view)
            change = ContentChange(
                seq=seq, locale=locale, entity_kind=kind, entity_key=key, op="put"
            )
            if row is None:
                row = ContentView(locale=locale, entity_kind=kind, entity_key=key, view_hash="")
            elif row.view_json is not None and row.seq is not None:
                ops = make_patch(json.loads(row.view_json), view)
                if len(dumps(ops)) < len(text):
                    change.patch, change.base_seq = ops, row.seq
            row.view_hash, row.view_json, row.seq = digest, text, seq
            session.add(row)
            session.add(change)
            added += 1
    for ident, row in stored.items():
        if ident not in seen:  # unpublished, or its locale is no longer served
            locale, kind, key = ident
            session.delete(row)
            session.add(
                ContentChange(seq=seq, locale=locale, entity_kind=kind, entity_key=key, op="delete")
            )
            added += 1
    session.flush()
    return added


# --- reading the feed -------------------------------------------------------------------


@dataclass
class ChangePage:
    changes: list[dict[str, Any]]
    cursor: str
    version: int  # the content version the changes bring the reader to (the bundle's)
    has_more: bool


def _gone(cursor: str) -> Gone:
    return Gone(
        _("The content cursor '{cursor}' is unknown or too old: download the bundle again."),
        {"cursor": cursor[:40]},
    )


def parse_cursor(session: Session, cursor: str | None) -> int:
    """The sequence number of a cursor: 400 when it is not a cursor at all (as for case
    sync), 410 when it is from another epoch or another database (ahead of the head), or
    older than the compacted feed (the client downloads the bundle again)."""
    state = session.get(ContentState, 1)
    head, floor = (state.version, state.min_valid_seq) if state else (0, 0)
    if not cursor:
        return floor
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise AppError(_("The cursor '{cursor}' is not valid."), {"cursor": cursor[:40]})
    seq = int(match[2])
    if match[1] != _EPOCH or seq > head or seq < floor:
        raise _gone(cursor)
    return seq


def read_changes(
    session: Session,
    locale: str,
    cursor: str | None,
    limit: int,
    source_locale: str,
    patches: bool = False,
) -> ChangePage:
    """The entities of ``locale`` changed after the cursor, each once (its latest change), in
    the order of their latest change, with their current resolved data. One page never
    splits the changes of one sequence number (the next page starts after its cursor).

    With ``patches`` (a client that applies them), an entity whose latest change holds a
    patch from a view the cursor already had (``base_seq`` at or before it: changed once
    since, whatever compaction removed) is sent as that patch instead. Without it, never:
    an app from before patches skips ops it does not know and would miss the change."""
    since = parse_cursor(session, cursor)
    head = session.exec(select(ContentState.version).where(ContentState.id == 1)).one()
    last = func.max(ContentChange.seq)
    changed = (
        select(ContentChange.entity_kind, ContentChange.entity_key, last)
        .where(ContentChange.locale == locale, ContentChange.seq > since)
        .group_by(col(ContentChange.entity_kind), col(ContentChange.entity_key))
    )
    rows = list(
        session.exec(
            changed.order_by(
                last, col(ContentChange.entity_kind), col(ContentChange.entity_key)
            ).limit(limit + 1)
        ).all()
    )
    has_more = len(rows) > limit
    if has_more:
        boundary = rows[limit - 1][2]
        if rows[limit][2] == boundary:
            before = [r for r in rows[:limit] if r[2] < boundary]
            rows = before or list(
                session.exec(
                    changed.having(last == boundary).order_by(
                        col(ContentChange.entity_kind), col(ContentChange.entity_key)
                    )
                ).all()
            )
        else:
            rows = rows[:limit]
    patched = (
        _patches(session, locale, since, {seq for _kind, _key, seq in rows}) if patches else {}
    )
    current = (
        {(kind, key): view for kind, key, view in resolved_entities(session, locale, source_locale)}
        if any((kind, key, seq) not in patched for kind, key, seq in rows)
        else {}
    )
    changes = []
    for kind, key, seq in rows:
        change: dict[str, Any] = {
            "type": kind.value if isinstance(kind, EntityKind) else kind,
            "slug": key,
        }
        if (ops := patched.get((kind, key, seq))) is not None:
            change.update(op="patch", patch=ops)
        elif (view := current.get((kind, key))) is not None:
            change.update(op="put", data=view.model_dump(mode="json"))
        else:
            change.update(op="delete", data=None)
        changes.append(change)
    cursor_seq = rows[-1][2] if has_more else max(head, since)
    return ChangePage(
        changes=changes, cursor=make_cursor(cursor_seq), version=cursor_seq, has_more=has_more
    )


def _patches(
    session: Session, locale: str, since: int, seqs: set[int]
) -> dict[tuple[EntityKind, str, int], list[Any]]:
    """The patches of the changes numbered ``seqs`` that apply to what the cursor held."""
    if not seqs:
        return {}
    found = session.exec(
        select(
            ContentChange.entity_kind,
            ContentChange.entity_key,
            ContentChange.seq,
            ContentChange.patch,
        ).where(
            ContentChange.locale == locale,
            col(ContentChange.seq).in_(seqs),
            col(ContentChange.base_seq) <= since,
            col(ContentChange.patch).is_not(None),
        )
    )
    return {(kind, key, seq): ops for kind, key, seq, ops in found}


# --- compaction ---------------------------------------------------------------------------


def compact_feed(session: Session, older_than_days: int) -> dict[str, int]:
    """Keeps the feed from growing forever (run by ``homeward cases purge``, beside the case
    feed's prune).

    - Superseded rows go, whatever their age: a read takes each entity's latest sequence
      number after the cursor, so every cursor gets the same answer without them.
    - Removals older than the window go too (an entity unpublished long ago would otherwise
      stay in the feed for ever). A cursor from before one of them could no longer learn of
      that removal, so ``min_valid_seq`` moves up to the newest removal dropped: such a
      cursor gets 410 and its phone downloads the bundle again."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    newer = aliased(ContentChange)
    latest = (
        select(func.max(newer.seq))
        .where(
            newer.locale == ContentChange.locale,
            newer.entity_kind == ContentChange.entity_kind,
            newer.entity_key == ContentChange.entity_key,
        )
        .scalar_subquery()
    )
    superseded = session.execute(
        delete(ContentChange).where(col(ContentChange.seq) < latest)
    ).rowcount
    old_removal = (col(ContentChange.op) == "delete") & (col(ContentChange.created_at) < cutoff)
    floor = session.exec(select(func.max(ContentChange.seq)).where(old_removal)).one()
    removals = 0
    if floor is not None:
        # Raised before the rows go, in the same transaction: no reader sees the feed
        # without them while an older cursor is still accepted.
        session.execute(
            update(ContentState)
            .where(col(ContentState.id) == 1, col(ContentState.min_valid_seq) < floor)
            .values(min_valid_seq=floor)
        )
        removals = session.execute(
            delete(ContentChange).where(old_removal, col(ContentChange.seq) <= floor)
        ).rowcount
    session.commit()
    return {"content_changes": int(superseded or 0), "content_removals": int(removals or 0)}
