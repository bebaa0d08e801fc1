from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient
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
