"""Logging in and out: one generic message, sessions that end when they should."""

from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent


def test_wrong_password_and_unknown_user_get_the_same_message(demo, client, auth):
    wrong_password = auth.login("sam", "not-the-password").get_data(as_text=True)
    unknown_user = auth.login("nobody-at-all", "not-the-password").get_data(as_text=True)
    message = "That username and password do not match"
    assert message in wrong_password and message in unknown_user
    assert "not found" not in unknown_user.lower()
    with demo.app_context():
        failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert len(failures) == 2


def test_login_sends_each_role_to_its_start_page(demo, client, auth):
    for username, password, start in [("sam", "sunny-otter-42", "/lessons/"),
                                      ("teacher", "harbour-teacher-demo", "/teach/"),
                                      ("dsl", "harbour-dsl-demo", "/safeguarding/"),
                                      ("admin", "harbour-admin-demo", "/admin/")]:
        auth.login(username, password)
        assert client.get("/").headers["Location"] == start
        assert client.get(start).status_code == 200
        auth.logout()


def test_logout_ends_the_session_and_old_cookies_stop_working(demo, client, auth, app):
    auth.login_as("pupil")
    stolen = client.get_cookie("session").value
    auth.logout()
    assert client.get("/lessons/").status_code == 302
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/lessons/").status_code == 302, "a session cookie from before logout must not work"


def test_next_only_goes_to_a_page_on_this_site(demo, client):
    from tests.conftest import csrf_from

    for target, expected in [("/lessons/", "/lessons/"), ("https://evil.example/", "/"), ("//evil.example", "/"),
                             ("/\\evil.example", "/")]:
        client.get("/")  # fresh page
        response = client.post(f"/login?next={target}", data={
            "username": "sam", "password": "sunny-otter-42", "csrf_token": csrf_from(client, "/login")})
        assert response.headers["Location"] == expected, target
        client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})


def test_login_page_shows_demo_logins_only_in_demo_mode(demo, client):
    assert "Demo logins" not in client.get("/login").get_data(as_text=True)
    demo.config["HARBOUR_DEMO"] = True
    html = client.get("/login").get_data(as_text=True)
    assert "Demo logins" in html and "sunny-otter-42" in html


def test_pupil_cannot_open_staff_pages(demo, client, auth):
    auth.login_as("pupil")
    for path in ("/teach/", "/safeguarding/", "/admin/"):
        assert client.get(path).status_code == 403
    auth.logout()
    auth.login_as("teacher")
    assert client.get("/safeguarding/").status_code == 403
    assert client.get("/lessons/").status_code == 403
