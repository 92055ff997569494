"""The pupil's before-and-after check: offered before the first page, skippable, no feedback before the
lesson; the same items end the quiz, and the result shows both answers with the right one. Bad answers
are refused whole, nothing saved."""

import re

from sqlalchemy import func, select

from course.extensions import db
from course.models import CheckPhase, KnowledgeCheckAnswer, KnowledgeCheckAttempt, QuizAttempt, User
from course.web.content import library

from .conftest import csrf_from

SLUG = "people-online"
START, CHECK, QUIZ = f"/lessons/{SLUG}/", f"/lessons/{SLUG}/check", f"/lessons/{SLUG}/quiz"


def _module(app):
    with app.app_context():
        return library().get(SLUG)


def _attempts(app) -> dict[str, tuple[bool, dict[str, str]]]:
    with app.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        rows = db.session.scalars(select(KnowledgeCheckAttempt).where(KnowledgeCheckAttempt.pupil_id == sam.id))
        return {r.phase: (r.skipped, {a.check_id: a.option_id for a in r.answers}) for r in rows}


def _read_every_page(client, module):
    for number in range(1, module.page_count + 1):
        client.post(f"/lessons/{SLUG}/page/{number}", data={"csrf_token": csrf_from(client, f"/lessons/{SLUG}/page/{number}")})


def _quiz_form(client, module, checks: dict[str, str]) -> dict:
    html = client.get(QUIZ).get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_from(client, QUIZ), "form_token": token}
    for question in module.quiz.questions:
        data[f"q-{question.id}"] = sorted(question.correct_ids)
    data.update({f"k-{check_id}": option for check_id, option in checks.items()})
    return data


def test_the_check_comes_first_without_feedback_and_its_items_come_back_at_the_end(demo, client, auth):
    module = _module(demo)
    checks = module.quiz.checks
    first, second = checks[0], checks[1]
    misconception = sorted(first.misconception_ids)[0]
    auth.login_as("pupil")

    assert client.get(START).headers["Location"].endswith(CHECK)
    html = client.get(CHECK).get_data(as_text=True)
    assert "What do you think?" in html and "no score" in html and "skip" in html.lower()
    for check in checks:
        for option in check.options:
            assert f'name="k-{check.id}" value="{option.id}"' in html
            assert option.feedback not in html, "feedback must not be shown before the lesson"
    assert not re.search(r"correct|right answer|not quite|well done", html, re.I)

    # Two items answered (one with a misconception), one "not sure", the rest left: only the two are saved.
    saved = client.post(CHECK, data={"csrf_token": csrf_from(client, CHECK), f"k-{first.id}": misconception,
                                     f"k-{second.id}": second.correct_id, f"k-{checks[2].id}": ""})
    assert saved.headers["Location"].endswith(f"/lessons/{SLUG}/page/1")
    assert _attempts(demo) == {CheckPhase.BEFORE: (False, {first.id: misconception, second.id: second.correct_id})}

    # Not offered again, and a second form (Back, then send again) changes nothing.
    assert client.get(START).headers["Location"].endswith("/page/1")
    assert client.get(CHECK).headers["Location"].endswith("/page/1")
    client.post(CHECK, data={"csrf_token": csrf_from(client, f"/lessons/{SLUG}/page/1"), f"k-{first.id}": first.correct_id})
    assert _attempts(demo)[CheckPhase.BEFORE][1][first.id] == misconception

    _read_every_page(client, module)
    quiz = client.get(QUIZ).get_data(as_text=True)
    assert "The questions from the start, once more" in quiz
    assert all(f'name="k-{check.id}"' in quiz for check in checks)
    result = client.post(QUIZ, data=_quiz_form(client, module, {c.id: c.correct_id for c in checks}), follow_redirects=True)
    page = result.get_data(as_text=True)
    assert "What you thought at the start, and now" in page
    assert first.option(misconception).text in page and first.option(first.correct_id).feedback in page
    assert "you skipped" not in page
    after = _attempts(demo)[CheckPhase.AFTER]
    assert after == (False, {c.id: c.correct_id for c in checks})

    # Taking the quiz again replaces "after" with what the pupil thinks now; "before" stays.
    wrong = sorted(first.misconception_ids)[-1]
    client.post(QUIZ, data=_quiz_form(client, module, {first.id: wrong}))
    now = _attempts(demo)
    assert now[CheckPhase.AFTER][1] == {first.id: wrong}
    assert now[CheckPhase.BEFORE][1][first.id] == misconception

    # The pupil's teacher sees both answers on the pupil's page (a pupil's own answers: theirs and their teachers').
    auth.logout()
    auth.login_as("teacher")
    with demo.app_context():
        sam = db.session.scalars(select(User.id).where(User.username == "sam")).one()
    page = client.get(f"/teach/pupils/{sam}").get_data(as_text=True)
    section = page[page.index("What they thought before the lesson, and after the quiz"):]
    assert first.option(misconception).text in section and first.option(wrong).text in section


