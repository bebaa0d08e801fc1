"""Engine options that keep a database failure short and quiet (issue #9): connect and
statement timeouts, and no SQL parameters (note text, emails) in exception messages or logs.

Kept apart from ``app/core/db.py`` so that the engine code only has to pass them on."""

from typing import Any

from app.core.config import Settings, get_settings


def engine_options(backend: str, settings: Settings | None = None) -> dict[str, Any]:
    """Keyword arguments for ``create_engine`` on this backend ("sqlite" or "postgresql")."""
    settings = settings or get_settings()
    options: dict[str, Any] = {"hide_parameters": True}
    if backend == "postgresql":
        statement_ms = settings.db_statement_timeout_seconds * 1000
        options["connect_args"] = {
            "connect_timeout": settings.db_connect_timeout_seconds,
            "options": f"-c statement_timeout={statement_ms}",
        }
        # Waiting for a pooled connection is queueing behind busy requests, not a database
        # failure (connect and statement timeouts bound those): it may last as long as a
        # statement may run.
        options["pool_size"] = settings.db_pool_size
        options["max_overflow"] = settings.db_pool_overflow
        options["pool_timeout"] = settings.db_statement_timeout_seconds
    return options


def sqlite_busy_timeout_ms(settings: Settings | None = None) -> int:
    return (settings or get_settings()).sqlite_busy_timeout_ms
