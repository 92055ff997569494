"""Failed logins, counted per key (username or address) and time window, for login throttling."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class LoginFailure(db.Model):
    __tablename__ = "login_failure"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int] = mapped_column(default=0)
