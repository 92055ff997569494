"""The trust view: a trust admin (made from the command line) sees every school's coverage side by side and each
school's evidence pack, and nothing that names a pupil or shows a request to talk."""

import re

from sqlalchemy import select

from course.extensions import db
from course.models import HelpRequest, Role, School, User
from tests.conftest import post_form
from tests.factories import make_class, make_school, make_user
from tests.test_no_inline_code import inline_code

PASSWORD = "a-long-trust-password"


def _trust_admin(demo, username="trust", school_id=None):
    with demo.app_context():
        school_id = school_id or db.session.scalars(select(School.id).order_by(School.id)).first()
    result = demo.test_cli_runner().invoke(args=[
        "trust-admin", "create", "--school-id", str(school_id), "--name", "Ms Trust Lead", "--username", username,
        "--password", PASSWORD])
    return result, school_id


def _second_school(demo) -> int:
    second = make_school(demo, "Birch Academy")
    teacher = make_user(demo, "birch-teacher", Role.TEACHER, school_id=second, display_name="Birch Teacher")
    pupil = make_user(demo, "birch-pupil", Role.PUPIL, school_id=second, display_name="Pupilname Birch", year_group=7)
    make_class(demo, "Birch 7X", teacher, [pupil], year_group=7)
    with demo.app_context():
        db.session.add(HelpRequest(school_id=second, pupil_id=pupil, message="Secretmessage birch"))
        db.session.commit()
    return second


def test_the_trust_sees_every_school_side_by_side_and_each_evidence_pack(demo, client, auth):
    second = _second_school(demo)
    result, home = _trust_admin(demo)
    assert result.exit_code == 0, result.output
    auth.login("trust", PASSWORD, school_id=home)
    assert client.get("/").headers["Location"].endswith("/trust/")
    page = client.get("/trust/").get_data(as_text=True)
    assert "Harbour Demo School" in page and "Birch Academy" in page
    assert f'href="/trust/schools/{second}/summary"' in page and f'href="/trust/schools/{home}/summary"' in page
    # The demo school's numbers are the ones its own DSL sees.
    demo_row = re.search(r"<th scope=\"row\">Harbour Demo School</th>(.*?)</tr>", page, re.S).group(1)
    auth.logout()
    auth.login_as("dsl", school_id=home)
    dsl_summary = client.get("/safeguarding/summary").get_data(as_text=True)
    percent = re.search(r"<strong>(\d+)%</strong> of modules set have been completed", dsl_summary).group(1)
    assert f"<td>{percent}% (" in demo_row
    auth.logout()
    auth.login("trust", PASSWORD, school_id=home)
    pack = client.get(f"/trust/schools/{second}/summary").get_data(as_text=True)
    assert "Online safety at Birch Academy: evidence pack" in pack and 'href="/trust/"' in pack
    for page_html in (page, pack):
        assert "Pupilname Birch" not in page_html and "Secretmessage" not in page_html
        assert 'href="/help/"' in page_html and "data-quick-exit" in page_html and inline_code(page_html) == []
    assert client.get("/trust/schools/999999/summary").status_code == 404


def test_a_trust_admin_opens_nothing_of_a_schools_own(demo, client, auth):
    _second_school(demo)
    _result, home = _trust_admin(demo)
    auth.login("trust", PASSWORD, school_id=home)
    with demo.app_context():
        request_id = db.session.scalars(select(HelpRequest.id)).first()
    for path in ("/safeguarding/requests", f"/safeguarding/requests/{request_id}", "/safeguarding/pupils",
                 "/teach/", "/admin/", "/admin/pupils", "/audit/", "/lessons/"):
        assert client.get(path).status_code == 403, path


def test_a_schools_admin_cannot_make_or_see_a_trust_admin(demo, client, auth):
    _result, home = _trust_admin(demo)
    auth.login_as("admin", school_id=home)
    assert "Ms Trust Lead" not in client.get("/admin/").get_data(as_text=True)
    new = post_form(client, "/admin/staff/new", data={"display_name": "Sneaky", "username": "sneaky",
                                                      "role": "trust_admin", "password": "a-long-password-here"})
    assert new.status_code == 422
    with demo.app_context():
        assert db.session.scalars(select(User).where(User.username == "sneaky")).first() is None


