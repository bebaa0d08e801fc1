"""Accounts for workers and staff (returnees never have accounts), their server-side
sessions, and the sign-in throttle that slows guessing."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from app.accounts.roles import Role
from app.core.models import Timestamped, enum_type, utcnow


class User(Timestamped, table=True):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    role: Role = Field(sa_type=enum_type(Role))
    password_hash: str = Field(max_length=255)
    is_active: bool = True


class UserSession(SQLModel, table=True):
    """An opaque session. Only the SHA-256 of the token is stored, so a leaked database
    does not hand out sessions."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))  # absolute expiry
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class LoginThrottle(SQLModel, table=True):
    """Failed-sign-in bookkeeping for one account or one client address, in the database so
    the limits hold across every app process. Each attempt is claimed with one atomic UPDATE
    before the password is checked, so concurrent guesses cannot slip past the count. Times
    are epoch milliseconds (plain integer arithmetic on SQLite and PostgreSQL alike)."""

    __tablename__ = "login_throttle"

    # "account:<sha256 of the email>" or "address:<sha256 of the address>": no typed email
    # (perhaps a password typed in the wrong field) and no address is stored in clear.
    key: str = Field(primary_key=True, max_length=80)
    failures: int = 0
    delay_seconds: int = 0  # accounts: the wait imposed after the last attempt
    since_ms: int = Field(
        default=0, sa_type=BigInteger
    )  # account: last attempt; address: window start
    next_attempt_ms: int = Field(default=0, sa_type=BigInteger)  # account: not before this


class UserLocale(SQLModel, table=True):
    """The content locales a translator may write (checked in the services, so the editor
    screens, the API and the PO import obey the same rule)."""

    __tablename__ = "user_locale"

    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
        )
    )
    locale: str = Field(max_length=16, primary_key=True)


class AuditEvent(SQLModel, table=True):
    """Append-only: who did what, when. Written in the same transaction as the act; stores
    ids and kinds of acts, never content bodies, emails typed at sign-in, or passwords. No
    route updates or deletes it."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)
    actor_id: int | None = Field(default=None, index=True)  # None: the command line
    action: str = Field(max_length=40, index=True)
    target_kind: str = Field(default="", max_length=40)
    target: str = Field(default="", max_length=200)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
