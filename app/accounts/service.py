"""Accounts (passwords checked exactly as typed, no trimming or case folding), sign-in,
opaque server-side sessions, login throttling held in the database, and disabling an
account."""

import hashlib
import re
import secrets
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import BigInteger, case, delete, literal, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from app.accounts import audit
from app.accounts.models import LoginThrottle, Role, User, UserSession
from app.accounts.passwords import password_problem
from app.core.config import Settings
from app.core.errors import AppError, Conflict, NotFound, TooManyRequests, Unauthorized
from app.core.models import as_utc, utcnow
from app.core.security import hash_password, verify_password
from app.i18n import _

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, *, email: str, role: Role, password: str, commit: bool = True
) -> User:
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise AppError(_("'{email}' is not an email address."), {"email": email}, field="email")
    problem = password_problem(password)
    if problem is not None:
        raise AppError(problem[0], problem[1], field="password")
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(
            _("A user with the email '{email}' already exists."), {"email": email}, field="email"
        )
    user = User(email=email, role=role, password_hash=hash_password(password))
    session.add(user)
    if not commit:
        session.flush()
        return user
    session.commit()
    session.refresh(user)
    return user


# Writing last_seen_at on every request would turn every read into a write.
_LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache
def _dummy_hash() -> str:
    # Verifying against this when the account does not exist keeps the timing the same.
    return hash_password(secrets.token_urlsafe(16))


# --- sign-in throttling ------------------------------------------------------------------


def _throttle_key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _now_ms() -> int:
    return int(utcnow().timestamp() * 1000)


