"""Property-based tests (Hypothesis): random and hostile input at the content loader, the CSV pupil importer
and the forms. Never a 500, always a clear message, and nothing half-saved."""

import base64
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from course.content.modules import parse_module
from course.content.quizzes import parse_quiz
from course.domain.pupil_import import read_pupil_csv
from course.extensions import db
from course.models import HelpRequest, QuizAttempt, Role, SchoolClass, User, class_teacher
from course.web.content import library
from tests.conftest import csrf_from

ROOT = Path(__file__).resolve().parent.parent
MODULE_TEXT = (ROOT / "modules" / "people-online.md").read_text()
QUIZ_TEXT = (ROOT / "quizzes" / "people-online.toml").read_text()

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
# Text a person (or an attacker) might type: any Unicode, with the characters that break naive code.
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00", "'; DROP TABLE user_account; --", "<script>alert(1)</script>", "{{ 7*7 }}",
                     "../../etc/passwd", "\u202e\u200b", "a" * 5000, "=HYPERLINK(\"http://x\")", "%s%n", "\r\n\r\n"]),
)


def _mutated(original: str):
    """The real file with hostile text put in, or a slice of it taken out."""
    return st.one_of(
        st.tuples(st.integers(0, len(original)), HOSTILE).map(lambda p: original[:p[0]] + p[1] + original[p[0]:]),
        st.tuples(st.integers(0, len(original)), st.integers(0, 400)).map(
            lambda p: original[:p[0]] + original[p[0] + p[1]:]),
        HOSTILE,
    )


def _clear_problems(problems) -> None:
    for line, message in problems:
        assert isinstance(line, int) and isinstance(message, str) and message.strip()


@FAST
@given(text=_mutated(MODULE_TEXT))
def test_module_loader_reports_problems_and_never_raises(text):
    content, problems = parse_module(Path("modules/people-online.md"), text)
    _clear_problems(problems)
    assert content is not None or problems


@FAST
@given(text=_mutated(QUIZ_TEXT))
def test_quiz_loader_reports_problems_and_never_raises(text):
    quiz, problems = parse_quiz(Path("quizzes/people-online.toml"), text)
    _clear_problems(problems)
    assert quiz is not None or problems


CSV_HEADER = "first_name,last_name,year_group,class\n"


@FAST
@given(data=st.one_of(
    st.binary(max_size=500),
    st.lists(st.lists(HOSTILE, max_size=6).map(lambda cells: ",".join(c.replace("\n", " ") for c in cells)),
             max_size=8).map(lambda rows: (CSV_HEADER + "\n".join(rows)).encode("utf-8", "surrogatepass")),
))
def test_pupil_csv_reader_never_raises_and_says_what_is_wrong(data):
    preview = read_pupil_csv(data)
    assert all(problem.message.strip() for problem in preview.problems)
    assert preview.ok == (not preview.problems and bool(preview.rows))


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def sam(demo, auth):
    auth.login_as("pupil")
    return demo


def _no_500(response) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code < 500, html[:500]
    assert "Traceback" not in html
    return html


def test_login_with_hostile_input(demo, client):
    token = csrf_from(client, "/login")

    @FAST
    @given(username=HOSTILE, password=HOSTILE, school=st.one_of(st.none(), HOSTILE))
    def attempt(username, password, school):
        form = {"csrf_token": token, "username": username, "password": password}
        if school is not None:
            form["school"] = school
        response = client.post("/login", data=form)
        html = _no_500(response)
        assert response.status_code in (200, 400, 422, 429)
        if response.status_code == 200:
            assert "error" in html.lower() or "not right" in html.lower() or "enter" in html.lower()
        assert client.get("/lessons/").status_code == 302  # never logged in

    attempt()


def test_quiz_answers_with_hostile_and_unknown_ids(sam, client):
    with sam.app_context():
        quiz = library().get("people-online").quiz
    question_ids = [q.id for q in quiz.questions]
    option_ids = [o.id for q in quiz.questions for o in q.options]
    token = csrf_from(client, "/lessons/people-online/quiz")

    @FAST
    @given(answers=st.dictionaries(st.one_of(st.sampled_from(question_ids), HOSTILE),
                                   st.lists(st.one_of(st.sampled_from(option_ids), HOSTILE), max_size=3),
                                   max_size=len(question_ids) + 2))
    def submit(answers):
        html = client.get("/lessons/people-online/quiz").get_data(as_text=True)
        form_token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
        before = _count(sam, QuizAttempt)
        form = {"csrf_token": token, "form_token": form_token, **{f"q-{k}": v for k, v in answers.items()}}
        response = client.post("/lessons/people-online/quiz", data=form)
        html = _no_500(response)
        if response.status_code == 302:
            assert _count(sam, QuizAttempt) == before + 1
        else:
            assert response.status_code == 400 and "Please" in html
            assert _count(sam, QuizAttempt) == before  # nothing half-saved

    submit()


