"""The `homeward` command as a user runs it: a real process against a real database."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert "current: 0007" in current.stdout and "head:    0007" in current.stdout

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
