"""Many devices at once against a real server (uvicorn, its own database): concurrent
pushes to one case, the same batch sent twice at the same moment, and a burst of sign-ins.
On SQLite, the embedded default, this used to answer "database is locked" (issue #9): no
request may answer 5xx, and nothing acknowledged may be lost or applied twice."""

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_user
from app.core.db import build_engine
from tests.conftest import ThrowawayDatabases
from tests.live import LiveServer, run_live_server
from tests.sync_sim import SimDevice

DEVICES = 5
ROUNDS = 3
NOTES_PER_ROUND = 20
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, databases: ThrowawayDatabases
) -> Iterator[LiveServer]:
    yield from run_live_server(tmp_path_factory.mktemp("concurrency"), databases)


def _make_workers(server: LiveServer, n: int) -> list[str]:
    emails = [f"worker-{uuid.uuid4().hex[:8]}@example.org" for _ in range(n)]
    engine = build_engine(server.database_url)
    with Session(engine) as session:
        for email in emails:
            create_user(session, email=email, role=Role.worker, password=PASSWORD)
    engine.dispose()
    return emails


def _all_at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Runs the calls in parallel threads released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _login(http: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return http.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_many_devices_replays_and_sign_ins_at_once(server: LiveServer) -> None:
    emails = _make_workers(server, DEVICES)
    statuses: list[int] = []
    clients = [httpx.Client(base_url=server.url, timeout=60) for _ in range(DEVICES)]
    try:
        tokens = [_login(c, e).json()["token"] for c, e in zip(clients, emails, strict=True)]
        headers = [{"Authorization": f"Bearer {t}"} for t in tokens]
        shared = (
            clients[0]
            .post("/api/v1/cases", json={"country": "AL"}, headers=headers[0])
            .json()["id"]
        )
        for email in emails[1:]:
            r = clients[0].post(
                f"/api/v1/cases/{shared}/workers", json={"email": email}, headers=headers[0]
            )
            assert r.status_code == 200, r.text
        devices = [
            SimDevice(c, h, f"device-{i}-{uuid.uuid4().hex[:8]}")  # type: ignore[arg-type]
            for i, (c, h) in enumerate(zip(clients, headers, strict=True))
        ]
        expected: set[str] = set()
        for round_ in range(ROUNDS):
            for i, device in enumerate(devices):
                for n in range(NOTES_PER_ROUND):
                    body = f"note {round_}-{i}-{n}"
                    device.add_note(shared, body)
                    expected.add(body)
            batches = [(d, list(d.outbox)) for d in devices]
            # Every device pushes at once, and device 0 sends its batch twice at once.
            calls: list[Callable[[], httpx.Response]] = [
                (
                    lambda d=d, b=b: d.client.post(  # type: ignore[misc]
                        "/api/v1/sync/cases",
                        json={"device_id": d.device_id, "mutations": b},
                        headers=d.headers,
                    )
                )
                for d, b in batches
            ]
            calls.append(calls[0])
            responses = _all_at_once(calls)
            statuses += [r.status_code for r in responses]
            assert all(r.status_code == 200 for r in responses), [
                (r.status_code, r.text[:200]) for r in responses if r.status_code != 200
            ]
            for (device, batch), response in zip(batches, responses, strict=False):
                results = response.json()["results"]
                assert {r["mutation_id"] for r in results} == {m["id"] for m in batch}
                assert all(r["status"] in ("applied", "duplicate") for r in results), results
                device.outbox = []
            # The twin of device 0's batch: each mutation applied once, answered twice.
            twin = responses[-1].json()["results"]
            assert all(r["status"] in ("applied", "duplicate") for r in twin)
        # 40 sign-ins at once: right and wrong passwords, several accounts.
        sign_in_client = httpx.Client(base_url=server.url, timeout=60)
        sign_ins = _all_at_once(
            [
                (
                    lambda e=emails[i % DEVICES], ok=(i % 3 != 0): _login(  # type: ignore[misc]
                        sign_in_client, e, PASSWORD if ok else "wrong password 123"
                    )
                )
                for i in range(40)
            ]
        )
        statuses += [r.status_code for r in sign_ins]
        assert {r.status_code for r in sign_ins} <= {200, 401, 429}, [
            (r.status_code, r.text[:200]) for r in sign_ins
        ]
        sign_in_client.close()
        # Nothing lost, nothing doubled: a fresh pull holds each note exactly once.
        reader = SimDevice(clients[1], headers[1], f"reader-{uuid.uuid4().hex[:8]}")  # type: ignore[arg-type]
        reader.pull()
        bodies = [n["body"] for n in reader.cases[shared]["notes"]]
        assert len(bodies) == len(expected) and set(bodies) == expected
    finally:
        for c in clients:
            c.close()
    assert not [s for s in statuses if s >= 500]
