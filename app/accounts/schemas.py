"""Schemas of the account API."""

from typing import Annotated

from pydantic import BaseModel, Field

from app.accounts.models import Role
from app.core.schemas import PLAIN_TEXT, Strict

Email = Annotated[str, Field(min_length=3, max_length=254, pattern=PLAIN_TEXT)]


class LoginRequest(Strict):
    email: Email
    password: Annotated[str, Field(min_length=1, max_length=128)]


class UserOut(BaseModel):
    id: int
    email: str
    role: Role


class LoginResponse(BaseModel):
    token: str  # also set as an HttpOnly cookie for the browser
    user: UserOut
