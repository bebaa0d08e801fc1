"""Case sync figures on PostgreSQL (a benchmark, not a test): a push of a 50-mutation batch
and a pull page (limit 50) at 1, 10 and 50 concurrent devices, each device its own worker
account, against one app process (or --workers N).

Usage: .venv/bin/python bench/sync.py [--workers 1] [--seconds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx

if __package__ in (None, ""):  # run as a script: python bench/sync.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    Figures,
    copy_frontend,
    postgres_reachable,
    prepare,
    server_env,
    start_server,
    throwaway_database,
    workdir,
)

DEVICES = (1, 10, 50)
BATCH = 50
PASSWORD = "a long benchmark password, not a real one"


def batch(device: dict) -> list[dict]:
    case_id = str(uuid.uuid4())
    out = []
    for i in range(BATCH):
        device["seq"] += 1
        base = {"id": str(uuid.uuid4()), "seq": device["seq"], "case_id": case_id,
                "clock": device["seq"]}  # fmt: skip
        if i == 0:
            checklist = {"id": str(uuid.uuid4()), "template_slug": "pre-return"}
            base |= {"type": "create_case", "country": "UA", "checklists": [checklist]}
        else:
            body = f"Note {i}: met at the shelter, wants a female interpreter."
            base |= {"type": "add_note", "note_id": str(uuid.uuid4()), "body": body}
        out.append(base)
    return out


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100)[q - 1] * 1000


async def run_devices(url: str, devices: list[dict], seconds: float, kind: str):
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:

        async def one(device: dict) -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                start = time.perf_counter()
                if kind == "push":
                    r = await client.post("/api/v1/sync/cases", headers=device["auth"],
                                          json={"device_id": device["id"],
                                                "mutations": batch(device)})  # fmt: skip
                    ok = r.status_code == 200 and all(
                        x["status"] == "applied" for x in r.json()["results"])  # fmt: skip
                else:
                    r = await client.get("/api/v1/sync/cases?limit=50", headers=device["auth"])
                    ok = r.status_code == 200
                latencies.append(time.perf_counter() - start)
                errors += not ok
                if not ok:
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(one(d) for d in devices))
        elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, latencies, errors, statuses


def main(figures: Figures | None = None, seconds: float = 4, workers: int = 1) -> Figures:
    figures = figures or Figures()
    section = f"Case sync on PostgreSQL ({workers} app process{'es' if workers > 1 else ''})"
    print(f"\n== {section} ==")
    if not postgres_reachable():
        figures.note("PostgreSQL is not reachable (PG_URL): sync figures skipped")
        return figures
    from sqlmodel import Session

    from app.accounts.models import Role
    from app.accounts.service import create_user
    from app.core.db import build_engine

    with workdir() as work, throwaway_database("postgresql", work) as db:
        env = server_env(db, copy_frontend(work), login_max_failures_per_address="1000000")
        prepare(env)
        server = start_server(env, "--workers", str(workers))
        try:
            engine = build_engine(db)
            emails = [f"bench-{i}@example.org" for i in range(max(DEVICES))]
            with Session(engine) as session:
                for email in emails:
                    create_user(session, email=email, role=Role.worker, password=PASSWORD)
            engine.dispose()
            devices = []
            for i, email in enumerate(emails):
                r = httpx.post(server.url + "/api/v1/auth/login", timeout=60,
                               json={"email": email, "password": PASSWORD})  # fmt: skip
                r.raise_for_status()
                auth = {"Authorization": f"Bearer {r.json()['token']}"}
                devices.append({"id": f"bench-device-{i:04d}", "seq": 0, "auth": auth})
            for kind in ("push", "pull"):
                for n in DEVICES:
                    rate, lat, errors, statuses = asyncio.run(
                        run_devices(server.url, devices[:n], seconds, kind)
                    )
                    what = (f"push of {BATCH} mutations" if kind == "push"
                            else "pull page (limit 50)")  # fmt: skip
                    per = f"{rate:,.1f}/s" + (f" ({rate * BATCH:,.0f} mutations/s)"
                                              if kind == "push" else "")  # fmt: skip
                    figures.add(section, f"{what}, {n:>2} devices", per)
                    figures.add(section, "   p50 / p99 (ms), errors",
                                f"{pct(lat, 50):.0f} / {pct(lat, 99):.0f}, {errors}"
                                + (f" (HTTP {statuses})" if statuses else ""),
                                "no errors", errors == 0)  # fmt: skip
        finally:
            server.stop()
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    main(seconds=args.seconds, workers=args.workers)
