"""What the benchmarks share: a real Homeward server in a subprocess (on a throw-away SQLite
or PostgreSQL database), a free port, memory, the machine's description, and the figures
table (each figure printed with its goal; nothing is asserted)."""

from __future__ import annotations

import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
HOMEWARD = Path(sys.executable).with_name("homeward")
PG_URL = os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LOCALES = ("en", "fr", "es", "ru", "uk", "ro", "ar", "fa", "vi", "th")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children (uvicorn --workers N: the supervisor and N workers)."""
    total = rss_mb(pid)
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        for child in children.read_text().split():
            total += tree_rss_mb(int(child))
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        total += sum(cpu_seconds(int(c)) for c in children.read_text().split())
    return total


def run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "(not available)"


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    wrk = run(["wrk", "--version"]).splitlines()[:1] or ["(not installed)"]
    return "\n".join(
        [
            f"- {platform.system()} {platform.release()} ({platform.machine()}), "
            f"{run(['sh', '-c', '. /etc/os-release && echo $PRETTY_NAME'])}",
            f"- CPU: {cpu}, {os.cpu_count()} logical cores (shared with other work: figures "
            "vary from run to run; compare within one run)",
            f"- memory: {mem}; load average when the run started: "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine)",
            f"- Python {platform.python_version()}; {nginx}; {wrk[0]}",
            f"- Chromium: {run(['/usr/bin/chromium', '--version'])}",
            f"- PostgreSQL: {run(['psql', '--version'])}",
        ]
    )


@dataclass
class Figure:
    section: str
    name: str
    value: str
    goal: str = ""
    met: bool | None = None  # None: no goal, just a figure

    def line(self) -> str:
        mark = {True: "met", False: "NOT MET", None: ""}[self.met]
        goal = f"goal {self.goal}" if self.goal else ""
        return f"{self.name:<58} {self.value:>22}   {goal} {mark}".rstrip()


@dataclass
class Figures:
    items: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, section: str, name: str, value: str, goal: str = "", met: bool | None = None):
        fig = Figure(section, name, value, goal, met)
        self.items.append(fig)
        print(fig.line(), flush=True)
        return fig

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)


# --- databases and servers ----------------------------------------------------------------------


@contextmanager
def throwaway_database(kind: str, work: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{work / 'bench.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"homeward_bench_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_reachable() -> bool:
    try:
        from sqlalchemy import create_engine

        create_engine(PG_URL).connect().close()
        return True
    except Exception:
        return False


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    port: int
    database_url: str
    env: dict[str, str]
    ready_seconds: float
    cpu_seconds: float = 0.0  # user + system CPU of the process until ready

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def server_env(database_url: str, frontend: Path, **settings: str) -> dict[str, str]:
    return {
        **os.environ,
        "HOMEWARD_DATABASE_URL": database_url,
        "HOMEWARD_FRONTEND_DIR": str(frontend),
        "HOMEWARD_LOG_LEVEL": "warning",
        **{f"HOMEWARD_{k.upper()}": v for k, v in settings.items()},
    }


def prepare(env: dict[str, str]) -> None:
    for cmd in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(HOMEWARD), *cmd], env=env, cwd=ROOT, check=True, capture_output=True)


def start_server(env: dict[str, str], *args: str, timeout: float = 60) -> Server:
    """Starts `homeward serve` and waits for /readyz (polling a condition); the time from
    the start of the process to the first 200 from /readyz is the start-up figure."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(HOMEWARD), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"homeward serve exited with {proc.returncode}")
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                wall = time.perf_counter() - started
                return Server(proc, url, port, env["HOMEWARD_DATABASE_URL"], env, wall,
                              cpu_seconds(proc.pid))  # fmt: skip
        except httpx.TransportError:
            pass
        time.sleep(0.01)  # polling the condition "ready"
    proc.kill()
    raise RuntimeError("homeward serve did not become ready")


@contextmanager
def workdir() -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="hw-bench-"))
    work.chmod(0o755)  # nginx's worker (nobody, when started as root) reads files under it
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def copy_frontend(work: Path) -> Path:
    frontend = work / "frontend"
    shutil.copytree(ROOT / "frontend", frontend)
    return frontend
