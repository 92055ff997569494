"""Whole-school coverage: which pupils each module has reached, by year group and by class.

Plain functions over a session, with no Flask. `school_coverage` counts in the database (GROUP BY) with a
fixed number of queries, however many pupils: only a few hundred counted rows ever reach Python, so the
overview stays fast for a whole school.
A pupil "has" a module when it is assigned to one of their current classes (to the whole class, or to
them by name); the pair counts as completed when their progress in that module is completed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

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


@dataclass
class SchoolCoverage:
    modules: list[Module]
    classes: list[SchoolClass]
    year_groups: list[int]
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


def _rows(school_id: int | list[int], filters: CoverageFilters, today: date):
    """Every (class, module, pupil) the filters select, in one school or several, with the pupil's year group,
    the assignment's due date, whether the pupil has completed the module (within the period, if one is set)
    and whether it is overdue: a subquery the counts below group."""
    chosen_for_someone = exists().where(assignment_pupil.c.assignment_id == Assignment.id)
    chosen_for_pupil = exists().where(assignment_pupil.c.assignment_id == Assignment.id,
                                      assignment_pupil.c.pupil_id == User.id)
    completed = Progress.status == Status.COMPLETED
    if filters.date_to is not None:
        completed = completed & (Progress.completed_at < _end_of(filters.date_to))  # not after the period
    done = case((completed, 1), else_=0)
    # (With no progress row, `completed` is NULL, not false: the first WHEN fails and the due date decides.)
    late = case((completed, 0), (Assignment.due_date.is_not(None) & (Assignment.due_date < today), 1), else_=0)
    query = (
        select(Assignment.school_id.label("school_id"), SchoolClass.id.label("class_id"),
               Assignment.module_id.label("module_id"), User.id.label("pupil_id"),
               User.year_group.label("year_group"), Assignment.due_date.label("due"), done.label("done"),
               late.label("late"), case((completed, Progress.completed_at)).label("completed_at"))
        .select_from(Assignment)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(class_pupil, class_pupil.c.class_id == SchoolClass.id)
        .join(User, User.id == class_pupil.c.pupil_id)
        .outerjoin(Progress, (Progress.pupil_id == User.id) & (Progress.module_id == Assignment.module_id))
        .where(Assignment.school_id.in_(school_id) if isinstance(school_id, list) else Assignment.school_id == school_id,
               SchoolClass.archived_at.is_(None), User.role == Role.PUPIL, User.left_at.is_(None),
               or_(~chosen_for_someone, chosen_for_pupil))
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
    return query.subquery("coverage_rows")


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


def _week_span(today: date, filters: CoverageFilters, count: int = 12) -> tuple[date, date]:
    """The Mondays of the first and last of the weeks the chart shows: the last `count` of the period."""
    last_day = filters.date_to or today
    last_monday = last_day - timedelta(days=last_day.weekday())
    first_monday = last_monday - timedelta(weeks=count - 1)
    if filters.date_from is not None and filters.date_from > first_monday:
        first_monday = filters.date_from - timedelta(days=filters.date_from.weekday())
    return first_monday, last_monday


def _as_date(value) -> date:
    """SQL date(): a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


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
    rows = _rows(school_id, filters, today)
    in_scope, with_none = _pupils_with_none(session, school_id, filters)
    shown_years = [filters.year_group] if filters.year_group is not None else years
    never = {y: [m for m in modules if (y, m.id) not in ever_assigned and suits_year_group(m, y)
                 and (filters.module_id is None or m.id == filters.module_id)] for y in shown_years}
    result = SchoolCoverage(modules=modules, classes=classes, year_groups=years,
                            pupils_in_scope=in_scope, pupils_with_none=with_none,
                            never_assigned={y: ms for y, ms in never.items() if ms}, weeks=[])
    _count(session, school_id, rows, result, today, filters)
    return result


def _in_several_classes(school_ids: list[int]):
    """The pupils in more than one current class: the only ones a module can be set for twice."""
    return (select(class_pupil.c.pupil_id).join(SchoolClass, SchoolClass.id == class_pupil.c.class_id)
            .where(SchoolClass.school_id.in_(school_ids), SchoolClass.archived_at.is_(None))
            .group_by(class_pupil.c.pupil_id).having(func.count() > 1))


