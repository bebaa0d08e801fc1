"""Loads the seed content files (``app/guidance/<locale>/``) into the database.

Idempotent: a second run changes nothing. It never overwrites a row whose values were
edited in the database since they were seeded (``seed_hash`` no longer matches).
"""

import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError
from sqlmodel import Session, SQLModel, select

from app.content.models import (
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
    TranslationFields,
    TranslationStatus,
)
from app.content.write import (
    all_guidance_hashes,
    content_changed,
    entity_of,
    published_in_app,
    record_seed_revisions,
    source_text_hash,
    upsert,
    write_translation,
)
from app.core.schemas import SLUG_PATTERN

logger = logging.getLogger(__name__)

Slug = str
_FRONT_MATTER = re.compile(r"\A---\n(?P<front>.*?)^---$\n?(?P<body>.*)\Z", re.S | re.M)
Outcome = Literal["created", "updated", "unchanged", "kept"]
Row = TypeVar("Row", bound=SQLModel)
TranslationRow = TypeVar("TranslationRow", bound=TranslationFields)


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
    slug: Slug = Field(pattern=SLUG_PATTERN, max_length=80)
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
    # Only in files exported from the database, when a minor edit kept the hash translations
    # compare with (FORMAT.md); otherwise the hash of the text.
    source_hash: str | None = None
    body: str = Field(min_length=50)


class ChecklistEntry(_Strict):
    key: Slug = Field(pattern=SLUG_PATTERN, max_length=80)
    action: str = Field(min_length=5)
    reason: str = Field(min_length=5)
    inferred: bool = False
    source_hash: str | None = None


class ChecklistFile(_Strict):
    slug: Slug = Field(pattern=SLUG_PATTERN, max_length=80)
    title: str = Field(min_length=2, max_length=200)
    summary: str = Field(min_length=10)
    audience: Audience
    related_tool: Slug | None = None
    order: int
    sources: list[Source] = Field(min_length=1)
    source_hash: str | None = None
    items: list[ChecklistEntry] = Field(min_length=1)


# Other written forms of a term (inflections, the parts of "A / B") that link to it.
Variants = list[str]


class GlossaryEntry(_Strict):
    key: Slug = Field(pattern=SLUG_PATTERN, max_length=80)
    term: str = Field(min_length=2, max_length=200)
    definition: str = Field(min_length=10)
    variants: Variants = []
    source_hash: str | None = None


class SeedContent(BaseModel):
    items: list[ItemFile]
    checklists: list[ChecklistFile]
    glossary: list[GlossaryEntry]


# Translation files carry only the translatable text, a status and the source hash.
SourceHash = str | None


class ItemTranslationFile(_Strict):
    slug: Slug
    title: str = Field(min_length=2, max_length=200)
    summary: str = Field(min_length=5)
    # The English articles (same instrument and article, same order) with translated titles.
    articles: list[Article] = []
    status: TranslationStatus = TranslationStatus.machine
    source_hash: SourceHash = None
    body: str = Field(min_length=50)


class ChecklistEntryTranslation(_Strict):
    key: Slug
    action: str = Field(min_length=2)
    reason: str = Field(min_length=2)
    source_hash: SourceHash = None


class ChecklistTranslationFile(_Strict):
    slug: Slug
    title: str = Field(min_length=2, max_length=200)
    summary: str = Field(min_length=5)
    status: TranslationStatus = TranslationStatus.machine
    source_hash: SourceHash = None
    items: list[ChecklistEntryTranslation]


class GlossaryEntryTranslation(_Strict):
    key: Slug
    term: str = Field(min_length=1, max_length=200)
    definition: str = Field(min_length=5)
    variants: Variants = []
    status: TranslationStatus = TranslationStatus.machine
    source_hash: SourceHash = None


class TranslationContent(BaseModel):
    items: list[ItemTranslationFile]
    checklists: list[ChecklistTranslationFile]
    glossary: list[GlossaryEntryTranslation]


