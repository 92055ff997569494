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

    @property
    def label(self) -> str:
        return {"pupil": "Pupil", "teacher": "Teacher", "safeguarding_lead": "Safeguarding lead",
                "admin": "Admin"}[self.value]


STAFF_ROLES = (Role.TEACHER, Role.SAFEGUARDING_LEAD, Role.ADMIN)


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        UniqueConstraint("school_id", "username", name="uq_user_school_username"),
        Index("ix_user_school_role", "school_id", "role"),
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
        return self.role in STAFF_ROLES

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
