"""What is kept of leavers once their data is deleted: anonymous counts, per school year and year group."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class LeaverSummary(db.Model):
    __tablename__ = "leaver_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    # The school year the pupils left in, e.g. "2025-26", and the year group they left from.
    school_year: Mapped[str] = mapped_column(String(9))
    year_group: Mapped[int | None]
    pupil_count: Mapped[int]
    # How many modules those pupils completed between them, and how many quizzes they passed.
    modules_completed: Mapped[int] = mapped_column(default=0)
    quizzes_passed: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "left": deleted at the end of the retention period; "erased": erased by an admin on request.
    reason: Mapped[str] = mapped_column(String(16), default="left", server_default="left")
