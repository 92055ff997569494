"""Everyone who logs in: pupils, teachers, safeguarding leads and admins."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .school import School


class Role(enum.StrEnum):
    PUPIL = "pupil"
    TEACHER = "teacher"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    ADMIN = "admin"
    # Across every school of this installation: coverage side by side and each school's evidence pack, never
    # a request to talk or a pupil's name. Made only from the command line (`flask trust-admin create`).
    TRUST_ADMIN = "trust_admin"

    @property
    def label(self) -> str:
        return {"pupil": "Pupil", "teacher": "Teacher", "safeguarding_lead": "Safeguarding lead",
                "admin": "Admin", "trust_admin": "Trust admin"}[self.value]


# A school's own staff: what an admin may list and give. The trust admin is not among them, so no school's
# admin can make one.
STAFF_ROLES = (Role.TEACHER, Role.SAFEGUARDING_LEAD, Role.ADMIN)


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        UniqueConstraint("school_id", "username", name="uq_user_school_username"),
        Index("ix_user_school_role", "school_id", "role"),
        # One school account (email or UPN) names one person in a school; one provider account
        # (issuer and subject) is linked to one person at most: never two people joined.
        UniqueConstraint("school_id", "sso_name", name="uq_user_school_sso_name"),
        UniqueConstraint("sso_subject", name="uq_user_sso_subject"),
        UniqueConstraint("card_token_hash", name="uq_user_card_token_hash"),
        # SQLite would otherwise give an erased pupil's id to the next pupil, and audit rows naming the
        # first child would point at the second. (PostgreSQL sequences never go back.)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    username: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(24))
    display_name: Mapped[str] = mapped_column(String(120))
    # Pupils only: the year group (7 for "Year 7"); staff leave it empty.
    year_group: Mapped[int | None]
    # The MIS's own id for a pupil (admission number), so a re-import finds the same pupil.
    mis_id: Mapped[str | None] = mapped_column(String(40))
    # Staff only, optional: where a safeguarding lead is told that a new request to talk is waiting.
    email: Mapped[str | None] = mapped_column(String(254))
    # The person's school Google or Microsoft account (email or UPN, lower case), from the MIS export
    # or set by an admin: a first sign-in with that account is matched to this person.
    sso_name: Mapped[str | None] = mapped_column(String(254))
    # The provider account linked at the first matched sign-in: "<provider> <issuer> <sub>".
    sso_subject: Mapped[str | None] = mapped_column(String(400))
    sso_linked_at: Mapped[datetime | None]
    # Pupils only: sha256 of the secret in the QR code on their login card (reissuing replaces it).
    card_token_hash: Mapped[str | None] = mapped_column(String(64))
    card_issued_at: Mapped[datetime | None]
    must_change_password: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Changing this token logs out every session of the user (logout, password change).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    left_at: Mapped[datetime | None]
    # Pupils only: an admin asked for this pupil's erasure; a safeguarding lead confirms or declines it.
    erasure_requested_at: Mapped[datetime | None]
    erasure_requested_by_id: Mapped[int | None]  # the admin's id (no foreign key: it outlives them)
    # Two-factor authentication (safeguarding leads): the TOTP secret once set up, the hashes of the
    # unused recovery codes, and the last time step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_recovery_hashes: Mapped[list | None] = mapped_column(JSON)
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    school: Mapped[School] = relationship()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_pupil(self) -> bool:
        return self.role == Role.PUPIL

    @property
    def is_staff(self) -> bool:
        """An adult's account: staff passwords and the shorter idle time apply."""
        return self.role in STAFF_ROLES or self.role == Role.TRUST_ADMIN

    @property
    def is_safeguarding_lead(self) -> bool:
        return self.role == Role.SAFEGUARDING_LEAD

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.is_active_account and self.left_at is None

    # UserMixin compares users by get_id(), which makes every unsaved user equal to every other
    # ("None:None"). Rows are the same user only when they are the same object in the session.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def get_id(self) -> str:
        # The token makes old session cookies useless once it changes.
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()
