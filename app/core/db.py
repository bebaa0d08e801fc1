"""Database engine and sessions: SQLite (WAL, foreign keys on) by default, else PostgreSQL.

SQL parameters are hidden from error messages and logs: they carry note text and emails."""

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from app.core.config import get_settings
from app.core.db_options import engine_options, sqlite_busy_timeout_ms

# Execution option: this transaction will write (BEGIN IMMEDIATE on SQLite).
WRITE_OPTION = "homeward_write"


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers proceed while the seeder or a sync push writes; SQLite leaves
    # foreign keys off unless every connection asks for them.
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms())}")
    cursor.close()


def build_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, **engine_options("sqlite")
        )
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        # pysqlite's own transaction handling breaks SAVEPOINTs (needed per sync mutation
        # and by the tests); SQLAlchemy's documented recipe is to begin explicitly.
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, **engine_options("postgresql"))


def _begin_sqlite(conn: Connection) -> None:
    # A deferred transaction that reads and then writes cannot upgrade once another writer
    # has committed ("database is locked", whatever the busy timeout). Requests that write
    # take the write lock up front instead and queue for it under the busy timeout.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().database_url)


def writing(engine: Engine) -> Engine:
    """The same engine (and pool), its transactions marked as writes (see _begin_sqlite)."""
    return engine.execution_options(**{WRITE_OPTION: True})


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_scope(request: Request) -> Iterator[Session]:
    """One session per request; services commit their own writes. Requests that may write
    (every method but GET, HEAD, OPTIONS) begin their transactions as writes."""
    engine = get_engine()
    bind = engine if request.method in _SAFE_METHODS else writing(engine)
    with Session(bind) as session:
        yield session
