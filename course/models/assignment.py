"""An assignment: a module set for a class (or chosen pupils in it), with an optional due date."""

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .classes import SchoolClass
from .module import Module
from .user import User


class AnswersShown(enum.StrEnum):
    AFTER_ATTEMPT = "after_attempt"
    AFTER_DUE_DATE = "after_due_date"


assignment_pupil = Table(
    "assignment_pupil",
    db.metadata,
    Column("assignment_id", ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True),
    Column("pupil_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Assignment(db.Model):
    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("class_id", "module_id", name="uq_assignment_class_module"),
        Index("ix_assignment_school", "school_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    due_date: Mapped[date | None]
    answers_shown: Mapped[str] = mapped_column(String(20), default=AnswersShown.AFTER_ATTEMPT)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship()
    module: Mapped[Module] = relationship()
    # Empty means the whole class; otherwise only these pupils.
    chosen_pupils: Mapped[list[User]] = relationship(secondary=assignment_pupil)
