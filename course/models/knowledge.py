"""What a pupil thought before a module and after its quiz: the knowledge check's answers.

Not scored and never shown to anyone but the pupil and their teachers by name; the school's views
count them (course/domain/knowledge_change.py).
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class CheckPhase(enum.StrEnum):
    BEFORE = "before"  # at the start of the module, before the first page; may be skipped
    AFTER = "after"  # the same items at the end of the quiz


class KnowledgeCheckAttempt(db.Model):
    """One pupil's answers to one module's check in one phase (the latest, for the after phase)."""

    __tablename__ = "knowledge_check_attempt"
    __table_args__ = (
        UniqueConstraint("pupil_id", "module_id", "phase", name="uq_knowledge_check_pupil_module_phase"),
        Index("ix_knowledge_check_school_module", "school_id", "module_id", "phase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    phase: Mapped[str] = mapped_column(String(8))
    skipped: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    answers: Mapped[list["KnowledgeCheckAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", passive_deletes=True,
        order_by="KnowledgeCheckAnswer.id")


class KnowledgeCheckAnswer(db.Model):
    __tablename__ = "knowledge_check_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("knowledge_check_attempt.id", ondelete="CASCADE"), index=True)
    check_id: Mapped[str] = mapped_column(String(80))
    option_id: Mapped[str] = mapped_column(String(80))

    attempt: Mapped[KnowledgeCheckAttempt] = relationship(back_populates="answers")
