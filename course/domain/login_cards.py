"""QR login cards: a long random secret per pupil, printed as a QR code, stored only as its sha256.

A card is used every lesson, so a code signs in each time it is scanned. "Once per scan" means: opening
the card's address (a scan) signs nobody in by itself; it shows a "Start" button carrying a one-time
nonce, signed and valid for CARD_SCAN_MINUTES, bound to the card as issued. Pressing it spends the
nonce (course.domain.sso.spend_nonce) and starts exactly one session; the same request sent again is
refused, and so is a nonce from before the card was reissued. A link previewer or a prefetching
browser that opens the address never signs anyone in. Reissuing replaces the hash: the old card
stops working at once. sha256 is enough because the secret is 32 random bytes, not a password.
"""

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Role, User, utcnow
from . import audit

CARD_SCAN_MINUTES = 10
TOKEN_BYTES = 32


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(pupils: list[User]) -> dict[int, str]:
    """A new card secret for each pupil (any old card stops working); the secrets, shown only now."""
    tokens = {}
    for pupil in pupils:
        if pupil.role != Role.PUPIL:
            continue
        token = secrets.token_urlsafe(TOKEN_BYTES)
        pupil.card_token_hash = digest(token)
        pupil.card_issued_at = utcnow()
        tokens[pupil.id] = token
    return tokens


def reissue(session: Session, actor: User, pupil: User) -> str:
    token = issue([pupil])[pupil.id]
    audit.record(session, actor, "login_card_reissued", target_type="user", target_id=pupil.id)
    return token


def pupil_for(session: Session, token: str) -> User | None:
    """The active pupil whose current card carries this secret, or None."""
    if not token or len(token) > 100:
        return None
    pupil = session.scalar(select(User).where(User.card_token_hash == digest(token)))
    if pupil is None or pupil.role != Role.PUPIL or not pupil.is_active:
        return None
    return pupil
