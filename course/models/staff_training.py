"""The staff track: each time a member of staff completes a staff module (passes its quiz). Kept apart from
pupils' progress, so no pupil count, coverage figure or export ever includes staff."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class StaffTrainingCompletion(db.Model):
    __tablename__ = "staff_training_completion"
    __table_args__ = (
        Index("ix_staff_training_school_module", "school_id", "module_slug"),
        Index("ix_staff_training_user_module", "user_id", "module_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    # The member of staff; their rows go with their account.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # A staff module's slug (modules/staff/<slug>.md): staff modules have no row in the module table,
    # which lists pupils' modules only.
    module_slug: Mapped[str] = mapped_column(String(80))
    score: Mapped[int]  # percent, as the quiz was marked
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
