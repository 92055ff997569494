"""Bad input: a clear message, nothing recorded, never a traceback."""

import re

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import QuizAttempt
from course.web.content import library
from tests.conftest import csrf_from


def _attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.form_token.not_like("demo-%")))


def _quiz_form(client, slug="people-online"):
    html = client.get(f"/lessons/{slug}/quiz").get_data(as_text=True)
    return {"csrf_token": csrf_from(client, f"/lessons/{slug}/quiz"),
            "form_token": re.search(r'name="form_token" value="([^"]+)"', html).group(1)}


@pytest.fixture
def sam(demo, auth):
    auth.login_as("pupil")
    return demo


def _all_right(app):
    with app.app_context():
        quiz = library().get("people-online").quiz
    return {f"q-{q.id}": sorted(q.correct_ids) for q in quiz.questions}


def test_unknown_option_is_400_and_nothing_is_recorded(sam, client):
    answers = _all_right(sam)
    first = next(iter(answers))
    answers[first] = ["no-such-option"]
    response = client.post("/lessons/people-online/quiz", data={**_quiz_form(client), **answers})
    assert response.status_code == 400
    assert "not one of the options" in response.get_data(as_text=True)
    assert "Get help" in response.get_data(as_text=True)
    assert _attempts(sam) == 0


def test_missing_answer_is_400_keeps_the_choices_and_records_nothing(sam, client):
    answers = _all_right(sam)
    left_out = next(iter(answers))
    del answers[left_out]
    response = client.post("/lessons/people-online/quiz", data={**_quiz_form(client), **answers})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please answer every question" in html and "question 1" in html
    assert " checked" in html  # what the pupil chose is kept
    assert _attempts(sam) == 0


def test_a_question_not_in_the_quiz_is_400(sam, client):
    data = {**_quiz_form(client), **_all_right(sam), "q-made-up": ["a"]}
    assert client.post("/lessons/people-online/quiz", data=data).status_code == 400
    assert _attempts(sam) == 0


def test_two_answers_to_a_single_choice_question_is_400(sam, client):
    with sam.app_context():
        quiz = library().get("people-online").quiz
    single = next(q for q in quiz.questions if q.type in ("single", "true_false"))
    data = {**_quiz_form(client), **_all_right(sam), f"q-{single.id}": [o.id for o in single.options[:2]]}
    assert client.post("/lessons/people-online/quiz", data=data).status_code == 400
    assert _attempts(sam) == 0


def test_forged_form_token_is_400(sam, client):
    data = {**_quiz_form(client), **_all_right(sam), "form_token": "forged"}
    response = client.post("/lessons/people-online/quiz", data=data)
    assert response.status_code == 400 and "not valid any more" in response.get_data(as_text=True)
    assert _attempts(sam) == 0


def test_unknown_module_and_module_not_assigned_are_404(sam, client):
    assert client.get("/lessons/no-such-module/").status_code == 404
    # Sam's class has not been set this module.
    response = client.get("/lessons/online-blackmail/page/1")
    assert response.status_code == 404
    assert "Get help" in response.get_data(as_text=True)
    assert client.get("/lessons/people-online/page/99").status_code == 404


def test_missing_csrf_token_gets_a_friendly_page(sam, client):
    response = client.post("/lessons/people-online/page/1", data={}, headers={"Referer": "http://localhost/lessons/"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This page timed out" in html and "Nothing was saved" in html and "Get help" in html
    assert 'href="/lessons/"' in html


def test_server_error_page_is_calm_and_keeps_help(app, demo, client):
    @app.get("/boom-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-test")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html and "Get help" in html and "Quick exit" in html
    assert "Traceback" not in html and "RuntimeError" not in html


def test_a_nul_character_in_a_form_is_400_and_nothing_is_saved(sam, client):
    # PostgreSQL cannot store NUL; both engines refuse it the same way, before anything is saved.
    from course.models import HelpRequest

    response = client.post("/help/talk", data={"csrf_token": csrf_from(client, "/help/talk"),
                                               "message": "help\x00me", "urgency": ""})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    with sam.app_context():
        assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 0
