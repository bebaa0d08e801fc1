"""The `homeward` command against a real database.

Commands run in this process through `app.cli.main`, the function the console script calls:
a process of their own cost each one about 1.5 s of imports, and some 20 runs of it were
a minute and a half of CI on each database. What only a process shows runs in one: the
console script, a server that refuses to start, what `--help` imports."""

import io
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from app.core import config, db
from app.core.config import PROJECT_ROOT
from tests.conftest import ThrowawayDatabases

HOMEWARD = shutil.which("homeward", path=str(Path(sys.executable).parent)) or "homeward"


@dataclass(frozen=True)
class Ran:
    """What one run of the command left: its exit code and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


def _forget_settings_and_engine() -> None:
    # Both are cached per process and read HOMEWARD_DATABASE_URL once; a command run here
    # must read its own database's, as a new process would (tests/conftest.py does the same).
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()


class Homeward:
    """`homeward ARGS` run in this process against the database at ``url``."""

    def __init__(
        self, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.url = url
        self._monkeypatch = monkeypatch
        self._capsys = capsys

    def on(self, url: str) -> "Homeward":
        """The same command against another database."""
        return Homeward(url, self._monkeypatch, self._capsys)

    def __call__(self, *args: str, stdin: str = "") -> Ran:
        self._capsys.readouterr()  # what ran before is not this command's output
        with self._monkeypatch.context() as patch:
            patch.setenv("HOMEWARD_DATABASE_URL", self.url)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            patch.setattr(sys, "excepthook", sys.excepthook)  # typer replaces it on each run
            _forget_settings_and_engine()
            try:
                # Like the console script, main() always ends in SystemExit(exit code).
                with pytest.raises(SystemExit) as exited:
                    main(args)
            finally:
                # Close this run's connections (a process would on exit); the next
                # get_engine() builds the engine of whatever database is configured then.
                if db.get_engine.cache_info().currsize:
                    db.get_engine().dispose()
                _forget_settings_and_engine()
        out, err = self._capsys.readouterr()
        code = exited.value.code
        assert isinstance(code, int), f"exit code {code!r}"
        return Ran(code, out, err)


@pytest.fixture
def run(
    databases: ThrowawayDatabases,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Homeward:
    """The command on a new, empty database of the kind under test."""
    return Homeward(databases.new_url(), monkeypatch, capsys)


def in_a_process(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`homeward ARGS` as an operator runs it: the console script, a process of its own."""
    env = {**os.environ, "HOMEWARD_DATABASE_URL": url}
    return subprocess.run([HOMEWARD, *args], env=env, capture_output=True, text=True, timeout=120)


def test_serve_refuses_a_database_behind_the_migrations(run: Homeward) -> None:
    result = in_a_process(run.url, "serve", "--port", "1")
    assert result.returncode == 1
    assert "homeward db upgrade" in result.stderr


def test_help_and_a_usage_error_import_neither_the_web_app_nor_the_database() -> None:
    """They answer at once: app/cli.py imports FastAPI, SQLAlchemy and Alembic per command
    (at the top of the module they cost every start of `homeward` about 1.5 s). A process of
    its own, as only a new interpreter shows what a command imports."""
    probe = (
        "import sys\n"
        "from app.cli import main\n"
        "for argv, expected in ((['--help'], 0), (['users', 'create', '--role', 'king'], 2)):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as exited:\n"
        "        assert exited.code == expected, (argv, exited.code)\n"
        "heavy = ('fastapi', 'sqlalchemy', 'sqlmodel', 'alembic', 'pydantic_settings', 'uvicorn')\n"
        "print('imported:', *(name for name in heavy if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: homeward" in result.stdout and "king" in result.stderr
    assert result.stdout.splitlines()[-1] == "imported:"


def test_upgrade_seed_current_and_create_user(run: Homeward) -> None:
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


def test_bad_role_is_refused(run: Homeward) -> None:
    result = run(
        "users", "create", "--email", "x@example.org", "--role", "king", "--password-stdin"
    )
    assert result.returncode != 0
    assert "king" in result.stderr


def test_serve_says_in_one_line_which_port_is_taken(run: Homeward) -> None:
    """Issue #8: a taken port used to end `make run` with a raw "[Errno 98]" traceback."""
    assert run("db", "upgrade").returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = in_a_process(run.url, "serve", "--host", "127.0.0.1", "--port", str(port))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Port {port} on 127.0.0.1 is already in use. Pick another: "
        f"HOMEWARD_PORT={port + 1} make run, or homeward serve --port {port + 1}."
    ]


def test_content_and_translation_exchange_commands(
    run: Homeward, databases: ThrowawayDatabases, tmp_path: Path
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
    run_other = run.on(databases.new_url())

    assert run_other("db", "upgrade").returncode == 0
    loaded = run_other("content", "import", str(archive))
    assert loaded.returncode == 0, loaded.stderr
    again = run_other("content", "import", str(archive))
    assert again.returncode == 1 and "already has content" in again.stderr
    second = run_other("seed")
    assert "kept fr item:tool-7-1" in second.stdout
