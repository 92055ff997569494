"""The staff track: which staff modules each role takes, what "trained" means, and when the yearly refresher
falls due. Completions are kept in their own table, never in pupils' progress.

A staff module is current from the day it is completed until the same date `refresher_months` later
(the last day of the month when that date does not exist, 31 January + 1 month = 28 or 29 February); from the
day after, it is overdue. A member of staff is trained when every staff module meant for their role is current.
"""

import calendar
import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..content import ContentLibrary
from ..content.modules import ModuleContent
from ..models import STAFF_ROLES, Role, School, StaffTrainingCompletion, User
from .scoring import QuizResult

# The module a teacher should have completed before assigning a module marked "teach in class first".
DISCLOSURE_MODULE = "responding-to-a-disclosure"
REFRESHER_MONTHS_DEFAULT = 12
REFRESHER_MONTHS_RANGE = (1, 60)

NOT_DONE, CURRENT, OVERDUE = "not_done", "current", "overdue"
STATE_LABELS = {NOT_DONE: "Not done", CURRENT: "Completed", OVERDUE: "Refresher overdue"}


class RefresherProblem(ValueError):
    """A refresher period that cannot be saved; the message says what to enter."""


def add_months(day: date, months: int) -> date:
    """The same day of the month, `months` later; the month's last day where that day does not exist."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_again(completed_on: date, refresher_months: int) -> date:
    """The last day a completion counts: the refresher must be done by then."""
    return add_months(completed_on, refresher_months)


def state_of(completed_on: date | None, refresher_months: int, today: date) -> str:
    if completed_on is None:
        return NOT_DONE
    return CURRENT if today <= due_again(completed_on, refresher_months) else OVERDUE


def parse_refresher_months(raw: str) -> int:
    """A whole number of months, from the setting's form; RefresherProblem otherwise."""
    low, high = REFRESHER_MONTHS_RANGE
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise RefresherProblem(f"Enter a whole number of months from {low} to {high}, for example 12.")
    return int(text)


def set_refresher_months(school: School, raw: str) -> int:
    """Change the school's refresher period; nothing changes when the value is refused. The caller commits."""
    months = parse_refresher_months(raw)
    school.staff_refresher_months = months
    return months


def modules_for_role(content: ContentLibrary, role: str) -> list[ModuleContent]:
    return [m for m in content.staff_ordered() if role in m.staff_roles]


def record_completion(session: Session, user: User, module: ModuleContent, result: QuizResult) -> bool:
    """A passed quiz completes the staff module (a new row each time: the history stays). The caller commits."""
    if not result.passed:
        return False
    session.add(StaffTrainingCompletion(school_id=user.school_id, user_id=user.id, module_slug=module.slug,
                                        score=result.score))
    return True


def latest_completions(session: Session, school_id: int, user_id: int | None = None) -> dict[tuple[int, str], datetime]:
    """(user id, module slug) -> when that person last completed that staff module."""
    return _latest(session, [school_id], user_id)


def _latest(session: Session, school_ids: list[int], user_id: int | None = None) -> dict[tuple[int, str], datetime]:
    query = (select(StaffTrainingCompletion.user_id, StaffTrainingCompletion.module_slug,
                    func.max(StaffTrainingCompletion.completed_at))
             .where(StaffTrainingCompletion.school_id.in_(school_ids))
             .group_by(StaffTrainingCompletion.user_id, StaffTrainingCompletion.module_slug))
    if user_id is not None:
        query = query.where(StaffTrainingCompletion.user_id == user_id)
    return {(uid, slug): when for uid, slug, when in session.execute(query).all()}


def school_staff(session: Session, school_id: int) -> list[User]:
    """The school's own staff who can sign in (the trust admin is not a school's staff)."""
    return list(session.scalars(_staff_of([school_id])))


def _staff_of(school_ids: list[int]):
    return (select(User).where(User.school_id.in_(school_ids), User.role.in_([r.value for r in STAFF_ROLES]),
                               User.is_active_account, User.left_at.is_(None)).order_by(User.display_name, User.id))


@dataclass(frozen=True)
class ModuleStanding:
    slug: str
    title: str
    state: str
    completed_at: datetime | None
    due: date | None  # when the refresher is due (completed modules only)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class PersonTraining:
    user_id: int
    name: str
    role: str
    modules: tuple[ModuleStanding, ...]  # the staff modules meant for their role, in course order

    @property
    def trained(self) -> bool:
        return bool(self.modules) and all(m.state == CURRENT for m in self.modules)

    @property
    def overdue(self) -> bool:
        return any(m.state == OVERDUE for m in self.modules)


