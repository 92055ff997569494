"""Tests for bugs a mutation audit planted that survived the suite: each asserts the figure or refusal
a user would notice, so the planted bug now fails here."""

import csv
import hashlib
import io

import pytest
from sqlalchemy import inspect, select, text

from course.domain.class_insight import question_insight
from course.extensions import db
from course.models import AttemptAnswer, QuizAttempt, Role, SchoolClass, User, class_pupil, utcnow
from course.web.content import library, module_ids
from course.web.csv_export import FORMULA_STARTS
from tests.conftest import DEMO
from tests.factories import class_id, make_class, make_school, make_user

# ---------------------------------------------------------------- class insight: known answers


def _question_with_two_wrong_options(quiz):
    return next(q for q in quiz.questions if len([o for o in q.options if o.id not in q.correct_ids]) >= 2)


def _attempt(school_id, pupil_id, module_id, answers: dict[str, list[str]], quiz) -> QuizAttempt:
    attempt = QuizAttempt(school_id=school_id, pupil_id=pupil_id, module_id=module_id, form_token=f"t{pupil_id}-{module_id}",
                          content_hash="x", score=0, correct_count=0, question_count=len(quiz.questions),
                          passed=False, submitted_at=utcnow())
    for position, (question_id, option_ids) in enumerate(answers.items()):
        question = quiz.question(question_id)
        attempt.answers.append(AttemptAnswer(position=position, question_id=question_id, option_ids=option_ids,
                                             correct=set(option_ids) == set(question.correct_ids)))
    db.session.add(attempt)
    return attempt


@pytest.fixture
def insight_school(app):
    """Class A: 3 pupils answer one question (1 right, 2 choose wrong option W1). Class B, same school
    and module: 3 pupils all choose W2. A class-A pupil's attempt at another module, and another
    school's pupil: none of these may be counted for class A."""
    school_id = make_school(app, "Insight School")
    teacher = make_user(app, "insight-teacher", school_id=school_id)
    a_pupils = [make_user(app, f"a{n}", role=Role.PUPIL, school_id=school_id, year_group=8) for n in range(3)]
    b_pupils = [make_user(app, f"b{n}", role=Role.PUPIL, school_id=school_id, year_group=8) for n in range(3)]
    class_a = make_class(app, "Class A", teacher, a_pupils, year_group=8)
    make_class(app, "Class B", teacher, b_pupils, year_group=8)
    other_school = make_school(app, "Other School")
    stranger = make_user(app, "stranger", role=Role.PUPIL, school_id=other_school, year_group=8)
    with app.app_context():
        slug = "people-online"
        quiz = library().get(slug).quiz
        question = _question_with_two_wrong_options(quiz)
        right = sorted(question.correct_ids)
        w1, w2 = [o.id for o in question.options if o.id not in question.correct_ids][:2]
        module_id = module_ids()[slug]
        other_module = next(i for s, i in module_ids().items() if s != slug)
        _attempt(school_id, a_pupils[0], module_id, {question.id: right}, quiz)
        _attempt(school_id, a_pupils[1], module_id, {question.id: [w1]}, quiz)
        _attempt(school_id, a_pupils[2], module_id, {question.id: [w1]}, quiz)
        for pupil in b_pupils:
            _attempt(school_id, pupil, module_id, {question.id: [w2]}, quiz)
        other_quiz = library().get(next(s for s, i in module_ids().items() if i == other_module)).quiz
        other_question = other_quiz.questions[0]
        wrong_elsewhere = [o.id for o in other_question.options if o.id not in other_question.correct_ids][:1]
        _attempt(school_id, a_pupils[1], other_module, {other_question.id: wrong_elsewhere}, other_quiz)
        _attempt(other_school, stranger, module_id, {question.id: [w2]}, quiz)
        db.session.commit()
    return {"school_id": school_id, "class_a": class_a, "module_id": module_id, "slug": slug, "question": question, "w1": w1, "w2": w2}


def test_class_insight_counts_only_this_class_and_module(app, insight_school):
    with app.app_context():
        school_class = db.session.get(SchoolClass, insight_school["class_a"])
        quiz = library().get(insight_school["slug"]).quiz
        rows = {row.question.id: row for row in question_insight(db.session, school_class,
                                                                 insight_school["module_id"], quiz)}
    row = rows[insight_school["question"].id]
    assert (row.answered, row.correct, row.percent_correct) == (3, 1, 33)
    assert row.common_wrong.id == insight_school["w1"] and row.common_wrong_count == 2
    assert all(r.answered == 0 and r.percent_correct is None for q, r in rows.items() if q != insight_school["question"].id)


def test_class_insight_page_shows_the_figures(app, client, auth, insight_school):
    auth.login("insight-teacher", "a-long-test-password", school_id=insight_school["school_id"])
    html = client.get(f"/teach/classes/{insight_school['class_a']}/insight/{insight_school['slug']}").get_data(as_text=True)
    assert "33%" in html
    w1_text = next(o.text for o in insight_school["question"].options if o.id == insight_school["w1"])
    assert w1_text.split()[0] in html

