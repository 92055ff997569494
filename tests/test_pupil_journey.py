"""The whole pupil journey over HTTP, as a demo pupil: lessons, pages, quiz, result, retake."""

import re

from sqlalchemy import select

from course.extensions import db
from course.models import AttemptAnswer, Progress, QuizAttempt, User
from course.web.content import library
from tests.conftest import csrf_from


def _form_token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _answers(module, right: bool) -> dict:
    data = {}
    for question in module.quiz.questions:
        if right:
            data[f"q-{question.id}"] = sorted(question.correct_ids)
        else:
            data[f"q-{question.id}"] = [next(o.id for o in question.options if not o.correct)]
    return data


def _sam(app):
    with app.app_context():
        return db.session.scalars(select(User).where(User.username == "sam")).one().id


def test_pupil_completes_a_module_end_to_end(demo, client, auth):
    app = demo
    sam = _sam(app)
    response = auth.login_as("pupil")
    assert response.headers["Location"] == "/"

    lessons = client.get("/lessons/", follow_redirects=True).get_data(as_text=True)
    assert "People online aren" in lessons and "Due " in lessons and "Overdue" in lessons

    with app.app_context():
        module = library().get("people-online")
        page_count = module.page_count

    # Start -> first page; Next through every page saves each as read.
    assert client.get("/lessons/people-online/").headers["Location"].endswith("/lessons/people-online/page/1")
    for number in range(1, page_count + 1):
        page = client.get(f"/lessons/people-online/page/{number}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert f"Page {number} of {page_count}" in html
        assert "{{" not in html, "a token was left unfilled"
        assert "Teacher notes" not in html, "teacher notes must not reach pupils"
        token = csrf_from(client, f"/lessons/people-online/page/{number}")
        moved = client.post(f"/lessons/people-online/page/{number}", data={"csrf_token": token})
        expected = "/quiz" if number == page_count else f"/page/{number + 1}"
        assert moved.headers["Location"].endswith(expected)

    with app.app_context():
        progress = db.session.scalars(select(Progress).where(Progress.pupil_id == sam)).one()
        assert progress.pages_seen == list(range(page_count))
        assert progress.status == "in_progress"

    # A failing attempt first: marked, with feedback, not passed.
    quiz = client.get("/lessons/people-online/quiz").get_data(as_text=True)
    data = {"csrf_token": csrf_from(client, "/lessons/people-online/quiz"), "form_token": _form_token(quiz),
            **_answers(module, right=False)}
    result = client.post("/lessons/people-online/quiz", data=data, follow_redirects=True)
    html = result.get_data(as_text=True)
    assert "You got 0 out of" in html and "Not quite" in html and "try again" in html
    for question in module.quiz.questions:
        wrong = next(o for o in question.options if not o.correct)
        plain = html.replace("’", "'").replace("&#39;", "'").replace("“", '"').replace("”", '"').replace("&quot;", '"')
        assert wrong.feedback.split("{{")[0][:30] in plain

    # Then a passing attempt: completed.
    quiz = client.get("/lessons/people-online/quiz").get_data(as_text=True)
    data = {"csrf_token": csrf_from(client, "/lessons/people-online/quiz"), "form_token": _form_token(quiz),
            **_answers(module, right=True)}
    html = client.post("/lessons/people-online/quiz", data=data, follow_redirects=True).get_data(as_text=True)
    assert "you passed" in html and "This lesson is complete" in html

    # Progress survives logging out and back in.
    auth.logout()
    auth.login_as("pupil")
    lessons = client.get("/lessons/").get_data(as_text=True)
    assert "Completed" in lessons and "Best quiz score 100%" in lessons

    with app.app_context():
        progress = db.session.scalars(select(Progress).where(Progress.pupil_id == sam)).one()
        assert progress.status == "completed" and progress.completed_at is not None
        assert progress.best_score == 100 and progress.latest_score == 100 and progress.quiz_passed
        attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.pupil_id == sam)
                                      .order_by(QuizAttempt.id)).all()
        assert [a.score for a in attempts] == [0, 100]
        answers = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempts[1].id)).all()
        assert len(answers) == len(module.quiz.questions) and all(a.correct for a in answers)


def test_a_retake_keeps_best_and_latest_scores(demo, client, auth):
    sam = _sam(demo)
    auth.login_as("pupil")
    with demo.app_context():
        module = library().get("where-to-go-for-help")
    for right in (True, False):
        quiz = client.get("/lessons/where-to-go-for-help/quiz").get_data(as_text=True)
        client.post("/lessons/where-to-go-for-help/quiz", data={
            "csrf_token": csrf_from(client, "/lessons/where-to-go-for-help/quiz"),
            "form_token": _form_token(quiz), **_answers(module, right)})
    with demo.app_context():
        progress = db.session.scalars(select(Progress).where(Progress.pupil_id == sam)).one()
        assert progress.best_score == 100 and progress.latest_score == 0
        # Passed, but pages not all read: not completed yet.
        assert progress.quiz_passed and progress.status == "in_progress"


def test_the_same_quiz_form_sent_twice_records_one_attempt(demo, client, auth):
    sam = _sam(demo)
    auth.login_as("pupil")
    with demo.app_context():
        module = library().get("people-online")
    quiz = client.get("/lessons/people-online/quiz").get_data(as_text=True)
    data = {"csrf_token": csrf_from(client, "/lessons/people-online/quiz"), "form_token": _form_token(quiz),
            **_answers(module, True)}
    first = client.post("/lessons/people-online/quiz", data=data)
    second = client.post("/lessons/people-online/quiz", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    with demo.app_context():
        count = len(db.session.scalars(select(QuizAttempt).where(QuizAttempt.pupil_id == sam)).all())
    assert count == 1


def test_option_order_is_the_pupils_own_and_stable(demo, client, auth):
    auth.login_as("pupil")
    pattern = re.compile(r'name="(q-[^"]+)" value="([^"]+)"')
    first = pattern.findall(client.get("/lessons/people-online/quiz").get_data(as_text=True))
    again = pattern.findall(client.get("/lessons/people-online/quiz").get_data(as_text=True))
    assert first == again


def test_every_module_of_the_course_can_be_assigned_and_completed(demo, client, auth):
    from tests.conftest import post_form
    from tests.factories import class_id

    target = class_id(demo, "8A PSHE")
    with demo.app_context():
        modules = library().ordered()
    auth.login_as("teacher")
    response = post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/assign",
                         {"modules": [m.slug for m in modules], "answers_shown": "after_attempt"})
    assert response.status_code == 302
    auth.logout()
    auth.login_as("pupil")
    token = csrf_from(client, "/lessons/")
    for module in modules:
        for number in range(1, module.page_count + 1):
            assert client.get(f"/lessons/{module.slug}/page/{number}").status_code == 200
            client.post(f"/lessons/{module.slug}/page/{number}", data={"csrf_token": token})
        quiz = client.get(f"/lessons/{module.slug}/quiz").get_data(as_text=True)
        client.post(f"/lessons/{module.slug}/quiz", data={"csrf_token": token, "form_token": _form_token(quiz),
                                                          **_answers(module, right=True)})
    with demo.app_context():
        done = db.session.scalars(select(Progress).where(Progress.pupil_id == _sam(demo),
                                                         Progress.status == "completed")).all()
    assert len(done) == len(modules) == 14
    assert client.get("/lessons/").get_data(as_text=True).count("Completed") == 14
