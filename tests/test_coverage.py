"""The safeguarding lead's school overview: coverage by year group and class, drill-down, CSV, summary."""

import csv
import io
from datetime import date, timedelta

from sqlalchemy import select

from course.extensions import db
from course.models import (
    Assignment,
    AuditEvent,
    HelpService,
    Module,
    Progress,
    Role,
    SchoolClass,
    Status,
    User,
    utcnow,
)
from tests.factories import count_queries, make_class, make_user, user_id


def test_overview_shows_year_groups_classes_and_links_down(demo, client, auth):
    auth.login_as("dsl")
    response = client.get("/safeguarding/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "By year group" in html and "Year 8" in html and "Year 10" in html
    assert "8A PSHE" in html and "10B PSHE" in html
    with demo.app_context():
        class_id = db.session.scalars(select(SchoolClass.id).where(SchoolClass.name == "8A PSHE")).one()
    assert f'href="/teach/classes/{class_id}"' in html
    assert "/safeguarding/pupils?state=completed" in html
    assert "<svg" in html and "<title id=\"chart-year-title\">Completion by year group</title>" in html
    assert "Completions per week" in html
    assert "Modules never set for a year group" in html


def test_numbers_match_the_database_and_drill_down_to_the_pupils(demo, client, auth):
    with demo.app_context():
        class_id = db.session.scalars(select(SchoolClass.id).where(SchoolClass.name == "8A PSHE")).one()
        school_class = db.session.get(SchoolClass, class_id)
        module = db.session.scalars(select(Module).where(Module.slug == "people-online")).one()
        pupils = {p.id: p.display_name for p in school_class.pupils}
        done = {p.pupil_id for p in db.session.scalars(select(Progress).where(
            Progress.module_id == module.id, Progress.status == Status.COMPLETED, Progress.pupil_id.in_(pupils)))}
    auth.login_as("dsl")
    html = client.get(f"/safeguarding/?class_id={class_id}&module=people-online").get_data(as_text=True)
    expected_percent = len(done) * 100 // len(pupils)
    assert f"<strong>{expected_percent}%</strong>" in html
    listed = client.get(f"/safeguarding/pupils?state=completed&class_id={class_id}&module=people-online").get_data(as_text=True)
    for pupil_id, name in pupils.items():
        assert (f"/teach/pupils/{pupil_id}\"" in listed) == (pupil_id in done), name
    not_done = client.get(f"/safeguarding/pupils?state=not_completed&class_id={class_id}&module=people-online").get_data(as_text=True)
    assert all((f"/teach/pupils/{p}\"" in not_done) == (p not in done) for p in pupils)


def test_overdue_and_pupils_with_nothing_completed(demo, client, auth):
    teacher = user_id(demo, "teacher")
    newcomer = make_user(demo, "newcomer", Role.PUPIL, display_name="Nell Newcomer", year_group=9)
    class_id = make_class(demo, "9C PSHE", teacher, [newcomer], year_group=9)
    with demo.app_context():
        module_id = db.session.scalars(select(Module.id).where(Module.slug == "people-online")).one()
        db.session.add(Assignment(school_id=db.session.get(User, teacher).school_id, class_id=class_id,
                                  module_id=module_id, due_date=date.today() - timedelta(days=3)))
        db.session.commit()
    auth.login_as("dsl")
    html = client.get("/safeguarding/?year_group=9").get_data(as_text=True)
    assert "<strong>1</strong> overdue" in html
    assert f"/teach/pupils/{newcomer}\"" in client.get("/safeguarding/pupils?state=overdue&year_group=9").get_data(as_text=True)
    assert "Nell Newcomer" in client.get("/safeguarding/pupils?state=none&year_group=9").get_data(as_text=True)
    # Year 9 has been set only one module: the others suited to its age show as never set.
    assert "Year 9</strong>:" in html


def test_date_range_counts_only_completions_up_to_its_end(demo, client, auth):
    auth.login_as("dsl")
    long_ago = date.today() - timedelta(days=4000)
    html = client.get(f"/safeguarding/?date_from={long_ago - timedelta(days=1)}&date_to={long_ago}").get_data(as_text=True)
    assert "<strong>0%</strong>" in html and "No class has a module set yet." in html


def test_bad_filters_say_what_is_wrong(demo, client, auth):
    auth.login_as("dsl")
    for query, message in [("year_group=99", "Not a valid choice"), ("module=nope", "Not a valid choice"),
                           ("date_from=2026-05-01&date_to=2026-04-01", "on or after the start date"),
                           ("date_from=yesterday", "Not a valid date")]:
        response = client.get(f"/safeguarding/?{query}")
        assert response.status_code == 422 and message in response.get_data(as_text=True), query
    assert client.get("/safeguarding/pupils?state=everyone").status_code == 404
    bad_csv = client.get("/safeguarding/coverage.csv?year_group=99")  # the overview's message, not a file
    assert bad_csv.status_code == 422 and "Not a valid choice" in bad_csv.get_data(as_text=True)


def test_csv_of_the_filtered_view_is_audited(demo, client, auth):
    auth.login_as("dsl")
    response = client.get("/safeguarding/coverage.csv?year_group=8")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Year group", "Class", "Module"]
    assert {row[1] for row in rows[1:-1]} == {"8A PSHE"}
    assert rows[-1][:3] == ["All", "All classes", "All modules"]
    with demo.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "data_exported")).one()
        assert "coverage" in event.detail and "year_group=8" in event.detail


