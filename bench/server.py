"""Server figures (a benchmark, not a test): start-up time to /readyz, resident memory after
all ten bundles were served, and the throughput of the bundle and of a static file of the
shell next to Debian's nginx serving the SAME bytes (the same pre-compressed gzip, with
gzip_static) on the same machine in the same run, at 1, 10 and 50 connections, with p50/p99
latency; and 304 revalidations of both.

Load generator: wrk (Debian package `wrk`) when installed, else a Python one (httpx, slower:
then the ratio understates the server). One app process, one nginx worker.

Usage: .venv/bin/python bench/server.py [--seconds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

if __package__ in (None, ""):  # run as a script: python bench/server.py
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    LOCALES,
    Figures,
    copy_frontend,
    free_port,
    prepare,
    rss_mb,
    server_env,
    start_server,
    throwaway_database,
    workdir,
)

CONNECTIONS = (1, 10, 50)
THROUGHPUT_GOAL = 0.15  # of nginx's
STARTUP_GOAL = 2.0
RSS_GOAL = 150.0

NGINX_STATIC = """
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    types {{ application/json json; text/javascript js; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        gzip_static on;
        etag on;
        keepalive_requests 1000000;
    }}
}}
"""


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value = float(re.match(r"[\d.]+", text).group())  # type: ignore[union-attr]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[re.sub(r"[\d.]+", "", text)]


def wrk(url: str, connections: int, seconds: float, headers: dict[str, str]) -> Load:
    duration = f"{max(1, round(seconds))}s"
    cmd = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", duration,
           "--latency"]  # fmt: skip
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Load(rps, p50, p99, errors)


async def _py_load(url: str, connections: int, seconds: float, headers: dict[str, str]) -> Load:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                start = time.perf_counter()
                r = await client.get(url)
                await r.aread()
                latencies.append(time.perf_counter() - start)
                errors += r.status_code >= 400

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return Load(len(latencies) / elapsed, q[49] * 1000, q[98] * 1000, errors)


def load(url: str, connections: int, seconds: float, headers: dict[str, str]) -> Load:
    if shutil.which("wrk"):
        return wrk(url, connections, seconds, headers)
    return asyncio.run(_py_load(url, connections, seconds, headers))


def start_nginx(work: Path, root: Path) -> tuple[subprocess.Popen[bytes], str]:
    prefix = work / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_STATIC.format(prefix=prefix, port=port, root=root))
    proc = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.02)  # polling the condition "listening"
    proc.kill()
    raise RuntimeError(f"nginx did not start: {(prefix / 'error.log').read_text()}")


def main(figures: Figures | None = None, seconds: float = 4) -> Figures:
    figures = figures or Figures()
    section = "Server (1 app process, SQLite) vs nginx (1 worker), same bytes"
    print(f"\n== {section} ==")
    if not shutil.which("wrk"):
        figures.note("wrk is not installed: a Python load generator is used (slower)")
    with workdir() as work, throwaway_database("sqlite", work) as db:
        frontend = copy_frontend(work)
        env = server_env(db, frontend)
        prepare(env)
        server = start_server(env)
        nginx = None
        try:
            figures.add(section, "start-up to /readyz (wall clock)",
                        f"{server.ready_seconds:.2f} s", f"< {STARTUP_GOAL:g} s",
                        server.ready_seconds < STARTUP_GOAL)  # fmt: skip
            figures.add(section, "   CPU time the process used until then",
                        f"{server.cpu_seconds:.2f} s")  # fmt: skip
            gz = {"Accept-Encoding": "gzip"}
            # The same bytes for nginx: the bundle's and app.js's gzip as the server sends them.
            root = work / "static"
            root.mkdir()
            root.chmod(0o755)
            targets = {}
            for name, path in (("bundle", "/api/v1/content/en"), ("static", "/static/js/app.js")):
                plain = httpx.get(server.url + path, headers={"Accept-Encoding": "identity"},
                                  timeout=120)  # fmt: skip
                packed = httpx.get(server.url + path, headers=gz, timeout=120)
                assert packed.headers.get("content-encoding") == "gzip"
                fname = "bundle-en.json" if name == "bundle" else "app.js"
                (root / fname).write_bytes(plain.content)
                # httpx decodes; fetch the raw gzip bytes as they crossed the wire
                with httpx.stream("GET", server.url + path, headers=gz) as r:
                    raw = b"".join(r.iter_raw())
                (root / (fname + ".gz")).write_bytes(raw)
                targets[name] = (path, "/" + fname, packed.headers["etag"], len(raw))
            nginx, nginx_url = start_nginx(work, root)
            for name, (path, npath, etag, size) in targets.items():
                figures.note(f"{name}: {size} B gzip ({path} vs nginx {npath})")
                n_etag = httpx.get(nginx_url + npath, headers=gz).headers["etag"]
                for kind, app_h, ngx_h in (
                    ("200", gz, gz),
                    ("304", {**gz, "If-None-Match": etag}, {**gz, "If-None-Match": n_etag}),
                ):
                    for c in CONNECTIONS:
                        app = load(server.url + path, c, seconds, app_h)
                        ngx = load(nginx_url + npath, c, seconds, ngx_h)
                        ratio = app.rps / ngx.rps if ngx.rps else 0.0
                        label = f"{name} {kind}, {c:>2} conn: app / nginx req/s"
                        value = f"{app.rps:,.0f} / {ngx.rps:,.0f} = {ratio:.0%}"
                        goal = f">= {THROUGHPUT_GOAL:.0%}"
                        met = ratio >= THROUGHPUT_GOAL and app.errors == 0
                        figures.add(section, label, value, goal, met)
                        figures.add(section, "   p50 / p99 app; nginx (ms)",
                                    f"{app.p50_ms:.2f}/{app.p99_ms:.2f}; "
                                    f"{ngx.p50_ms:.2f}/{ngx.p99_ms:.2f}")  # fmt: skip
            # Memory after warm-up: all ten bundles served (and the shell).
            for locale in LOCALES:
                httpx.get(f"{server.url}/api/v1/content/{locale}", timeout=120,
                          headers={"Accept-Encoding": "br"}).raise_for_status()  # fmt: skip
            for locale in LOCALES:
                httpx.get(f"{server.url}/api/v1/i18n/{locale}", timeout=120)
            rss = rss_mb(server.proc.pid)
            figures.add(section, "resident memory after all ten bundles", f"{rss:.0f} MB",
                        f"< {RSS_GOAL:g} MB", rss < RSS_GOAL)  # fmt: skip
        finally:
            server.stop()
            if nginx is not None:
                nginx.terminate()
                nginx.wait(timeout=10)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    main(seconds=parser.parse_args().seconds)