def test_the_command_refuses_bad_input_and_changes_nothing(demo):
    for args, message in ((["--school-id", "999999"], "no school with id"),
                          (["--password", "short"], "12 characters"),
                          (["--username", "Not Valid!"], "lower-case letters")):
        options = {"--school-id": "1", "--name": "Ms Trust Lead", "--username": "trust2", "--password": PASSWORD}
        options.update(dict(zip(args[::2], args[1::2], strict=True)))
        result = demo.test_cli_runner().invoke(args=["trust-admin", "create", *sum(options.items(), ())])
        assert result.exit_code == 1 and message in result.output.lower(), result.output
    with demo.app_context():
        assert db.session.scalars(select(User).where(User.role == Role.TRUST_ADMIN)).first() is None


def test_the_trust_totals_are_each_schools_overview_totals(demo):
    """coverage_totals (SQL, every school at once) against school_coverage (a DSL's overview), school by school,
    with a module set twice for the same pupils through two classes with different due dates."""
    from datetime import date, timedelta

    from course.domain.coverage import CoverageFilters, coverage_totals, school_coverage
    from course.models import Assignment, SchoolClass

    second = _second_school(demo)
    today = date.today()
    with demo.app_context():
        first_class = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id != second)
                                         .order_by(SchoolClass.id)).first()
        pupils = list(first_class.pupils)[:3]
        twin = SchoolClass(school_id=first_class.school_id, name="Twin class", year_group=first_class.year_group)
        twin.pupils.extend(pupils)
        db.session.add(twin)
        db.session.flush()
        existing = db.session.scalars(select(Assignment).where(Assignment.class_id == first_class.id)).first()
        db.session.add(Assignment(school_id=twin.school_id, class_id=twin.id, module_id=existing.module_id,
                                  set_by_id=existing.set_by_id, due_date=today - timedelta(days=30)))
        db.session.commit()
        ids = list(db.session.scalars(select(School.id)))
        totals = coverage_totals(db.session, ids, today)
        for school_id in ids:
            coverage = school_coverage(db.session, school_id, CoverageFilters(), today)
            t = totals[school_id]
            assert (t.tally.assigned, t.tally.completed, t.tally.overdue) == (
                coverage.total.assigned, coverage.total.completed, coverage.total.overdue), school_id
            assert (t.pupils, t.pupils_with_none) == (coverage.pupils_in_scope, len(coverage.pupils_with_none))


def test_staff_trained_across_the_trust_matches_each_schools_own_count(demo, client, auth):
    """staff_trained_by_school (two queries for every school) against each school's own staff-training summary,
    with one teacher up to date and one overdue; the trust page shows it and names no one."""
    from datetime import date, datetime, timedelta

    from course.domain.staff_training import modules_for_role, staff_trained_by_school, staff_training_summary
    from course.models import StaffTrainingCompletion
    from course.web.content import library

    second = _second_school(demo)
    today = date.today()
    with demo.app_context():
        teacher = db.session.scalars(select(User).where(User.username == "teacher")).one()
        birch = db.session.scalars(select(User).where(User.username == "birch-teacher")).one()
        for person, when in ((teacher, datetime.now()), (birch, datetime.now() - timedelta(days=800))):
            for module in modules_for_role(library(), person.role):
                db.session.add(StaffTrainingCompletion(school_id=person.school_id, user_id=person.id,
                                                       module_slug=module.slug, score=100, completed_at=when))
        db.session.commit()
        schools = list(db.session.scalars(select(School)))
        across = staff_trained_by_school(db.session, schools, today, library())
        for school in schools:
            own = staff_training_summary(db.session, school.id, today, library())
            assert (across[school.id].trained, across[school.id].staff_total, across[school.id].overdue) == (
                own.trained, own.staff_total, own.overdue), school.name
        assert across[second].overdue == 1 and across[second].trained == 0
        home = teacher.school_id
    _trust_admin(demo, school_id=home)
    auth.login("trust", PASSWORD, school_id=home)
    page = client.get("/trust/").get_data(as_text=True)
    birch_row = re.search(r"<th scope=\"row\">Birch Academy</th>(.*?)</tr>", page, re.S).group(1)
    assert "<td>0 of 1 (1 overdue)</td>" in birch_row and "Birch Teacher" not in page
