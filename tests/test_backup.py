"""Backup and restore (SQLite online backup through `homeward db backup`), and disabling an
account from the command line, as an operator runs them, on real databases. The command runs in
this process through `app.cli.main`, as in tests/test_cli.py: none of these is about the process."""

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_user
from app.cases.models import CaseStage
from app.cases.service import new_case
from app.core import db
from app.core.db import build_engine
from tests.conftest import TEST_DATABASE, ThrowawayDatabases
from tests.test_cli import Homeward, Ran

PASSWORD = "restore drill password"


@pytest.fixture
def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """`homeward ARGS` in this process against the database at ``url``."""

    def run(url: str, *args: str, stdin: str = "") -> Ran:
        return Homeward(url, monkeypatch, capsys)(*args, stdin=stdin)

    return run


@pytest.mark.skipif(TEST_DATABASE != "sqlite", reason="the online backup is SQLite's")
def test_a_backup_restores_into_a_new_file_and_the_app_reads_the_case(
    databases: ThrowawayDatabases, tmp_path: Path, _run: Callable[..., Ran]
) -> None:
    url = databases.new_url()
    assert _run(url, "db", "upgrade").returncode == 0
    engine = build_engine(url)
    case_id = str(uuid.uuid4())
    with Session(engine) as session:
        user = create_user(session, email="keeper@example.org", role=Role.worker, password=PASSWORD)
        new_case(
            session, user, case_id=case_id, reference="KP-42", country="UA", stage=CaseStage.travel
        )
        session.commit()
    backup = tmp_path / "backups" / "homeward-backup.db"
    done = _run(url, "db", "backup", str(backup))
    assert done.returncode == 0, done.stderr
    assert _run(url, "db", "backup", str(backup)).returncode == 1  # never overwrites
    # The app kept writing after the backup: that write is not in it.
    with Session(engine) as session:
        create_user(session, email="later@example.org", role=Role.editor, password=PASSWORD)
    engine.dispose()

    restored_path = tmp_path / "restored.db"
    shutil.copy(backup, restored_path)  # restore = put the file in place
    restored_url = f"sqlite:///{restored_path}"
    current = _run(restored_url, "db", "current")
    assert "current: " in current.stdout and "current: None" not in current.stdout
    restored = build_engine(restored_url)

    def restored_session() -> Iterator[Session]:
        with Session(restored) as s:
            yield s

    from app.main import create_app

    app = create_app()
    app.dependency_overrides[db.session_scope] = restored_session
    with TestClient(app) as client:
        login = client.post(
            "/api/v1/auth/login", json={"email": "keeper@example.org", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        cases = client.get("/api/v1/cases", headers=headers).json()
        assert [(c["id"], c["reference"], c["stage"]) for c in cases] == [
            (case_id, "KP-42", "travel")
        ]
        later = client.post(
            "/api/v1/auth/login", json={"email": "later@example.org", "password": PASSWORD}
        )
        assert later.status_code == 401
    restored.dispose()


def test_backup_refuses_postgresql_and_names_pg_dump(_run: Callable[..., Ran]) -> None:
    result = _run("postgresql+psycopg://nobody@127.0.0.1:1/none", "db", "backup", "/tmp/x.db")
    assert result.returncode == 1 and "pg_dump" in result.stderr


def test_users_disable_and_enable_from_the_command_line(
    databases: ThrowawayDatabases, _run: Callable[..., Ran]
) -> None:
    url = databases.new_url()
    assert _run(url, "db", "upgrade").returncode == 0
    created = _run(
        url, "users", "create", "--email", "gone@example.org", "--role", "worker",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    engine = build_engine(url)
    from app.accounts.service import authenticate, login
    from app.core.config import get_settings

    with Session(engine) as session:
        _, token = login(
            session,
            email="gone@example.org",
            password=PASSWORD,
            address="a",
            settings=get_settings(),
        )
    disabled = _run(url, "users", "disable", "GONE@example.org")
    assert disabled.returncode == 0, disabled.stderr
    assert "disabled gone@example.org; 1 session(s) revoked" in disabled.stdout
    with Session(engine) as session:
        assert authenticate(session, token, get_settings()) is None
    assert _run(url, "users", "disable", "nobody@example.org").returncode == 1
    enabled = _run(url, "users", "enable", "gone@example.org")
    assert enabled.returncode == 0 and "enabled gone@example.org" in enabled.stdout
    with Session(engine) as session:
        user, _token = login(
            session,
            email="gone@example.org",
            password=PASSWORD,
            address="a",
            settings=get_settings(),
        )
        assert user.is_active
    engine.dispose()
