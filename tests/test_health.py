from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.core import db
from app.core.db import build_engine
from app.core.migrations import head_revision
from tests.conftest import ThrowawayDatabases


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": None, "migrations": None}


def test_readyz_when_migrated(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["migrations"] == head_revision()


def test_the_shell_is_warmed_after_the_first_ready_answer(app: FastAPI, client: TestClient) -> None:
    """Issue #13: start-up does not wait for the shell's compression; the first 200 from
    /readyz starts it on a background thread, once."""
    import threading

    from app.pwa import shell

    assert len(app.state.after_ready) == 1  # not run at start-up
    shell.clear_cache()
    assert client.get("/readyz").status_code == 200
    assert app.state.after_ready == []  # once
    warming = [t for t in threading.enumerate() if t.name == "homeward-shell-warm-up"]
    for thread in warming:
        thread.join()
    assert warming or shell._cache._shells  # still running above, or already done
    assert shell._cache._shells  # loaded before anyone asked for a file
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_schema_is_behind(app: FastAPI, databases: ThrowawayDatabases) -> None:
    empty = build_engine(databases.new_url())  # a database nobody has migrated

    def empty_session() -> Iterator[Session]:
        with Session(empty) as session:
            yield session

    app.dependency_overrides[db.session_scope] = empty_session
    with TestClient(app) as client:
        response = client.get("/readyz")
    empty.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "homeward db upgrade" in response.json()["detail"]


def test_healthz_answers_while_every_worker_thread_is_blocked(app: FastAPI) -> None:
    """/healthz runs on the event loop: requests stuck on the database (here: a route that
    blocks its thread) cannot starve it."""
    import threading
    import time

    release = threading.Event()

    def blocked() -> dict[str, bool]:
        release.wait(20)
        return {"ok": True}

    app.add_api_route("/blocked-for-test", blocked)
    app.router.routes.insert(0, app.router.routes.pop())  # before the PWA's fallback

    with TestClient(app) as client:
        client.portal.call(_limit_threads, 2)  # type: ignore[union-attr]
        stuck = [threading.Thread(target=client.get, args=("/blocked-for-test",)) for _ in range(3)]
        for t in stuck:
            t.start()
        try:
            time.sleep(0.5)  # let them take the two worker threads
            started = time.monotonic()
            response = client.get("/healthz")
            assert response.status_code == 200
            assert time.monotonic() - started < 2
        finally:
            release.set()
            for t in stuck:
                t.join()
            client.portal.call(_limit_threads, 40)  # type: ignore[union-attr]


async def _limit_threads(tokens: int) -> None:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = tokens


def test_readyz_is_503_when_the_database_cannot_take_a_write(
    client: TestClient, engine: Engine
) -> None:
    """Another transaction holds the write lock (SQLite) or the row (PostgreSQL): reads
    still work, writes wait; readiness says 503 within its deadline instead of 200."""
    import time

    from app.core.config import get_settings

    with engine.connect() as other:
        other.execute(text("UPDATE alembic_version SET version_num = version_num"))
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
        other.rollback()
    assert response.status_code == 503, response.text
    assert "write" in response.json()["detail"] or "answer" in response.json()["detail"]
    assert int(response.headers["retry-after"]) > 0
    assert elapsed < get_settings().readiness_timeout_seconds + 3
    assert client.get("/readyz").status_code == 200  # and ready again once it is free


def test_readyz_answers_503_at_its_deadline_when_the_database_stalls(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from app.core import health
    from app.core.config import get_settings

    release = threading.Event()

    def stalled(session: Session, timeout: float) -> None:
        release.wait(30)  # a PostgreSQL that stopped answering (SIGSTOP, a dead network)

    monkeypatch.setattr(health, "_check_database", stalled)
    started = time.monotonic()
    try:
        response = client.get("/readyz")
    finally:
        release.set()
    assert response.status_code == 503
    assert time.monotonic() - started < get_settings().readiness_timeout_seconds + 3
