"""Accounts for workers and staff. Returnees never have accounts."""

from sqlmodel import Field

from app.models.base import Role, Timestamped, enum_type


class User(Timestamped, table=True):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    role: Role = Field(sa_type=enum_type(Role))
    password_hash: str = Field(max_length=255)
    is_active: bool = True
