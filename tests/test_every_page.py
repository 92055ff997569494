"""Every page, for every role, keeps "Get help" and Quick exit in reach, and holds no inline code."""

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import QuizAttempt, SchoolClass, User
from tests.test_no_inline_code import inline_code

ROLES = [None, ("sam", "sunny-otter-42"), ("teacher", "harbour-teacher-demo"), ("dsl", "harbour-dsl-demo"),
         ("admin", "harbour-admin-demo")]


def _values(app) -> dict:
    with app.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        attempt = db.session.scalars(select(QuizAttempt).join(User).where(User.username != "sam")).first()
        return {
            "class_id": db.session.scalars(select(SchoolClass)).first().id,
            "pupil_id": sam.id,
            "slug": "people-online",
            "number": 1,
            "attempt_id": attempt.id,
            "request_id": 1,
            "event_id": 1,
            "user_id": sam.id,
            "service_id": 1,
            "school_id": sam.school_id,
            "filename": "harbour.css",
            "staff_slug": "responding-to-a-disclosure",
            "parents_id": sam.school.parents_page_id,
        }


def get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            yield rule


@pytest.mark.parametrize("login", ROLES, ids=lambda r: r[0] if r else "logged-out")
def test_every_page_has_get_help_and_quick_exit(demo, client, auth, login):
    values = _values(demo)
    if login:
        auth.login(*login)
    checked = 0
    for rule in get_routes(demo):
        if rule.endpoint == "auth.quick_exit":
            continue  # not a page: it logs out and leaves Harbour (tests/test_quick_exit.py)
        url = rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)[1]
        response = client.get(url, follow_redirects=True)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert 'href="/help/"' in html and ">Get help<" in html, url
        assert "data-quick-exit" in html and ">Quick exit<" in html, url
        assert inline_code(html) == [], url
        assert response.status_code < 500, url
        checked += 1
    assert checked >= 5
