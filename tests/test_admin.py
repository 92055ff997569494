"""Admins manage staff accounts, roles and the school's settings; every change is audited."""

import pytest
from sqlalchemy import select

from course.domain.passwords import staff_password_problem, verify_password
from course.extensions import db
from course.models import AuditEvent, HelpRequestEvent, HelpService, Role, School, User
from tests.conftest import post_form
from tests.factories import make_school, make_user, user_id


def _user(app, username) -> User:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        db.session.expunge(user)
        return user


def _actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_staff_password_rule():
    assert staff_password_problem("short") and "12" in staff_password_problem("short")
    assert staff_password_problem("twelve chars") is None


def test_admin_adds_a_staff_account_who_must_choose_a_password(demo, client, auth):
    auth.login_as("admin")
    response = post_form(client, "/admin/staff/new", data={
        "display_name": "Mr Tom Hale", "username": "thale", "email": "t.hale@school.test",
        "role": "safeguarding_lead", "password": "a-long-first-password"})
    assert response.status_code == 302
    user = _user(demo, "thale")
    assert user.role == "safeguarding_lead" and user.email == "t.hale@school.test" and user.must_change_password
    assert "Mr Tom Hale" in client.get("/admin/").get_data(as_text=True)
    assert "staff_created" in _actions(demo)


@pytest.mark.parametrize("data, message", [
    ({"username": "teacher"}, "already used"),
    ({"password": "short"}, "at least 12 characters"),
    ({"role": "pupil"}, "Not a valid choice"),
    ({"email": "not-an-email"}, "Enter an email address"),
    ({"username": "Bad Name!"}, "lower-case letters"),
])
def test_bad_staff_details_change_nothing(demo, client, auth, data, message):
    auth.login_as("admin")
    fields = {"display_name": "New Person", "username": "newperson", "role": "teacher",
              "password": "a-long-first-password", **data}
    with demo.app_context():
        before = db.session.scalars(select(User)).all().__len__()
    response = post_form(client, "/admin/staff/new", data=fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with demo.app_context():
        assert len(db.session.scalars(select(User)).all()) == before


def test_changing_a_role_is_audited_and_ends_their_sessions(demo, client, auth, app):
    teacher_id = user_id(demo, "teacher")
    other = demo.test_client()
    from tests.conftest import AuthActions
    AuthActions(other).login("teacher", "harbour-teacher-demo")
    assert other.get("/teach/").status_code == 200
    auth.login_as("admin")
    response = post_form(client, f"/admin/staff/{teacher_id}", data={
        "display_name": "Mr Daniel Evans", "email": "", "role": "safeguarding_lead"})
    assert response.status_code == 302
    assert _user(demo, "teacher").role == "safeguarding_lead"
    with demo.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "role_changed")).one()
        assert event.target_id == teacher_id and "Teacher → Safeguarding lead" in event.detail
        assert "Clarke" in event.actor_label
    assert other.get("/teach/").status_code == 302  # logged out: the new role applies from the next login


def test_admin_cannot_change_their_own_role_or_delete_themselves(demo, client, auth):
    admin_id = user_id(demo, "admin")
    auth.login_as("admin")
    response = post_form(client, f"/admin/staff/{admin_id}", data={"display_name": "Mrs Helen Clarke", "role": "teacher"})
    assert response.status_code == 422 and "cannot change your own role" in response.get_data(as_text=True)
    response = post_form(client, f"/admin/staff/{admin_id}", f"/admin/staff/{admin_id}/delete", {"confirm": "y"})
    assert response.status_code == 422
    assert _user(demo, "admin").role == "admin"


def test_password_reset_is_audited(demo, client, auth):
    dsl_id = user_id(demo, "dsl")
    auth.login_as("admin")
    assert post_form(client, f"/admin/staff/{dsl_id}", f"/admin/staff/{dsl_id}/password",
                     {"password": "short"}).status_code == 422
    assert post_form(client, f"/admin/staff/{dsl_id}", f"/admin/staff/{dsl_id}/password",
                     {"password": "a-brand-new-password"}).status_code == 302
    user = _user(demo, "dsl")
    assert verify_password(user.password_hash, "a-brand-new-password") and user.must_change_password
    assert _actions(demo).count("password_reset") == 1


