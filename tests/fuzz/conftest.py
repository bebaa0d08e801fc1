"""Fixtures of the API fuzzing (tests/fuzz/__init__.py)."""

import secrets
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from sqlalchemy import delete
from sqlmodel import Session

from app.accounts.models import LoginThrottle, Role
from app.accounts.service import create_user, login
from app.core import db
from app.core.config import get_settings


@pytest.fixture(scope="module")
def fuzz_app(database_url: str) -> Iterator[FastAPI]:
    from app.main import create_app

    yield create_app()
    # The fuzzer's failed sign-ins are committed; forget them so the throttle they filled
    # does not answer 429 to the tests that run after this module.
    with Session(db.get_engine()) as session:
        session.execute(delete(LoginThrottle))
        session.commit()


@pytest.fixture(scope="module")
def worker_token(database_url: str) -> str:
    email = f"fuzz-{secrets.token_hex(4)}@example.org"
    password = secrets.token_urlsafe(16)
    with Session(db.get_engine()) as session:
        create_user(session, email=email, role=Role.worker, password=password)
        _, token = login(
            session, email=email, password=password, address="fuzz", settings=get_settings()
        )
    return token


@pytest.fixture
def fuzz_schema(fuzz_app: FastAPI):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)