def _count(session: Session, school_id: int, rows, result: SchoolCoverage, today: date,
           filters: CoverageFilters) -> None:
    """Per class, every (class, pupil, module) counts; across classes, a pupil with the same module set in two
    classes counts once: completed if it is (progress is per pupil and module, so all agree), else overdue by
    its earliest due date (no due date comes last). coverage_totals counts the same way.

    One GROUP BY over the rows gives the per-class counts and, summed, the per-year ones; only pupils in
    more than one current class can be counted twice, so their few rows are read and put right here.
    Completions per week: a GROUP BY day for everyone else, the same pupils' rows for them.
    """
    first_monday, last_monday = _week_span(today, filters)
    per_year: Counter = Counter()
    for class_id, module_id, year_group, done, late, count in session.execute(
            select(rows.c.class_id, rows.c.module_id, rows.c.year_group, rows.c.done, rows.c.late, func.count())
            .group_by(rows.c.class_id, rows.c.module_id, rows.c.year_group, rows.c.done, rows.c.late)).all():
        _add(result.by_class.setdefault(class_id, {}).setdefault(module_id, Tally()), count, done, late)
        _add(result.by_class_total.setdefault(class_id, Tally()), count, done, late)
        per_year[year_group, module_id, done, late] += count
    in_several = _in_several_classes([school_id])
    several: dict[tuple[int, int], list] = defaultdict(list)
    for pupil_id, module_id, year_group, done, late, completed_at in session.execute(
            select(rows.c.pupil_id, rows.c.module_id, rows.c.year_group, rows.c.done, rows.c.late,
                   rows.c.completed_at).where(rows.c.pupil_id.in_(in_several))).all():
        several[pupil_id, module_id].append((year_group, done, late, completed_at))
    per_day: Counter = Counter()
    for (_pupil_id, module_id), found in several.items():
        done, completed_at = max(f[1] for f in found), max((f[3] for f in found if f[3]), default=None)
        if len(found) > 1:
            for year_group, row_done, row_late, _at in found:
                per_year[year_group, module_id, row_done, row_late] -= 1
            # Overdue once when not completed and any of its due dates has passed (the earliest has, then).
            per_year[found[0][0], module_id, done, int(not done and max(f[2] for f in found))] += 1
        if done and completed_at is not None and completed_at.date() >= first_monday:
            per_day[completed_at.date()] += 1
    for year_group, module_id, done, late in list(per_year):
        count = per_year[year_group, module_id, done, late]
        if not count:
            continue
        _add(result.total, count, done, late)
        _add(result.by_module.setdefault(module_id, Tally()), count, done, late)
        _add(result.by_year.setdefault(year_group, {}).setdefault(module_id, Tally()), count, done, late)
        _add(result.by_year_total.setdefault(year_group, Tally()), count, done, late)
    day = func.date(rows.c.completed_at)
    for completed_on, count in session.execute(
            select(day, func.count()).where(rows.c.done == 1,
                                            rows.c.completed_at >= datetime.combine(first_monday, time.min),
                                            rows.c.pupil_id.not_in(in_several))
            .group_by(day)).all():
        per_day[_as_date(completed_on)] += count
    per_week: Counter = Counter()
    for completed_on, count in per_day.items():
        per_week[completed_on - timedelta(days=completed_on.weekday())] += count
    monday = first_monday
    while monday <= last_monday:
        result.weeks.append((monday, per_week.get(monday, 0)))
        monday += timedelta(weeks=1)


@dataclass(frozen=True)
class Totals:
    """A school's whole-school figures, as its overview counts them, for a trust's side-by-side view."""

    tally: Tally
    pupils: int
    pupils_with_none: int


def coverage_totals(session: Session, school_ids: list[int], today: date) -> dict[int, Totals]:
    """For many schools at once, in a fixed number of queries: the total of school_coverage(...) with no filters.

    Each (pupil, module) counts once, as _count does: completed if any of its classes' progress is (progress is
    per pupil and module, so all agree), else overdue when its earliest due date has passed.
    """
    if not school_ids:
        return {}
    # As _count: one GROUP BY over every school's rows, then the few pupils in two classes put right.
    rows = _rows(list(school_ids), CoverageFilters(), today)
    tallies: dict[int, Tally] = defaultdict(Tally)
    for school_id, done, late, count in session.execute(
            select(rows.c.school_id, rows.c.done, rows.c.late, func.count())
            .group_by(rows.c.school_id, rows.c.done, rows.c.late)).all():
        _add(tallies[school_id], count, done, late)
    several: dict[tuple[int, int, int], list] = defaultdict(list)
    for school_id, pupil_id, module_id, done, late in session.execute(
            select(rows.c.school_id, rows.c.pupil_id, rows.c.module_id, rows.c.done, rows.c.late)
            .where(rows.c.pupil_id.in_(_in_several_classes(list(school_ids))))).all():
        several[school_id, pupil_id, module_id].append((done, late))
    for (school_id, _pupil_id, _module_id), found in several.items():
        if len(found) > 1:
            for row_done, row_late in found:
                _add(tallies[school_id], -1, row_done, row_late)
            done = max(f[0] for f in found)
            _add(tallies[school_id], 1, done, int(not done and max(f[1] for f in found)))
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


def pupils_behind(session: Session, school_id: int, filters: CoverageFilters, state: str, today: date,
                  result: SchoolCoverage) -> list[int]:
    """The pupil ids behind one number on the overview: completed, not completed, overdue, or none done."""
    if state == "none":
        return list(result.pupils_with_none)
    rows = _rows(school_id, filters, today)
    condition = {"completed": rows.c.done == 1, "not_completed": rows.c.done == 0, "overdue": rows.c.late == 1,
                 "assigned": None}[state]
    query = select(distinct(rows.c.pupil_id))
    if condition is not None:
        query = query.where(condition)
    return sorted(session.scalars(query))
