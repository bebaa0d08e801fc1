"""Read side of the editor: the content list with a status per locale, one entity's draft
and published text with its stale diff, and translation coverage. Every write is in
write.py."""

from typing import Any

from sqlmodel import Session, col, select

from app.content.models import (
    ChecklistTemplate,
    ContentItem,
    ContentPointer,
    ContentRevision,
    EntityKind,
    GlossaryTerm,
)
from app.content.write import (
    author_name,
    get_pointer,
    get_revision,
    live_text,
    stale_diff,
)
from app.core.models import as_utc

STATUSES = ("missing", "draft", "machine", "reviewed", "stale")


def all_entities(session: Session, source_locale: str) -> list[tuple[EntityKind, str]]:
    """Every entity, published or only drafted, in a stable order."""
    found: list[tuple[EntityKind, str]] = []
    found += [
        (EntityKind.item, s)
        for s in session.exec(select(ContentItem.slug).order_by(col(ContentItem.position))).all()
    ]
    found += [
        (EntityKind.checklist, s)
        for s in session.exec(
            select(ChecklistTemplate.slug).order_by(col(ChecklistTemplate.position))
        ).all()
    ]
    found += [
        (EntityKind.term, k)
        for k in session.exec(select(GlossaryTerm.key).order_by(col(GlossaryTerm.position))).all()
    ]
    known = set(found)
    drafts = session.exec(
        select(ContentPointer.entity_kind, ContentPointer.entity_key).where(
            ContentPointer.locale == source_locale, col(ContentPointer.draft_rev) > 0
        )
    ).all()
    found += [(EntityKind(k), key) for k, key in drafts if (EntityKind(k), key) not in known]
    return found


def _latest(session: Session, kind: EntityKind, key: str, locale: str) -> ContentRevision | None:
    return session.exec(
        select(ContentRevision)
        .where(
            ContentRevision.entity_kind == kind,
            ContentRevision.entity_key == key,
            ContentRevision.locale == locale,
        )
        .order_by(col(ContentRevision.rev).desc())
    ).first()


def entity_status(
    session: Session, kind: EntityKind, key: str, locale: str, source_locale: str
) -> dict[str, Any]:
    live = live_text(session, kind, key, locale, source_locale)
    source = (
        live
        if locale == source_locale
        else live_text(session, kind, key, source_locale, source_locale)
    )
    pointer = get_pointer(session, kind, key, locale)
    pending = pointer is not None and pointer.draft_rev > pointer.published_rev
    stale = bool(
        live
        and source
        and (
            live.source_hash != source.source_hash
            or any(live.item_hashes.get(k) not in (None, h) for k, h in source.item_hashes.items())
        )
    )
    if pending:
        status = "draft"
    elif live is None:
        status = "missing"
    elif stale:
        status = "stale"
    else:
        status = live.status.value
    latest = _latest(session, kind, key, locale)
    return {
        "kind": kind.value,
        "key": key,
        "locale": locale,
        "status": status,
        "published_status": live.status.value if live else None,
        "stale": stale,
        "has_draft": pending,
        "draft_rev": pointer.draft_rev if pointer else 0,
        "published_rev": pointer.published_rev if pointer else 0,
        "last_editor": author_name(session, latest.author_id) if latest else None,
        "last_change": (
            as_utc(latest.created_at) if latest else (live.updated_at if live else None)
        ),
    }


def list_content(
    session: Session,
    locale: str,
    source_locale: str,
    status: str | None = None,
    kind: EntityKind | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for entity_kind, key in all_entities(session, source_locale):
        if kind is not None and entity_kind is not kind:
            continue
        row = entity_status(session, entity_kind, key, locale, source_locale)
        if status is None or row["status"] == status:
            rows.append(row)
    return rows


def coverage(session: Session, locales: list[str], source_locale: str) -> list[dict[str, Any]]:
    """Per locale: how much is translated, reviewed and stale (shares of all entities)."""
    entities = all_entities(session, source_locale)
    total = len(entities) or 1
    result = []
    for locale in locales:
        counts = dict.fromkeys(STATUSES, 0)
        for kind, key in entities:
            counts[entity_status(session, kind, key, locale, source_locale)["status"]] += 1
        translated = total - counts["missing"]
        result.append(
            {
                "locale": locale,
                "entities": total,
                "counts": counts,
                "translated": round(translated / total, 3),
                "reviewed": round(counts["reviewed"] / total, 3),
                "stale": round(counts["stale"] / total, 3),
            }
        )
    return result


def entity_detail(
    session: Session, kind: EntityKind, key: str, locale: str, source_locale: str
) -> dict[str, Any] | None:
    """What the editor opens: the draft (or, never edited, the published text) with its
    revision number to save against, the source text beside it, and the stale diff."""
    pointer = get_pointer(session, kind, key, locale)
    live = live_text(session, kind, key, locale, source_locale)
    draft = (
        get_revision(session, kind, key, locale, pointer.draft_rev)
        if pointer and pointer.draft_rev
        else None
    )
    source_pointer = get_pointer(session, kind, key, source_locale)
    source_live = live_text(session, kind, key, source_locale, source_locale)
    source_draft = (
        get_revision(session, kind, key, source_locale, source_pointer.draft_rev)
        if source_pointer and source_pointer.draft_rev
        else None
    )
    if live is None and draft is None and source_live is None and source_draft is None:
        return None
    status = entity_status(session, kind, key, locale, source_locale)
    return {
        **status,
        "base_rev": pointer.draft_rev if pointer else 0,
        "fields": draft.fields if draft else (live.fields if live else None),
        "published_fields": live.fields if live else None,
        "source_fields": (
            source_live.fields if source_live else (source_draft.fields if source_draft else None)
        ),
        "published_seq": pointer.published_seq if pointer else None,
        "reviewed_by": author_name(session, pointer.reviewed_by) if pointer else None,
        "reviewed_at": as_utc(pointer.reviewed_at) if pointer and pointer.reviewed_at else None,
        "stale_diff": (
            stale_diff(session, kind, key, locale, source_locale)
            if locale != source_locale
            else None
        ),
    }
