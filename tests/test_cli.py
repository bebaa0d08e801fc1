"""The `homeward` command as a user runs it: a real process against a real database."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.config import PROJECT_ROOT
from tests.conftest import ThrowawayDatabases

HOMEWARD = shutil.which("homeward", path=str(Path(sys.executable).parent)) or "homeward"


@pytest.fixture
def run(databases: ThrowawayDatabases):  # type: ignore[no-untyped-def]
    env = {**os.environ, "HOMEWARD_DATABASE_URL": databases.new_url()}

    def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HOMEWARD, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
        )

    return _run


def test_serve_refuses_a_database_behind_the_migrations(run) -> None:  # type: ignore[no-untyped-def]
    result = run("serve", "--port", "1")
    assert result.returncode == 1
    assert "homeward db upgrade" in result.stderr


def test_upgrade_seed_current_and_create_user(run) -> None:  # type: ignore[no-untyped-def]
    upgraded = run("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    current = run("db", "current")
    newest = sorted((PROJECT_ROOT / "migrations" / "versions").glob("*.py"))[-1]
    head = newest.name.split("_")[1]  # e.g. 0008
    assert f"current: {head}" in current.stdout and f"head:    {head}" in current.stdout

    first = run("seed")
    assert first.returncode == 0, first.stderr
    assert "created 0," not in first.stdout
    second = run("seed")
    assert "created 0, updated 0," in second.stdout and "kept 0" in second.stdout

    created = run(
        "users", "create", "--email", "w@example.org", "--role", "worker", "--password-stdin",
        stdin="a long enough password\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "created worker w@example.org" in created.stdout
    again = run(
        "users", "create", "--email", "w@example.org", "--role", "worker", "--password-stdin",
        stdin="a long enough password\n",
    )  # fmt: skip
    assert again.returncode == 1 and "already exists" in again.stderr

    purged = run("cases", "purge")  # the content feed is compacted with the case feed
    assert purged.returncode == 0, purged.stderr
    assert "content changes" in purged.stdout and "content removals" in purged.stdout

    down = run("db", "downgrade", "base")
    assert down.returncode == 0 and "database at None" in down.stdout


def test_bad_role_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "users", "create", "--email", "x@example.org", "--role", "king", "--password-stdin"
    )
    assert result.returncode != 0
    assert "king" in result.stderr


def test_serve_says_in_one_line_which_port_is_taken(run) -> None:  # type: ignore[no-untyped-def]
    """Issue #8: a taken port used to end `make run` with a raw "[Errno 98]" traceback."""
    assert run("db", "upgrade").returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run("serve", "--host", "127.0.0.1", "--port", str(port))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Port {port} on 127.0.0.1 is already in use. Pick another: "
        f"HOMEWARD_PORT={port + 1} make run, or homeward serve --port {port + 1}."
    ]


def test_content_and_translation_exchange_commands(  # type: ignore[no-untyped-def]
    run, databases: ThrowawayDatabases, tmp_path: Path
) -> None:
    """Issue #11: translations export/import (PO), content export (files, archive), import."""
    assert run("db", "upgrade").returncode == 0
    assert run("seed").returncode == 0
    run(
        "users", "create", "--email", "t@example.org", "--role", "editor", "--password-stdin",
        stdin="a long enough password\n",
    )  # fmt: skip
    po = tmp_path / "fr.po"
    exported = run("translations", "export", "--locale", "fr", "-o", str(po))
    assert exported.returncode == 0, exported.stderr
    text = po.read_text(encoding="utf-8")
    assert 'msgctxt "item:tool-7-1:title"' in text
    po.write_text(text.replace('msgstr "Délai de réflexion"', 'msgstr "Délai de réflexion (relu)"'))
    imported = run(
        "translations", "import", str(po), "--locale", "fr", "--user", "t@example.org",
        "--status", "reviewed", "--publish",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert "text(s) saved as reviewed drafts, published as" in imported.stdout
    broken = tmp_path / "broken.po"
    broken.write_text('msgctxt "item:nope:title"\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8")
    refused = run(
        "translations", "import", str(broken), "--locale", "fr", "--user", "t@example.org"
    )
    assert refused.returncode == 1 and "item:nope:title" in refused.stderr

    files = run("content", "export", str(tmp_path / "files"))
    assert files.returncode == 0, files.stderr
    assert "Délai de réflexion (relu)" in (tmp_path / "files/fr/items/tool-7-1.md").read_text()
    archive = tmp_path / "content.json"
    assert run("content", "export", "--archive", str(archive)).returncode == 0
    other = {**os.environ, "HOMEWARD_DATABASE_URL": databases.new_url()}

    def run_other(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HOMEWARD, *args], env=other, capture_output=True, text=True, timeout=120
        )

    assert run_other("db", "upgrade").returncode == 0
    loaded = run_other("content", "import", str(archive))
    assert loaded.returncode == 0, loaded.stderr
    again = run_other("content", "import", str(archive))
    assert again.returncode == 1 and "already has content" in again.stderr
    second = run_other("seed")
    assert "kept fr item:tool-7-1" in second.stdout
