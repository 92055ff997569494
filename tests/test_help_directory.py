"""Safeguarding leads keep the school's help directory right."""

from datetime import date

from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, HelpService, Role
from tests.conftest import post_form
from tests.factories import make_school


def _childline(app):
    with app.app_context():
        return db.session.scalars(select(HelpService).where(HelpService.name == "Childline")).first()


def _fields(service, **changes):
    return {"name": service.name, "for_whom": service.for_whom, "description": service.description,
            "phone": service.phone, "text_number": service.text_number, "url": service.url, "hours": service.hours,
            "last_checked": service.last_checked.isoformat(), **changes}


def test_lead_edits_an_entry_and_pupils_see_it(demo, client, auth):
    service = _childline(demo)
    auth.login_as("dsl")
    assert "Childline" in client.get("/safeguarding/directory").get_data(as_text=True)
    page = f"/safeguarding/directory/{service.id}"
    response = post_form(client, page, data=_fields(service, hours="Every day, any time", checked_today="y"))
    assert response.status_code == 302
    updated = _childline(demo)
    assert updated.hours == "Every day, any time" and updated.last_checked == date.today()
    with demo.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "help_service_edited")).one()
        assert "hours" in event.detail
    auth.logout()
    assert "Every day, any time" in client.get("/help/").get_data(as_text=True)


def test_bad_entries_change_nothing(demo, client, auth):
    service = _childline(demo)
    auth.login_as("dsl")
    page = f"/safeguarding/directory/{service.id}"
    for changes, message in [({"name": ""}, "Enter the service"), ({"url": "javascript:alert(1)"}, "https://"),
                             ({"last_checked": "2999-01-01"}, "cannot be in the future"),
                             ({"last_checked": "last week"}, "Enter the date you last checked")]:
        response = post_form(client, page, data=_fields(service, **changes))
        assert response.status_code == 422 and message in response.get_data(as_text=True), changes
    assert _childline(demo).name == "Childline"


def test_only_the_schools_leads_edit_the_directory(demo, client, auth):
    service = _childline(demo)
    for login in [("teacher", "harbour-teacher-demo"), ("admin", "harbour-admin-demo"), ("sam", "sunny-otter-42")]:
        auth.login(*login)
        assert client.get(f"/safeguarding/directory/{service.id}").status_code == 403
        auth.logout()
    other = make_school(demo)
    from tests.factories import make_user
    make_user(demo, "otherdsl", Role.SAFEGUARDING_LEAD, school_id=other)
    auth.login("otherdsl", "a-long-test-password", school_id=other)
    assert client.get(f"/safeguarding/directory/{service.id}").status_code == 404


def test_every_worker_sees_a_leads_edit_at_its_next_request(demo, app_config):
    """Each worker keeps the directory it shows on every page; an edit made through another worker (here a
    second app on the same database) reaches it at once, through the school's directory_version."""
    from sqlalchemy import event

    from course import create_app
    from tests.conftest import AuthActions

    other_worker = create_app(app_config)
    pupil, lead = demo.test_client(), other_worker.test_client()
    AuthActions(pupil).login_as("pupil")
    assert "Childline" in pupil.get("/help/").get_data(as_text=True)

    directory_reads = []
    with demo.app_context():
        engine = db.engine

    def seen(_conn, _cursor, statement, *_args):
        if "FROM help_service" in statement:
            directory_reads.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        pupil.get("/help/")
        assert directory_reads == [], "the unchanged directory is read again on every page"
        service = _childline(demo)
        AuthActions(lead).login_as("dsl")
        response = post_form(lead, f"/safeguarding/directory/{service.id}",
                             data=_fields(service, name="Childline (changed today)", checked_today="y"))
        assert response.status_code == 302
        directory_reads.clear()
        html = pupil.get("/help/").get_data(as_text=True)
        assert "Childline (changed today)" in html
        assert len(directory_reads) == 1  # read once, then kept again
        pupil.get("/help/")
        assert len(directory_reads) == 1
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    with other_worker.app_context():
        db.session.remove()
        db.engine.dispose()
