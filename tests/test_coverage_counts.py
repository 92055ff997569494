"""The overview's counts (made in the database by GROUP BY) against a plain count written here from the
rows themselves, on the demo school made harder: a pupil in two classes that both set a module, a module
set for chosen pupils only, an archived class, a leaver, a completion after the period, due dates past and
to come. Every filter combination the overview offers is compared."""

from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from course.domain.coverage import CoverageFilters, pupils_behind, school_coverage
from course.extensions import db
from course.models import (
    Assignment,
    Progress,
    Role,
    SchoolClass,
    Status,
    User,
    assignment_pupil,
    utcnow,
)

TODAY = date.today()


def _harder(app) -> int:
    with app.app_context():
        session = db.session
        a, b = (session.scalars(select(SchoolClass).where(SchoolClass.name == name)).one() for name in ("8A PSHE", "10B PSHE"))
        school_id = a.school_id
        # A pupil of 10B also in 8A who has not completed where-to-go-for-help: both classes set it, 10B's due
        # a week ago, 8A's in two weeks, so it counts once, as overdue (by the earliest date).
        help_module = session.scalars(select(Assignment.module_id).where(Assignment.class_id == b.id)
                                      .order_by(Assignment.due_date)).first()
        completed = set(session.scalars(select(Progress.pupil_id).where(Progress.module_id == help_module,
                                                                        Progress.status == Status.COMPLETED)))
        shared = next(p for p in b.pupils if p.id not in completed)
        a.pupils.append(shared)
        # A module set for two chosen pupils of 8A only, due yesterday.
        module_id = session.scalars(select(Assignment.module_id).where(Assignment.class_id == b.id)).all()[-1]
        chosen = Assignment(school_id=school_id, class_id=a.id, module_id=module_id, due_date=TODAY - timedelta(days=1),
                            set_by_id=session.scalars(select(User.id).where(User.username == "teacher")).one())
        session.add(chosen)
        session.flush()
        for pupil in a.pupils[1:3]:
            session.execute(assignment_pupil.insert().values(assignment_id=chosen.id, pupil_id=pupil.id))
        # A leaver, an archived class, and a completion dated ten days ago.
        a.pupils[4].left_at = utcnow()
        archived = SchoolClass(school_id=school_id, name="Old class", year_group=8, archived_at=utcnow())
        archived.pupils.append(a.pupils[5])
        session.add(archived)
        session.flush()
        session.add(Assignment(school_id=school_id, class_id=archived.id, module_id=module_id, set_by_id=chosen.set_by_id))
        done = session.scalars(select(Progress).where(Progress.status == Status.COMPLETED)).first()
        done.completed_at = datetime.combine(TODAY - timedelta(days=10), datetime.min.time())
        session.commit()
        return school_id


