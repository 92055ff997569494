"""Whole-school coverage: which pupils each module has reached, by year group and by class.

Plain functions over a session, with no Flask. `school_coverage` reads everything with a fixed number of
queries (however many pupils) and counts in Python, so the overview stays fast for a whole school.
A pupil "has" a module when it is assigned to one of their current classes (to the whole class, or to
them by name); the pair counts as completed when their progress in that module is completed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import case, distinct, exists, func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    Assignment,
    Module,
    Progress,
    Role,
    SchoolClass,
    Status,
    User,
    assignment_pupil,
    class_pupil,
)


@dataclass(frozen=True)
class CoverageFilters:
    year_group: int | None = None
    class_id: int | None = None
    module_id: int | None = None
    date_from: date | None = None  # assignments set on or after this day
    date_to: date | None = None  # assignments set up to this day; completions counted up to its end


@dataclass
class Tally:
    assigned: int = 0
    completed: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return self.completed * 100 // self.assigned if self.assigned else 0

    @property
    def not_completed(self) -> int:
        return self.assigned - self.completed


class Pair(NamedTuple):
    """One pupil with one module set for them, through one class.

    A named tuple, not a dataclass: a school of 2,000 pupils has 16,000 of these per overview, and
    tuples are several times cheaper to make.
    """

    class_id: int
    module_id: int
    pupil_id: int
    year_group: int | None
    due_date: date | None
    completed_at: datetime | None

    def overdue(self, today: date) -> bool:
        return self.completed_at is None and self.due_date is not None and today > self.due_date


@dataclass
class SchoolCoverage:
    modules: list[Module]
    classes: list[SchoolClass]
    year_groups: list[int]
    pairs: list[Pair]
    pupils_in_scope: int
    pupils_with_none: list[int]
    never_assigned: dict[int, list[Module]]
    weeks: list[tuple[date, int]]
    total: Tally = field(default_factory=Tally)
    by_module: dict[int, Tally] = field(default_factory=dict)
    by_year: dict[int | None, dict[int, Tally]] = field(default_factory=dict)
    by_year_total: dict[int | None, Tally] = field(default_factory=dict)
    by_class: dict[int, dict[int, Tally]] = field(default_factory=dict)
    by_class_total: dict[int, Tally] = field(default_factory=dict)

    @property
    def year_rows(self) -> list[tuple[int, Tally]]:
        """Year groups in order (pupils with no year group recorded are left out of this view)."""
        return sorted((y, t) for y, t in self.by_year_total.items() if y is not None)

    @property
    def class_by_id(self) -> dict[int, SchoolClass]:
        return {c.id: c for c in self.classes}


def ages_of_year_group(year_group: int) -> tuple[int, int]:
    """English school years: Year 7 pupils are 11 to 12 during the year."""
    return year_group + 4, year_group + 5


def suits_year_group(module: Module, year_group: int) -> bool:
    low, high = (int(part) for part in module.age_band.split("-"))
    young, old = ages_of_year_group(year_group)
    return low <= old and young <= high


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min)


def _pairs(session: Session, school_id: int, filters: CoverageFilters) -> list[Pair]:
    chosen_for_someone = exists().where(assignment_pupil.c.assignment_id == Assignment.id)
    chosen_for_pupil = exists().where(assignment_pupil.c.assignment_id == Assignment.id,
                                      assignment_pupil.c.pupil_id == User.id)
    # Only completed progress brings its date; the due date comes from the school's few assignments
    # (read once below), not once per row: turning 16,000 stored dates into Python dates is slow.
    completed_at = case((Progress.status == Status.COMPLETED, Progress.completed_at))
    query = (
        select(SchoolClass.id, Assignment.module_id, User.id, User.year_group, Assignment.id, completed_at)
        .select_from(Assignment)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(class_pupil, class_pupil.c.class_id == SchoolClass.id)
        .join(User, User.id == class_pupil.c.pupil_id)
        .outerjoin(Progress, (Progress.pupil_id == User.id) & (Progress.module_id == Assignment.module_id))
        .where(Assignment.school_id == school_id, SchoolClass.archived_at.is_(None), User.role == Role.PUPIL,
               User.left_at.is_(None), or_(~chosen_for_someone, chosen_for_pupil))
    )
    if filters.year_group is not None:
        query = query.where(User.year_group == filters.year_group)
    if filters.class_id is not None:
        query = query.where(SchoolClass.id == filters.class_id)
    if filters.module_id is not None:
        query = query.where(Assignment.module_id == filters.module_id)
    if filters.date_from is not None:
        query = query.where(Assignment.created_at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to is not None:
        query = query.where(Assignment.created_at < _end_of(filters.date_to))
    due_dates = dict(session.execute(select(Assignment.id, Assignment.due_date).where(Assignment.school_id == school_id)).all())
    period_end = _end_of(filters.date_to) if filters.date_to is not None else None
    pairs = []
    for class_id, module_id, pupil_id, year_group, assignment_id, done in session.execute(query).tuples():
        if done is not None and period_end is not None and done >= period_end:
            done = None  # completed after the period asked about
        pairs.append(Pair(class_id, module_id, pupil_id, year_group, due_dates[assignment_id], done))
    return pairs


def _pupils_with_none(session: Session, school_id: int, filters: CoverageFilters) -> tuple[int, list[int]]:
    """Pupils in the filtered year group or class, and which of them have completed no module at all."""
    pupils = select(User.id).where(User.school_id == school_id, User.role == Role.PUPIL, User.left_at.is_(None))
    if filters.year_group is not None:
        pupils = pupils.where(User.year_group == filters.year_group)
    if filters.class_id is not None:
        pupils = pupils.where(User.id.in_(select(class_pupil.c.pupil_id).where(class_pupil.c.class_id == filters.class_id)))
    completed = select(Progress.pupil_id).where(Progress.school_id == school_id, Progress.status == Status.COMPLETED)
    if filters.date_to is not None:
        completed = completed.where(Progress.completed_at < _end_of(filters.date_to))
    rows = session.execute(pupils.add_columns(User.id.in_(completed).label("done")).order_by(User.id)).all()
    return len(rows), [pupil_id for pupil_id, done in rows if not done]


def _weeks(pairs: list[Pair], today: date, filters: CoverageFilters, count: int = 12) -> list[tuple[date, int]]:
    """Completions per week (weeks start on Monday), for the last `count` weeks of the period."""
    last_day = filters.date_to or today
    last_monday = last_day - timedelta(days=last_day.weekday())
    first_monday = last_monday - timedelta(weeks=count - 1)
    if filters.date_from is not None and filters.date_from > first_monday:
        first_monday = filters.date_from - timedelta(days=filters.date_from.weekday())
    per_week: dict[date, int] = defaultdict(int)
    for pupil_module in {(p.pupil_id, p.module_id): p for p in pairs if p.completed_at}.values():
        day = pupil_module.completed_at.date()
        per_week[day - timedelta(days=day.weekday())] += 1
    weeks, monday = [], first_monday
    while monday <= last_monday:
        weeks.append((monday, per_week.get(monday, 0)))
        monday += timedelta(weeks=1)
    return weeks


def year_groups(session: Session, school_id: int) -> list[int]:
    """The year groups the school's current pupils are in."""
    return sorted(y for y in session.scalars(select(distinct(User.year_group)).where(
        User.school_id == school_id, User.role == Role.PUPIL, User.left_at.is_(None))) if y is not None)


