"""Accounts. Passwords are checked exactly as typed (no trimming or case folding)."""

import re

from sqlmodel import Session, select

from app.core.errors import AppError, Conflict
from app.core.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password
from app.models import Role, User

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, *, email: str, role: Role, password: str) -> User:
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise AppError(f"'{email}' is not an email address.")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AppError(
            f"A password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters."
        )
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(f"A user with the email '{email}' already exists.")
    user = User(email=email, role=role, password_hash=hash_password(password))
    session.add(user)
    session.commit()
    session.refresh(user)
    return user
