"""Accounts. Passwords are checked exactly as typed (no trimming or case folding)."""

import re

from sqlmodel import Session, select

from app.core.errors import AppError, Conflict, _
from app.core.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password
from app.models import Role, User

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, *, email: str, role: Role, password: str) -> User:
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise AppError(_("'{email}' is not an email address."), {"email": email})
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AppError(
            _("A password needs {min} to {max} characters."),
            {"min": MIN_PASSWORD_LENGTH, "max": MAX_PASSWORD_LENGTH},
        )
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(_("A user with the email '{email}' already exists."), {"email": email})
    user = User(email=email, role=role, password_hash=hash_password(password))
    session.add(user)
    session.commit()
    session.refresh(user)
    return user
