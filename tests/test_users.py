import pytest
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_user
from app.core.errors import AppError, Conflict
from app.core.security import verify_password


def test_passwords_are_stored_as_argon2_hashes(session: Session) -> None:
    user = create_user(session, email=" Worker@Example.org ", role=Role.worker, password="a" * 12)
    assert user.email == "worker@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password("a" * 12, user.password_hash)
    assert not verify_password("A" * 12, user.password_hash)


def test_duplicate_email_is_a_conflict(session: Session) -> None:
    create_user(session, email="a@example.org", role=Role.editor, password="x" * 14)
    with pytest.raises(Conflict):
        create_user(session, email="A@example.org", role=Role.worker, password="y" * 14)


@pytest.mark.parametrize("password", ["short", "x" * 129])
def test_password_length_is_enforced(session: Session, password: str) -> None:
    with pytest.raises(AppError):
        create_user(session, email="b@example.org", role=Role.worker, password=password)


def test_email_must_look_like_one(session: Session) -> None:
    with pytest.raises(AppError):
        create_user(session, email="not-an-email", role=Role.worker, password="z" * 14)