def school_coverage(session: Session, school_id: int, filters: CoverageFilters, today: date) -> SchoolCoverage:
    modules = list(session.scalars(select(Module).where(Module.available).order_by(Module.position)))
    classes = list(session.scalars(select(SchoolClass).where(SchoolClass.school_id == school_id,
                                                             SchoolClass.archived_at.is_(None)).order_by(SchoolClass.name)))
    years = year_groups(session, school_id)
    ever_assigned = set(session.execute(
        select(distinct(User.year_group), Assignment.module_id)
        .select_from(Assignment).join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(class_pupil, class_pupil.c.class_id == SchoolClass.id).join(User, User.id == class_pupil.c.pupil_id)
        .where(Assignment.school_id == school_id, SchoolClass.archived_at.is_(None), User.left_at.is_(None))).all())
    pairs = _pairs(session, school_id, filters)
    in_scope, with_none = _pupils_with_none(session, school_id, filters)
    shown_years = [filters.year_group] if filters.year_group is not None else years
    never = {y: [m for m in modules if (y, m.id) not in ever_assigned and suits_year_group(m, y)
                 and (filters.module_id is None or m.id == filters.module_id)] for y in shown_years}
    result = SchoolCoverage(modules=modules, classes=classes, year_groups=years, pairs=pairs,
                            pupils_in_scope=in_scope, pupils_with_none=with_none,
                            never_assigned={y: ms for y, ms in never.items() if ms},
                            weeks=_weeks(pairs, today, filters))
    _count(result, today)
    return result


def _count(result: SchoolCoverage, today: date) -> None:
    # Per class, every pair counts; across classes, a pupil with the same module in two classes counts once.
    # Pairs are first counted by (where, completed, overdue) with Counter, then the few keys become Tallies.
    unique: dict[tuple[int, int], Pair] = {}
    per_class: Counter = Counter()
    for pair in result.pairs:
        done = pair.completed_at is not None
        per_class[pair.class_id, pair.module_id, done, not done and pair.due_date is not None and today > pair.due_date] += 1
        key = (pair.pupil_id, pair.module_id)
        kept = unique.get(key)
        if kept is None or _counts_before(pair, kept):
            unique[key] = pair
    per_year = Counter((p.year_group, p.module_id, p.completed_at is not None, p.overdue(today)) for p in unique.values())
    for (class_id, module_id, done, late), count in per_class.items():
        _add(result.by_class.setdefault(class_id, {}).setdefault(module_id, Tally()), count, done, late)
        _add(result.by_class_total.setdefault(class_id, Tally()), count, done, late)
    for (year_group, module_id, done, late), count in per_year.items():
        _add(result.total, count, done, late)
        _add(result.by_module.setdefault(module_id, Tally()), count, done, late)
        _add(result.by_year.setdefault(year_group, {}).setdefault(module_id, Tally()), count, done, late)
        _add(result.by_year_total.setdefault(year_group, Tally()), count, done, late)


