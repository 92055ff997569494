"""Pre-made logins and the pages the benchmark asks for, so logging in is never what is measured."""

import time
from dataclasses import dataclass

from flask import session
from flask_wtf.csrf import generate_csrf

from course.extensions import login_manager
from course.pupil.quiz_form import new_form_token
from course.web.content import library

# wrk and the spike client send this User-Agent, so the session's identifier matches and Flask-Login
# never marks the session as changed (which would set a new cookie on every response).
USER_AGENT = "harbour-bench"


@dataclass
class BenchRequest:
    method: str
    path: str
    cookie: str
    body: str = ""


def session_cookie(app, user_id: int, token: str) -> tuple[str, str]:
    """(the signed session cookie value, a CSRF token valid with it) for a user already in the database."""
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}):
        session["_user_id"] = f"{user_id}:{token}"
        session["_fresh"] = True
        session["_id"] = login_manager._session_identifier_generator()
        session["last_seen"] = int(time.time())
        csrf = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return cookie, csrf


def first_module_slug(app) -> str:
    with app.app_context():
        return library().ordered()[0].slug


def quiz_body(app, pupil_id: int, slug: str, csrf: str) -> str:
    """A filled-in quiz form (every question answered with its first option) with a fresh form token."""
    from urllib.parse import urlencode

    with app.app_context():
        quiz = library().modules[slug].quiz
        fields = [("csrf_token", csrf), ("form_token", new_form_token(pupil_id, slug))]
        fields += [(f"q-{q.id}", q.options[0].id) for q in quiz.questions]
    return urlencode(fields)


def page_requests(app, facts, count: int) -> dict[str, list[BenchRequest]]:
    """For each page measured, `count` requests spread over many pupils (one teacher, one DSL)."""
    slug = first_module_slug(app)
    pupils = facts.pupil_ids[:count]
    pupil_sessions = {p: session_cookie(app, p, f"bench-{p}") for p in pupils}
    teacher_cookie, _ = session_cookie(app, facts.teacher_id, f"bench-{facts.teacher_id}")
    dsl_cookie, _ = session_cookie(app, facts.dsl_id, f"bench-{facts.dsl_id}")
    pages = {
        "lesson page": [BenchRequest("GET", f"/lessons/{slug}/page/{1 + n % 2}", pupil_sessions[p][0])
                        for n, p in enumerate(pupils)],
        "quiz page": [BenchRequest("GET", f"/lessons/{slug}/quiz", pupil_sessions[p][0]) for p in pupils],
        "my lessons": [BenchRequest("GET", "/lessons/", pupil_sessions[p][0]) for p in pupils],
        "quiz submit": [BenchRequest("POST", f"/lessons/{slug}/quiz", pupil_sessions[p][0],
                                     quiz_body(app, p, slug, pupil_sessions[p][1])) for p in pupils],
        "class grid (teacher)": [BenchRequest("GET", f"/teach/classes/{facts.teacher_class_id}", teacher_cookie)],
        "school overview (DSL)": [BenchRequest("GET", "/safeguarding/", dsl_cookie)],
    }
    return pages


def quiz_submit_probe(app, facts) -> list[BenchRequest]:
    """Two quiz submissions by one pupil, for counting queries: the warm-up submits first, so the counted one
    finds the same state (progress and an attempt already there) in any school, whatever the generator gave."""
    slug, pupil = first_module_slug(app), facts.pupil_ids[1]
    cookie, csrf = session_cookie(app, pupil, f"bench-{pupil}")
    return [BenchRequest("POST", f"/lessons/{slug}/quiz", cookie, quiz_body(app, pupil, slug, csrf)) for _ in range(2)]
