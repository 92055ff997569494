"""Nothing personal in application logs beyond user ids: logging in and out, failed logins (of real and
made-up usernames), a pupil import and a request to talk leave no username, name or message in any
log record, at any level."""

import base64
import logging

from sqlalchemy import select

from course.extensions import db
from course.models import HelpRequest, Role, User
from tests.conftest import csrf_from, post_form
from tests.factories import make_class, make_school, make_user

PASSWORD = "a-long-test-password"
# Everything personal the test types in; none of it may reach a log.
PERSONAL = ["quentin.blythe", "Quentin", "Blythe", "ophelia.marsh", "Ophelia", "Marsh", "nosuch.person",
            "Zelda", "Quimby", "grandad's tablet", "wrong-guess-pw", PASSWORD, "Alder Primary"]


def test_logs_hold_ids_and_never_names_usernames_passwords_or_messages(app, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    school = make_school(app, "Alder Primary")
    teacher = make_user(app, "ophelia.marsh", Role.TEACHER, PASSWORD, school_id=school, display_name="Ophelia Marsh")
    pupil = make_user(app, "quentin.blythe", Role.PUPIL, PASSWORD, school_id=school, display_name="Quentin Blythe",
                      year_group=7)
    klass = make_class(app, "7Q", teacher, [pupil], year_group=7)
    client = app.test_client()
    # The request log is on the "harbour.request" logger; in tests it propagates to caplog's handler.
    monkeypatch.setattr(logging.getLogger("harbour.request"), "propagate", True)

    def login(username, password):
        return client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_from(client, "/login")})

    assert login("nosuch.person", "wrong-guess-pw").status_code == 200
    assert login("quentin.blythe", "wrong-guess-pw").status_code == 200
    assert login("quentin.blythe", PASSWORD).status_code == 302
    response = post_form(client, "/help/", "/help/talk", {"message": "My grandad's tablet shows scary videos",
                                                         "urgency": "today", "asked_from": "help page"})
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})

    assert login("ophelia.marsh", PASSWORD).status_code == 302
    csv = base64.b64encode(b"first_name,last_name,year_group\nZelda,Quimby,7\n").decode()
    response = post_form(client, "/teach/import", "/teach/import/confirm", {"csv_data": csv, "target": klass})
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})

    with app.app_context():
        # The actions really happened, so their absence from the logs means something.
        assert db.session.scalars(select(HelpRequest.message)).all() == ["My grandad's tablet shows scary videos"]
        assert db.session.scalars(select(User.id).where(User.display_name.like("Zelda%"))).all()
    lines = [record.getMessage() + (record.exc_text or "") for record in caplog.records]
    assert any('"user_id":' + str(pupil) in line for line in lines), "the request log names users by id"
    found = sorted({word for word in PERSONAL for line in lines if word.lower() in line.lower()})
    assert found == [], f"personal words in the logs: {found}"
