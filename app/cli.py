"""The ``homeward`` command line: serve, database migrations, seeding, users.

Each command imports what it needs (settings, SQLModel, FastAPI, Alembic) when it runs: at
the top they cost every start of the command about 1.5 s, `homeward --help` included."""

import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.accounts.roles import Role  # typer needs the choices before any command runs

if TYPE_CHECKING:
    from sqlmodel import Session

    from app.accounts.models import User

cli = typer.Typer(help="Homeward: offline-first guidance on safe return and reintegration.")
db_cli = typer.Typer(help="Database schema migrations (Alembic).")
users_cli = typer.Typer(help="Worker and staff accounts.")
content_cli = typer.Typer(help="Content files, exports and archives.")
translations_cli = typer.Typer(help="Content translations as gettext PO files.")
cases_cli = typer.Typer(help="Return cases: data retention.")
cli.add_typer(db_cli, name="db")
cli.add_typer(users_cli, name="users")
cli.add_typer(content_cli, name="content")
cli.add_typer(translations_cli, name="translations")
cli.add_typer(cases_cli, name="cases")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOMEWARD_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Default: HOMEWARD_PORT")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes (default: HOMEWARD_WORKERS). More than 1: use PostgreSQL "
            "(SQLite takes one writer at a time); each process serves every route.",
        ),
    ] = None,
    upgrade_db: Annotated[
        bool, typer.Option("--upgrade", help="Apply pending migrations before serving")
    ] = False,
) -> None:
    """Serve the API and the app."""
    import uvicorn

    from app.core.config import get_settings
    from app.core.db import get_engine
    from app.core.migrations import current_revision, head_revision, is_at_head, upgrade

    settings = get_settings()
    workers = workers or settings.workers
    if workers > 1 and reload:
        typer.echo("--reload runs one process: drop --workers or --reload.", err=True)
        raise typer.Exit(code=2)
    if upgrade_db:
        upgrade()
    elif not is_at_head(get_engine()):
        typer.echo(
            f"The database is at revision {current_revision(get_engine())}, the code expects "
            f"{head_revision()}. Run `homeward db upgrade` (or `make run`) first.",
            err=True,
        )
        raise typer.Exit(code=1)
    host, port = host or settings.host, port or settings.port
    if not _port_is_free(host, port):
        typer.echo(
            f"Port {port} on {host} is already in use. Pick another: "
            f"HOMEWARD_PORT={port + 1} make run, or homeward serve --port {port + 1}.",
            err=True,
        )
        raise typer.Exit(code=1)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=workers,
        log_level=settings.log_level,
        # No "server: uvicorn" on every response: bytes on the wire, and nobody's business.
        server_header=False,
        # Client addresses are personal data: no access log unless HOMEWARD_ACCESS_LOG=true.
        access_log=settings.access_log,
        # X-Forwarded-For/-Proto are believed only from these (HOMEWARD_TRUSTED_PROXIES).
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxy_list,
    )


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from app.core.db import get_engine
    from app.core.migrations import current_revision, upgrade

    upgrade(revision=revision)
    typer.echo(f"database at {current_revision(get_engine())}")


