import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.content.models import ContentItem, ContentItemTranslation, GlossaryTermTranslation
from app.content.seed import SeedError, load_seed_files, seed
from app.content.write import current_version
from app.core.config import PROJECT_ROOT

CONTENT = PROJECT_ROOT / "app" / "guidance"


def _translation(session: Session, slug: str) -> ContentItemTranslation:
    return session.exec(
        select(ContentItemTranslation)
        .join(ContentItem, ContentItem.id == ContentItemTranslation.item_id)  # type: ignore[arg-type]
        .where(ContentItem.slug == slug, ContentItemTranslation.locale == "en")
    ).one()


def test_seeding_twice_changes_nothing(session: Session) -> None:
    version = current_version(session)
    totals = seed(session, CONTENT, "en").outcomes
    assert totals["created"] == 0 and totals["updated"] == 0 and totals["kept"] == 0
    assert totals["unchanged"] > 200
    assert current_version(session) == version


def test_seed_never_overwrites_an_edit_made_in_the_database(session: Session) -> None:
    text = _translation(session, "tool-7-2")
    text.summary = "Edited by an editor in the database."
    session.add(text)
    session.commit()
    version = current_version(session)
    totals = seed(session, CONTENT, "en").outcomes
    assert totals["kept"] == 1 and totals["updated"] == 0
    session.refresh(text)
    assert text.summary == "Edited by an editor in the database."
    assert current_version(session) == version


def test_a_changed_seed_file_updates_an_unedited_row(
    session: Session, tmp_path: Path, client: TestClient
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    page = content / "en" / "items" / "your-rights.md"
    page.write_text(page.read_text().rstrip() + "\n\nA new closing sentence.\n")
    glossary = content / "en" / "glossary.yaml"
    glossary.write_text(glossary.read_text().replace("Re-trafficking", "Re-trafficking (again)"))
    before = client.get("/api/v1/content/en").json()

    totals = seed(session, content, "en").outcomes

    assert totals["updated"] == 2 and totals["created"] == 0
    after = client.get("/api/v1/content/en").json()
    assert after["version"] == before["version"] + 1
    rights = next(i for i in after["items"] if i["slug"] == "your-rights")
    assert "A new closing sentence." in rights["body_html"]
    terms = session.exec(select(GlossaryTermTranslation.term)).all()
    assert "Re-trafficking (again)" in terms


def test_a_malformed_seed_file_is_reported_by_name(tmp_path: Path) -> None:
    items = tmp_path / "en" / "items"
    items.mkdir(parents=True)
    (items / "broken.md").write_text("---\nslug: broken\nkind: essay\n---\nBody text.\n")
    with pytest.raises(SeedError, match=r"broken\.md"):
        load_seed_files(tmp_path / "en")


def test_front_matter_ends_only_at_a_line_of_three_dashes(tmp_path: Path) -> None:
    items = tmp_path / "en" / "items"
    items.mkdir(parents=True)
    (items / "dashes.md").write_text(
        "---\nslug: dashes\nkind: page\naudience: returnee\norder: 1\ntitle: Dashes\n"
        "summary: A page whose source URL contains three dashes.\n"
        "sources:\n  - title: Index\n    url: https://example.org/a---index.html\n---\n"
        "A body long enough to pass the minimum length check for items.\n"
    )
    (item,) = load_seed_files(tmp_path / "en").items
    assert str(item.sources[0].url) == "https://example.org/a---index.html"
