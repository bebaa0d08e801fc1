"""Scale out (issue #13): two server processes on one PostgreSQL database. A content change
is served by the other process within the content-version TTL (polled, with a deadline), and
case sync works through both (push through one, pull through the other). The second server
runs `homeward serve --workers 2`."""

import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_user
from app.content.models import ContentItemTranslation
from app.content.write import edit_text
from app.core.db import build_engine
from tests.conftest import TEST_DATABASE, ThrowawayDatabases
from tests.live import LiveServer, run_live_server

TTL = 1.0  # HOMEWARD_CONTENT_VERSION_TTL_SECONDS of both processes
SLACK = 5.0  # a loaded test machine: time for a request and a bundle build
PASSWORD = "a long and good test password"


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, databases: ThrowawayDatabases
) -> Iterator[tuple[LiveServer, LiveServer]]:
    if TEST_DATABASE != "postgresql":
        reason = "two processes on one database are tested on PostgreSQL (make test-postgres)"
        print(f"\nSKIPPING {__name__}: {reason}", file=sys.stderr)
        pytest.skip(reason)
    ttl = {"content_version_ttl_seconds": str(TTL)}
    first = run_live_server(tmp_path_factory.mktemp("one"), databases, **ttl)
    a = next(first)
    second = run_live_server(
        tmp_path_factory.mktemp("two"), databases, database_url=a.database_url,
        serve_args=("--workers", "2"), **ttl,
    )  # fmt: skip
    b = next(second)
    try:
        yield a, b
    finally:
        for gen in (second, first):
            gen.close()


@pytest.fixture(scope="module")
def server_db(pair: tuple[LiveServer, LiveServer]) -> Iterator[Engine]:
    engine = build_engine(pair[0].database_url)
    yield engine
    engine.dispose()


def etag(server: LiveServer, locale: str = "fr") -> str:
    r = server.get(f"/api/v1/content/{locale}")
    r.raise_for_status()
    return r.headers["etag"]


def test_a_content_change_is_served_by_the_other_process_within_the_ttl(
    pair: tuple[LiveServer, LiveServer], server_db: Engine
) -> None:
    a, b = pair
    before = etag(a)
    assert etag(b) == before  # the same content gives the same ETag in every process
    with Session(server_db) as session:
        old = edit_text(session, ContentItemTranslation, "what-happens-next", "fr",
                        title=f"Ce qui se passe ensuite ({uuid.uuid4().hex[:6]})")  # fmt: skip
    changed_at = time.monotonic()
    try:
        deadline = changed_at + TTL + SLACK
        seen: dict[str, float] = {}
        while len(seen) < 2 and time.monotonic() < deadline:  # polling a condition
            for name, server in (("a", a), ("b", b)):
                if name not in seen and etag(server) != before:
                    seen[name] = time.monotonic() - changed_at
        assert set(seen) == {"a", "b"}, f"not served within {TTL + SLACK} s: {seen}"
        print(f"\nnew ETag seen after: {seen} (TTL {TTL} s)")
        assert etag(a) == etag(b)
    finally:
        with Session(server_db) as session:
            edit_text(session, ContentItemTranslation, "what-happens-next", "fr", **old)


def test_case_sync_through_both_processes(
    pair: tuple[LiveServer, LiveServer], server_db: Engine
) -> None:
    a, b = pair
    email = f"two-{uuid.uuid4().hex[:8]}@example.org"
    with Session(server_db) as session:
        create_user(session, email=email, role=Role.worker, password=PASSWORD)
    login = httpx.post(a.url + "/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    auth = {"Authorization": f"Bearer {login.json()['token']}"}
    case_id, checklist_id = str(uuid.uuid4()), str(uuid.uuid4())
    mutations = [
        {"id": str(uuid.uuid4()), "seq": 1, "type": "create_case", "case_id": case_id,
         "clock": 1, "country": "UA",
         "checklists": [{"id": checklist_id, "template_slug": "pre-return"}]},
        {"id": str(uuid.uuid4()), "seq": 2, "type": "add_note", "case_id": case_id,
         "clock": 2, "note_id": str(uuid.uuid4()), "body": "Pushed through process A."},
    ]  # fmt: skip
    pushed = httpx.post(a.url + "/api/v1/sync/cases", headers=auth,
                        json={"device_id": "device-" + uuid.uuid4().hex[:12],
                              "mutations": mutations}, timeout=30)  # fmt: skip
    assert pushed.status_code == 200, pushed.text
    assert [r["status"] for r in pushed.json()["results"]] == ["applied", "applied"]
    # Pulled through the other server (both of its worker processes answer in turn).
    for _ in range(4):
        pulled = httpx.get(b.url + "/api/v1/sync/cases", headers=auth, timeout=30)
        assert pulled.status_code == 200, pulled.text
        cases = {c["id"]: c for c in pulled.json()["cases"]}
        assert case_id in cases
        assert cases[case_id]["notes"][0]["body"] == "Pushed through process A."
    # And a change pushed through B is pulled through A.
    more = [{"id": str(uuid.uuid4()), "seq": 3, "type": "add_note", "case_id": case_id,
             "clock": 3, "note_id": str(uuid.uuid4()), "body": "Pushed through B."}]  # fmt: skip
    pushed = httpx.post(b.url + "/api/v1/sync/cases", headers=auth,
                        json={"device_id": "device-" + uuid.uuid4().hex[:12],
                              "mutations": more}, timeout=30)  # fmt: skip
    assert pushed.status_code == 200, pushed.text
    pulled = httpx.get(a.url + "/api/v1/sync/cases", headers=auth, timeout=30).json()
    bodies = {n["body"] for c in pulled["cases"] if c["id"] == case_id for n in c["notes"]}
    assert bodies == {"Pushed through process A.", "Pushed through B."}


def test_workers_flag_starts_several_processes(pair: tuple[LiveServer, LiveServer]) -> None:
    """`homeward serve --workers 2`: a supervisor and two worker processes."""
    b = pair[1]
    assert b.get("/readyz").status_code == 200
    marker = str(b.frontend_dir).encode()  # only that server's processes have it
    servers = 0
    for proc in Path("/proc").iterdir():
        try:
            servers += proc.name.isdigit() and marker in (proc / "environ").read_bytes()
        except OSError:
            continue
    assert servers >= 3, f"expected a supervisor and 2 workers, found {servers} processes"
