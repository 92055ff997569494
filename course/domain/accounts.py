"""The rules for names a person types once and Harbour keeps: usernames, school names, the safeguarding contact.

One rule each, used by the set-up page, `flask setup`, the admin's forms, the teacher's forms and the
CSV import, so they cannot drift apart.
"""

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import School

# Usernames: what a child can type on a school keyboard, the same for pupils and staff.
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
USERNAME_RULE = "Use 2 to 40 lower-case letters, digits, dots, hyphens or underscores."

SCHOOL_NAME_LIMIT = 200  # the column's size
# A pupil's display name is "first last" in a 120-character column: 60 + a space + 59 fit.
FIRST_NAME_LIMIT, LAST_NAME_LIMIT = 60, 59
CLASS_NAME_LIMIT = 80  # the column's size
ADMISSION_NUMBER_LIMIT = 40  # the column's size (User.mis_id)
SAFEGUARDING_CONTACT_LIMIT = 500  # a name, a role and where to find them, with room to spare


def username_problem(username: str) -> str | None:
    """Why a (lower-cased, trimmed) username cannot be used, or None when it can."""
    return None if USERNAME.match(username) else USERNAME_RULE


def school_name_taken(session: Session, name: str, except_school_id: int | None = None) -> bool:
    """Whether another school on this installation already has this name, whatever its capitals."""
    query = select(School.id).where(func.lower(School.name) == name.strip().lower())
    if except_school_id is not None:
        query = query.where(School.id != except_school_id)
    return session.scalar(query.limit(1)) is not None
