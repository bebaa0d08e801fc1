"""Alembic environment: the schema is created only by migrations, never by create_all."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

import app.accounts.models
import app.cases.models
import app.cases.sync.models
import app.content.models
import app.field.models
from app.core.db import build_engine, get_engine

# Every table module is imported above, so autogenerate sees every table.
TABLE_MODULES = (
    app.accounts.models,
    app.cases.models,
    app.cases.sync.models,
    app.content.models,
    app.field.models,
)

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    # A caller (tests, the CLI) may hand over a connection; otherwise use the app's settings.
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.attributes.get("database_url")
    if not url:
        with get_engine().begin() as conn:
            _run(conn)
        return
    # An engine of its own: closed here, or each migration run left a connection open in a
    # process that goes on (the tests, which run `homeward db upgrade` in their process).
    engine = build_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_migrations_online()
