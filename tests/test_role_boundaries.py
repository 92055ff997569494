"""Role boundaries inside one school, over HTTP: admins and pupils' passwords, and what every lead is told."""

import pytest
from sqlalchemy import select

from course.domain.passwords import verify_password
from course.extensions import db
from course.models import Role, School, StaffNotice, User
from tests.conftest import csrf_from, post_form
from tests.factories import class_id, make_user, user_id
from tests.test_help_requests import _set_email
from tests.test_help_requests import smtp_server as smtp_server  # noqa: F401 (a fixture)

SETTINGS = {"name": "Harbour Demo School", "region": "uk",
            "safeguarding_contact": "Ms Rahman, our safeguarding lead, in Student Support (room 12)"}


def _hash_of(app, username: str) -> str:
    with app.app_context():
        return db.session.scalars(select(User.password_hash).where(User.username == username)).one()


# --- (b) admins and pupils' passwords ---------------------------------------------------------------

def test_an_admin_cannot_reset_a_pupils_password_by_default(demo, client, auth):
    sam, before = user_id(demo, "sam"), _hash_of(demo, "sam")
    auth.login_as("admin")
    page = client.get(f"/teach/pupils/{sam}").get_data(as_text=True)
    assert "Reset password" not in page
    token = csrf_from(client, "/admin/")
    response = client.post(f"/teach/pupils/{sam}/password", data={"csrf_token": token})
    assert response.status_code == 403 and "Admins do not reset pupils" in response.get_data(as_text=True)
    cards = client.post(f"/teach/classes/{class_id(demo, '8A PSHE')}/cards",
                        data={"csrf_token": token, "which": "all"})
    assert cards.status_code == 403
    assert "Make login cards" not in client.get(f"/teach/classes/{class_id(demo, '8A PSHE')}").get_data(as_text=True)
    assert _hash_of(demo, "sam") == before
    # Sam still logs in with the old password: the admin could not take the account over.
    auth.logout()
    assert auth.login_as("pupil").status_code == 302


def test_the_school_may_let_admins_reset_pupils_passwords(demo, client, auth):
    sam, before = user_id(demo, "sam"), _hash_of(demo, "sam")
    auth.login_as("admin")
    assert post_form(client, "/admin/settings", data={**SETTINGS, "admins_reset_pupil_passwords": "y"}).status_code == 302
    with demo.app_context():
        assert db.session.scalars(select(School)).one().admins_reset_pupil_passwords
    response = post_form(client, f"/teach/pupils/{sam}", f"/teach/pupils/{sam}/password")
    assert response.status_code == 200 and _hash_of(demo, "sam") != before
    # Turned off again, the routes close.
    assert post_form(client, "/admin/settings", data=SETTINGS).status_code == 302
    assert client.post(f"/teach/pupils/{sam}/password",
                       data={"csrf_token": csrf_from(client, "/admin/")}).status_code == 403


@pytest.mark.parametrize("role", ["teacher", "dsl"])
def test_teachers_and_leads_still_reset_pupils_passwords(demo, client, auth, role):
    sam, before = user_id(demo, "sam"), _hash_of(demo, "sam")
    auth.login_as(role)
    assert post_form(client, f"/teach/pupils/{sam}", f"/teach/pupils/{sam}/password").status_code == 200
    assert _hash_of(demo, "sam") != before


# --- (c) every existing lead is told -------------------------------------------------------------------

def _notices(app, username: str) -> list[StaffNotice]:
    with app.app_context():
        return list(db.session.scalars(select(StaffNotice).join(User, User.id == StaffNotice.recipient_id)
                                       .where(User.username == username, StaffNotice.dismissed_at.is_(None))))


def _new_staff(client, role: str, username: str = "new.lead"):
    return post_form(client, "/admin/staff/new", data={
        "display_name": "Nora Lead", "username": username, "email": "", "role": role,
        "password": "a-long-first-password"})


