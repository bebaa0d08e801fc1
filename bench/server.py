"""Server figures (a benchmark, not a test): start time, resident memory with the seeded
content, and the bundle endpoint's throughput next to the same bytes served as a static file
by the same server, with p50/p99 latency at N concurrent clients.

Usage: .venv/bin/python bench/server.py [--clients 50] [--seconds 5] [--locale en]
Starts its own uvicorn (one process) on a throw-away SQLite database.
"""

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOMEWARD = Path(sys.executable).with_name("homeward")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def hammer(url: str, clients: int, seconds: float) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Accept-Encoding": "gzip"}
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                start = time.perf_counter()
                response = await client.get(url)
                await response.aread()
                latencies.append(time.perf_counter() - start)
                errors += response.status_code != 200

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, latencies, errors


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--locale", default="en")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hw-bench-"))
    frontend = work / "frontend"
    shutil.copytree(ROOT / "frontend", frontend)
    env = {
        **os.environ,
        "HOMEWARD_DATABASE_URL": f"sqlite:///{work / 'hw.db'}",
        "HOMEWARD_FRONTEND_DIR": str(frontend),
        "HOMEWARD_LOG_LEVEL": "warning",
    }
    for cmd in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(HOMEWARD), *cmd], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(HOMEWARD), "serve", "--port", str(port)], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.02)  # polling for the server to come up
        start_s = time.perf_counter() - started
        bundle = httpx.get(f"{base}/api/v1/content/{args.locale}")
        # The same bytes as a static file of the same server, for a side-by-side figure.
        (frontend / "bundle-copy.json").write_bytes(bundle.content)
        static_url = f"{base}/static/bundle-copy.json"
        httpx.get(static_url).raise_for_status()
        print(f"server start: {start_s:.2f} s (budget < 2 s)")
        print(f"bundle: {len(bundle.content):,} B raw")
        results = {}
        for name, url in (
            ("bundle", f"{base}/api/v1/content/{args.locale}"),
            ("static", static_url),
        ):
            rps, lat, errors = asyncio.run(hammer(url, args.clients, args.seconds))
            results[name] = rps
            print(
                f"{name:>6}: {rps:8.0f} req/s, p50 {pct(lat, 50):6.1f} ms, "
                f"p99 {pct(lat, 99):6.1f} ms at {args.clients} clients, {errors} errors"
            )
        ratio = results["bundle"] / results["static"]
        print(f"bundle/static throughput: {ratio:.0%} (budget >= 50%)")
        print(f"resident memory after load: {rss_mb(proc.pid):.0f} MB (budget < 150 MB)")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
