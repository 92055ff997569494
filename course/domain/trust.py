"""A trust's view across the schools of one installation: each school's coverage side by side, and the account
that sees it. Which schools a viewer sees is course.domain.scope.schools_for; nothing here reads a request
to talk or names a pupil.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..content import ContentLibrary
from ..models import Role, School, User
from .accounts import username_problem
from .coverage import Totals, coverage_totals
from .passwords import hash_password, staff_password_problem
from .scope import schools_for
from .staff_training import StaffTrained, staff_trained_by_school


@dataclass(frozen=True)
class SchoolRow:
    school: School
    totals: Totals
    staff: StaffTrained


def trust_overview(session: Session, viewer: User, today: date, content: ContentLibrary) -> list[SchoolRow]:
    """Every school the viewer may see, with its whole-school totals counted as its DSL's overview counts them
    (course.domain.coverage.coverage_totals: two grouped queries for all the schools, not one overview each)
    and its staff trained (two more queries for all the schools)."""
    schools = list(session.scalars(schools_for(viewer)))
    totals = coverage_totals(session, [school.id for school in schools], today)
    staff = staff_trained_by_school(session, schools, today, content)
    return [SchoolRow(school, totals[school.id], staff[school.id]) for school in schools]


class TrustAdminProblem(ValueError):
    pass


def create_trust_admin(session: Session, home_school_id: int, username: str, name: str, password: str) -> User:
    """The account signs in at its home school's login; it sees every school of the installation."""
    username = (username or "").strip().lower()
    problem = username_problem(username) or staff_password_problem(password or "")
    if not (name or "").strip():
        problem = "Give the trust admin's name."
    if problem:
        raise TrustAdminProblem(problem)
    if session.get(School, home_school_id) is None:
        raise TrustAdminProblem(f"There is no school with id {home_school_id} (see 'flask school list').")
    taken = session.scalar(select(func.count()).select_from(User).where(
        User.school_id == home_school_id, User.username == username))
    if taken:
        raise TrustAdminProblem(f"The username '{username}' is taken at that school.")
    user = User(school_id=home_school_id, username=username, display_name=name.strip(), role=Role.TRUST_ADMIN,
                password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user
