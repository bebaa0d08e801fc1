"""A real Homeward server for tests: uvicorn in a subprocess on a free loopback port, on a
fresh throw-away database of the configured kind, migrated and seeded through the
``homeward`` CLI, its frontend served from a copy so tests can change it."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.config import PROJECT_ROOT
from tests.conftest import ThrowawayDatabases

HOMEWARD_CLI = Path(sys.executable).with_name("homeward")


@dataclass(frozen=True)
class LiveServer:
    url: str
    frontend_dir: Path
    log: Path
    database_url: str  # the server's database, for tests that change content behind its back

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10, **kwargs)


def free_port() -> int:
    """A free loopback port (the OS's choice)."""
    return _free_port()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling a condition (server up), not waiting for time to pass
    pytest.fail(f"server not healthy after {timeout}s:\n{log.read_text()[-3000:]}")


def run_live_server(
    root: Path,
    databases: ThrowawayDatabases,
    *,
    database_url: str | None = None,
    serve_args: tuple[str, ...] = (),
    **settings: str,
) -> Iterator[LiveServer]:
    """Starts a server (extra ``HOMEWARD_*`` settings as keyword arguments), yields it,
    and stops it. On a new database, unless ``database_url`` names one (a second process on
    the same database); ``serve_args`` go to ``homeward serve`` (``--workers 2``)."""
    frontend = root / "frontend"
    shutil.copytree(PROJECT_ROOT / "frontend", frontend)
    database_url = database_url or databases.new_url()
    env = {
        **os.environ,
        "HOMEWARD_DATABASE_URL": database_url,
        "HOMEWARD_FRONTEND_DIR": str(frontend),
        "HOMEWARD_ENVIRONMENT": "test",
        "HOMEWARD_LOG_LEVEL": "warning",
        # Tests change content behind the server's back and expect it to notice at once.
        "HOMEWARD_CONTENT_VERSION_TTL_SECONDS": "0",
        "HOMEWARD_FRONTEND_RECHECK_SECONDS": "0",
        **{f"HOMEWARD_{k.upper()}": v for k, v in settings.items()},
    }
    for args in (["db", "upgrade"], ["seed"]):
        done = subprocess.run(
            [str(HOMEWARD_CLI), *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, f"homeward {' '.join(args)} failed:\n{done.stderr}"
    port = _free_port()
    log = root / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(HOMEWARD_CLI),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *serve_args,
            ],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield LiveServer(url=url, frontend_dir=frontend, log=log, database_url=database_url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