# ---------------------------------------------------------------- CSV formula escaping, every export


HOSTILE = {"equals": "=HYPERLINK(\"http://x\")", "plus": "+1+1", "minus": "-1+1", "at": "@SUM(A1)",
           "tab": "\t=1", "carriage return": "\r=1"}


def _csv_routes(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv"))


def test_the_csv_exports_are_the_ones_tested_here(app):
    assert _csv_routes(app) == ["safeguarding.export_coverage", "safeguarding.export_staff_training",
                                "teacher.export_answers", "teacher.export_grid"]


def _cells(response) -> list[str]:
    assert response.status_code == 200
    body = response.get_data(as_text=True).lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row]


@pytest.mark.parametrize("kind", HOSTILE, ids=list(HOSTILE))
def test_every_csv_export_escapes_formulas(demo, client, auth, kind):
    value = HOSTILE[kind]
    target = class_id(demo, "8A PSHE")
    with demo.app_context():
        db.session.get(SchoolClass, target).name = value + " class"
        db.session.scalars(select(User).where(User.username == "sam")).one().display_name = value + " Sam"
        db.session.scalars(select(User).where(User.username == "teacher")).one().display_name = value + " Evans"
        # A pupil of the class with a quiz attempt, so the answers export has a row to name them in.
        db.session.get(User, db.session.scalars(select(QuizAttempt.pupil_id).join(
            class_pupil, class_pupil.c.pupil_id == QuizAttempt.pupil_id)
            .where(class_pupil.c.class_id == target, QuizAttempt.module_id == module_ids()["people-online"]))
            .first()).display_name = value + " Ada"
        db.session.commit()
    auth.login_as("teacher")
    grid = _cells(client.get(f"/teach/classes/{target}/export.csv"))
    answers = _cells(client.get(f"/teach/classes/{target}/insight/people-online/answers.csv"))
    auth.logout()
    auth.login_as("dsl")
    coverage = _cells(client.get("/safeguarding/coverage.csv"))
    staff = _cells(client.get("/safeguarding/staff-training.csv"))
    for name, cells in (("class grid", grid), ("quiz answers", answers), ("coverage", coverage),
                        ("staff training", staff)):
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], name
        hostile = [c for c in cells if value in c]
        assert hostile and all(c.startswith("'") for c in hostile), (name, hostile)

# ---------------------------------------------------------------- leavers


def test_a_leaver_cannot_log_in_even_with_the_right_password(demo, client, auth):
    with demo.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        sam.left_at = utcnow()
        db.session.commit()
    response = auth.login_as("pupil", follow=True)
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/lessons/").status_code == 302  # not logged in


def test_a_pupil_marked_as_a_leaver_is_logged_out_at_the_next_request(demo, client, auth):
    auth.login_as("pupil")
    assert client.get("/lessons/").status_code == 200
    with demo.app_context():
        db.session.scalars(select(User).where(User.username == "sam")).one().left_at = utcnow()
        db.session.commit()
    assert client.get("/lessons/").status_code == 302

# ---------------------------------------------------------------- CSRF on every POST route


def _fingerprint(app) -> str:
    """Every row of every table, hashed: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in sorted(inspect(db.engine).get_table_names()):
            rows = db.session.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608 (names from the schema)
            digest.update(f"{table}:{sorted(map(repr, rows))}".encode())
        db.session.rollback()
    return digest.hexdigest()


# Fields most forms take, so that a route that skipped the CSRF check would likely change something.
BODY = {"name": "Changed by a forged form", "display_name": "Forged", "username": "forged", "password": "x" * 20,
        "new_password": "forged-password-123", "confirm": "forged-password-123", "body": "forged note",
        "message": "forged", "status": "closed", "first_name": "Forged", "last_name": "Form", "year_group": "8",
        "confirm_name": "forged", "role": "admin", "module": "people-online", "due_date": "2030-01-01"}


def _post_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            values = {arg: "people-online" if arg == "slug" else 1 for arg in rule.arguments}
            routes.append((rule.endpoint, rule.build(values, append_unknown=False)[1]))
    return sorted(routes)


def test_there_are_many_post_routes(app):
    assert len(_post_routes(app)) >= 30


@pytest.mark.parametrize("role", [None, "pupil", "teacher", "dsl", "admin"])
def test_every_post_route_without_a_token_is_400_and_changes_nothing(demo, client, auth, role):
    if role:
        auth.login_as(role)
    before = _fingerprint(demo)
    for endpoint, path in _post_routes(demo):
        response = client.post(path, data=BODY)
        assert response.status_code == 400, (endpoint, path, response.status_code)
        assert "timed out" in response.get_data(as_text=True), endpoint
        wrong = client.post(path, data={**BODY, "csrf_token": "not-the-token"})
        assert wrong.status_code == 400, (endpoint, "wrong token")
    assert _fingerprint(demo) == before
    assert DEMO  # the demo logins the fixture used
