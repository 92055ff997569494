"""A notice to one safeguarding lead about a change to the school's safeguarding accounts, shown until dismissed."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class StaffNotice(db.Model):
    __tablename__ = "staff_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # What happened, for filtering ("dsl_created", "dsl_role_given", "dsl_password_reset", "erasure_requested").
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dismissed_at: Mapped[datetime | None]
