"""Bookkeeping for case sync: devices, applied mutations, the change feed and notices."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from app.core.models import utcnow


class SyncCounter(SQLModel, table=True):
    """Single row. Change sequence numbers are taken from it under a row lock held until
    commit, so a cursor never skips a change that commits late (unlike timestamps)."""

    __tablename__ = "sync_counter"

    id: int = Field(default=1, primary_key=True)
    case_seq: int = Field(default=0, sa_type=BigInteger)


class Device(SQLModel, table=True):
    __tablename__ = "device"

    id: str = Field(primary_key=True, max_length=64)  # generated on the device
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    last_seq: int = 0  # the device's last processed mutation sequence number
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class AppliedMutation(SQLModel, table=True):
    """Every mutation the server has processed, so a replay is answered, not re-applied."""

    __tablename__ = "applied_mutation"

    mutation_id: str = Field(primary_key=True, max_length=36)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    )
    device_id: str = Field(max_length=64)
    seq: int
    payload_hash: str = Field(max_length=64)
    status: str = Field(max_length=24)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    applied_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=True
    )


class CaseChange(SQLModel, table=True):
    """The change feed behind the pull cursor: one row per case touched, per push."""

    __tablename__ = "case_change"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(sa_type=BigInteger, index=True)  # several cases can share one push's seq
    case_id: str = Field(max_length=36, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class MergeNotice(SQLModel, table=True):
    """Tells a worker, on their next sync, that a merge rule overrode their change."""

    __tablename__ = "merge_notice"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(sa_type=BigInteger, index=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    )
    case_id: str = Field(max_length=36)
    kind: str = Field(max_length=40)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
