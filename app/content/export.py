"""The database written back as content files (the format of app/guidance, FORMAT.md), so an
organisation can keep its content in git; and the whole content database as a versioned
archive (backups, moving between servers) that imports into an empty database exactly."""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Integer, Table, func, select, text
from sqlmodel import Session, SQLModel

from app.accounts import audit
from app.content.locales import available_locales
from app.content.models import (
    ChecklistItem,
    ChecklistItemTranslation,
    ChecklistTemplate,
    ChecklistTemplateTranslation,
    ContentChange,
    ContentItem,
    ContentItemTranslation,
    ContentPointer,
    ContentRevision,
    ContentState,
    ContentView,
    EntityKind,
    GlossaryTerm,
    GlossaryTermTranslation,
)
from app.content.seed import _dump_yaml
from app.content.write import live_text, restore_rows, text_hashes
from app.core.errors import AppError
from app.core.models import as_utc

# --- files ------------------------------------------------------------------------------


def _item_file(front: dict[str, Any], body: str) -> str:
    return f"---\n{_dump_yaml(front)}---\n{body}\n"


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def export_files(session: Session, target: Path, source_locale: str) -> list[Path]:
    """Writes every locale's content under ``target/<locale>/`` as ``homeward seed`` reads
    it. A source text whose hash a minor edit kept gets an explicit ``source_hash``."""
    written: list[Path] = []

    def write(path: Path, content: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)

    items = session.execute(select(ContentItem).order_by(ContentItem.position)).scalars().all()
    templates = (
        session.execute(select(ChecklistTemplate).order_by(ChecklistTemplate.position))
        .scalars()
        .all()
    )
    terms = session.execute(select(GlossaryTerm).order_by(GlossaryTerm.position)).scalars().all()
    for locale in available_locales(session, source_locale):
        source = locale == source_locale
        base = target / locale
        glossary = []
        for item in items:
            live = live_text(session, EntityKind.item, item.slug, locale, source_locale)
            if live is None:
                continue
            f = live.fields
            titles = f.get("article_titles", {})
            if source:
                own_hash, _h = text_hashes(EntityKind.item, f)
                front = _without_none(
                    {
                        "slug": item.slug,
                        "kind": f["kind"],
                        "tool_number": f.get("tool_number"),
                        "audience": f["audience"],
                        "order": f["order"],
                        "title": f["title"],
                        "summary": f["summary"],
                        "articles": f["articles"],
                        "sources": f["sources"],
                        "related_checklists": f["related_checklists"] or None,
                        "related_glossary": f["related_glossary"] or None,
                        "source_hash": live.source_hash if live.source_hash != own_hash else None,
                    }
                )
            else:
                articles = [
                    _without_none(
                        {
                            "instrument": a["instrument"],
                            "article": a["article"],
                            "title": titles.get(f"{a['instrument']}:{a['article']}"),
                        }
                    )
                    for a in item.articles
                ]
                front = {
                    "slug": item.slug,
                    "title": f["title"],
                    "summary": f["summary"],
                    **({"articles": articles} if titles else {}),
                    "status": live.status.value,
                    "source_hash": live.source_hash,
                }
            write(base / "items" / f"{item.slug}.md", _item_file(front, f["body_md"]))
        for template in templates:
            live = live_text(session, EntityKind.checklist, template.slug, locale, source_locale)
            if live is None:
                continue
            f = live.fields
            if source:
                own_hash, own_items = text_hashes(EntityKind.checklist, f)
                data = _without_none(
                    {
                        "slug": template.slug,
                        "title": f["title"],
                        "summary": f["summary"],
                        "audience": f["audience"],
                        "related_tool": f.get("related_tool"),
                        "order": f["order"],
                        "sources": f["sources"],
                        "source_hash": live.source_hash if live.source_hash != own_hash else None,
                    }
                )
                data["items"] = [
                    _without_none(
                        {
                            **e,
                            "source_hash": live.item_hashes[e["key"]]
                            if live.item_hashes.get(e["key"]) != own_items[e["key"]]
                            else None,
                        }
                    )
                    for e in f["items"]
                ]
            else:
                data = {
                    "slug": template.slug,
                    "title": f["title"],
                    "summary": f["summary"],
                    "status": live.status.value,
                    "source_hash": live.source_hash,
                    "items": [
                        {**e, "source_hash": live.item_hashes.get(e["key"], live.source_hash)}
                        for e in f["items"]
                    ],
                }
            write(base / "checklists" / f"{template.slug}.yaml", _dump_yaml(data))
        for term in terms:
            live = live_text(session, EntityKind.term, term.key, locale, source_locale)
            if live is None:
                continue
            f = live.fields
            entry: dict[str, Any] = {
                "key": term.key,
                "term": f["term"],
                "definition": f["definition"],
            }
            if f.get("variants"):
                entry["variants"] = f["variants"]
            if source:
                own_hash, _h = text_hashes(EntityKind.term, f)
                if live.source_hash != own_hash:
                    entry["source_hash"] = live.source_hash
            else:
                entry.update(status=live.status.value, source_hash=live.source_hash)
            glossary.append(entry)
        if glossary:
            write(base / "glossary.yaml", _dump_yaml(glossary))
        if source:
            (base / "items").mkdir(parents=True, exist_ok=True)
    audit.record(session, None, "export", "content_files", str(target)[-200:])
    session.commit()
    return written


