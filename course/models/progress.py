"""What a pupil has done: progress per module, quiz attempts and the answers given."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {"not_started": "Not started", "in_progress": "In progress", "completed": "Completed"}[self.value]


class Progress(db.Model):
    __tablename__ = "progress"
    __table_args__ = (
        UniqueConstraint("pupil_id", "module_id", name="uq_progress_pupil_module"),
        Index("ix_progress_school_module", "school_id", "module_id"),
        Index("ix_progress_school_status", "school_id", "status", "pupil_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    status: Mapped[str] = mapped_column(String(16), default=Status.NOT_STARTED)
    # Page numbers (0-based) the pupil has read, sorted.
    pages_seen: Mapped[list[int]] = mapped_column(JSON, default=list)
    best_score: Mapped[int | None]
    latest_score: Mapped[int | None]
    quiz_passed: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None]


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        # One attempt per quiz form: a double click or a resubmitted form cannot record two.
        UniqueConstraint("pupil_id", "form_token", name="uq_attempt_pupil_form"),
        Index("ix_attempt_pupil_module", "pupil_id", "module_id"),
        Index("ix_attempt_school_module", "school_id", "module_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    form_token: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    score: Mapped[int]  # percent of questions answered correctly
    correct_count: Mapped[int]
    question_count: Mapped[int]
    passed: Mapped[bool]
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    answers: Mapped[list["AttemptAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="AttemptAnswer.position"
    )


class AttemptAnswer(db.Model):
    __tablename__ = "attempt_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(80))
    option_ids: Mapped[list[str]] = mapped_column(JSON)
    correct: Mapped[bool]

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
