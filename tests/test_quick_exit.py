"""Quick exit over HTTP: it ends the session before leaving, and the help pages have neutral titles."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from course import create_app
from course.extensions import db
from course.models import User
from tests.conftest import ON_POSTGRES, AuthActions

QUICK_EXIT = "https://www.bbc.co.uk/weather"


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1).strip()


def test_quick_exit_ends_the_session_and_the_old_cookie_opens_nothing(demo, client, auth):
    auth.login_as("pupil")
    assert client.get("/lessons/").status_code == 200
    old_cookie = client.get_cookie("session").value
    left = client.get("/exit")
    assert left.status_code == 303 and left.headers["Location"] == QUICK_EXIT
    assert client.get("/lessons/").status_code == 302  # this browser is logged out
    # The cookie as it was before leaving (a copy, or a browser that kept it) no longer opens anything.
    other = demo.test_client()
    other.set_cookie("session", old_cookie)
    reopened = other.get("/lessons/")
    assert reopened.status_code == 302 and "/login" in reopened.headers["Location"]


def test_every_page_links_quick_exit_through_harbour(demo, client, auth):
    for page in ("/login", "/help/"):
        assert 'class="quick-exit" href="/exit"' in client.get(page).get_data(as_text=True)
    auth.login_as("pupil")
    assert 'class="quick-exit" href="/exit"' in client.get("/lessons/").get_data(as_text=True)
    assert client.get("/exit").headers["Location"] == QUICK_EXIT  # logged out already: it just leaves


def test_quick_exit_works_while_a_new_password_is_due(demo, client, auth):
    with demo.app_context():
        db.session.scalars(select(User).where(User.username == "sam")).one().must_change_password = True
        db.session.commit()
    auth.login_as("pupil")
    assert client.get("/lessons/").headers["Location"].endswith("/password")
    assert client.get("/exit").headers["Location"] == QUICK_EXIT


def test_help_and_request_pages_have_neutral_titles(demo, client, auth):
    auth.login_as("pupil")
    titles = {page: _title(client.get(page)) for page in ("/help/", "/help/talk", "/help/requests")}
    for page, title in titles.items():
        assert title.endswith("Harbour"), title
        for telling in ("help", "talk", "request"):
            assert telling not in title.lower(), (page, title)


def test_the_help_page_says_how_private_browsing_helps(demo, client):
    text = client.get("/help/").get_data(as_text=True)
    assert "Keeping this private" in text and "private window" in text and "history" in text


@pytest.mark.skipif(ON_POSTGRES, reason="moves the SQLite file")
def test_quick_exit_leaves_even_when_the_database_is_gone(app_config, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    live = folder / "harbour.sqlite"
    live.write_bytes(Path(app_config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).read_bytes())
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{live}"})
    app.test_cli_runner().invoke(args=["demo"])
    client = app.test_client()
    AuthActions(client).login_as("pupil")
    folder.rename(tmp_path / "away")  # the disk is gone
    with app.app_context():
        db.engine.dispose()
    left = client.get("/exit")
    assert left.status_code == 303 and left.headers["Location"] == QUICK_EXIT
    (tmp_path / "away").rename(folder)
    assert client.get("/lessons/").status_code == 302  # this browser's session was emptied
    with app.app_context():
        db.engine.dispose()
