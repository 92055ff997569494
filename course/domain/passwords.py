"""Password hashing (argon2id) and first passwords a child can type."""

import gzip
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

DATA = Path(__file__).resolve().parent / "data"

_hasher = PasswordHasher()
_WORDS = [w for w in (DATA / "password_words.txt").read_text().split() if w]

# Verifying against this when a user does not exist keeps the timing of a failed login the same.
_DUMMY_HASH = _hasher.hash("harbour-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def child_friendly_password() -> str:
    """Two short everyday words and a two-digit number, e.g. 'sunny-otter-42'."""
    first, second = secrets.choice(_WORDS), secrets.choice(_WORDS)
    return f"{first}-{second}-{secrets.randbelow(90) + 10}"


STAFF_PASSWORD_MIN_LENGTH = 12


COMMON_PASSWORDS_FILE = DATA / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    """20,000 passwords people choose most often (Django's list, lower case; see README for its licence)."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    return (password or "").strip().lower() in common_passwords()


def staff_password_problem(password: str) -> str | None:
    """Why a staff password will not do, in words for the person choosing it; None when it is fine."""
    if len(password or "") < STAFF_PASSWORD_MIN_LENGTH:
        return f"Use at least {STAFF_PASSWORD_MIN_LENGTH} characters: a few unrelated words make a strong password."
    if is_common(password):
        return ("That password is on a list of passwords people often choose, so it is easy to guess. "
                "Choose another: a few unrelated words make a strong password.")
    return None
