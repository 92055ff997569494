"""A lesson module as the database knows it: its identity; the text itself lives in modules/."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Module(db.Model):
    __tablename__ = "module"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    age_band: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(default=0)
    page_count: Mapped[int] = mapped_column(default=1)
    # Hash of the Markdown and quiz files: tells which version of a lesson an attempt was made on.
    content_hash: Mapped[str] = mapped_column(String(64))
    # False when the file has gone: past progress stays, the module is no longer offered.
    available: Mapped[bool] = mapped_column(default=True)
