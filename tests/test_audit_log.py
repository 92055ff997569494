"""The audit log: sensitive actions recorded, searchable by safeguarding leads and admins, never changed."""

from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, Role
from tests.conftest import post_form
from tests.factories import make_school, make_user, user_id


def test_failed_logins_and_exports_appear_in_the_log(demo, client, auth):
    auth.login("teacher", "wrong-password")
    auth.login_as("dsl")
    client.get("/safeguarding/coverage.csv")
    html = client.get("/audit/").get_data(as_text=True)
    assert "Failed login" in html and "Exported data" in html and "Ms Aisha Rahman" in html


def test_search_by_action_person_record_and_date(demo, client, auth):
    auth.login("teacher", "wrong-password")
    auth.login_as("admin")
    dsl_id = user_id(demo, "dsl")
    post_form(client, f"/admin/staff/{dsl_id}", f"/admin/staff/{dsl_id}/password", {"password": "a-brand-new-password"})
    only_resets = client.get("/audit/?action=password_reset").get_data(as_text=True)
    assert "Reset a password" in only_resets and "Failed login</th>" not in only_resets
    assert "Reset a password" in client.get("/audit/?who=clarke").get_data(as_text=True)
    assert "No events match" in client.get("/audit/?who=nobody-at-all").get_data(as_text=True)
    assert "Reset a password" in client.get(f"/audit/?target_type=user&target_id={dsl_id}").get_data(as_text=True)
    assert "No events match" in client.get("/audit/?date_from=2001-01-01&date_to=2001-01-02").get_data(as_text=True)
    bad = client.get("/audit/?date_from=soon")
    assert bad.status_code == 422 and "Not a valid date" in bad.get_data(as_text=True)


def test_pupil_imports_and_class_archiving_are_recorded(demo, client, auth):
    auth.login_as("teacher")
    from course.models import SchoolClass
    with demo.app_context():
        class_id = db.session.scalars(select(SchoolClass.id).where(SchoolClass.name == "8A PSHE")).one()
    post_form(client, f"/teach/classes/{class_id}", f"/teach/classes/{class_id}/archive", {"archive": "1"})
    auth.logout()
    auth.login_as("dsl")
    assert "Archived a class" in client.get("/audit/?action=class_archived").get_data(as_text=True)


def test_each_school_sees_only_its_own_events(demo, client, auth):
    other = make_school(demo)
    make_user(demo, "otheradmin", Role.ADMIN, school_id=other)
    auth.login("teacher", "wrong-password")
    auth.login("otheradmin", "a-long-test-password", school_id=other)
    html = client.get("/audit/").get_data(as_text=True)
    assert "Failed login</th>" not in html and "No events match" in html


def test_teachers_and_pupils_cannot_open_the_log(demo, client, auth):
    auth.login_as("teacher")
    assert client.get("/audit/").status_code == 403
    auth.logout()
    auth.login_as("pupil")
    assert client.get("/audit/").status_code == 403
    auth.logout()
    assert client.get("/audit/").status_code == 302


def test_the_log_has_no_way_to_change_events(demo, client, auth):
    auth.login("teacher", "wrong-password")
    auth.login_as("admin")
    with demo.app_context():
        event_id = db.session.scalars(select(AuditEvent.id)).first()
    for method in (client.post, client.delete, client.put):
        assert method(f"/audit/{event_id}").status_code in (404, 405)
        assert method("/audit/").status_code == 405
