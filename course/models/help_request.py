"""A pupil's request to talk to someone at school, seen only by the school's safeguarding leads."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class Urgency(enum.StrEnum):
    NOT_SAID = "not_said"
    WHEN_YOU_CAN = "when_you_can"
    TODAY = "today"
    NOW = "now"

    @property
    def label(self) -> str:
        return {"not_said": "Not said", "when_you_can": "When someone can", "today": "Today",
                "now": "As soon as possible"}[self.value]

    @property
    def rank(self) -> int:
        return {"now": 3, "today": 2, "when_you_can": 1, "not_said": 0}[self.value]


class RequestStatus(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"new": "New", "in_progress": "In progress", "closed": "Closed"}[self.value]


class HelpRequest(db.Model):
    __tablename__ = "help_request"
    __table_args__ = (Index("ix_help_request_school_status", "school_id", "status"),
                      Index("ix_help_request_pupil_time", "pupil_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(16), default=Urgency.NOT_SAID)
    urgency_rank: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.NEW)
    # Where the pupil asked from (help page, end of a lesson...), to give the DSL context.
    asked_from: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_read_at: Mapped[datetime | None]

    events: Mapped[list["HelpRequestEvent"]] = relationship(order_by="HelpRequestEvent.id")
    pupil: Mapped["User | None"] = relationship()  # noqa: F821 (registered in course.models)

    @property
    def status_enum(self) -> RequestStatus:
        return RequestStatus(self.status)

    @property
    def urgency_enum(self) -> Urgency:
        return Urgency(self.urgency)


class HelpRequestEvent(db.Model):
    """One line of a request's chronology: a note or a status change. Written once, never changed."""

    __tablename__ = "help_request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The author's name as it was, so the chronology survives the account.
    author_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))  # "note" or "status"
    body: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