def person_training(person: User, modules: list[ModuleContent], latest: dict[tuple[int, str], datetime],
                    refresher_months: int, today: date) -> PersonTraining:
    standings = []
    for module in modules:
        when = latest.get((person.id, module.slug))
        standings.append(ModuleStanding(
            module.slug, module.title, state_of(when.date() if when else None, refresher_months, today), when,
            due_again(when.date(), refresher_months) if when else None))
    return PersonTraining(person.id, person.display_name, person.role, tuple(standings))


@dataclass(frozen=True)
class ModuleCount:
    slug: str
    title: str
    meant_for: int  # staff whose role the module is meant for
    completed: int  # of them, completed and not overdue
    overdue: int  # of them, completed once but the refresher is overdue


@dataclass(frozen=True)
class StaffTrainingSummary:
    staff_total: int
    trained: int  # completed every staff module meant for their role, none overdue
    overdue: int  # at least one refresher overdue
    refresher_months: int
    modules: tuple[ModuleCount, ...]
    people: tuple[PersonTraining, ...]

    def module(self, slug: str) -> ModuleCount | None:
        return next((m for m in self.modules if m.slug == slug), None)


@lru_cache(maxsize=4)
def _content_at(root: str) -> ContentLibrary:
    from ..content import load_library

    return load_library(Path(root))[0]


def _default_content() -> ContentLibrary:
    """For a caller with no library at hand (the evidence pack, a command): the content Harbour reads."""
    from ..config import default_content_root

    return _content_at(os.environ.get("HARBOUR_CONTENT_ROOT") or str(default_content_root()))


def staff_training_summary(session: Session, school_id: int, today: date,
                           content: ContentLibrary | None = None) -> StaffTrainingSummary:
    """Who of the school's staff is trained, who is overdue, and per staff module how many have completed it."""
    content = content or _default_content()
    school = session.get(School, school_id)
    months = school.staff_refresher_months if school is not None else REFRESHER_MONTHS_DEFAULT
    latest = latest_completions(session, school_id)
    people = tuple(person_training(p, modules_for_role(content, p.role), latest, months, today)
                   for p in school_staff(session, school_id))
    counts = []
    for module in content.staff_ordered():
        standings = [m for person in people for m in person.modules if m.slug == module.slug]
        counts.append(ModuleCount(module.slug, module.title, len(standings),
                                  sum(1 for m in standings if m.state == CURRENT),
                                  sum(1 for m in standings if m.state == OVERDUE)))
    return StaffTrainingSummary(len(people), sum(1 for p in people if p.trained), sum(1 for p in people if p.overdue),
                                months, tuple(counts), people)


def csv_rows(summary: StaffTrainingSummary) -> list[list]:
    """One row per person and staff module meant for them, for the safeguarding lead's download."""
    rows: list[list] = [["Name", "Role", "Staff module", "Status", "Last completed", "Refresher due",
                         "Trained (every module for their role)"]]
    for person in summary.people:
        for m in person.modules:
            rows.append([person.name, Role(person.role).label, m.title, m.label,
                         m.completed_at.date().isoformat() if m.completed_at else "",
                         m.due.isoformat() if m.due else "", "Yes" if person.trained else "No"])
    return rows


@dataclass(frozen=True)
class StaffTrained:
    """One school's staff-training headline, for the trust's side-by-side view."""

    trained: int
    staff_total: int
    overdue: int


def staff_trained_by_school(session: Session, schools: list[School], today: date,
                            content: ContentLibrary) -> dict[int, StaffTrained]:
    """For many schools at once, in two queries (the staff, and their latest completions), counted as each
    school's own staff-training summary counts them."""
    ids = [school.id for school in schools]
    if not ids:
        return {}
    staff = session.scalars(_staff_of(ids))
    latest = _latest(session, ids)
    months = {school.id: school.staff_refresher_months for school in schools}
    counts = {school_id: [0, 0, 0] for school_id in ids}
    for person in staff:
        standing = person_training(person, modules_for_role(content, person.role), latest, months[person.school_id],
                                   today)
        tally = counts[person.school_id]
        tally[0] += standing.trained
        tally[1] += 1
        tally[2] += standing.overdue
    return {school_id: StaffTrained(*tally) for school_id, tally in counts.items()}