def _counts_before(pair: Pair, kept: Pair) -> bool:
    """A module set for a pupil through two classes counts once: completed if it is, else by its earliest due
    date (no due date comes last). coverage_totals below counts the same way in SQL."""
    if (pair.completed_at is None) != (kept.completed_at is None):
        return pair.completed_at is not None
    return pair.due_date is not None and (kept.due_date is None or pair.due_date < kept.due_date)


@dataclass(frozen=True)
class Totals:
    """A school's whole-school figures, as its overview counts them, for a trust's side-by-side view."""

    tally: Tally
    pupils: int
    pupils_with_none: int


def coverage_totals(session: Session, school_ids: list[int], today: date) -> dict[int, Totals]:
    """For many schools at once, in two grouped queries: the total of school_coverage(...) with no filters.

    Each (pupil, module) counts once, as _count does: completed if any of its classes' progress is (progress is
    per pupil and module, so all agree), else overdue when its earliest due date has passed.
    """
    if not school_ids:
        return {}
    chosen_for_someone = exists().where(assignment_pupil.c.assignment_id == Assignment.id)
    chosen_for_pupil = exists().where(assignment_pupil.c.assignment_id == Assignment.id,
                                      assignment_pupil.c.pupil_id == User.id)
    done = func.max(case((Progress.status == Status.COMPLETED, 1), else_=0))
    per_pair = (
        select(Assignment.school_id.label("school_id"), done.label("done"),
               func.min(Assignment.due_date).label("due"))
        .select_from(Assignment)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(class_pupil, class_pupil.c.class_id == SchoolClass.id)
        .join(User, User.id == class_pupil.c.pupil_id)
        .outerjoin(Progress, (Progress.pupil_id == User.id) & (Progress.module_id == Assignment.module_id))
        .where(Assignment.school_id.in_(school_ids), SchoolClass.archived_at.is_(None), User.role == Role.PUPIL,
               User.left_at.is_(None), or_(~chosen_for_someone, chosen_for_pupil))
        .group_by(Assignment.school_id, User.id, Assignment.module_id)
    ).subquery()
    late = case(((per_pair.c.done == 0) & per_pair.c.due.is_not(None) & (per_pair.c.due < today), 1), else_=0)
    tallies = {school_id: Tally(int(assigned), int(completed or 0), int(overdue or 0))
               for school_id, assigned, completed, overdue in session.execute(
                   select(per_pair.c.school_id, func.count(), func.sum(per_pair.c.done), func.sum(late))
                   .group_by(per_pair.c.school_id)).all()}
    completed_someone = select(Progress.pupil_id).where(Progress.status == Status.COMPLETED,
                                                       Progress.school_id.in_(school_ids))
    pupils = dict.fromkeys(school_ids, (0, 0))
    for school_id, count, with_none in session.execute(
            select(User.school_id, func.count(), func.sum(case((User.id.in_(completed_someone), 0), else_=1)))
            .where(User.school_id.in_(school_ids), User.role == Role.PUPIL, User.left_at.is_(None))
            .group_by(User.school_id)).all():
        pupils[school_id] = (int(count), int(with_none or 0))
    return {school_id: Totals(tallies.get(school_id, Tally()), *pupils[school_id]) for school_id in school_ids}


def _add(tally: Tally, count: int, done: bool, late: bool) -> None:
    tally.assigned += count
    tally.completed += count if done else 0
    tally.overdue += count if late else 0


def pupils_behind(result: SchoolCoverage, state: str, today: date, class_id: int | None = None,
                  module_id: int | None = None, year_group: int | None = None) -> list[int]:
    """The pupil ids behind one number on the overview: completed, not completed, overdue, or none done."""
    if state == "none":
        return list(result.pupils_with_none)
    chosen = set()
    for pair in result.pairs:
        if class_id is not None and pair.class_id != class_id:
            continue
        if module_id is not None and pair.module_id != module_id:
            continue
        if year_group is not None and pair.year_group != year_group:
            continue
        done = pair.completed_at is not None
        if (state == "completed" and done) or (state == "not_completed" and not done) or \
                (state == "overdue" and pair.overdue(today)) or state == "assigned":
            chosen.add(pair.pupil_id)
    return sorted(chosen)
