"""Liveness and readiness probes (`/healthz`, `/readyz`)."""

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.deps import SessionDep
from app.core.errors import problem_response, problem_responses
from app.core.migrations import head_revision, is_at_head


class Health(BaseModel):
    status: Literal["ok", "ready"]
    database: str | None = None
    migrations: str | None = None


router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """200 while the process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses=problem_responses(503))
def readyz(session: SessionDep) -> Health | JSONResponse:
    """200 when the database answers and its schema is at the migrations' head."""
    try:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        at_head = is_at_head(session.get_bind().engine)  # type: ignore[union-attr]
    except SQLAlchemyError:
        return problem_response(503, "Not ready", "The database does not answer.")
    if not at_head:
        return problem_response(
            503,
            "Not ready",
            "The database schema is behind the migrations: run `homeward db upgrade`.",
        )
    return Health(status="ready", database="ok", migrations=head_revision())
