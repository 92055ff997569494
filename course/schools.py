"""Creating a school with its first admin: the set-up page, `flask setup` and `flask school create`."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .content import ContentLibrary
from .directory import seed_help_services
from .models import Role, School, User
from .rules.passwords import STAFF_PASSWORD_MIN_LENGTH, hash_password, staff_password_problem

MIN_ADMIN_PASSWORD = STAFF_PASSWORD_MIN_LENGTH


@dataclass(frozen=True)
class NewSchool:
    name: str
    region: str
    safeguarding_contact: str
    admin_name: str
    admin_username: str
    admin_password: str


def has_school(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(School)))


def problems_with(session: Session, content: ContentLibrary, new: NewSchool) -> dict[str, str]:
    """What is wrong with the details, by field name; empty when they can be saved."""
    problems = {}
    if not new.name.strip():
        problems["name"] = "Enter the school's name."
    elif len(new.name.strip()) > 200:
        problems["name"] = "The school's name must be 200 characters or fewer."
    elif session.scalar(select(School.id).where(func.lower(School.name) == new.name.strip().lower())):
        problems["name"] = "A school with that name is already set up."
    if new.region not in content.regions:
        problems["region"] = f"Choose a region: {', '.join(sorted(content.regions))}."
    if not new.safeguarding_contact.strip():
        problems["safeguarding_contact"] = "Enter who pupils can talk to at school, and where to find them."
    if not new.admin_name.strip():
        problems["admin_name"] = "Enter the admin's name."
    username = new.admin_username.strip().lower()
    if not username:
        problems["admin_username"] = "Enter a username for the admin."
    elif len(username) > 80 or not all(c.isalnum() or c in "._-" for c in username):
        problems["admin_username"] = "Use letters, numbers, dots, dashes or underscores (80 at most)."
    password_problem = staff_password_problem(new.admin_password)
    if password_problem:
        problems["admin_password"] = password_problem
    return problems


def create_school(session: Session, content: ContentLibrary, new: NewSchool) -> tuple[School, User]:
    """Add the school, its help directory (from its region) and its first admin. The caller commits."""
    school = School(name=new.name.strip(), region=new.region, safeguarding_contact=new.safeguarding_contact.strip())
    session.add(school)
    session.flush()
    seed_help_services(session, school, content)
    admin = User(school_id=school.id, username=new.admin_username.strip().lower(),
                 password_hash=hash_password(new.admin_password), role=Role.ADMIN,
                 display_name=new.admin_name.strip())
    session.add(admin)
    session.flush()
    return school, admin