@db_cli.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()] = "-1") -> None:
    """Revert migrations down to REVISION (default: one step; `base` for all)."""
    from app.core.db import get_engine
    from app.core.migrations import current_revision, downgrade

    downgrade(revision=revision)
    typer.echo(f"database at {current_revision(get_engine())}")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's revision and the code's head."""
    from app.core.db import get_engine
    from app.core.migrations import current_revision, head_revision

    typer.echo(f"current: {current_revision(get_engine())}\nhead:    {head_revision()}")


@db_cli.command("backup")
def db_backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write (must not exist)")],
) -> None:
    """Copy a SQLite database to PATH while the app runs (SQLite's online backup API: a
    consistent snapshot, writers are not stopped). For PostgreSQL use pg_dump (README)."""
    import sqlite3

    from sqlalchemy.engine import make_url

    from app.core.config import get_settings

    url = make_url(get_settings().database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        typer.echo(
            "error: `db backup` is for SQLite files; for PostgreSQL run "
            "`pg_dump --format=custom --file=PATH DBNAME` (see README).",
            err=True,
        )
        raise typer.Exit(code=1)
    if path.exists():
        typer.echo(f"error: {path} exists; choose a new file.", err=True)
        raise typer.Exit(code=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(url.database)
    target = sqlite3.connect(path)
    try:
        with target:
            source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if check != "ok":
        typer.echo(f"error: the backup fails its integrity check: {check}", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"backed up to {path}")


@cli.command()
def seed() -> None:
    """Load the content files into the database (idempotent; keeps edits made in the DB)."""
    from app.content.seed import seed as seed_content
    from app.core.config import get_settings
    from app.main import wire_parts

    wire_parts()  # guidance changes reach the case feed
    settings = get_settings()
    with _session() as session:
        report = seed_content(session, settings.content_dir, settings.source_locale)
    counts = report.outcomes
    typer.echo(
        "seed: "
        + ", ".join(f"{k} {counts[k]}" for k in ("created", "updated", "unchanged", "kept"))
    )
    for locale, reason in report.skipped.items():
        typer.echo(f"seed: SKIPPED locale {locale}: {reason}", err=True)
    for entity in sorted(report.kept):
        typer.echo(f"seed: kept {entity}: published in the app (or edited in the database)")


@content_cli.command("stamp")
def content_stamp() -> None:
    """Record, in new translation files, the hash of the English text they translate."""
    from app.content.seed import stamp_translations
    from app.core.config import get_settings

    settings = get_settings()
    changed = stamp_translations(settings.content_dir, settings.source_locale)
    for path in changed:
        typer.echo(f"stamped {path.relative_to(settings.content_dir)}")
    typer.echo(f"{len(changed)} file(s) stamped")


@content_cli.command("export")
def content_export(
    target: Annotated[Path, typer.Argument(help="Directory (files) or file (--archive)")],
    archive: Annotated[
        bool, typer.Option("--archive", help="Write the whole content database as one archive")
    ] = False,
) -> None:
    """Write the database back as content files in the app/guidance format (a directory),
    or with --archive the whole content database as a versioned JSON archive."""
    from app.content.export import dumps_archive, export_archive, export_files
    from app.core.config import get_settings

    settings = get_settings()
    with _session() as session:
        if archive:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dumps_archive(export_archive(session)), encoding="utf-8")
            typer.echo(f"archive written to {target}")
            return
        written = export_files(session, target, settings.source_locale)
    typer.echo(f"{len(written)} file(s) written under {target}")


@content_cli.command("import")
def content_import(
    path: Annotated[Path, typer.Argument(help="An archive written by `content export --archive`")],
) -> None:
    """Load a content archive into a database without content (after `db upgrade`)."""
    from app.content.export import import_archive, load_archive
    from app.core.errors import AppError

    with _session() as session:
        try:
            counts = import_archive(session, load_archive(path))
        except AppError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            raise typer.Exit(code=1) from exc
    typer.echo(f"imported {sum(counts.values())} row(s) from {path}")


def _session() -> "Session":
    """A session on the configured database (HOMEWARD_DATABASE_URL)."""
    from sqlmodel import Session

    from app.core.db import get_engine

    return Session(get_engine())


def _staff_user(session: "Session", email: str) -> "User":
    from sqlmodel import select

    from app.accounts.models import User
    from app.accounts.service import normalise_email

    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or user.role not in (Role.admin, Role.editor, Role.translator):
        typer.echo(f"error: {email} is not a staff account", err=True)
        raise typer.Exit(code=1)
    return user


@translations_cli.command("export")
def translations_export(
    locale: Annotated[str, typer.Option(help="The locale, e.g. fr")],
    output: Annotated[Path | None, typer.Option("-o", help="Default: standard output")] = None,
) -> None:
    """Write every content string of LOCALE as a PO file (stale translations fuzzy)."""
    from app.content.po import export_po
    from app.core.config import get_settings
    from app.core.errors import AppError

    with _session() as session:
        try:
            data = export_po(session, None, locale, get_settings().source_locale)
        except AppError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            raise typer.Exit(code=1) from exc
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        typer.echo(f"written to {output}", err=True)


@translations_cli.command("import")
def translations_import(
    path: Annotated[Path, typer.Argument(help="The PO file")],
    locale: Annotated[str, typer.Option(help="The locale it translates (its header is ignored)")],
    user: Annotated[str, typer.Option("--user", help="The staff account the import is by")],
    status: Annotated[str, typer.Option(help="machine or reviewed")] = "machine",
    publish: Annotated[bool, typer.Option(help="Publish the imported drafts at once")] = False,
) -> None:
    """Read a PO file back as draft revisions (validated as a whole; nothing partial)."""
    from app.content.models import TranslationStatus
    from app.content.po import import_po
    from app.core.config import get_settings
    from app.core.errors import AppError
    from app.main import wire_parts

    wire_parts()
    if status not in ("machine", "reviewed"):
        typer.echo("error: --status is machine or reviewed", err=True)
        raise typer.Exit(code=1)
    with _session() as session:
        actor = _staff_user(session, user)
        try:
            result = import_po(
                session,
                actor,
                locale,
                path.read_bytes(),
                status=TranslationStatus(status),
                publish_now=publish,
                source_locale=get_settings().source_locale,
            )
        except AppError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            for err in exc.extra.get("errors", []):
                typer.echo(f"  {'.'.join(map(str, err['loc']))}: {err['msg']}", err=True)
            raise typer.Exit(code=1) from exc
    typer.echo(
        f"{len(result['saved'])} text(s) saved as {status} drafts"
        + (f", published as {result['published_seq']}" if result["published_seq"] else "")
    )


@cases_cli.command("purge")
def cases_purge() -> None:
    """Apply every retention period (run daily): delete cases closed (or deleted) longer ago
    than HOMEWARD_CLOSED_CASE_SERVER_DAYS; sync bookkeeping, the change feed's superseded
    rows and worker removals older than HOMEWARD_SYNC_RETENTION_DAYS; sessions that can no
    longer be used and stale sign-in throttles. Devices drop closed cases after
    HOMEWARD_CLOSED_CASE_DEVICE_DAYS on their next sync. The content change feed keeps the
    newest change of each entity and locale, and removals for HOMEWARD_SYNC_RETENTION_DAYS
    (a phone with an older cursor downloads its bundle again)."""
    from app.accounts.service import prune_sessions
    from app.cases.service import prune_removals, purge_closed_cases
    from app.cases.sync.pull import prune_bookkeeping
    from app.content.feed import compact_feed
    from app.core.config import get_settings

    settings = get_settings()
    with _session() as session:
        cases = purge_closed_cases(session, settings.closed_case_server_days)
        records = prune_bookkeeping(session, settings.sync_retention_days)
        records["case_removals"] = prune_removals(session, settings.sync_retention_days)
        records |= compact_feed(session, settings.sync_retention_days)
        records |= prune_sessions(session, settings)
    details = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in records.items())
    typer.echo(f"purged {cases} case(s); pruned {details}")


@users_cli.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="The user's email address")],
    role: Annotated[Role, typer.Option(help="admin, editor, translator or worker")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create an account. The password is read from stdin, never from the command line."""
    from app.accounts.service import create_user
    from app.core.errors import AppError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _session() as session:
        try:
            user = create_user(session, email=email, role=role, password=password)
        except AppError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            raise typer.Exit(code=1) from exc
    typer.echo(f"created {user.role.value} {user.email}")


def _set_active(email: str, active: bool) -> None:
    from app.accounts.service import set_active
    from app.core.errors import AppError

    with _session() as session:
        try:
            user, revoked = set_active(session, email, active)
        except AppError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            raise typer.Exit(code=1) from exc
    if active:
        typer.echo(f"enabled {user.email}")
    else:
        typer.echo(f"disabled {user.email}; {revoked} session(s) revoked")


@users_cli.command("disable")
def users_disable(email: Annotated[str, typer.Argument(help="The account's email")]) -> None:
    """Disable an account and end every one of its sessions at once (a lost phone, a worker
    who left). Its devices erase their case data on their next sync."""
    _set_active(email, False)


@users_cli.command("enable")
def users_enable(email: Annotated[str, typer.Argument(help="The account's email")]) -> None:
    """Re-enable a disabled account (it signs in again; old sessions stay revoked)."""
    _set_active(email, True)


def main(argv: Sequence[str] | None = None) -> None:
    """The ``homeward`` console script (ARGV: sys.argv[1:]). Like the script, it always ends
    in SystemExit with the exit code; the tests call it with ARGV, in their own process."""
    cli(args=argv, prog_name="homeward")
