"""One settings object for the whole app, read from ``HOMEWARD_*`` environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOMEWARD_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    # Server processes of `homeward serve` (each with its own caches); >1 needs PostgreSQL.
    workers: int = 1
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'homeward.db'}"
    # Where the seed content and the PWA files live; tests point these at copies.
    content_dir: Path = PROJECT_ROOT / "app" / "guidance"
    frontend_dir: Path = PROJECT_ROOT / "frontend"
    source_locale: str = "en"
    # Seconds a client may reuse the content bundle before revalidating with its ETag.
    bundle_max_age: int = 300
    # How long a process trusts the content version it read before reading it again. Another
    # process's publish is served within this time; this process's own at once.
    content_version_ttl_seconds: float = 1.0
    # How long the PWA's files on disk are trusted before they are checked again (a stat of
    # each file). Files change only with a deploy; 0 checks on every request.
    frontend_recheck_seconds: float = 2.0
    log_level: str = "info"
    # Where quick exit sends the reader: a neutral page chosen by the organisation running
    # Homeward (a local weather or news site people often open). The default is a plain recipe
    # page served by Homeward itself that names nothing of it (works offline, no third party).
    quick_exit_url: str = "/static/recipe.html"
    # Client addresses are personal data: the access log is off unless asked for.
    access_log: bool = False
    # Proxies whose X-Forwarded-For/-Proto are believed (uvicorn's forwarded_allow_ips):
    # comma-separated addresses or networks, "*" for any (only behind a proxy you control).
    trusted_proxies: str = "127.0.0.1"
    # Request bodies larger than this are refused (413) before anything reads them.
    max_body_bytes: int = 2 * 1024 * 1024
    # Readers' feedback (app/field): largest request, and how many per client address a day.
    feedback_max_bytes: int = 4096
    feedback_daily_per_address: int = 50
    # Seconds to connect to PostgreSQL, and the longest one statement may run.
    db_connect_timeout_seconds: int = 5
    db_statement_timeout_seconds: int = 30
    # Connections per process: kept open, and opened beyond that under load. Together they
    # match the 40 worker threads that run the database routes, so a thread rarely waits for
    # a connection; when one does (a burst of pushes), it queues for up to the statement
    # timeout instead of failing with a 503. PostgreSQL's max_connections must cover
    # processes x (pool + overflow) (docs/DEPLOYMENT.md).
    db_pool_size: int = 10
    db_pool_overflow: int = 30
    # SQLite: how long a write waits for the write lock before giving up (milliseconds).
    sqlite_busy_timeout_ms: int = 15_000
    # /readyz answers 503 when the database cannot take a write within this time.
    readiness_timeout_seconds: float = 2.0
    # What a 503 "database unavailable" tells clients to wait before retrying.
    unavailable_retry_after_seconds: int = 5

    # Sessions (ASVS 7.3): idle and absolute expiry.
    session_idle_minutes: int = 12 * 60
    session_absolute_days: int = 30
    # Workers carry case data on phones that get lost: their sessions end sooner.
    worker_session_idle_minutes: int = 4 * 60
    worker_session_absolute_days: int = 7
    # Failed logins: per account, this many are free, then each further attempt must wait
    # a delay that doubles from login_backoff_base_seconds up to login_backoff_max_seconds
    # (no hard lock an attacker could set off against the owner); an account's failures are
    # forgotten after login_account_memory_hours without an attempt, or on a success. Per
    # client address, at most login_max_failures_per_address per window.
    login_window_minutes: int = 15
    login_max_failures_per_account: int = 5
    login_backoff_base_seconds: int = 2
    login_backoff_max_seconds: int = 15 * 60
    login_account_memory_hours: int = 24
    login_max_failures_per_address: int = 30
    # Retention of closed cases: on devices, then on the server (`homeward cases purge`).
    closed_case_device_days: int = 30
    closed_case_server_days: int = 365
    # Sync bookkeeping (applied mutations, change feed) is kept this long.
    sync_retention_days: int = 180
    # The PWA's lock of a worker's case data on the phone (served in the case rules): it locks
    # after this long without a touch, and when it was in the background longer than this;
    # this many wrong PINs in a row erase the case data on the phone and sign out.
    device_lock_idle_minutes: float = Field(default=10, gt=0)
    device_lock_hidden_minutes: float = Field(default=5, ge=0)
    device_max_pin_failures: int = Field(default=5, ge=1, le=100)

    def session_limits(self, role: str) -> tuple[int, int]:
        """(idle minutes, absolute days) for a session of this role."""
        if role == "worker":
            return (
                min(self.worker_session_idle_minutes, self.session_idle_minutes),
                min(self.worker_session_absolute_days, self.session_absolute_days),
            )
        return self.session_idle_minutes, self.session_absolute_days

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def cookie_secure(self) -> bool:
        # Secure cookies everywhere except plain-HTTP development and tests on loopback.
        return self.environment == "production"

    @property
    def session_cookie_name(self) -> str:
        # The __Host- prefix is only valid with Secure, so it comes with production.
        return "__Host-hw_session" if self.cookie_secure else "hw_session"


@lru_cache
def get_settings() -> Settings:
    return Settings()
