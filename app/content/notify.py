"""A publish reaches every app process at once on PostgreSQL (issue #11).

A content write sends ``NOTIFY homeward_content`` in its own transaction (PostgreSQL delivers
it at commit, and never for a rolled-back one); every process listens on a connection of its
own and drops its cached content version on the spot (bundles.BundleCache), so the bundle,
its ``version`` and ETag are new in all processes as soon as the publish has committed.

While a process is not listening (SQLite, or its listening connection is lost and being
re-opened) its cache re-reads the version every HOMEWARD_CONTENT_VERSION_TTL_SECONDS as
before; after a reconnection it re-reads it once, for what it may have missed.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

log = logging.getLogger(__name__)

CHANNEL = "homeward_content"
# How often the listening thread wakes to check it should stop, and checks its connection.
_WAKE_SECONDS = 0.5
_PING_SECONDS = 30.0


def is_postgresql(bind: Engine) -> bool:
    return bind.dialect.name == "postgresql"


def notify_published(session: Session, seq: int) -> None:
    """In the writer's transaction: tell every process the content version moved to ``seq``."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :seq)"), {"channel": CHANNEL, "seq": str(seq)}
        )


class ContentListener:
    """One daemon thread per process: LISTEN on its own autocommit connection and call
    ``on_change`` for every notification; ``on_listening(True/False)`` when it starts or stops
    being able to hear them. ``start()`` connects before it returns (the process serves no
    request before it listens); later losses re-connect with back-off. ``stop()`` ends it."""

    def __init__(
        self,
        engine: Engine,
        on_change: Callable[[], object],
        on_listening: Callable[[bool], object],
    ) -> None:
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._on_change = on_change
        self._on_listening = on_listening
        self._stop = threading.Event()

    def start(self) -> "ContentListener":
        try:
            conn = self._connect()
        except Exception as exc:
            log.warning("content listener: %s; serving with the version TTL meanwhile", exc)
            conn = None
        thread = threading.Thread(
            target=self._run, args=(conn,), name="content-listener", daemon=True
        )
        thread.start()
        return self

    def stop(self) -> None:
        # Not joined: the thread notices within _WAKE_SECONDS and closes its connection.
        self._stop.set()

    def _connect(self) -> Any:
        import psycopg

        conn = psycopg.connect(
            self._conninfo, autocommit=True, connect_timeout=5, keepalives=1,
            keepalives_idle=30, keepalives_interval=10, keepalives_count=3,
        )  # fmt: skip
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except Exception:
            conn.close()
            raise
        self._on_listening(True)
        return conn

    def _listen(self, conn: Any) -> None:
        idle = 0.0
        while not self._stop.is_set():
            heard = False
            for _ in conn.notifies(timeout=_WAKE_SECONDS, stop_after=1):
                heard = True
            if heard:
                self._on_change()
                idle = 0.0
                continue
            idle += _WAKE_SECONDS
            if idle >= _PING_SECONDS:  # a connection lost without a word
                conn.execute("SELECT 1")
                idle = 0.0

    def _run(self, conn: Any) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                if conn is None:
                    conn = self._connect()
                    backoff = 0.5
                with conn:
                    self._listen(conn)
            except Exception as exc:  # any failure: fall back to the TTL, try again later
                if not self._stop.is_set():
                    log.warning("content listener: %s; re-connecting in %.1f s", exc, backoff)
            finally:
                conn = None
                self._on_listening(False)
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 30.0)