def test_deleting_a_user_keeps_their_audit_events_and_notes(demo, client, auth):
    # The lead writes a note and an audit event, then their account is deleted.
    from tests.test_help_requests import _ask
    _ask(client, auth)
    auth.login_as("dsl")
    with demo.app_context():
        from course.models import HelpRequest
        request_id = db.session.scalars(select(HelpRequest.id)).one()
    post_form(client, f"/safeguarding/requests/{request_id}", f"/safeguarding/requests/{request_id}/notes",
              {"body": "Spoke to Sam."})
    auth.logout()
    dsl_id = user_id(demo, "dsl")
    auth.login_as("admin")
    assert post_form(client, f"/admin/staff/{dsl_id}", f"/admin/staff/{dsl_id}/delete", {}).status_code == 422
    assert post_form(client, f"/admin/staff/{dsl_id}", f"/admin/staff/{dsl_id}/delete", {"confirm": "y"}).status_code == 302
    with demo.app_context():
        assert db.session.get(User, dsl_id) is None
        kept = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_label.contains("Rahman"))).all()
        assert {e.action for e in kept} >= {"help_request_viewed", "help_request_note_added"}
        assert all(e.actor_id is None for e in kept)
        note = db.session.scalars(select(HelpRequestEvent)).one()
        assert note.author_id is None and note.author_name == "Ms Aisha Rahman" and note.body == "Spoke to Sam."
        deleted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user_deleted")).one()
        assert deleted.target_id == dsl_id and "Rahman" in deleted.detail


def test_school_settings_change_what_pupils_see(demo, client, auth):
    auth.login_as("admin")
    response = post_form(client, "/admin/settings", data={
        "name": "Harbour Academy", "region": "ie", "safeguarding_contact": "Mr Byrne, room 4"})
    assert response.status_code == 302
    with demo.app_context():
        school = db.session.scalars(select(School)).one()
        assert (school.name, school.region, school.safeguarding_contact) == ("Harbour Academy", "ie", "Mr Byrne, room 4")
        names = {s.name for s in db.session.scalars(select(HelpService).where(HelpService.school_id == school.id))}
        assert "Childline" in names or names  # the Irish directory replaced the UK one
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "school_settings_changed")).one()
        assert "region" in event.detail
    auth.logout()
    auth.login_as("pupil")
    assert "Mr Byrne, room 4" in client.get("/help/").get_data(as_text=True)


def _demo_school_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(School.id).where(School.name == "Harbour Demo School")).one()


def test_bad_settings_change_nothing(demo, client, auth):
    make_school(demo, "Another School")
    auth.login_as("admin", school_id=_demo_school_id(demo))
    for data, message in [({"region": "mars"}, "Not a valid choice"), ({"name": "Another School"}, "already has that name"),
                          ({"safeguarding_contact": ""}, "Enter who pupils can talk to")]:
        fields = {"name": "Harbour Demo School", "region": "uk", "safeguarding_contact": "Ms Rahman", **data}
        response = post_form(client, "/admin/settings", data=fields)
        assert response.status_code == 422 and message in response.get_data(as_text=True), data
    with demo.app_context():
        assert db.session.scalars(select(School).where(School.name == "Harbour Demo School")).one().region == "uk"


@pytest.mark.parametrize("login", [("teacher", "harbour-teacher-demo"), ("dsl", "harbour-dsl-demo"),
                                   ("sam", "sunny-otter-42")])
def test_only_admins_reach_admin_pages(demo, client, auth, login):
    auth.login(*login)
    for url in ("/admin/", "/admin/staff/new", "/admin/settings", f"/admin/staff/{user_id(demo, 'teacher')}"):
        assert client.get(url).status_code == 403, url


def test_admin_cannot_see_another_schools_staff(demo, client, auth):
    other = make_school(demo)
    stranger = make_user(demo, "stranger", Role.TEACHER, school_id=other)
    auth.login_as("admin", school_id=_demo_school_id(demo))
    assert client.get(f"/admin/staff/{stranger}").status_code == 404
    assert post_form(client, "/admin/", f"/admin/staff/{stranger}/delete", {"confirm": "y"}).status_code == 404
    assert client.get(f"/admin/staff/{user_id(demo, 'sam')}").status_code == 404  # pupils are not staff accounts
