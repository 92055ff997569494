"""Two-factor authentication for safeguarding leads: a TOTP code from an app (RFC 6238), or a recovery code.

A code is accepted once: the last time step used is kept, so a code seen over a shoulder or replayed
from a log cannot be used again. Recovery codes are random (50 bits each), shown once and stored as
SHA-256 hashes: they are too long to guess, so a slow hash would only slow down a lead's login.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno

from ..models import Role, User

ISSUER = "Harbour"
RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    return pyotp.random_base32()


def required_for(user: User) -> bool:
    """Whether this user must have two-factor set up before using Harbour."""
    return user.role == Role.SAFEGUARDING_LEAD and bool(user.school.dsl_two_factor_required)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=f"{user.username} ({user.school.name})", issuer_name=ISSUER)


def qr_svg(uri: str, label: str) -> str:
    """An SVG QR code to place inline in the page (no image request, no JavaScript)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def check_code(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The time step the code belongs to (the step before, now or after), or None; never a step already used."""
    code = _clean(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    step = int(now) // totp.interval
    for candidate in (step - 1, step, step + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """Codes to show once (like "k7pq-r2mx-vd"), and their hashes to store."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes, [_hash(c) for c in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """True if the code is one of the user's unused recovery codes; it is used up. The caller commits."""
    hashes = list(user.totp_recovery_hashes or [])
    candidate = _hash(code)
    for stored in hashes:
        if hmac.compare_digest(stored, candidate):
            hashes.remove(stored)
            user.totp_recovery_hashes = hashes
            return True
    return False


def verify(user: User, code: str) -> bool:
    """A TOTP code (once) or a recovery code (once). The caller commits."""
    if not user.totp_secret:
        return False
    step = check_code(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return True
    return use_recovery_code(user, code)


def turn_on(user: User, secret: str, step: int) -> list[str]:
    """Keep the confirmed secret; returns the new recovery codes (shown once). The caller commits."""
    codes, hashes = new_recovery_codes()
    user.totp_secret = secret
    user.totp_last_step = step
    user.totp_recovery_hashes = hashes
    return codes


def turn_off(user: User) -> None:
    """For a lead who lost both phone and recovery codes; they set it up again at their next login."""
    user.totp_secret = None
    user.totp_last_step = None
    user.totp_recovery_hashes = None
