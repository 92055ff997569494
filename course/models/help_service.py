"""A school's own copy of its help directory, seeded from help_directory/<region>.toml."""

from datetime import date

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class HelpService(db.Model):
    __tablename__ = "help_service"
    __table_args__ = (UniqueConstraint("school_id", "key", name="uq_help_service_school_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    name: Mapped[str] = mapped_column(String(160))
    for_whom: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    text_number: Mapped[str] = mapped_column(String(40), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    hours: Mapped[str] = mapped_column(String(120), default="")
    audience: Mapped[str] = mapped_column(String(10), default="pupil")
    last_checked: Mapped[date]
