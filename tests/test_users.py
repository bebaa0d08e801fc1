import pytest
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_user
from app.core.errors import AppError, Conflict
from app.core.security import verify_password


def test_passwords_are_stored_as_argon2_hashes(session: Session) -> None:
    password = "lantern orbit 42"
    user = create_user(session, email=" Worker@Example.org ", role=Role.worker, password=password)
    assert user.email == "worker@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(password, user.password_hash)
    assert not verify_password(password.upper(), user.password_hash)


def test_duplicate_email_is_a_conflict(session: Session) -> None:
    create_user(session, email="a@example.org", role=Role.editor, password="quiet harbour 17")
    with pytest.raises(Conflict):
        create_user(session, email="A@example.org", role=Role.worker, password="velvet canyon 93")


@pytest.mark.parametrize("password", ["short", "x" * 129])
def test_password_length_is_enforced(session: Session, password: str) -> None:
    with pytest.raises(AppError):
        create_user(session, email="b@example.org", role=Role.worker, password=password)


def test_email_must_look_like_one(session: Session) -> None:
    with pytest.raises(AppError):
        create_user(session, email="not-an-email", role=Role.worker, password="amber meadow 58")


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",  # one character repeated
        "abababababab",  # two characters
        "passpasspass",  # a short unit repeated
        "abcdefghijkl",  # the alphabet
        "123456789012",  # the digits
        "qwertyuiopas",  # a keyboard row
        "1qaz2wsx3edc",  # a keyboard pattern
        "password1234",  # a common password plus digits
        "P@ssw0rd2024!",  # the same in leetspeak
        "Iloveyou12345",
        "monkey123456",
    ],
)
def test_common_and_trivial_passwords_are_refused(session: Session, password: str) -> None:
    with pytest.raises(AppError) as refused:
        create_user(session, email="c@example.org", role=Role.worker, password=password)
    assert refused.value.extra == {"field": "password"}


@pytest.mark.parametrize(
    "password", ["a long test password", "Xk9#mP2$vL7q", "correct horse battery"]
)
def test_good_passwords_are_accepted(session: Session, password: str) -> None:
    assert create_user(session, email="d@example.org", role=Role.worker, password=password).id


def test_the_common_password_list_is_shipped_and_lower_case() -> None:
    from app.accounts.passwords import common_passwords

    words = common_passwords()
    assert len(words) > 300 and "password" in words and "qwerty" in words
    assert all(word == word.lower() for word in words)