def _ensure_row(session: Session, key: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    row = {"key": key, "failures": 0, "delay_seconds": 0, "since_ms": 0, "next_attempt_ms": 0}
    session.execute(insert(LoginThrottle).values(**row).on_conflict_do_nothing())


def _claim_account_attempt(session: Session, key: str, settings: Settings) -> int | None:
    """Counts one attempt against an account, atomically, before the password is checked.
    The first ``login_max_failures_per_account`` attempts are free; each later one must
    wait a delay that doubles (base, 2·base, 4·base, … up to the maximum) after the one
    before. Returns None when the attempt may go ahead, else the seconds to wait."""
    now = _now_ms()
    forgotten_before = now - settings.login_account_memory_hours * 3_600_000
    free = settings.login_max_failures_per_account
    base, ceiling = settings.login_backoff_base_seconds, settings.login_backoff_max_seconds
    t = LoginThrottle
    failures = case((col(t.since_ms) < forgotten_before, 1), else_=col(t.failures) + 1)
    delay = case(
        (failures < free, 0),
        (failures == free, base),
        (col(t.delay_seconds) * 2 > ceiling, ceiling),
        else_=col(t.delay_seconds) * 2,
    )
    _ensure_row(session, key)
    claimed = session.execute(
        update(t)
        .where(col(t.key) == key, col(t.next_attempt_ms) <= now)
        .values(failures=failures, delay_seconds=delay, since_ms=now,
                next_attempt_ms=literal(now, BigInteger()) + delay * 1000)
        .returning(col(t.failures))
    ).first()  # fmt: skip
    if claimed is not None:
        return None
    next_ms = session.execute(select(t.next_attempt_ms).where(t.key == key)).scalar_one()
    return max(1, -(-(next_ms - now) // 1000))


def _claim_address_attempt(session: Session, key: str, settings: Settings) -> int | None:
    """At most ``login_max_failures_per_address`` attempts per window from one address (a
    success gives its attempt back). Returns None, or the seconds until the window ends."""
    now = _now_ms()
    window_ms = settings.login_window_minutes * 60_000
    t = LoginThrottle
    expired = col(t.since_ms) <= now - window_ms
    _ensure_row(session, key)
    claimed = session.execute(
        update(t)
        .where(
            col(t.key) == key,
            expired | (col(t.failures) < settings.login_max_failures_per_address),
        )
        .values(
            failures=case((expired, 1), else_=col(t.failures) + 1),
            since_ms=case((expired, now), else_=col(t.since_ms)),
        )
        .returning(col(t.failures))
    ).first()
    if claimed is not None:
        return None
    since = session.execute(select(t.since_ms).where(t.key == key)).scalar_one()
    return max(1, -(-(since + window_ms - now) // 1000))


def prune_sessions(session: Session, settings: Settings) -> dict[str, int]:
    """Forgets sessions that can no longer be used (expired, idle past the limit, or revoked)
    and sign-in throttles nobody needs any more. Run by `homeward cases purge`."""
    now = utcnow()
    idle_cutoff = now - timedelta(minutes=max(settings.session_limits(role)[0] for role in Role))
    sessions = session.execute(
        delete(UserSession).where(
            (col(UserSession.expires_at) < now)
            | (col(UserSession.last_seen_at) < idle_cutoff)
            | col(UserSession.revoked_at).is_not(None)
        )
    ).rowcount
    throttles = _forget_stale_throttles(session, settings)
    session.commit()
    return {"sessions": int(sessions or 0), "sign_in_throttles": throttles}


def _forget_stale_throttles(session: Session, settings: Settings) -> int:
    now = _now_ms()
    result = session.execute(
        delete(LoginThrottle).where(
            col(LoginThrottle.since_ms)
            < now
            - 60_000 * max(settings.login_window_minutes, settings.login_account_memory_hours * 60),
            col(LoginThrottle.next_attempt_ms) < now,
        )
    )
    return int(result.rowcount or 0)


def login(
    session: Session, *, email: str, password: str, address: str, settings: Settings
) -> tuple[User, str]:
    """Returns the user and a new session token, or raises Unauthorized / TooManyRequests.

    Both throttles are claimed and committed before the (slow) password check, so every
    concurrent guess is counted before any is evaluated."""
    email = normalise_email(email)
    account_key = _throttle_key("account", email)
    address_key = _throttle_key("address", address)
    wait = _claim_address_attempt(session, address_key, settings)
    if wait is None:
        wait = _claim_account_attempt(session, account_key, settings)
    session.commit()
    if wait is not None:
        raise TooManyRequests(wait)

    user = session.exec(select(User).where(User.email == email)).first()
    stored_hash = user.password_hash if user else _dummy_hash()
    # Hashing is slow by design: never hold the transaction (on SQLite the write lock)
    # while verifying.
    session.commit()
    valid = verify_password(password, stored_hash)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None or not valid or not user.is_active:
        raise Unauthorized(_("The email or password is not right."))

    # The address row first, then the account row: the order the claims above take them
    # in, so concurrent sign-ins never wait on each other in a cycle (PostgreSQL deadlock).
    session.execute(
        update(LoginThrottle)
        .where(col(LoginThrottle.key) == address_key, col(LoginThrottle.failures) > 0)
        .values(failures=col(LoginThrottle.failures) - 1)
    )
    session.execute(delete(LoginThrottle).where(col(LoginThrottle.key) == account_key))
    _forget_stale_throttles(session, settings)
    audit.record(session, user, "sign_in", "user", str(user.id))
    _idle_minutes, absolute_days = settings.session_limits(user.role)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id or 0,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=absolute_days),
        )
    )
    session.commit()
    session.refresh(user)
    return user, token


def authenticate(session: Session, token: str, settings: Settings) -> User | None:
    """The user behind a live session token, or None (unknown, revoked or expired)."""
    record = session.exec(
        select(UserSession).where(UserSession.token_hash == token_hash(token))
    ).first()
    if record is None or record.revoked_at is not None:
        return None
    now = utcnow()
    user = session.get(User, record.user_id)
    if user is None or not user.is_active:
        return None
    idle_limit = timedelta(minutes=settings.session_limits(user.role)[0])
    if as_utc(record.expires_at) <= now or now - as_utc(record.last_seen_at) > idle_limit:
        return None
    if now - as_utc(record.last_seen_at) > _LAST_SEEN_RESOLUTION:
        record.last_seen_at = now
        session.add(record)
        try:
            session.commit()
        except OperationalError:
            # A read request on SQLite cannot always take the write lock; the next request
            # records the time instead (it has a minute's resolution anyway).
            session.rollback()
            user = session.get(User, record.user_id)
    return user


def logout(session: Session, token: str) -> None:
    record = session.exec(
        select(UserSession).where(UserSession.token_hash == token_hash(token))
    ).first()
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        session.commit()


def revoke_all_sessions(session: Session, user_id: int) -> int:
    """Ends every session of a user (e.g. when the account is disabled)."""
    records = session.exec(
        select(UserSession).where(
            UserSession.user_id == user_id, col(UserSession.revoked_at).is_(None)
        )
    ).all()
    for record in records:
        record.revoked_at = utcnow()
        session.add(record)
    session.commit()
    return len(records)


def disabled_session(session: Session, token: str) -> bool:
    """Whether the token belongs to a session of a disabled account: its device should
    erase what it holds (the API says so in the 401)."""
    user_id = session.exec(
        select(UserSession.user_id).where(UserSession.token_hash == token_hash(token))
    ).first()
    if user_id is None:
        return False
    user = session.get(User, user_id)
    return user is not None and not user.is_active


def set_active(session: Session, email: str, active: bool) -> tuple[User, int]:
    """Disables (every session revoked at once) or re-enables an account. Returns the user
    and the number of sessions revoked."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise NotFound("There is no user with the email '{email}'.", {"email": email})
    user.is_active = active
    session.add(user)
    session.commit()
    revoked = 0 if active else revoke_all_sessions(session, user.id or 0)
    session.refresh(user)
    return user, revoked
