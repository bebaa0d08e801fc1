"""Issue #9: logs carry no personal data. A whole scenario (an account, sign-in, a case
with a reference, a note, failing requests including a database error) runs in-process with
every log record captured, and again against a real `homeward serve`; neither log holds
the reference, the note text, the email, the password or a client address."""

import logging
import re
import secrets
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_user
from app.core.db import build_engine
from app.core.deps import SessionDep
from tests.conftest import ThrowawayDatabases
from tests.live import run_live_server

REFERENCE = "QZ-7391"


def _secrets() -> dict[str, str]:
    tag = secrets.token_hex(4)
    return {
        "email": f"privacy-{tag}@example.org",
        "password": f"violet tractor {tag}",
        "note": f"met at the shelter, tag {tag}",
        "reference": REFERENCE,
    }


def _scenario(client: TestClient | httpx.Client, s: dict[str, str]) -> None:
    wrong = client.post("/api/v1/auth/login", json={"email": s["email"], "password": "nope"})
    assert wrong.status_code == 401
    login = client.post("/api/v1/auth/login", json={"email": s["email"], "password": s["password"]})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    case = client.post(
        "/api/v1/cases", json={"country": "VN", "reference": s["reference"]}, headers=headers
    )
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    push = client.post(
        "/api/v1/sync/cases",
        json={
            "device_id": "privacy-" + secrets.token_hex(4),
            "mutations": [
                {
                    "id": str(uuid.uuid4()),
                    "seq": 1,
                    "type": "add_note",
                    "case_id": case_id,
                    "note_id": str(uuid.uuid4()),
                    "body": s["note"],
                    "clock": 1,
                }
            ],
        },
        headers=headers,
    )
    assert push.status_code == 200 and push.json()["results"][0]["status"] == "applied"
    # Failing requests that carry the secrets: a refused reference, an invalid body.
    bad = client.post(
        "/api/v1/cases", json={"country": "XX", "reference": s["reference"]}, headers=headers
    )
    assert bad.status_code in (400, 422)
    invalid = client.post("/api/v1/sync/cases", json={"device_id": s["note"]}, headers=headers)
    assert invalid.status_code == 422


def _assert_clean(log: str, s: dict[str, str]) -> None:
    assert log.strip(), "nothing was captured: the test would prove nothing"
    for name, value in s.items():
        assert value not in log, f"the {name} is in the log"
        assert value.lower() not in log.lower(), f"the {name} is in the log"
    assert not re.search(r"127\.0\.0\.1:\d+ - ", log), "client addresses are in the access log"
    assert "testclient:" not in log


def test_an_in_process_scenario_and_a_database_error_log_no_personal_data(
    app: FastAPI, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    s = _secrets()
    create_user(session, email=s["email"], role=Role.worker, password=s["password"])

    def failing_write(session: SessionDep) -> None:
        # A database error whose statement carries personal data as parameters.
        session.execute(
            text("INSERT INTO no_such_table (email, body) VALUES (:email, :body)"),
            {"email": s["email"], "body": s["note"]},
        )

    app.add_api_route("/api/v1/failing-for-test", failing_write, methods=["POST"])
    app.router.routes.insert(0, app.router.routes.pop())
    caplog.set_level(logging.DEBUG)
    with TestClient(app, raise_server_exceptions=False) as client:
        _scenario(client, s)
        failed = client.post("/api/v1/failing-for-test")
    assert failed.status_code in (500, 503)
    log = "\n".join(
        record.getMessage() + "\n" + (caplog.handler.format(record) if record.exc_info else "")
        for record in caplog.records
    )
    # The error was logged (PostgreSQL: a 500 with its SQL; SQLite: "no such table" is an
    # OperationalError, a 503 that logs its class) ...
    assert "no_such_table" in log or "database unavailable: OperationalError" in log
    _assert_clean(log, s)  # ... but not its parameters
    assert s["note"] not in failed.text and s["email"] not in failed.text


def test_a_live_server_logs_no_personal_data_and_no_client_addresses(
    databases: ThrowawayDatabases, tmp_path: Path
) -> None:
    s = _secrets()
    for server in run_live_server(tmp_path, databases, log_level="info"):  # production default
        engine = build_engine(server.database_url)
        with Session(engine) as session:
            create_user(session, email=s["email"], role=Role.worker, password=s["password"])
        engine.dispose()
        with httpx.Client(base_url=server.url, timeout=30) as client:
            _scenario(client, s)
        assert server.get("/api/v1/cases").status_code == 401
        log_path = server.log
    log = log_path.read_text()
    assert "Uvicorn running" in log or "Application startup complete" in log
    _assert_clean(log, s)