def test_skipping_is_remembered_and_the_result_says_so(demo, client, auth):
    module = _module(demo)
    auth.login_as("pupil")
    client.post(CHECK, data={"csrf_token": csrf_from(client, CHECK), "skip": "1",
                             f"k-{module.quiz.checks[0].id}": module.quiz.checks[0].correct_id})
    assert _attempts(demo) == {CheckPhase.BEFORE: (True, {})}  # "Skip" saves no answer, even one chosen
    assert client.get(START).headers["Location"].endswith("/page/1")
    _read_every_page(client, module)
    result = client.post(QUIZ, data=_quiz_form(client, module, {module.quiz.checks[0].id: module.quiz.checks[0].correct_id}),
                         follow_redirects=True)
    assert "you skipped the questions" in result.get_data(as_text=True)


def test_a_pupil_who_has_started_reading_is_not_asked_what_they_thought_before(demo, client, auth):
    auth.login_as("pupil")
    client.post(f"/lessons/{SLUG}/page/1", data={"csrf_token": csrf_from(client, f"/lessons/{SLUG}/page/1")})
    assert client.get(START).headers["Location"].endswith("/page/2")
    assert client.get(CHECK).headers["Location"].endswith("/page/1")
    assert _attempts(demo) == {}


def test_answers_that_do_not_fit_the_check_are_refused_and_nothing_is_saved(demo, client, auth):
    module = _module(demo)
    check = module.quiz.checks[0]
    auth.login_as("pupil")
    for bad in ({"k-no-such-item": "x"}, {f"k-{check.id}": "no-such-option"},
                {f"k-{check.id}": [check.correct_id, sorted(check.misconception_ids)[0]]}):
        response = client.post(CHECK, data={"csrf_token": csrf_from(client, CHECK), **bad})
        assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)
    assert _attempts(demo) == {}
    # At the end of the quiz too: the whole quiz is refused, no attempt stored.
    _read_every_page(client, module)
    response = client.post(QUIZ, data=_quiz_form(client, module, {check.id: "no-such-option"}))
    assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt).join(
            User, User.id == QuizAttempt.pupil_id).where(User.username == "sam")) == 0
        assert db.session.scalar(select(func.count()).select_from(KnowledgeCheckAnswer)
                                 .join(KnowledgeCheckAttempt).join(User, User.id == KnowledgeCheckAttempt.pupil_id)
                                 .where(User.username == "sam")) == 0


def test_a_module_without_a_check_has_no_check_page(demo, client, auth, monkeypatch):
    import dataclasses

    module = _module(demo)
    with demo.app_context():
        lib = library()
        monkeypatch.setitem(lib.modules, SLUG, dataclasses.replace(module, quiz=dataclasses.replace(module.quiz, checks=())))
    auth.login_as("pupil")
    assert client.get(CHECK).status_code == 404
    assert client.get(START).headers["Location"].endswith("/page/1")


def test_two_quiz_forms_sent_at_once_keep_one_after_row_with_the_later_answers(demo, monkeypatch):
    """The race of two tabs: this request looked and found no "after" row, the other request's row was
    committed before this one inserts. The insert meets the unique constraint, and this request's answers
    replace the other's in that row (no error, one row)."""
    from course.domain import knowledge_check
    from course.web.content import module_ids

    module = _module(demo)
    first, second = module.quiz.checks[0], module.quiz.checks[1]
    with demo.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        module_id = module_ids()[SLUG]
        knowledge_check.stage_after(db.session, sam, module_id, {first.id: first.correct_id})  # the other tab
        db.session.commit()
        real, looked = db.session.scalars, []

        def scalars_missing_the_row_once(statement, *args, **kwargs):
            result = real(statement, *args, **kwargs)
            if not looked and "knowledge_check_attempt" in str(statement):
                looked.append(True)
                result.all()  # this request read before the other committed: it saw nothing
                return type("Nothing", (), {"first": lambda self: None})()
            return result

        monkeypatch.setattr(db.session, "scalars", scalars_missing_the_row_once)
        knowledge_check.stage_after(db.session, sam, module_id, {second.id: second.correct_id})
        db.session.commit()
        monkeypatch.undo()
    assert looked
    assert _attempts(demo)[CheckPhase.AFTER] == (False, {second.id: second.correct_id})
