"""Scale out (issue #13): two server processes on one PostgreSQL database. A publish through
one process is served by every process at once (issue #11: each listens for publishes,
app/content/notify.py; the content-version TTL is set far longer than the test, so only that
can make it pass), and case sync works through both (push through one, pull through the
other). The second server runs `homeward serve --workers 2`."""

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

# HOMEWARD_CONTENT_VERSION_TTL_SECONDS of both processes: longer than this module runs, so a
# new version can only come from a process's own write or a publish it heard of.
TTL = 600.0
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


def _bundle(server: LiveServer, locale: str) -> tuple[str, int]:
    r = server.get(f"/api/v1/content/{locale}")
    r.raise_for_status()
    return r.headers["etag"], int(r.json()["version"])


def _editor(server: LiveServer, server_db: Engine) -> dict[str, str]:
    email = f"editor-{uuid.uuid4().hex[:8]}@example.org"
    with Session(server_db) as session:
        create_user(session, email=email, role=Role.editor, password=PASSWORD)
    login = httpx.post(
        server.url + "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


def _publish_title(server: LiveServer, editor: dict[str, str], title: str) -> int:
    path = f"{server.url}/api/v1/admin/content/item/what-happens-next/fr"
    draft = httpx.get(path, headers=editor, timeout=30).json()
    saved = httpx.put(path, json={"base_rev": draft["base_rev"], "fields": {"title": title}},
                      headers=editor, timeout=30)  # fmt: skip
    assert saved.status_code == 200, saved.text
    published = httpx.post(
        server.url + "/api/v1/admin/content/publish",
        json={"targets": [{"kind": "item", "key": "what-happens-next", "locale": "fr"}]},
        headers=editor,
        timeout=30,
    )
    assert published.status_code == 200, published.text
    return int(published.json()["seq"])


def test_a_publish_through_one_process_is_served_by_every_process_at_once(
    pair: tuple[LiveServer, LiveServer], server_db: Engine
) -> None:
    a, b = pair
    editor = _editor(a, server_db)
    original = _bundle(a, "fr")
    assert _bundle(b, "fr") == original  # the same content gives the same ETag everywhere
    for _ in range(4):  # both of B's worker processes have the bundle cached
        assert _bundle(b, "fr") == original
    title = next(
        i["title"] for i in a.get("/api/v1/content/fr").json()["items"]
        if i["slug"] == "what-happens-next"
    )  # fmt: skip
    try:
        seq = _publish_title(a, editor, f"{title} ({uuid.uuid4().hex[:6]})")
        # At once: the very next requests, to A and to each of B's processes, no polling.
        new = _bundle(a, "fr")
        assert new[1] == seq and new[0] != original[0]
        for _ in range(6):
            assert _bundle(b, "fr") == new
        # The other way round: a publish through B (its title put back) reaches A at once.
        seq = _publish_title(b, editor, title)
        back = _bundle(b, "fr")
        assert back[1] == seq
        assert _bundle(a, "fr") == back
        for _ in range(6):
            assert _bundle(b, "fr") == back
    finally:
        current = a.get("/api/v1/content/fr").json()["items"]
        if next(i["title"] for i in current if i["slug"] == "what-happens-next") != title:
            _publish_title(a, editor, title)


def test_a_content_change_written_elsewhere_is_served_at_once(
    pair: tuple[LiveServer, LiveServer], server_db: Engine
) -> None:
    """A write by another program on the database (here: the content-write service, as
    `homeward seed` or an import uses it) reaches both processes as well."""
    a, b = pair
    before = etag(a)
    assert etag(b) == before
    with Session(server_db) as session:
        old = edit_text(session, ContentItemTranslation, "what-happens-next", "fr",
                        title=f"Ce qui se passe ensuite ({uuid.uuid4().hex[:6]})")  # fmt: skip
    changed_at = time.monotonic()
    try:
        # Delivered at commit: seen by the very next requests, allowing only for the
        # notification to travel (polled, with a deadline far below the TTL).
        deadline = changed_at + SLACK
        seen: dict[str, float] = {}
        while len(seen) < 2 and time.monotonic() < deadline:  # polling a condition
            for name, server in (("a", a), ("b", b)):
                if name not in seen and etag(server) != before:
                    seen[name] = time.monotonic() - changed_at
        assert set(seen) == {"a", "b"}, f"not served within {SLACK} s: {seen}"
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
