"""Creating a school with its first admin: the set-up page, `flask setup` and `flask school create`."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..content import ContentLibrary
from ..models import Role, School, User
from .accounts import SAFEGUARDING_CONTACT_LIMIT, SCHOOL_NAME_LIMIT, school_name_taken, username_problem
from .directory import seed_help_services
from .passwords import STAFF_PASSWORD_MIN_LENGTH, hash_password, staff_password_problem

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
    elif len(new.name.strip()) > SCHOOL_NAME_LIMIT:
        problems["name"] = f"The school's name must be {SCHOOL_NAME_LIMIT} characters or fewer."
    elif school_name_taken(session, new.name):
        problems["name"] = "A school with that name is already set up."
    if new.region not in content.regions:
        problems["region"] = f"Choose a region: {', '.join(sorted(content.regions))}."
    if not new.safeguarding_contact.strip():
        problems["safeguarding_contact"] = "Enter who pupils can talk to at school, and where to find them."
    elif len(new.safeguarding_contact.strip()) > SAFEGUARDING_CONTACT_LIMIT:
        problems["safeguarding_contact"] = f"Keep this to {SAFEGUARDING_CONTACT_LIMIT} characters or fewer."
    if not new.admin_name.strip():
        problems["admin_name"] = "Enter the admin's name."
    username = new.admin_username.strip().lower()
    if not username:
        problems["admin_username"] = "Enter a username for the admin."
    elif username_problem(username):
        problems["admin_username"] = username_problem(username)
    password_problem = staff_password_problem(new.admin_password)
    if password_problem:
        problems["admin_password"] = password_problem
    return problems


def create_school(session: Session, content: ContentLibrary, new: NewSchool) -> tuple[School, User]:
    """Add the school, its help directory (from its region) and its first admin. The caller commits."""
    school = School(name=new.name.strip(), region=new.region, safeguarding_contact=new.safeguarding_contact.strip(),
                    dsl_two_factor_required=True)  # a new school starts with its leads' two-factor on
    session.add(school)
    session.flush()
    seed_help_services(session, school, content)
    admin = User(school_id=school.id, username=new.admin_username.strip().lower(),
                 password_hash=hash_password(new.admin_password), role=Role.ADMIN,
                 display_name=new.admin_name.strip())
    session.add(admin)
    session.flush()
    return school, admin
