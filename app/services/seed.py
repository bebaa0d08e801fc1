"""Loads the seed content files (``app/content/<locale>/``) into the database.

Idempotent: a second run changes nothing. It never overwrites a row whose values were
edited in the database since they were seeded (``seed_hash`` no longer matches).
"""

import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError
from sqlmodel import Session, SQLModel, select

from app.models import (
    Audience,
    ChecklistItem,
    ChecklistItemTranslation,
    ChecklistTemplate,
    ChecklistTemplateTranslation,
    ContentItem,
    ContentItemTranslation,
    GlossaryTerm,
    GlossaryTermTranslation,
    ItemKind,
    TranslationStatus,
)
from app.models.base import utcnow
from app.services.content import bump_content_version, values_hash
from app.services.markdown import render_markdown

logger = logging.getLogger(__name__)

Slug = str
_FRONT_MATTER = re.compile(r"\A---\n(?P<front>.*?)^---$\n?(?P<body>.*)\Z", re.S | re.M)
Outcome = Literal["created", "updated", "unchanged", "kept"]
Row = TypeVar("Row", bound=SQLModel)


class SeedError(ValueError):
    """A seed file is malformed; the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    title: str = Field(min_length=3)
    url: HttpUrl


class Article(_Strict):
    instrument: Literal[
        "protocol", "coe", "untoc", "eu-directive-2004-81", "refugee-convention", "crc"
    ]
    article: str = Field(min_length=1, max_length=20)
    title: str | None = None


class ItemFile(_Strict):
    slug: Slug = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    kind: ItemKind
    tool_number: str | None = Field(default=None, pattern=r"^7\.([1-9]|10)$")
    audience: Audience
    order: int
    title: str = Field(min_length=2, max_length=200)
    summary: str = Field(min_length=10)
    articles: list[Article] = []
    sources: list[Source] = Field(min_length=1)
    related_checklists: list[Slug] = []
    related_glossary: list[Slug] = []
    body: str = Field(min_length=50)


class ChecklistEntry(_Strict):
    key: Slug = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    action: str = Field(min_length=5)
    reason: str = Field(min_length=5)
    inferred: bool = False


class ChecklistFile(_Strict):
    slug: Slug = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    title: str = Field(min_length=2, max_length=200)
    summary: str = Field(min_length=10)
    audience: Audience
    related_tool: Slug | None = None
    order: int
    sources: list[Source] = Field(min_length=1)
    items: list[ChecklistEntry] = Field(min_length=1)


class GlossaryEntry(_Strict):
    key: Slug = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    term: str = Field(min_length=2, max_length=200)
    definition: str = Field(min_length=10)


class SeedContent(BaseModel):
    items: list[ItemFile]
    checklists: list[ChecklistFile]
    glossary: list[GlossaryEntry]


def _parse(path: Path, build: Callable[[Any], Any]) -> Any:
    try:
        return build(path)
    except (ValidationError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise SeedError(f"{path}: {exc}") from exc


def _read_item(path: Path) -> ItemFile:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise SeedError(f"{path}: missing YAML front matter between two '---' lines")
    return ItemFile(**yaml.safe_load(match["front"]), body=match["body"].strip())


def load_seed_files(locale_dir: Path) -> SeedContent:
    items = [_parse(p, _read_item) for p in sorted((locale_dir / "items").glob("*.md"))]
    checklists = [
        _parse(p, lambda p: ChecklistFile(**yaml.safe_load(p.read_text(encoding="utf-8"))))
        for p in sorted((locale_dir / "checklists").glob("*.yaml"))
    ]
    glossary_path = locale_dir / "glossary.yaml"
    glossary = (
        _parse(
            glossary_path,
            lambda p: [GlossaryEntry(**e) for e in yaml.safe_load(p.read_text(encoding="utf-8"))],
        )
        if glossary_path.exists()
        else []
    )
    for kind, keys in (
        ("item slug", [i.slug for i in items]),
        ("checklist slug", [c.slug for c in checklists]),
        ("glossary key", [g.key for g in glossary]),
    ):
        dupes = [k for k, n in Counter(keys).items() if n > 1]
        if dupes:
            raise SeedError(f"{locale_dir}: duplicate {kind}: {', '.join(dupes)}")
    return SeedContent(items=items, checklists=checklists, glossary=glossary)


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def _row_values(row: SQLModel, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _dump(getattr(row, k)) for k in fields}


def _upsert(
    session: Session,
    existing: Row | None,
    values: Mapping[str, Any],
    create: Callable[[], Row],
    derived: Callable[[Row], None] | None = None,
) -> tuple[Row, Outcome]:
    """Create, update or leave one row according to the seed-hash rule."""
    values = {k: _dump(v) for k, v in values.items()}
    new_hash = values_hash(values)
    if existing is None:
        row = create()
        for key, value in values.items():
            setattr(row, key, value)
        row.seed_hash = new_hash  # type: ignore[attr-defined]
        if derived:
            derived(row)
        session.add(row)
        session.flush()
        return row, "created"
    current_hash = values_hash(_row_values(existing, values))
    if current_hash == new_hash:
        return existing, "unchanged"
    if existing.seed_hash != current_hash:  # type: ignore[attr-defined]
        return existing, "kept"  # edited in the database: the edit wins over the file
    for key, value in values.items():
        setattr(existing, key, value)
    existing.seed_hash = new_hash  # type: ignore[attr-defined]
    existing.updated_at = utcnow()  # type: ignore[attr-defined]
    if derived:
        derived(existing)
    session.add(existing)
    session.flush()
    return existing, "updated"


def _render_body(row: ContentItemTranslation) -> None:
    row.body_html = render_markdown(row.body_md)


def _translation_values(locale: str, source_locale: str, text: dict[str, Any]) -> dict[str, Any]:
    # Seeded English is the reviewed source; translations arrive through the later i18n work.
    status = TranslationStatus.reviewed if locale == source_locale else TranslationStatus.machine
    return {**text, "status": status.value, "source_hash": values_hash(text)}


def seed_locale(
    session: Session, content: SeedContent, locale: str, source_locale: str
) -> Counter[str]:
    outcomes: Counter[str] = Counter()

    def one(row_outcome: tuple[Row, Outcome]) -> Row:
        outcomes[row_outcome[1]] += 1
        return row_outcome[0]

    for f in content.items:
        item = one(
            _upsert(
                session,
                session.exec(select(ContentItem).where(ContentItem.slug == f.slug)).first(),
                {
                    "slug": f.slug,
                    "kind": f.kind.value,
                    "tool_number": f.tool_number,
                    "audience": f.audience.value,
                    "position": f.order,
                    "articles": f.articles,
                    "sources": f.sources,
                    "related_checklists": f.related_checklists,
                    "related_glossary": f.related_glossary,
                },
                lambda: ContentItem(),
            )
        )
        text = {"title": f.title, "summary": f.summary, "body_md": f.body}
        one(
            _upsert(
                session,
                session.exec(
                    select(ContentItemTranslation).where(
                        ContentItemTranslation.item_id == item.id,
                        ContentItemTranslation.locale == locale,
                    )
                ).first(),
                _translation_values(locale, source_locale, text),
                lambda item_id=item.id: ContentItemTranslation(item_id=item_id, locale=locale),
                derived=_render_body,
            )
        )

    for c in content.checklists:
        template = one(
            _upsert(
                session,
                session.exec(
                    select(ChecklistTemplate).where(ChecklistTemplate.slug == c.slug)
                ).first(),
                {
                    "slug": c.slug,
                    "audience": c.audience.value,
                    "related_tool": c.related_tool,
                    "position": c.order,
                    "sources": c.sources,
                },
                lambda: ChecklistTemplate(),
            )
        )
        one(
            _upsert(
                session,
                session.exec(
                    select(ChecklistTemplateTranslation).where(
                        ChecklistTemplateTranslation.template_id == template.id,
                        ChecklistTemplateTranslation.locale == locale,
                    )
                ).first(),
                _translation_values(
                    locale, source_locale, {"title": c.title, "summary": c.summary}
                ),
                lambda tid=template.id: ChecklistTemplateTranslation(
                    template_id=tid, locale=locale
                ),
            )
        )
        for position, entry in enumerate(c.items, start=1):
            item = one(
                _upsert(
                    session,
                    session.exec(
                        select(ChecklistItem).where(
                            ChecklistItem.template_id == template.id,
                            ChecklistItem.key == entry.key,
                        )
                    ).first(),
                    {"key": entry.key, "position": position, "inferred": entry.inferred},
                    lambda tid=template.id: ChecklistItem(template_id=tid),
                )
            )
            one(
                _upsert(
                    session,
                    session.exec(
                        select(ChecklistItemTranslation).where(
                            ChecklistItemTranslation.item_id == item.id,
                            ChecklistItemTranslation.locale == locale,
                        )
                    ).first(),
                    _translation_values(
                        locale, source_locale, {"action": entry.action, "reason": entry.reason}
                    ),
                    lambda iid=item.id: ChecklistItemTranslation(item_id=iid, locale=locale),
                )
            )

    for position, g in enumerate(content.glossary, start=1):
        term = one(
            _upsert(
                session,
                session.exec(select(GlossaryTerm).where(GlossaryTerm.key == g.key)).first(),
                {"key": g.key, "position": position},
                lambda: GlossaryTerm(),
            )
        )
        one(
            _upsert(
                session,
                session.exec(
                    select(GlossaryTermTranslation).where(
                        GlossaryTermTranslation.term_id == term.id,
                        GlossaryTermTranslation.locale == locale,
                    )
                ).first(),
                _translation_values(
                    locale, source_locale, {"term": g.term, "definition": g.definition}
                ),
                lambda tid=term.id: GlossaryTermTranslation(term_id=tid, locale=locale),
            )
        )
    return outcomes


def seed(session: Session, content_dir: Path, source_locale: str) -> Counter[str]:
    """Seed the source locale first (translations hang off its rows), then the others."""
    locale_dirs = sorted(
        (d for d in content_dir.iterdir() if d.is_dir() and (d / "items").is_dir()),
        key=lambda d: (d.name != source_locale, d.name),
    )
    if not locale_dirs or locale_dirs[0].name != source_locale:
        raise SeedError(f"{content_dir}: no '{source_locale}' content directory")
    totals: Counter[str] = Counter()
    for locale_dir in locale_dirs:
        totals += seed_locale(session, load_seed_files(locale_dir), locale_dir.name, source_locale)
    if totals["created"] or totals["updated"]:
        bump_content_version(session)
    session.commit()
    if totals["kept"]:
        logger.warning("seed: %d rows edited in the database were left as they are", totals["kept"])
    return totals