def test_the_evidence_pack_is_printable_and_names_no_pupil(demo, client, auth):
    auth.login_as("dsl")
    html = client.get("/safeguarding/summary").get_data(as_text=True)
    assert "Online safety at Harbour Demo School: evidence pack" in html and "summary-page" in html
    assert "print.css" in html and "<svg" in html
    assert "Sam Okafor" not in html


def test_overview_warns_about_help_entries_not_checked_for_a_year(demo, client, auth):
    with demo.app_context():
        service = db.session.scalars(select(HelpService).order_by(HelpService.id)).first()
        service.last_checked = date.today() - timedelta(days=400)
        name, service_id = service.name, service.id
        db.session.commit()
    auth.login_as("dsl")
    html = client.get("/safeguarding/").get_data(as_text=True)
    assert f"<strong>{name}</strong> in the help directory has not been checked" in html
    assert f"/safeguarding/directory/{service_id}" in html


def _add_pupils(app, count: int, first: int = 0) -> None:
    """More pupils in more classes, with modules set and some completed, straight into the database."""
    with app.app_context():
        teacher = db.session.scalars(select(User).where(User.username == "teacher")).one()
        modules = db.session.scalars(select(Module).order_by(Module.position)).all()
        per_class = 25
        for start in range(first, first + count, per_class):
            year = 7 + (start // per_class) % 5
            school_class = SchoolClass(school_id=teacher.school_id, name=f"Load {start}", year_group=year)
            db.session.add(school_class)
            db.session.flush()
            for module in modules[:3]:
                db.session.add(Assignment(school_id=teacher.school_id, class_id=school_class.id, module_id=module.id,
                                          due_date=date.today() - timedelta(days=1)))
            for n in range(start, min(start + per_class, first + count)):
                pupil = User(school_id=teacher.school_id, username=f"load{n}", password_hash="x", role=Role.PUPIL,
                             display_name=f"Load Pupil {n}", year_group=year)
                school_class.pupils.append(pupil)
                db.session.add(pupil)
                db.session.flush()
                if n % 3 == 0:
                    db.session.add(Progress(school_id=teacher.school_id, pupil_id=pupil.id, module_id=modules[0].id,
                                            status=Status.COMPLETED, completed_at=utcnow(), quiz_passed=True))
        db.session.commit()


def _overview_queries(app, client, query: str = "") -> int:
    with count_queries(app) as counter:
        response = client.get(f"/safeguarding/{query}")
    assert response.status_code == 200
    return counter["n"]


def test_overview_uses_a_fixed_number_of_queries_however_many_pupils(demo, client, auth):
    auth.login_as("dsl")
    _add_pupils(demo, 50)
    small = _overview_queries(demo, client), _overview_queries(demo, client, "?year_group=8")
    _add_pupils(demo, 1950, first=50)  # about 2,000 pupils in all
    large = _overview_queries(demo, client), _overview_queries(demo, client, "?year_group=8")
    assert small == large
    html = client.get("/safeguarding/").get_data(as_text=True)
    assert "Load 1975" in html
