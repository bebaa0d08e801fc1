"""Liveness and readiness probes (`/healthz`, `/readyz`).

`/healthz` is an ``async`` route doing no I/O: it answers from the event loop even when every
worker thread is blocked on the database. `/readyz` checks that the database takes a write
(inside a transaction that is rolled back) and is at the migrations' head, within
``HOMEWARD_READINESS_TIMEOUT_SECONDS``; past that it answers 503."""

from typing import Literal

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.core.db_options import sqlite_busy_timeout_ms
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import problem_response, problem_responses
from app.core.migrations import head_revision, is_at_head


class Health(BaseModel):
    status: Literal["ok", "ready"]
    database: str | None = None
    migrations: str | None = None


router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """200 while the process is up (answered on the event loop, no thread, no I/O)."""
    return Health(status="ok")


_BEHIND = "The database schema is behind the migrations: run `homeward db upgrade`."


def _check_database(session: Session, timeout_seconds: float) -> str | None:
    """None when the database takes a write and is at head, else why not."""
    bind = session.get_bind()
    backend = bind.dialect.name
    timeout_ms = max(1, int(timeout_seconds * 1000))
    try:
        if not is_at_head(bind.engine):  # type: ignore[union-attr]
            return _BEHIND
        nested = session.begin_nested()
        try:
            if backend == "postgresql":
                session.execute(text(f"SET LOCAL statement_timeout = {timeout_ms}"))
            elif backend == "sqlite":
                session.execute(text(f"PRAGMA busy_timeout = {timeout_ms}"))
            # A real write (it needs SQLite's write lock), on a row only migrations touch.
            session.execute(text("UPDATE alembic_version SET version_num = version_num"))
        finally:
            nested.rollback()
            if backend == "sqlite":
                session.execute(text(f"PRAGMA busy_timeout = {int(sqlite_busy_timeout_ms())}"))
            session.rollback()  # ends the transaction: no lock outlives the probe
    except SQLAlchemyError as exc:
        return f"The database does not take a write ({type(exc).__name__})."
    return None


@router.get("/readyz", response_model=Health, responses=problem_responses(503))
async def readyz(
    request: Request, session: SessionDep, settings: SettingsDep
) -> Health | JSONResponse:
    """200 when the database takes a write within the deadline and its schema is at the
    migrations' head; otherwise 503."""
    deadline = settings.readiness_timeout_seconds
    try:
        with anyio.fail_after(deadline):
            # The database's own timeout ends the check a little before the deadline, so the
            # thread finishes (and releases its session) rather than being abandoned; the
            # deadline is for a database that does not answer at all.
            problem = await anyio.to_thread.run_sync(
                _check_database, session, deadline * 0.8, abandon_on_cancel=True
            )
    except TimeoutError:
        problem = f"The database did not answer within {deadline:g} s."
    if problem is not None:
        response = problem_response(503, "Not ready", problem)
        response.headers["Retry-After"] = str(settings.unavailable_retry_after_seconds)
        return response
    # Warm-ups that could wait until the process was ready start now, once, in the background.
    hooks = getattr(request.app.state, "after_ready", None)
    if hooks:
        request.app.state.after_ready = []
        for hook in hooks:
            hook()
    return Health(status="ready", database="ok", migrations=head_revision())
