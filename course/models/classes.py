"""Classes (a teaching group), with their teachers and pupils."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .user import User

class_teacher = Table(
    "class_teacher",
    db.metadata,
    Column("class_id", ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True),
    Column("teacher_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)

class_pupil = Table(
    "class_pupil",
    db.metadata,
    Column("class_id", ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True),
    Column("pupil_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class SchoolClass(db.Model):
    __tablename__ = "school_class"
    __table_args__ = (Index("ix_class_school", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    name: Mapped[str] = mapped_column(String(80))
    year_group: Mapped[int | None]
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teachers: Mapped[list[User]] = relationship(secondary=class_teacher, order_by=User.display_name)
    pupils: Mapped[list[User]] = relationship(secondary=class_pupil, order_by=User.display_name)
