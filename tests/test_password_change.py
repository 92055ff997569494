"""/password: throttled like the login, refuses the password one has now and (for pupils) common ones;
and the login response's cookie carries the idle timestamp, so an unused session still idles out."""

import time

from sqlalchemy import select

from course.domain.passwords import verify_password
from course.extensions import db
from course.models import User
from course.web import security
from tests.conftest import DEMO, post_form

SAM_PASSWORD = DEMO["pupil"][1]


def _change(client, current, new):
    return post_form(client, "/password", data={"current_password": current, "new_password": new, "confirm": new})


def _sam(app) -> User:
    with app.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        db.session.expunge(sam)
        return sam


def test_guessing_the_current_password_is_throttled_like_the_login(demo, client, auth):
    auth.login_as("pupil")
    for _ in range(demo.config["LOGIN_USER_LIMIT"]):
        assert "That is not your current password." in _change(client, "a wrong guess", "river-apple-cloud").text
    paused = _change(client, SAM_PASSWORD, "river-apple-cloud").text
    assert "too many tries" in paused
    assert verify_password(_sam(demo).password_hash, SAM_PASSWORD)  # unchanged


def test_a_forced_change_refuses_the_temporary_password(demo, client, auth):
    with demo.app_context():
        db.session.scalars(select(User).where(User.username == "sam")).one().must_change_password = True
        db.session.commit()
    auth.login_as("pupil")
    refused = _change(client, SAM_PASSWORD, SAM_PASSWORD)
    assert "That is the password you have now. Please choose a new one." in refused.text
    assert _sam(demo).must_change_password
    assert _change(client, SAM_PASSWORD, "river-apple-cloud").status_code == 302
    assert not _sam(demo).must_change_password


def test_pupils_may_not_choose_a_common_password(demo, client, auth):
    auth.login_as("pupil")
    for common in ("password", "Password1", "iloveyou"):
        assert "passwords people often choose" in _change(client, SAM_PASSWORD, common).text, common
    assert verify_password(_sam(demo).password_hash, SAM_PASSWORD)
    assert _change(client, SAM_PASSWORD, "river-apple-cloud").status_code == 302


def test_a_session_never_used_after_login_still_idles_out(demo, client, auth, monkeypatch):
    start = int(time.time())
    monkeypatch.setattr(security, "now_seconds", lambda: start)
    auth.login_as("pupil")  # the login response only: the redirect is not followed
    minutes = demo.config["PUPIL_SESSION_MINUTES"]
    monkeypatch.setattr(security, "now_seconds", lambda: start + minutes * 60 + 1)
    response = client.get("/lessons/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_used_within_the_limit_stays(demo, client, auth, monkeypatch):
    start = int(time.time())
    monkeypatch.setattr(security, "now_seconds", lambda: start)
    auth.login_as("teacher")
    monkeypatch.setattr(security, "now_seconds", lambda: start + demo.config["STAFF_SESSION_MINUTES"] * 60 - 5)
    assert client.get("/teach/").status_code == 200
