"""Password hashes: argon2id (argon2-cffi's defaults, RFC 9106's second recommended profile),
kept as PHC strings; checking takes the same time whether or not the person has a hash."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("procflow: no password is set for this person")
MIN_LENGTH = 8


def make_hash(password: str) -> str:
    return _HASHER.hash(password)


def matches(hashed: str | None, password: str) -> bool:
    """Whether `password` is the one `hashed` was made from; a missing hash is checked against a
    dummy so that a wrong name and a wrong password take the same time."""
    try:
        return _HASHER.verify(hashed or _DUMMY, password) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def weakness(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if not password.isprintable():
        return "a password cannot hold control characters"
    return None