def test_a_new_lead_account_is_shown_to_every_existing_lead_until_dismissed(demo, client, auth, smtp_server):
    demo.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_FROM="harbour@school.test")
    _set_email(demo, "dsl", "dsl@school.test")
    make_user(demo, "deputy.dsl", Role.SAFEGUARDING_LEAD, display_name="Deputy Lead")
    auth.login_as("admin")
    assert _new_staff(client, "safeguarding_lead").status_code == 302
    assert len(_notices(demo, "dsl")) == 1 and len(_notices(demo, "deputy.dsl")) == 1
    assert _notices(demo, "new.lead") == []
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["dsl@school.test"]
    body = envelope.content.decode()
    assert "new safeguarding lead account" in body and "Nora" not in body and "Clarke" not in body
    auth.logout()
    auth.login_as("dsl")
    for page in ("/safeguarding/requests", "/safeguarding/"):
        html = client.get(page).get_data(as_text=True)
        assert "“Nora Lead”, was created by Mrs Helen Clarke (Admin)" in html, page
    notice = _notices(demo, "dsl")[0].id
    assert post_form(client, "/safeguarding/requests", f"/safeguarding/notices/{notice}/dismiss").status_code == 302
    assert "Nora Lead" not in client.get("/safeguarding/requests").get_data(as_text=True)
    assert len(_notices(demo, "deputy.dsl")) == 1, "each lead dismisses their own copy"
    # Another lead's notice cannot be dismissed by id.
    other = _notices(demo, "deputy.dsl")[0].id
    assert post_form(client, "/safeguarding/requests", f"/safeguarding/notices/{other}/dismiss").status_code == 404


def test_a_teacher_account_tells_no_lead(demo, client, auth):
    auth.login_as("admin")
    assert _new_staff(client, "teacher", "new.teacher").status_code == 302
    assert _notices(demo, "dsl") == []


def test_making_someone_a_lead_tells_every_lead(demo, client, auth):
    teacher = user_id(demo, "teacher")
    auth.login_as("admin")
    response = post_form(client, f"/admin/staff/{teacher}", data={
        "display_name": "Mr Daniel Evans", "email": "", "role": "safeguarding_lead"})
    assert response.status_code == 302
    [notice] = _notices(demo, "dsl")
    assert notice.kind == "dsl_role_given" and "Mr Daniel Evans" in notice.message
    assert _notices(demo, "teacher") == []


def test_resetting_a_leads_password_tells_the_other_leads(demo, client, auth, smtp_server):
    demo.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_FROM="harbour@school.test")
    _set_email(demo, "dsl", "dsl@school.test")
    deputy = make_user(demo, "deputy.dsl", Role.SAFEGUARDING_LEAD, display_name="Deputy Lead")
    auth.login_as("admin")
    assert post_form(client, f"/admin/staff/{deputy}", f"/admin/staff/{deputy}/password",
                     {"password": "a-brand-new-password"}).status_code == 302
    [notice] = _notices(demo, "dsl")
    assert notice.kind == "dsl_password_reset" and "Deputy Lead" in notice.message
    assert [m.rcpt_tos for m in smtp_server.messages] == [["dsl@school.test"]]
    assert "Deputy" not in smtp_server.messages[0].content.decode()
    with demo.app_context():
        assert verify_password(db.session.get(User, deputy).password_hash, "a-brand-new-password")


@pytest.mark.parametrize("role,school_allows,may", [
    (Role.TEACHER, False, True), (Role.SAFEGUARDING_LEAD, False, True), (Role.ADMIN, False, False),
    (Role.ADMIN, True, True), (Role.PUPIL, True, False),
])
def test_who_may_reset_pupils_passwords(role, school_allows, may):
    from course.domain.role_boundaries import may_reset_pupil_passwords

    viewer = User(role=role, school=School(name="x", admins_reset_pupil_passwords=school_allows))
    assert may_reset_pupil_passwords(viewer) is may


def test_the_migration_runs_down_and_up_keeping_the_schools(tmp_path):
    """0007_20c: existing schools keep two-factor off and admins out of pupils' passwords; down and up again."""
    from flask_migrate import downgrade, upgrade

    from tests.factories import migration_app

    app, query = migration_app(tmp_path)

    with app.app_context():
        upgrade(revision="0006_erasure_counts")
        query("INSERT INTO school (name, region, safeguarding_contact, pupils_choose_password, final_year_group, "
              "created_at) VALUES ('Old School', 'uk', 'Ms A', false, 13, '2026-01-01')", write=True)
        upgrade()
        assert [tuple(r) for r in query("SELECT admins_reset_pupil_passwords, dsl_two_factor_required FROM school")] \
            == [(0, 0)]
        downgrade(revision="0006_erasure_counts")
        assert query("SELECT name FROM school") == [("Old School",)]
        upgrade()
        assert query("SELECT count(*) FROM staff_notice") == [(0,)]
        db.engine.dispose()
