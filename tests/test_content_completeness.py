"""The shipped English content covers all of chapter 7, as the foundation issue requires."""

import re

import pytest

from app.content.seed import SeedContent, load_seed_files
from app.core.config import PROJECT_ROOT

EXPECTED_CHECKLIST_ITEMS = {
    "pre-return": 24,
    "travel": 8,
    "arrival": 10,
    "reintegration": 10,
    "children": 16,
    "asylum-screening": 7,
}


@pytest.fixture(scope="module")
def content() -> SeedContent:
    return load_seed_files(PROJECT_ROOT / "app" / "guidance" / "en")


def _words(markdown: str) -> int:
    return len(re.findall(r"[\w\u2019'-]+", re.sub(r"[|#*`>-]{2,}", " ", markdown)))


def test_overview_and_all_ten_tools(content: SeedContent) -> None:
    tools = {i.tool_number: i for i in content.items if i.kind == "tool"}
    assert sorted(tools, key=lambda n: int(n.split(".")[1])) == [f"7.{n}" for n in range(1, 11)]
    assert {i.slug for i in tools.values()} == {f"tool-7-{n}" for n in range(1, 11)}
    assert [i.slug for i in content.items if i.kind == "overview"] == ["overview"]
    for item in [*tools.values(), *(i for i in content.items if i.kind == "overview")]:
        assert item.audience in ("worker", "both"), item.slug
        assert 300 <= _words(item.body) <= 900, (item.slug, _words(item.body))
        assert "\n## " in "\n" + item.body, f"{item.slug} has no headings"
        assert item.articles, f"{item.slug} names no legal article"


def test_at_least_five_plain_language_returnee_pages(content: SeedContent) -> None:
    pages = [i for i in content.items if i.kind == "page" and i.audience == "returnee"]
    assert len(pages) >= 5
    for page in pages:
        assert 150 <= _words(page.body) <= 400, (page.slug, _words(page.body))
        assert re.search(r"\byou\b", page.body, re.I), f"{page.slug} is not in second person"
        sentences = [s for s in re.split(r"[.!?]\s", page.body) if s.strip()]
        average = sum(_words(s) for s in sentences) / len(sentences)
        assert average < 20, f"{page.slug}: sentences average {average:.0f} words"


def test_every_item_cites_sources(content: SeedContent) -> None:
    for item in content.items:
        assert item.sources, item.slug
        assert all(str(s.url).startswith(("http://", "https://")) for s in item.sources)
    for checklist in content.checklists:
        assert checklist.sources, checklist.slug


def test_all_six_checklists_with_every_item_and_reason(content: SeedContent) -> None:
    counts = {c.slug: len(c.items) for c in content.checklists}
    assert counts == EXPECTED_CHECKLIST_ITEMS
    for checklist in content.checklists:
        keys = [i.key for i in checklist.items]
        assert len(keys) == len(set(keys)), checklist.slug
        for entry in checklist.items:
            assert entry.reason.strip().endswith((".", ")", "]")), (checklist.slug, entry.key)


def test_glossary_has_at_least_25_terms(content: SeedContent) -> None:
    assert len(content.glossary) >= 25
    assert len({g.key for g in content.glossary}) == len(content.glossary)


def test_cross_references_resolve(content: SeedContent) -> None:
    slugs = {i.slug for i in content.items}
    checklists = {c.slug for c in content.checklists}
    glossary = {g.key for g in content.glossary}
    for item in content.items:
        assert set(item.related_checklists) <= checklists, item.slug
        assert set(item.related_glossary) <= glossary, item.slug
    for checklist in content.checklists:
        assert checklist.related_tool in slugs, checklist.slug


def test_post_2008_updates_are_marked_as_such(content: SeedContent) -> None:
    # Canada's 12-month permit (2025) is newer than the Toolkit and must say so.
    tool = next(i for i in content.items if i.slug == "tool-7-1")
    assert "2008 Toolkit" in tool.body
