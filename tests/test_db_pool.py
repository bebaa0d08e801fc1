"""The connection pool is sized for the worker threads that use it (issue #13: fifty devices
pushing at once got 503s after waiting 5 s for one of 15 connections)."""

from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread

from app.core.config import Settings
from app.core.db_options import engine_options


def test_each_worker_thread_can_hold_a_connection_and_a_wait_is_a_queue() -> None:
    settings = Settings()
    options = engine_options("postgresql", settings)
    threads = 40  # anyio's default limiter: the threads FastAPI runs database routes on

    async def limiter_size() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    # On a thread of its own: another test's event loop may be running on this one.
    with ThreadPoolExecutor(1) as other:
        assert other.submit(anyio.run, limiter_size).result() == threads
    assert options["pool_size"] + options["max_overflow"] >= threads
    # Waiting for a busy pool is queueing, bounded like any statement; connecting is not.
    assert options["pool_timeout"] == settings.db_statement_timeout_seconds
    assert options["connect_args"]["connect_timeout"] == settings.db_connect_timeout_seconds


def test_the_pool_is_configured_by_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOMEWARD_DB_POOL_SIZE", "3")
    monkeypatch.setenv("HOMEWARD_DB_POOL_OVERFLOW", "2")
    options = engine_options("postgresql", Settings())
    assert (options["pool_size"], options["max_overflow"]) == (3, 2)
    assert "pool_size" not in engine_options("sqlite", Settings())
