"""Accounts (passwords checked exactly as typed, no trimming or case folding), sign-in,
opaque server-side sessions, and login throttling held in the database."""

import hashlib
import re
import secrets
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.accounts.models import LoginFailure, Role, User, UserSession
from app.core.config import Settings
from app.core.errors import AppError, Conflict, TooManyRequests, Unauthorized
from app.core.models import as_utc, utcnow
from app.accounts.passwords import password_problem
from app.core.security import hash_password, verify_password
from app.i18n import _

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, *, email: str, role: Role, password: str) -> User:
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise AppError(_("'{email}' is not an email address."), {"email": email})
    problem = password_problem(password)
    if problem is not None:
        raise AppError(problem[0], problem[1], field="password")
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(_("A user with the email '{email}' already exists."), {"email": email})
    user = User(email=email, role=role, password_hash=hash_password(password))
    session.add(user)
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


def _check_throttle(session: Session, key: str, limit: int, settings: Settings) -> None:
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    count, oldest = session.exec(
        select(func.count(), func.min(LoginFailure.created_at)).where(
            LoginFailure.key == key, LoginFailure.created_at >= since
        )
    ).one()
    if count >= limit and oldest is not None:
        window_end = as_utc(oldest) + timedelta(minutes=settings.login_window_minutes)
        retry_after = max(1, int((window_end - utcnow()).total_seconds()) + 1)
        raise TooManyRequests(retry_after)


def login(
    session: Session, *, email: str, password: str, address: str, settings: Settings
) -> tuple[User, str]:
    """Returns the user and a new session token, or raises Unauthorized / TooManyRequests."""
    email = normalise_email(email)
    account_key, address_key = f"account:{email}", f"address:{address}"
    _check_throttle(session, account_key, settings.login_max_failures_per_account, settings)
    _check_throttle(session, address_key, settings.login_max_failures_per_address, settings)

    user = session.exec(select(User).where(User.email == email)).first()
    valid = verify_password(password, user.password_hash if user else _dummy_hash())
    if user is None or not valid or not user.is_active:
        session.add(LoginFailure(key=account_key))
        session.add(LoginFailure(key=address_key))
        session.commit()
        raise Unauthorized(_("The email or password is not right."))

    session.exec(delete(LoginFailure).where(col(LoginFailure.key) == account_key))  # type: ignore[call-overload]
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id or 0,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=settings.session_absolute_days),
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
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    if as_utc(record.expires_at) <= now or now - as_utc(record.last_seen_at) > idle_limit:
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.is_active:
        return None
    if now - as_utc(record.last_seen_at) > _LAST_SEEN_RESOLUTION:
        record.last_seen_at = now
        session.add(record)
        session.commit()
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
