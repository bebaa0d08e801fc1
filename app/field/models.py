"""Feedback on guidance items and the help-contacts directory.

Feedback carries no personal data: no name, no contact, no address. The per-address daily
cap is counted in ``feedback_quota`` under a hash of the day and the address, and rows of
earlier days are deleted as new ones are written."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from app.core.models import Timestamped, enum_type, utcnow


class FeedbackKind(StrEnum):
    useful = "useful"  # "Was this useful?" yes
    not_useful = "not-useful"  # no
    wrong = "wrong"  # "Something is wrong"


class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"

    id: str = Field(primary_key=True, max_length=36)  # UUID made on the device (idempotence)
    locale: str = Field(max_length=35)
    target_kind: str = Field(max_length=16)  # "item" or "checklist"
    target_slug: str = Field(max_length=80, index=True)
    kind: FeedbackKind = Field(sa_type=enum_type(FeedbackKind))
    text: str = Field(default="", max_length=500)
    content_version: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    resolved_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    resolved_by: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="SET NULL")),
    )


class FeedbackQuota(SQLModel, table=True):
    __tablename__ = "feedback_quota"

    key: str = Field(primary_key=True, max_length=64)  # sha256(day + address), not the address
    day: date = Field(sa_column=Column(Date, nullable=False, index=True))
    count: int = 0


class HelpContact(Timestamped, table=True):
    """One help organisation in a country of return, as entered by an admin."""

    __tablename__ = "help_contact"

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2, index=True)  # ISO 3166-1 alpha-2
    name: str = Field(max_length=200)
    help_kind: str = Field(max_length=300)  # the kind of help offered, in the editor's words
    phone: str | None = Field(default=None, max_length=40)
    website: str | None = Field(default=None, max_length=300)
    languages: list[str] = Field(default_factory=list, sa_type=JSON)  # language codes
    hours: str | None = Field(default=None, max_length=200)