def _reference(app, school_id: int, filters: CoverageFilters):
    """(class, module, pupil) -> (year, due, done) from the rows, then the three kinds of count, by hand."""
    with app.app_context():
        session = db.session
        period_end = datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time()) if filters.date_to else None
        progress = {(p.pupil_id, p.module_id): p for p in session.scalars(select(Progress))}
        chosen = defaultdict(set)
        for assignment_id, pupil_id in session.execute(select(assignment_pupil)).all():
            chosen[assignment_id].add(pupil_id)
        rows = []
        for assignment in session.scalars(select(Assignment).where(Assignment.school_id == school_id)):
            school_class = session.get(SchoolClass, assignment.class_id)
            if school_class.archived_at is not None:
                continue
            if filters.date_from and assignment.created_at < datetime.combine(filters.date_from, datetime.min.time()):
                continue
            if period_end and assignment.created_at >= period_end:
                continue
            for pupil in school_class.pupils:
                if pupil.role != Role.PUPIL or pupil.left_at is not None:
                    continue
                if chosen[assignment.id] and pupil.id not in chosen[assignment.id]:
                    continue
                if filters.year_group is not None and pupil.year_group != filters.year_group:
                    continue
                if filters.class_id is not None and school_class.id != filters.class_id:
                    continue
                if filters.module_id is not None and assignment.module_id != filters.module_id:
                    continue
                p = progress.get((pupil.id, assignment.module_id))
                done = p is not None and p.status == Status.COMPLETED and (period_end is None or p.completed_at < period_end)
                rows.append((school_class.id, assignment.module_id, pupil.id, pupil.year_group, assignment.due_date, done,
                             p.completed_at if done else None))
    per_class = defaultdict(lambda: [0, 0, 0])
    per_pair = {}
    for class_id, module_id, pupil_id, year, due, done, _at in rows:
        late = not done and due is not None and TODAY > due
        tally = per_class[(class_id, module_id)]
        tally[0] += 1
        tally[1] += done
        tally[2] += late
        kept = per_pair.get((pupil_id, module_id))
        if kept is None or (done and not kept[2]) or (
                done == kept[2] and due is not None and (kept[1] is None or due < kept[1])):
            per_pair[(pupil_id, module_id)] = (year, due, done)
    per_module = defaultdict(lambda: [0, 0, 0])
    for (_pupil, module_id), (_year, due, done) in per_pair.items():
        tally = per_module[module_id]
        tally[0] += 1
        tally[1] += done
        tally[2] += not done and due is not None and TODAY > due
    behind = {"completed": {r[2] for r in rows if r[5]}, "not_completed": {r[2] for r in rows if not r[5]},
              "overdue": {r[2] for r in rows if not r[5] and r[4] is not None and TODAY > r[4]},
              "assigned": {r[2] for r in rows}}
    # Completions per week, Monday to Sunday, each (pupil, module) once, over the weeks the chart shows.
    completions = {(r[2], r[1]): r[6].date() for r in rows if r[5]}
    weeks = defaultdict(int)
    for day in completions.values():
        weeks[day - timedelta(days=day.weekday())] += 1
    return dict(per_class), dict(per_module), behind, weeks


def _filters(app, school_id):
    with app.app_context():
        a = db.session.scalars(select(SchoolClass.id).where(SchoolClass.name == "8A PSHE")).one()
        module = db.session.scalars(select(Assignment.module_id).where(Assignment.class_id == a)).first()
    return [CoverageFilters(), CoverageFilters(year_group=8), CoverageFilters(year_group=10),
            CoverageFilters(class_id=a), CoverageFilters(module_id=module),
            CoverageFilters(date_to=TODAY - timedelta(days=5)), CoverageFilters(date_from=TODAY - timedelta(days=400)),
            CoverageFilters(date_to=TODAY + timedelta(days=1)), CoverageFilters(year_group=8, module_id=module)]


@pytest.mark.parametrize("which", range(9))
def test_the_overviews_counts_match_a_count_made_by_hand(demo, which):
    school_id = _harder(demo)
    filters = _filters(demo, school_id)[which]
    per_class, per_module, behind, weeks = _reference(demo, school_id, filters)
    with demo.app_context():
        coverage = school_coverage(db.session, school_id, filters, TODAY)
        got_class = {(c, m): [t.assigned, t.completed, t.overdue]
                     for c, modules in coverage.by_class.items() for m, t in modules.items()}
        got_module = {m: [t.assigned, t.completed, t.overdue] for m, t in coverage.by_module.items()}
        assert got_class == per_class
        assert got_module == per_module
        assert [coverage.total.assigned, coverage.total.completed, coverage.total.overdue] == [
            sum(v[i] for v in per_module.values()) for i in range(3)]
        assert {monday: n for monday, n in coverage.weeks if n} == {
            monday: n for monday, n in weeks.items() if coverage.weeks[0][0] <= monday <= coverage.weeks[-1][0]}
        for state, expected in behind.items():
            assert pupils_behind(db.session, school_id, filters, state, TODAY, coverage) == sorted(expected), state