def _parse(path: Path, build: Callable[[Any], Any]) -> Any:
    try:
        return build(path)
    except (ValidationError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise SeedError(f"{path}: {exc}") from exc


def _split_front_matter(path: Path) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise SeedError(f"{path}: missing YAML front matter between two '---' lines")
    return yaml.safe_load(match["front"]), match["body"].strip()


def _read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


M = TypeVar("M", bound=BaseModel)


def _load_dir(
    locale_dir: Path, item_model: type[M], checklist_model: type[BaseModel], glossary_model: type
) -> tuple[list[M], list[Any], list[Any]]:
    def read_item(path: Path) -> M:
        front, body = _split_front_matter(path)
        return item_model(**front, body=body)

    items = [_parse(p, read_item) for p in sorted((locale_dir / "items").glob("*.md"))]
    checklists = [
        _parse(p, lambda p: checklist_model(**_read_yaml(p)))
        for p in sorted((locale_dir / "checklists").glob("*.yaml"))
    ]
    glossary_path = locale_dir / "glossary.yaml"
    glossary = (
        _parse(glossary_path, lambda p: [glossary_model(**e) for e in _read_yaml(p)])
        if glossary_path.exists()
        else []
    )
    return items, checklists, glossary


def load_translation_files(locale_dir: Path) -> TranslationContent:
    items, checklists, glossary = _load_dir(
        locale_dir, ItemTranslationFile, ChecklistTranslationFile, GlossaryEntryTranslation
    )
    return TranslationContent(items=items, checklists=checklists, glossary=glossary)


def load_seed_files(locale_dir: Path) -> SeedContent:
    items, checklists, glossary = _load_dir(locale_dir, ItemFile, ChecklistFile, GlossaryEntry)
    for kind, keys in (
        ("item slug", [i.slug for i in items]),
        ("checklist slug", [c.slug for c in checklists]),
        ("glossary key", [g.key for g in glossary]),
    ):
        dupes = [k for k, n in Counter(keys).items() if n > 1]
        if dupes:
            raise SeedError(f"{locale_dir}: duplicate {kind}: {', '.join(dupes)}")
    return SeedContent(items=items, checklists=checklists, glossary=glossary)


class _Seeder:
    def __init__(self, session: Session, locale: str) -> None:
        self.session = session
        self.locale = locale
        self.outcomes: Counter[str] = Counter()
        self.kept: set[str] = set()  # "<locale> <kind>:<key>" left as edited in the database

    def _kept(self, model: type[SQLModel], parent_id: int | None) -> None:
        entity = entity_of(self.session, model, parent_id)
        if entity:
            self.kept.add(f"{self.locale} {entity[0].value}:{entity[1]}")

    def upsert(
        self, existing: Row | None, values: Mapping[str, Any], create: Callable[[], Row]
    ) -> Row:
        if existing is not None:
            entity = entity_of(self.session, type(existing), existing.id)  # type: ignore[attr-defined]
            if entity and published_in_app(self.session, *entity, self.locale):
                self.outcomes["kept"] += 1
                self.kept.add(f"{self.locale} {entity[0].value}:{entity[1]}")
                return existing
        row, outcome = upsert(self.session, existing, values, create)
        self.outcomes[outcome] += 1
        if outcome == "kept":
            self._kept(type(row), row.id)  # type: ignore[attr-defined]
        return row

    def neutral(self, model: type[Row], key_field: str, key: str) -> Row | None:
        return self.session.exec(select(model).where(getattr(model, key_field) == key)).first()

    def translation(
        self,
        model: type[TranslationRow],
        parent_id: int | None,
        text: dict[str, Any],
        status: TranslationStatus,
        source_hash: str,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        _, outcome = write_translation(
            self.session,
            model,
            parent_id,
            self.locale,
            text,
            status=status,
            source_hash=source_hash,
            extra=extra,
        )
        self.outcomes[outcome] += 1
        if outcome == "kept":
            self._kept(model, parent_id)


def seed_source_locale(
    session: Session, content: SeedContent, locale: str
) -> tuple[Counter[str], set[str]]:
    """The source locale defines the entities and their (reviewed) source text."""
    seeder = _Seeder(session, locale)

    def source(
        model: type[TranslationRow],
        parent_id: int | None,
        text: dict[str, Any],
        extra: Mapping[str, Any] | None = None,
        kept_hash: str | None = None,
    ) -> None:
        seeder.translation(
            model,
            parent_id,
            text,
            TranslationStatus.reviewed,
            kept_hash or source_text_hash(text),
            extra,
        )

    for f in content.items:
        item = seeder.upsert(
            seeder.neutral(ContentItem, "slug", f.slug),
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
            ContentItem,
        )
        source(
            ContentItemTranslation,
            item.id,
            {"title": f.title, "summary": f.summary, "body_md": f.body},
            {"article_titles": article_titles(f.articles)},
            f.source_hash,
        )

    for c in content.checklists:
        template = seeder.upsert(
            seeder.neutral(ChecklistTemplate, "slug", c.slug),
            {
                "slug": c.slug,
                "audience": c.audience.value,
                "related_tool": c.related_tool,
                "position": c.order,
                "sources": c.sources,
            },
            ChecklistTemplate,
        )
        source(
            ChecklistTemplateTranslation,
            template.id,
            {"title": c.title, "summary": c.summary},
            kept_hash=c.source_hash,
        )
        for position, entry in enumerate(c.items, start=1):
            existing = session.exec(
                select(ChecklistItem).where(
                    ChecklistItem.template_id == template.id, ChecklistItem.key == entry.key
                )
            ).first()
            item = seeder.upsert(
                existing,
                {"key": entry.key, "position": position, "inferred": entry.inferred},
                lambda tid=template.id: ChecklistItem(template_id=tid),
            )
            source(
                ChecklistItemTranslation,
                item.id,
                {"action": entry.action, "reason": entry.reason},
                kept_hash=entry.source_hash,
            )

    for position, g in enumerate(content.glossary, start=1):
        term = seeder.upsert(
            seeder.neutral(GlossaryTerm, "key", g.key),
            {"key": g.key, "position": position},
            GlossaryTerm,
        )
        source(
            GlossaryTermTranslation,
            term.id,
            {"term": g.term, "definition": g.definition},
            {"variants": g.variants},
            g.source_hash,
        )
    return seeder.outcomes, seeder.kept


def article_key(article: Mapping[str, Any] | Article) -> str:
    data = article.model_dump() if isinstance(article, Article) else article
    return f"{data['instrument']}:{data['article']}"


def article_titles(articles: list[Article]) -> dict[str, str]:
    return {article_key(a): a.title for a in articles if a.title}


def _require_hash(where: str, source_hash: str | None) -> str:
    if not source_hash:
        raise SeedError(f"{where}: no source_hash; run `homeward content stamp` first")
    return source_hash


def seed_translation_locale(
    session: Session, content: TranslationContent, locale: str
) -> tuple[Counter[str], set[str]]:
    """A translation locale only adds text to entities the source locale defined."""
    seeder = _Seeder(session, locale)

    def parent(model: type[Row], key_field: str, key: str, where: str) -> Row:
        row = seeder.neutral(model, key_field, key)
        if row is None:
            raise SeedError(f"{where}: '{key}' does not exist in the source locale")
        return row

    for f in content.items:
        where = f"{locale}/items/{f.slug}.md"
        item = parent(ContentItem, "slug", f.slug, where)
        titles = article_titles(f.articles)
        unknown = set(titles) - {article_key(a) for a in item.articles}
        if unknown:  # not fatal: the title is simply not shown
            logger.warning("seed: %s: articles not in the source item: %s", where, sorted(unknown))
        seeder.translation(
            ContentItemTranslation,
            item.id,
            {"title": f.title, "summary": f.summary, "body_md": f.body},
            f.status,
            _require_hash(where, f.source_hash),
            {"article_titles": titles},
        )
    for c in content.checklists:
        where = f"{locale}/checklists/{c.slug}.yaml"
        template = parent(ChecklistTemplate, "slug", c.slug, where)
        seeder.translation(
            ChecklistTemplateTranslation,
            template.id,
            {"title": c.title, "summary": c.summary},
            c.status,
            _require_hash(where, c.source_hash),
        )
        for entry in c.items:
            item = session.exec(
                select(ChecklistItem).where(
                    ChecklistItem.template_id == template.id, ChecklistItem.key == entry.key
                )
            ).first()
            if item is None:
                raise SeedError(f"{where}: item '{entry.key}' does not exist in the source locale")
            seeder.translation(
                ChecklistItemTranslation,
                item.id,
                {"action": entry.action, "reason": entry.reason},
                c.status,
                _require_hash(f"{where} item {entry.key}", entry.source_hash),
            )
    for g in content.glossary:
        where = f"{locale}/glossary.yaml"
        term = parent(GlossaryTerm, "key", g.key, where)
        seeder.translation(
            GlossaryTermTranslation,
            term.id,
            {"term": g.term, "definition": g.definition},
            g.status,
            _require_hash(f"{where} {g.key}", g.source_hash),
            {"variants": g.variants},
        )
    return seeder.outcomes, seeder.kept


def _locale_dirs(content_dir: Path, source_locale: str) -> list[Path]:
    """The source locale first (translations hang off its rows), then the others."""
    dirs = sorted(
        (d for d in content_dir.iterdir() if d.is_dir() and (d / "items").is_dir()),
        key=lambda d: (d.name != source_locale, d.name),
    )
    if not dirs or dirs[0].name != source_locale:
        raise SeedError(f"{content_dir}: no '{source_locale}' content directory")
    return dirs


@dataclass
class SeedReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    # Translation locales left out because their files are broken, with the reason. A
    # broken translation must not keep the source content (or the server) from starting.
    skipped: dict[str, str] = field(default_factory=dict)
    # Checklist templates whose guidance changed (their cases reach phones flagged).
    guidance_changed: set[str] = field(default_factory=set)
    # "<locale> <kind>:<key>" whose text was published in the app (or edited in the
    # database): the seed files did not overwrite them.
    kept: set[str] = field(default_factory=set)


def seed(session: Session, content_dir: Path, source_locale: str) -> SeedReport:
    report = SeedReport()
    guidance_before = all_guidance_hashes(session, source_locale)
    for locale_dir in _locale_dirs(content_dir, source_locale):
        locale = locale_dir.name
        if locale == source_locale:
            outcomes, kept = seed_source_locale(session, load_seed_files(locale_dir), locale)
            report.outcomes += outcomes
            report.kept |= kept
            continue
        savepoint = session.begin_nested()
        try:
            outcomes, kept = seed_translation_locale(
                session, load_translation_files(locale_dir), locale
            )
        except SeedError as exc:
            savepoint.rollback()
            report.skipped[locale] = str(exc)
            logger.error("seed: skipped locale %s: %s", locale, exc)
            continue
        savepoint.commit()
        report.outcomes += outcomes
        report.kept |= kept
    if report.outcomes["created"] or report.outcomes["updated"]:
        record_seed_revisions(session, source_locale)
        report.guidance_changed = content_changed(session, guidance_before, source_locale)
    session.commit()
    if report.outcomes["kept"]:
        logger.warning(
            "seed: %d rows edited in the database were left as they are", report.outcomes["kept"]
        )
    return report


def _dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def stamp_translations(content_dir: Path, source_locale: str) -> list[Path]:
    """Fill in missing ``source_hash`` values from the current source-locale files.
    Existing hashes are never changed: that is what keeps staleness detectable."""
    source = load_seed_files(content_dir / source_locale)
    item_hash = {
        i.slug: i.source_hash
        or source_text_hash({"title": i.title, "summary": i.summary, "body_md": i.body})
        for i in source.items
    }
    template_hash = {
        c.slug: c.source_hash or source_text_hash({"title": c.title, "summary": c.summary})
        for c in source.checklists
    }
    entry_hash = {
        (c.slug, e.key): e.source_hash or source_text_hash({"action": e.action, "reason": e.reason})
        for c in source.checklists
        for e in c.items
    }
    term_hash = {
        g.key: g.source_hash or source_text_hash({"term": g.term, "definition": g.definition})
        for g in source.glossary
    }
    changed: list[Path] = []
    for locale_dir in _locale_dirs(content_dir, source_locale)[1:]:
        for path in sorted((locale_dir / "items").glob("*.md")):
            front, body = _split_front_matter(path)
            if not front.get("source_hash") and front.get("slug") in item_hash:
                front["source_hash"] = item_hash[front["slug"]]
                path.write_text(f"---\n{_dump_yaml(front)}---\n{body}\n", encoding="utf-8")
                changed.append(path)
        for path in sorted((locale_dir / "checklists").glob("*.yaml")):
            data = _read_yaml(path)
            before = _dump_yaml(data)
            if not data.get("source_hash") and data.get("slug") in template_hash:
                data["source_hash"] = template_hash[data["slug"]]
            for entry in data.get("items", []):
                key = (data.get("slug"), entry.get("key"))
                if not entry.get("source_hash") and key in entry_hash:
                    entry["source_hash"] = entry_hash[key]
            if _dump_yaml(data) != before:
                path.write_text(_dump_yaml(data), encoding="utf-8")
                changed.append(path)
        path = locale_dir / "glossary.yaml"
        if path.exists():
            terms = _read_yaml(path)
            before = _dump_yaml(terms)
            for term in terms:
                if not term.get("source_hash") and term.get("key") in term_hash:
                    term["source_hash"] = term_hash[term["key"]]
            if _dump_yaml(terms) != before:
                path.write_text(_dump_yaml(terms), encoding="utf-8")
                changed.append(path)
    return changed