# --- the archive ------------------------------------------------------------------------

ARCHIVE_FORMAT = "homeward-content-archive"
ARCHIVE_VERSION = 1
# Parents before children (foreign keys).
ARCHIVE_MODELS: tuple[type[SQLModel], ...] = (
    ContentItem,
    ContentItemTranslation,
    ChecklistTemplate,
    ChecklistTemplateTranslation,
    ChecklistItem,
    ChecklistItemTranslation,
    GlossaryTerm,
    GlossaryTermTranslation,
    ContentRevision,
    ContentPointer,
    ContentView,
    ContentChange,
    ContentState,
)


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return value


def export_archive(session: Session) -> dict[str, Any]:
    """Every content table, row by row, in primary-key order (plain JSON)."""
    tables = {}
    for model in ARCHIVE_MODELS:
        table = _table(model)
        columns = [c.name for c in table.columns]
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = {
            "columns": columns,
            "rows": [[_encode(v) for v in row] for row in rows],
        }
    audit.record(session, None, "export", "content_archive", "")
    session.commit()
    return {"format": ARCHIVE_FORMAT, "version": ARCHIVE_VERSION, "tables": tables}


def dumps_archive(archive: dict[str, Any]) -> str:
    return json.dumps(archive, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def import_archive(session: Session, archive: dict[str, Any]) -> dict[str, int]:
    """Loads an archive into a database without content (freshly migrated). Refuses a
    database that has content, an unknown format or version, or unknown columns."""
    if archive.get("format") != ARCHIVE_FORMAT or archive.get("version") != ARCHIVE_VERSION:
        raise AppError("This is not a content archive this version can read.")
    for model in ARCHIVE_MODELS[:-1]:
        if session.execute(select(func.count()).select_from(_table(model))).scalar_one():
            raise AppError("The database already has content; import into an empty database.")
    counts = {}
    for model in ARCHIVE_MODELS:
        table = _table(model)
        data = archive["tables"].get(table.name, {"columns": [], "rows": []})
        known = {c.name: c for c in table.columns}
        unknown = set(data["columns"]) - set(known)
        if unknown:
            raise AppError(
                "The archive has columns this version does not know: {columns}.",
                {"columns": ", ".join(sorted(unknown))},
            )
        rows = []
        for raw in data["rows"]:
            row = dict(zip(data["columns"], raw, strict=True))
            for name, value in row.items():
                if value is not None and isinstance(known[name].type, DateTime):
                    row[name] = datetime.fromisoformat(value)
            rows.append(row)
        counts[table.name] = len(rows)
        restore_rows(session, table, rows)
    if session.get_bind().dialect.name == "postgresql":
        for model in ARCHIVE_MODELS:
            table = _table(model)
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement:
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                        f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                    )
                )
    audit.record(session, None, "import", "content_archive", "", rows=sum(counts.values()))
    session.commit()
    return counts


def load_archive(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


__all__ = ["ContentState", "export_archive", "export_files", "import_archive"]
