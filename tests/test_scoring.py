"""The marking rules, table by table: part marks on "choose all that apply", ticking everything, the pass mark."""

from fractions import Fraction
from pathlib import Path

import pytest

from course.config import PROJECT_ROOT
from course.content import load_library
from course.content.quiz_quality import tick_all_credit
from course.content.quizzes import Option, Question, Quiz
from course.domain.scoring import InvalidAnswers, mark_quiz, question_credit


def _question(qid: str, qtype: str, right: str, wrong: str) -> Question:
    """A question whose options are named by letters: right="ab", wrong="cd"."""
    options = [Option(o, f"Option {o}", True, "Yes.") for o in right]
    options += [Option(o, f"Option {o}", False, "Not quite.") for o in wrong]
    return Question(qid, qtype, f"Question {qid}?", tuple(options), False)


def _true_false(qid: str, answer: str = "true") -> Question:
    return Question(qid, "true_false", "Is it?", (Option("true", "True", answer == "true", "."),
                                                   Option("false", "False", answer == "false", ".")), False)


def _quiz(*questions: Question, pass_mark: int = 70) -> Quiz:
    return Quiz("m", pass_mark, tuple(questions), Path("quizzes/m.toml"))


MULTIPLE = _question("q3", "multiple", right="abc", wrong="de")  # 3 right, 2 wrong


@pytest.mark.parametrize("question, chosen, credit", [
    # single: one right option
    (_question("s", "single", "a", "bc"), "a", 1),
    (_question("s", "single", "a", "bc"), "b", 0),
    # true/false, stated either way round
    (_true_false("t", "true"), ["true"], 1),
    (_true_false("t", "true"), ["false"], 0),
    (_true_false("f", "false"), ["false"], 1),
    # multiple: (right ticked - wrong ticked) / right options, never below 0
    (MULTIPLE, "abc", 1),
    (MULTIPLE, "ab", Fraction(2, 3)),      # one near miss
    (MULTIPLE, "a", Fraction(1, 3)),       # two near misses still earn something
    (MULTIPLE, "abd", Fraction(1, 3)),     # a wrong tick takes back a right one
    (MULTIPLE, "abcd", Fraction(2, 3)),
    (MULTIPLE, "abcde", Fraction(1, 3)),   # ticking every option
    (MULTIPLE, "ade", 0),                  # more wrong than right: 0, not negative
    (MULTIPLE, "de", 0),
    (MULTIPLE, "", 0),                     # ticking none
    (_question("two", "multiple", "ab", "c"), "abc", Fraction(1, 2)),
], ids=lambda value: value.id if isinstance(value, Question) else str(value))
def test_question_credit(question, chosen, credit):
    assert question_credit(question, list(chosen)) == credit


@pytest.mark.parametrize("answers, score, passed, fully_right, partly", [
    # q1 single, q2 true/false, q3 multiple (3 right, 2 wrong): the quiz score is the mean, rounded down
    ({"q1": ["a"], "q2": ["true"], "q3": list("abc")}, 100, True, 3, 0),
    ({"q1": ["a"], "q2": ["true"], "q3": list("ab")}, 88, True, 2, 1),        # (1 + 1 + 2/3) / 3 = 88.9
    ({"q1": ["a"], "q2": ["false"], "q3": list("ab")}, 55, False, 1, 1),      # (1 + 0 + 2/3) / 3 = 55.6
    ({"q1": ["b"], "q2": ["false"], "q3": list("de")}, 0, False, 0, 0),
    ({"q1": ["a"], "q2": ["true"], "q3": list("abcde")}, 77, True, 2, 1),     # ticking all of q3
])
def test_the_quiz_score_is_the_mean_of_the_questions(answers, score, passed, fully_right, partly):
    quiz = _quiz(_question("q1", "single", "a", "bc"), _true_false("q2"), MULTIPLE)
    result = mark_quiz(quiz, answers)
    assert (result.score, result.passed, result.correct_count, result.partly_right_count) == \
        (score, passed, fully_right, partly)
    assert result.question_count == 3


def test_ticking_every_option_never_earns_full_marks():
    quiz = _quiz(MULTIPLE, _question("more", "multiple", "ab", "cd"), pass_mark=50)
    result = mark_quiz(quiz, {"q3": list("abcde"), "more": list("abcd")})
    assert result.score == 16 and not result.passed  # (1/3 + 0) / 2
    assert not any(answer.correct for answer in result.answers)


@pytest.mark.parametrize("right, pass_mark, score, passed", [
    (7, 70, 70, True),     # exactly at the pass mark passes
    (6, 70, 60, False),
    (10, 100, 100, True),
    (9, 100, 90, False),
    (1, 10, 10, True),
])
def test_the_pass_mark_boundary(right, pass_mark, score, passed):
    questions = [_question(f"q{n}", "single", "a", "b") for n in range(10)]
    answers = {q.id: ["a"] if n < right else ["b"] for n, q in enumerate(questions)}
    result = mark_quiz(_quiz(*questions, pass_mark=pass_mark), answers)
    assert (result.score, result.passed) == (score, passed)


@pytest.mark.parametrize("chosen, pass_mark, score, passed", [
    ("ab", 70, 70, True),   # (1 + 2/5) / 2 = exactly 70%: passes
    ("a", 70, 60, False),
    ("ab", 71, 70, False),
])
def test_the_pass_mark_boundary_with_part_marks(chosen, pass_mark, score, passed):
    five = _question("five", "multiple", "abcde", "fg")
    result = mark_quiz(_quiz(_question("one", "single", "a", "b"), five, pass_mark=pass_mark),
                       {"one": ["a"], "five": list(chosen)})
    assert (result.score, result.passed) == (score, passed)


def test_two_thirds_is_below_a_pass_mark_of_67():
    """The pass is decided on the exact mean, not on a rounded one: 66.67% does not pass at 67."""
    quiz = _quiz(*[_question(f"q{n}", "single", "a", "b") for n in range(3)], pass_mark=67)
    result = mark_quiz(quiz, {"q0": ["a"], "q1": ["a"], "q2": ["b"]})
    assert (result.score, result.passed) == (66, False)


@pytest.mark.parametrize("answers, message", [
    ({"q1": ["a"]}, "Question 2 has no answer."),                        # ticking none is not an answer
    ({"q1": ["a"], "q2": []}, "Question 2 has no answer."),
    ({"q1": ["a", "b"], "q2": ["a"]}, "Question 1 takes one answer."),
    ({"q1": ["z"], "q2": ["a"]}, "Question 1: that answer is not one of the options."),
    ({"q1": ["a"], "q2": ["a"], "q9": ["a"]}, "The answers name a question that is not in this quiz."),
])
def test_answers_that_do_not_fit_are_refused(answers, message):
    quiz = _quiz(_question("q1", "single", "a", "bc"), _question("q2", "multiple", "abc", "de"))
    with pytest.raises(InvalidAnswers) as refused:
        mark_quiz(quiz, answers)
    assert str(refused.value) == message


def test_the_content_check_counts_tick_all_by_the_marking_rule():
    """quiz_quality.tick_all_credit repeats the rule for the content check: the two must agree."""
    content, _ = load_library(PROJECT_ROOT)
    multiple = [q for m in content.modules.values() for q in m.quiz.questions if q.type == "multiple"]
    assert multiple
    for question in [*multiple, MULTIPLE]:
        assert tick_all_credit(question.options) == question_credit(question, [o.id for o in question.options])
