"""The first staff pages: a teacher assigns a module; a safeguarding lead sees completion."""

from datetime import date, timedelta

from sqlalchemy import select

from course.extensions import db
from course.models import Assignment, SchoolClass
from tests.conftest import post_form


def _class(app, name):
    with app.app_context():
        return db.session.scalars(select(SchoolClass).where(SchoolClass.name == name)).one().id


def test_teacher_sees_their_classes_and_the_grid(demo, client, auth):
    auth.login_as("teacher")
    html = client.get("/teach/").get_data(as_text=True)
    assert "8A PSHE" in html and "10B PSHE" in html
    grid = client.get(f"/teach/classes/{_class(demo, '8A PSHE')}").get_data(as_text=True)
    assert "Sam Okafor" in grid and "Completed" in grid and "Not started" in grid


def test_teacher_assigns_a_module_with_a_due_date_and_the_pupil_sees_it(demo, client, auth):
    class_id = _class(demo, "8A PSHE")
    due = date.today() + timedelta(days=10)
    auth.login_as("teacher")
    response = post_form(client, f"/teach/classes/{class_id}", f"/teach/classes/{class_id}/assign",
                         {"modules": ["account-control"], "due_date": due.isoformat(), "answers_shown": "after_attempt"})
    assert response.status_code == 302
    with demo.app_context():
        assignment = db.session.scalars(select(Assignment).where(Assignment.class_id == class_id)
                                        .order_by(Assignment.id.desc())).first()
        assert assignment.due_date == due
    auth.logout()
    auth.login_as("pupil")
    assert "Staying in control of your accounts" in client.get("/lessons/").get_data(as_text=True)
    assert client.get("/lessons/account-control/page/1").status_code == 200


def test_assigning_an_unknown_module_changes_nothing(demo, client, auth):
    class_id = _class(demo, "8A PSHE")
    auth.login_as("teacher")
    with demo.app_context():
        before = len(db.session.scalars(select(Assignment)).all())
    response = post_form(client, f"/teach/classes/{class_id}", f"/teach/classes/{class_id}/assign",
                         {"modules": ["no-such-module"], "answers_shown": "after_attempt"})
    assert response.status_code == 422
    assert "not one of the options" in response.get_data(as_text=True)
    with demo.app_context():
        assert len(db.session.scalars(select(Assignment)).all()) == before


def test_safeguarding_lead_sees_completion_per_module(demo, client, auth):
    auth.login_as("dsl")
    html = client.get("/safeguarding/").get_data(as_text=True)
    assert "Completion of each module" in html and "People online aren" in html
    assert "%" in html
