"""Property-based fuzzing of the public API from its own OpenAPI schema (schemathesis)."""

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from sqlmodel import Session

from app.core import db


@pytest.fixture
def fuzz_app(database_url: str) -> Iterator[FastAPI]:
    from app.main import create_app

    yield create_app()


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@pytest.fixture
def fuzz_schema(fuzz_app: FastAPI):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case, session: Session) -> None:
    case.call_and_validate()


_ = db  # the read-only API needs no per-test transaction
