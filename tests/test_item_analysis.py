"""Item analysis against hand-computed values: facility, discrimination (Pearson of the question's mark
with the rest of the quiz), option counts, the flags; and the module library's page over HTTP."""

import math
from pathlib import Path

import pytest

from course.content.quizzes import CheckOption, KnowledgeCheck, Option, Question, Quiz
from course.domain import knowledge_check
from course.domain.item_analysis import CheckStats, analyse_questions, pearson
from course.extensions import db
from course.models import Role, User
from course.web.content import library, module_ids

from .factories import make_user


def _single(qid: str, right: str, wrong: list[str]) -> Question:
    return Question(qid, "single", f"Question {qid}?", tuple(
        [Option(right, right, True, "")] + [Option(w, w, False, "") for w in wrong]), False)


QUIZ = Quiz("m", 70, (
    _single("q1", "a", ["b", "c"]),
    _single("q2", "a", ["b"]),
    Question("q3", "multiple", "Which?", (Option("x", "x", True, ""), Option("y", "y", True, ""),
                                          Option("z", "z", False, "")), False),
), Path("m.toml"))


def _attempts() -> list[dict]:
    """Ten pupils. q1 right for the six with the best rest-of-quiz; q2 right for pupils 1-5 and 9;
    q3: full marks for 1-4, half (one of two right) for 5-7, none for 8-10."""
    rows = []
    for n in range(1, 11):
        rows.append({
            "q1": ["a"] if n <= 6 else (["b"] if n % 2 else ["c"]),
            "q2": ["a"] if n <= 5 or n == 9 else ["b"],
            "q3": ["x", "y"] if n <= 4 else (["x"] if n <= 7 else ["z"]),
        })
    return rows


def test_facility_counts_part_marks_and_option_counts_are_plain_counts():
    stats = {s.question.id: s for s in analyse_questions(QUIZ, _attempts())}
    assert stats["q1"].facility == 60 and stats["q2"].facility == 60
    assert stats["q3"].facility == 55  # (4 x 1 + 3 x 0.5 + 3 x 0) / 10
    assert stats["q1"].option_counts == {"a": 6, "b": 2, "c": 2}  # pupils 7 and 9 chose b, 8 and 10 c
    assert stats["q3"].option_counts == {"x": 7, "y": 4, "z": 3}


def test_discrimination_is_the_correlation_with_the_rest_of_the_quiz():
    attempts = _attempts()
    stats = {s.question.id: s for s in analyse_questions(QUIZ, attempts)}
    # By hand for q2: its marks, and each pupil's q1 + q3 marks.
    q2 = [1, 1, 1, 1, 1, 0, 0, 0, 1, 0]
    rest = [2, 2, 2, 2, 1.5, 1.5, 0.5, 0, 0, 0]
    mean_x, mean_y = sum(q2) / 10, sum(rest) / 10
    expected = (sum((x - mean_x) * (y - mean_y) for x, y in zip(q2, rest, strict=True))
                / math.sqrt(sum((x - mean_x) ** 2 for x in q2) * sum((y - mean_y) ** 2 for y in rest)))
    # Worked on paper: the sum of products of deviations is 2.6, the sums of squares 2.4 and 7.525.
    assert expected == pytest.approx(2.6 / math.sqrt(2.4 * 7.525)) == pytest.approx(0.6118, abs=1e-4)
    assert stats["q2"].discrimination == pytest.approx(expected)
    assert pearson([1, 1, 1], [0, 1, 2]) is None  # a question everyone got right separates no one


def test_the_flags_name_a_wrong_option_the_best_pupils_pick_and_a_question_known_before():
    # Make the four best pupils (by the rest of the quiz) all pick q2's wrong option "b".
    attempts = _attempts()
    for n in range(4):
        attempts[n]["q2"] = ["b"]
    stats = {s.question.id: s for s in analyse_questions(QUIZ, attempts)}
    assert stats["q2"].top_wrong == ["b"] and stats["q2"].discrimination < 0
    assert len(stats["q2"].flags) == 2 and stats["q1"].flags == []
    check = KnowledgeCheck("k", "?", "warning_signs", "s", (CheckOption("r", "r", True, False, ""),
                                                          CheckOption("w", "w", False, True, "")))
    from collections import Counter

    assert CheckStats(check, Counter({"r": 9, "w": 1}), Counter()).flags  # 90% right before the lesson
    assert not CheckStats(check, Counter({"r": 8, "w": 2}), Counter()).flags
    assert CheckStats(check, Counter({"r": 4}), Counter()).right_before is None  # too few to show


def test_fewer_than_five_attempts_show_no_figures():
    stats = analyse_questions(QUIZ, _attempts()[:4])
    assert all(s.facility is None and s.discrimination is None for s in stats)


def test_the_library_page_shows_the_schools_figures_without_names(demo, client, auth):
    slug = "ai-fakes"  # no demo class has it, so the six below are the school's only answers
    pupils = [make_user(demo, f"item{n}", Role.PUPIL, display_name=f"Itempupil Number{n}", year_group=8)
              for n in range(6)]
    with demo.app_context():
        check = library().get(slug).quiz.checks[0]
        for pupil_id in pupils:
            knowledge_check.record_before(db.session, db.session.get(User, pupil_id), module_ids()[slug],
                                          {check.id: check.correct_id})
    auth.login_as("teacher")
    html = client.get(f"/teach/library/{slug}/items").get_data(as_text=True)
    assert "How the questions work" in html and "Facility" in html and "Discrimination" in html
    assert "Nearly everyone gets this right before the lesson" in html  # 6 of 6 right before
    assert "Itempupil" not in html
    assert client.get("/teach/library/no-such-module/items").status_code == 404