def test_request_to_talk_with_hostile_input(sam, client):
    token = csrf_from(client, "/help/talk")

    @FAST
    @given(message=HOSTILE, urgency=st.one_of(st.none(), st.sampled_from(["now", "today", "when_you_can"]), HOSTILE),
           asked_from=HOSTILE)
    def ask(message, urgency, asked_from):
        before = _count(sam, HelpRequest)
        form = {"csrf_token": token, "message": message, "asked_from": asked_from}
        if urgency is not None:
            form["urgency"] = urgency
        response = client.post("/help/talk", data=form)
        html = _no_500(response)
        if response.status_code == 302:
            assert _count(sam, HelpRequest) == before + 1
        else:
            assert _refused_with_a_message(response, html)
            assert _count(sam, HelpRequest) == before

    ask()


def _refused_with_a_message(response, html: str) -> bool:
    """A form error (422, with the message by the field) or a refused form (400, saying nothing was saved)."""
    if response.status_code == 422:
        return "error" in html.lower()
    return response.status_code == 400 and "nothing was saved" in html.lower()


def test_teacher_new_pupil_form_with_hostile_input(demo, client, auth):
    auth.login_as("teacher")
    with demo.app_context():
        teacher = db.session.scalars(select(User.id).where(User.username == "teacher")).one()
        class_id = db.session.scalars(select(SchoolClass.id).join(class_teacher).where(
            class_teacher.c.teacher_id == teacher, SchoolClass.archived_at.is_(None))).first()
    page = f"/teach/classes/{class_id}/pupils/new"
    token = csrf_from(client, page)

    @FAST
    @given(first=HOSTILE, last=HOSTILE, year=st.one_of(HOSTILE, st.integers(-10**12, 10**12).map(str)),
           username=HOSTILE)
    def add(first, last, year, username):
        before = _count(demo, User, User.role == Role.PUPIL)
        response = client.post(page, data={"csrf_token": token, "first_name": first, "last_name": last,
                                           "year_group": year, "username": username})
        html = _no_500(response)
        if response.status_code == 302:
            assert _count(demo, User, User.role == Role.PUPIL) == before + 1
        else:
            assert _refused_with_a_message(response, html)
            assert _count(demo, User, User.role == Role.PUPIL) == before

    add()


def test_an_urgency_of_only_spaces_is_a_clear_message_not_a_500(sam, client):
    """Found by the property test above: the form's Optional() let '  ' through to the rules, which refused it."""
    before = _count(sam, HelpRequest)
    response = client.post("/help/talk", data={"csrf_token": csrf_from(client, "/help/talk"), "message": "hi",
                                               "urgency": "  "})
    assert response.status_code == 422 and "choose how soon" in response.get_data(as_text=True)
    assert _count(sam, HelpRequest) == before


def test_csv_import_confirm_with_hostile_files_saves_all_or_nothing(demo, client, auth):
    auth.login_as("teacher")
    token = csrf_from(client, "/teach/import")
    cell = st.one_of(st.sampled_from(["Ada", "Lovelace", "8", "Year 9", "", "7B"]), HOSTILE)
    row = st.lists(cell, min_size=3, max_size=5).map(lambda cells: ",".join(
        '"' + c.replace('"', '""') + '"' for c in cells))

    @FAST
    @given(data=st.one_of(st.binary(max_size=300),
                          st.lists(row, max_size=5).map(lambda rows: (CSV_HEADER + "\n".join(rows)).encode(
                              "utf-8", "surrogatepass"))))
    def confirm(data):
        before = _count(demo, User, User.role == Role.PUPIL)
        response = client.post("/teach/import/confirm", data={
            "csrf_token": token, "csv_data": base64.b64encode(data).decode(), "target": "0"})
        _no_500(response)
        after = _count(demo, User, User.role == Role.PUPIL)
        if response.status_code == 302 and not response.headers["Location"].endswith("/teach/import"):
            assert after >= before  # saved whole (rows already here are not added twice)
        else:
            assert response.status_code in (302, 400, 422)
            assert after == before  # nothing half-saved

    confirm()
