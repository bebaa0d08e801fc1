"""Test fixtures: a real database (SQLite, or PostgreSQL with HOMEWARD_TEST_DATABASE=postgresql)
built by the migrations and seeded once per session; every test runs in a transaction that is
rolled back, and gets a fresh app (so no cached bundle outlives its test)."""

import os
import secrets
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.content.bundles import BundleCache
from app.core import config, db
from app.core.config import PROJECT_ROOT
from app.core.migrations import upgrade

PG_ADMIN_URL = os.environ.get(
    "HOMEWARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TEST_DATABASE = os.environ.get("HOMEWARD_TEST_DATABASE", "sqlite")


class ThrowawayDatabases:
    """Creates empty databases of the configured kind and drops them at the end."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    def new_url(self) -> str:
        name = f"homeward_test_{secrets.token_hex(4)}"
        if TEST_DATABASE == "sqlite":
            return f"sqlite:///{self.tmp_dir / (name + '.db')}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The files that take longest start first (`make test` runs with --no-loadscope-reorder): with a
# file per process at a time, one left for the end keeps the other process idle. Measured with
# `pytest --durations` (SQLite, 2026-12-04; test_two_processes runs on PostgreSQL only); files
# not named follow in their usual order.
LONGEST_FIRST = (
    "tests/browser/test_cases.py",
    "tests/fuzz/test_signed_in.py",
    "tests/browser/test_admin_content.py",
    "tests/browser/test_device_security.py",
    "tests/fuzz/test_anonymous.py",
    "tests/browser/test_i18n.py",
    "tests/browser/test_admin_people.py",
    "tests/browser/test_fit.py",
    "tests/browser/test_field.py",
    "tests/test_nginx.py",
    "tests/test_editorial.py",
    "tests/test_two_servers_etag.py",
    "tests/test_two_processes.py",
    "tests/browser/test_case_notes.py",
    "tests/test_sync_property.py",
    "tests/browser/test_a11y.py",
    "tests/browser/test_reader.py",
    "tests/test_frontend_routes.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def pytest_report_header() -> str:
    return f"homeward test database: {TEST_DATABASE}"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThrowawayDatabases]:
    dbs = ThrowawayDatabases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def database_url(databases: ThrowawayDatabases) -> Iterator[str]:
    """The session's database: migrated to head and seeded with the shipped content."""
    url = databases.new_url()
    os.environ["HOMEWARD_DATABASE_URL"] = url
    os.environ["HOMEWARD_ENVIRONMENT"] = "test"
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    upgrade(url)
    from app.content.seed import seed

    with Session(db.get_engine()) as session:
        seed(session, PROJECT_ROOT / "app" / "guidance", "en")
    yield url
    db.get_engine().dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    return db.get_engine()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction: services may commit; the test rolls it all back."""
    connection = engine.connect()
    outer = connection.begin()
    with Session(bind=connection, join_transaction_mode="create_savepoint") as test_session:
        yield test_session
    outer.rollback()
    connection.close()


@pytest.fixture
def app(session: Session) -> FastAPI:
    from app.main import create_app

    application = create_app()
    application.dependency_overrides[db.session_scope] = lambda: session
    # The bundle cache reads the test's own session (its data is never committed for real),
    # and reads the content version on every request.
    application.state.bundle_cache = BundleCache(
        lambda: nullcontext(session), source_locale="en", version_ttl=0, max_age=300
    )
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
