"""Password hashing (Argon2id through pwdlib, current recommended parameters)."""

from functools import lru_cache

from pwdlib import PasswordHash

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128


@lru_cache
def password_hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return password_hasher().verify(password, password_hash)
