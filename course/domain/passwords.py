"""Password hashing (argon2id) and first passwords a child can type."""

import gzip
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

DATA = Path(__file__).resolve().parent / "data"

# argon2-cffi's defaults (RFC 9106's low-memory profile); tests/test_staff_passwords.py pins them.
PRODUCTION_HASHING = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
_hasher = PasswordHasher(**PRODUCTION_HASHING)
_WORDS = [w for w in (DATA / "password_words.txt").read_text().split() if w]

# Verifying against this when a user does not exist keeps the timing of a failed login the same.
_DUMMY_HASH = _hasher.hash("harbour-timing-equaliser")


def use_cheap_hashing_for_tests() -> None:
    """Tests only (tests/conftest.py): argon2id at its smallest cost, so building a school of pupils is quick.
    Hashes stay argon2id and verify the same way; production never calls this."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
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


def pupil_password_problem(password: str) -> str | None:
    """Pupils keep their shorter minimum (the form's), but not a password on the common list."""
    if is_common(password):
        return ("That password is on a list of passwords people often choose, so it is easy to guess. "
                "Please choose another: three short words you can remember work well.")
    return None


def chosen_password_problem(is_staff: bool, current_password: str, new_password: str) -> str | None:
    """Why a password someone chose for themselves will not do; None when it is fine."""
    if new_password == current_password:
        # Above all after a reset: the temporary password was handed out on paper, so it must not stay.
        return "That is the password you have now. Please choose a new one."
    return staff_password_problem(new_password) if is_staff else pupil_password_problem(new_password)
