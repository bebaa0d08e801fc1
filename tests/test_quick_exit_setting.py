"""HOMEWARD_QUICK_EXIT_URL reaches the app shell (and so works offline, precached with it)."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import PROJECT_ROOT, Settings, get_settings
from app.main import create_app
from app.pwa import shell


@pytest.fixture
def frontend(tmp_path: Path) -> Path:
    copy = tmp_path / "frontend"
    shutil.copytree(PROJECT_ROOT / "frontend", copy)
    shell.clear_cache()
    return copy


def test_default_is_the_neutral_page_the_shell_ships(frontend: Path) -> None:
    default = Settings().quick_exit_url
    assert (frontend / default.removeprefix("/static/")).is_file()
    s = shell.load_shell(frontend, default)
    shipped = (frontend / "index.html").read_text()
    assert f'<meta name="hw-quick-exit" content="{default}">' in shipped
    assert f'data-quick-exit data-t href="{default}"' in shipped
    assert shell.with_quick_exit(s.index, default) is s.index  # nothing to rewrite
    page = (frontend / "recipe.html").read_text().lower()
    assert "homeward" not in page  # the destination names nothing of Homeward


def test_the_organisations_page_is_in_the_shell_and_changes_its_revision(frontend: Path) -> None:
    before = shell.load_shell(frontend)
    url = 'https://weather.example/today?city=a&x="y"'
    s = shell.load_shell(frontend, url)
    assert (
        b'<meta name="hw-quick-exit" content="https://weather.example/today?city=a&amp;x=&quot;y&quot;">'
        in s.index.body
    )
    assert s.index.revision != before.index.revision
    assert s.version != before.version  # a new service worker carries the new shell


def test_served_index_carries_the_setting(frontend: Path) -> None:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(
        frontend_dir=frontend, quick_exit_url="https://news.example/"
    )
    with TestClient(app) as client:
        body = client.get("/fr/pages/x").text
        assert '<meta name="hw-quick-exit" content="https://news.example/">' in body
        # ... and in the link shown before the scripts run, in the page's language
        assert 'data-quick-exit data-t href="https://news.example/">Sortie rapide</a>' in body
        sw = client.get("/sw.js").text
    rev = shell.load_shell(frontend, "https://news.example/").index.revision
    assert rev in sw
