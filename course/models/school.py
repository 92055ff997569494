"""A school: the boundary of every other record."""

import secrets
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


def new_parents_page_id() -> str:
    # Unguessable, so the public parents' pages cannot be listed by counting up school ids.
    return secrets.token_urlsafe(12)


class School(db.Model):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Which help directory the pupils see (help_directory/<region>.toml).
    region: Mapped[str] = mapped_column(String(8), default="uk")
    # Shown to pupils in lessons and on the help page, as the school writes it.
    safeguarding_contact: Mapped[str] = mapped_column(Text, default="")
    # Pupils choose their own password at first login only if the school turns this on.
    pupils_choose_password: Mapped[bool] = mapped_column(default=False)
    # The last year group the school teaches: at year rollover, pupils in it become leavers.
    final_year_group: Mapped[int] = mapped_column(default=13, server_default="13")
    # How long leavers' data is kept: a number of days, or None for "to the end of the following
    # term" (see course/domain/school_year.py for how term dates are approximated).
    leaver_retention_days: Mapped[int | None]
    # Admins may reset a pupil's password (and so could log in as them) only if the school allows it.
    admins_reset_pupil_passwords: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Safeguarding leads must use two-factor authentication. Set-up (page and `flask setup`) turns it on
    # for a new school (domain/schools.py); the migration left it off for schools that existed before,
    # so no lead is locked out without warning; the demo school leaves it off so its published logins work.
    dsl_two_factor_required: Mapped[bool] = mapped_column(default=False, server_default="0")
    year_rolled_over_at: Mapped[datetime | None]
    # Bumped on every change to the school's help directory (course/domain/directory.py): each worker
    # keeps the directory it shows on every page, and a new number tells it the copy is stale.
    directory_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The staff track's yearly refresher: a staff module completed longer ago than this is overdue.
    staff_refresher_months: Mapped[int] = mapped_column(default=12, server_default="12")
    # The letter home, as the school wrote it (admin or safeguarding lead); None shows Harbour's default.
    parents_letter: Mapped[str | None] = mapped_column(Text)
    # The parents' page's address, /parents/<id>: public, never a pupil's, never the school's row id.
    parents_page_id: Mapped[str | None] = mapped_column(String(32), index=True, unique=True,
                                                        default=new_parents_page_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
