"""The password policy: 12 to 128 characters, and not guessable from a short list.

A password is refused when it is (ignoring case, leetspeak and a tail of digits or symbols)
one of the common passwords shipped in ``common-passwords.txt``, when it uses fewer than five
different characters ("aaaaaaaaaaaa", "abababababab"), when it repeats a short unit
("passpasspass"), or when it is a run of a keyboard row, the alphabet or the digits
("abcdefghijkl", "1234567890123", "qwertyuiopas")."""

import re
from functools import lru_cache
from pathlib import Path

from app.core.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.i18n import _

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
_MIN_DISTINCT = 5
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s",
                       "5": "s", "7": "t", "+": "t", "8": "b", "9": "g"})  # fmt: skip
_TAIL = re.compile(r"[\W\d_]+$")
_HEAD = re.compile(r"^[\W\d_]+")
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
)


@lru_cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _in_sequence(text: str) -> bool:
    for sequence in _SEQUENCES:
        for run in (sequence * 4, sequence[::-1] * 4):
            if text in run:
                return True
    return False


def _repeats_a_short_unit(text: str) -> bool:
    return any(
        len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in range(1, 7)
    )


def _variants(password: str) -> set[str]:
    lowered = password.lower()
    stripped = _HEAD.sub("", _TAIL.sub("", lowered))
    variants = {lowered, stripped, lowered.translate(_LEET), stripped.translate(_LEET)}
    return {v for v in variants if v}


def password_problem(password: str) -> tuple[str, dict[str, int]] | None:
    """Why a new password is refused (a msgid and its parameters), or None."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return (
            _("A password needs {min} to {max} characters."),
            {"min": MIN_PASSWORD_LENGTH, "max": MAX_PASSWORD_LENGTH},
        )
    lowered = password.lower()
    common = common_passwords()
    weak = (
        len(set(lowered)) < _MIN_DISTINCT
        or _repeats_a_short_unit(lowered)
        or _in_sequence(lowered)
        or any(
            v in common or (len(v) >= 6 and (_in_sequence(v) or _repeats_a_short_unit(v)))
            for v in _variants(password)
        )
    )
    if weak:
        return (
            _(
                "This password is too common or too easy to guess. "
                "Choose a longer phrase of unrelated words."
            ),
            {},
        )
    return None
