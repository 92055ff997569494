"""Two schools in one database never see each other's anything: lists, counts, searches, CSV exports,
and ids of the other school smuggled into a form body."""

import base64
import re

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import Assignment, SchoolClass, User, assignment_pupil, class_pupil, class_teacher
from tests.two_schools import PASSWORD, Schools, build_school

# Every list, count, search and export a school's staff and pupils can open, with the searches
# filled in with the other school's names.
PAGES = {
    "pupil": ["/lessons/", "/help/", "/help/requests", "/help/talk", "/help/requests/{request_1}"],
    "teacher": ["/teach/", "/teach/library", "/teach/import", "/teach/classes/{class_1}",
                "/teach/classes/{class_1}/export.csv", "/teach/pupils/{pupil_1}",
                "/teach/classes/{class_1}/insight/{slug}"],
    "dsl": ["/safeguarding/", "/safeguarding/summary", "/safeguarding/pupils", "/safeguarding/requests",
            "/safeguarding/requests?status=in_progress", "/safeguarding/requests?status=closed", "/safeguarding/directory",
            "/safeguarding/coverage.csv", "/safeguarding/pupils?state=none", "/audit/",
            "/audit/?who=Staffname", "/audit/?who=Pupilname", "/teach/", "/teach/classes/{class_1}/export.csv",
            "/safeguarding/requests/{request_1}", "/safeguarding/erasures", "/teach/classes/{class_1}/insight/{slug}"],
    "admin": ["/admin/", "/admin/settings", "/admin/year/", "/audit/", "/audit/?who=Staffname", "/teach/",
              "/teach/classes/{class_1}/export.csv", "/admin/pupils", "/admin/pupils/{pupil_1}",
              "/admin/pupils/{pupil_1}/data", "/admin/pupils/{pupil_1}/data.json", "/admin/pupils/{pupil_1}/erase",
              "/teach/classes/{class_1}/insight/{slug}"],
}
USERNAMES = {"pupil": "pupil-{s}1", "teacher": "teacher-{s}", "dsl": "dsl-{s}", "admin": "admin-{s}"}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')
# Moments in a pupil's export (when it was made, the pupil's last login in each pass): they differ by pass.
_EXPORTED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")


def _login(app, schools: Schools, letter: str, role: str):
    client = app.test_client()
    response = client.post("/login", data={"school": schools[f"school_{letter}"],
                                           "username": USERNAMES[role].format(s=letter), "password": PASSWORD})
    assert response.status_code == 302
    return client


def _pages(app, schools: Schools, letter: str) -> dict[str, str]:
    seen = {}
    for role, paths in PAGES.items():
        client = _login(app, schools, letter, role)
        for path in paths:
            path = path.format(class_1=schools[f"class_{letter}1"], pupil_1=schools[f"pupil_{letter}1"],
                               request_1=schools[f"request_{letter}1"], slug=schools.slug)
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
            body = _TOKEN.sub("", response.get_data(as_text=True))
            seen[f"{role} {path}"] = _EXPORTED_AT.sub("TIME", body) if "/data" in path else body
    return seen


def _first_difference(one: str, other: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))
    return f"{one[max(0, at - 80):at + 80]!r} / {other[max(0, at - 80):at + 80]!r}"


@pytest.fixture
def isolated_app(app_config):
    from course import create_app

    return create_app({**app_config, "WTF_CSRF_ENABLED": False})


def test_another_school_in_the_database_changes_nothing_a_school_sees(isolated_app):
    app = isolated_app
    schools = Schools()
    build_school(app, schools, "a", "Alder Primary")
    # Opening a request marks it read: a first pass does that, so both compared passes see the same state.
    _pages(app, schools, "a")
    alone = _pages(app, schools, "a")
    build_school(app, schools, "b", "Birch Academy")
    together = _pages(app, schools, "a")
    # Every list, count, search and export is exactly what it was with one school in the database
    # (the audit log only gains the first pass's own logins, so it is checked by the names below).
    changed = [page for page in alone if alone[page] != together[page] and "/audit/" not in page]
    assert changed == [], [(page, _first_difference(alone[page], together[page])) for page in changed]
    # Neither school, looking at its own pages, sees any of the other's people, classes or requests.
    for mine, theirs in (("a", "B"), ("b", "A")):
        markers = [f"Pupilname {theirs}", f"Staffname teacher {theirs}", f"Staffname dsl {theirs}",
                   f"Secretmessage {theirs.lower()}", f"Class {theirs}1", f"Class {theirs}2"]
        for page, body in _pages(app, schools, mine).items():
            assert not [m for m in markers if m in body], f"{page} shows school {theirs}'s records"


@pytest.fixture
def two_schools(isolated_app):
    schools = Schools()
    build_school(isolated_app, schools, "a", "Alder Primary")
    build_school(isolated_app, schools, "b", "Birch Academy")
    return isolated_app, schools


def _links(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(table))
                     for table in (class_teacher, class_pupil, assignment_pupil))


def test_other_school_ids_smuggled_into_a_teachers_forms_are_refused(two_schools):
    app, s = two_schools
    teacher = _login(app, s, "a", "teacher")
    before = _links(app)
    own_class = s["class_a1"]
    # Another school's teacher as a co-teacher of my class.
    response = teacher.post(f"/teach/classes/{own_class}/teachers", data={"teacher": s["teacher_b"]},
                            follow_redirects=True)
    assert "Choose a teacher from the list." in response.get_data(as_text=True)
    # Another school's pupil (and a pupil of another class of mine) chosen for an assignment of my class.
    for pupil in (s["pupil_b1"], s["pupil_a3"]):
        response = teacher.post(f"/teach/classes/{own_class}/assign", data={"modules": s.slug, "pupils": pupil})
        assert response.status_code == 422
    # Another school's class as the place to import pupils into.
    csv = base64.b64encode(b"first_name,last_name,year_group\nZed,Smuggled,7\n").decode()
    response = teacher.post("/teach/import/confirm", data={"csv_data": csv, "target": s["class_b1"]})
    assert response.status_code == 404
    assert _links(app) == before
    with app.app_context():
        assert db.session.scalars(select(User).where(User.display_name.like("Zed%"))).all() == []
        b_class = db.session.get(SchoolClass, s["class_b1"])
        assert [t.id for t in b_class.teachers] == [s["teacher_b"]]
        assert db.session.scalars(select(Assignment).where(Assignment.class_id == own_class,
                                                           Assignment.chosen_pupils.any())).all() == []


def test_another_schools_assignment_cannot_be_moved_through_my_class(two_schools):
    app, s = two_schools
    teacher = _login(app, s, "a", "teacher")
    for action in ("due", "remove"):
        response = teacher.post(f"/teach/classes/{s['class_a1']}/assignments/{s['asg_b1']}/{action}",
                                data={"due_date": "2030-01-01"})
        assert response.status_code == 404
    with app.app_context():
        assignment = db.session.get(Assignment, s["asg_b1"])
        assert assignment is not None and assignment.due_date is None
