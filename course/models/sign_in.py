"""Signing in without a password: a school's Google or Microsoft set-up, and one-time nonces."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class SchoolSignIn(db.Model):
    """One school's OpenID Connect client at Google or Microsoft. The client secret is not here: it is
    read from the environment or the instance folder (course/domain/sso_settings.py), so a database
    backup never carries it."""

    __tablename__ = "school_sign_in"

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), primary_key=True)
    # "google" or "microsoft"
    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(255))
    # Google: the school's Workspace domains (the `hd` claim); Microsoft: its tenant ids (`tid`).
    # One a line, lower case.
    allowed: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    secret_saved_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def allowed_values(self) -> list[str]:
        return [line.strip().lower() for line in self.allowed.splitlines() if line.strip()]


class UsedNonce(db.Model):
    """A one-time value that has been spent: an OpenID Connect `state`, a QR card scan's nonce.
    Stored hashed; inserting one twice fails, which is how a replayed request is refused."""

    __tablename__ = "used_nonce"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
