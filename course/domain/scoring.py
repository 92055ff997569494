"""How a quiz is marked: one mark per question, part marks on "choose all that apply".

A single-answer or true/false question earns 1 when the right option is chosen, else 0. A "multiple"
question earns (right options ticked - wrong options ticked) / right options, never below 0: the
"partial credit with penalty" rule of Canvas's quizzes. Two near misses still earn most of the
question, and ticking every option cannot earn it all (each wrong tick takes back one right one).
The quiz score is the mean over its questions, as a percent rounded down; it passes at pass_mark.
Why this rule and not Moodle's or all-or-nothing: docs/content-format.md ("Marking").
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..content.quizzes import Question, Quiz


class InvalidAnswers(ValueError):
    """The answers do not fit the quiz: a question left out, or an option that does not exist."""


@dataclass(frozen=True)
class MarkedAnswer:
    question_id: str
    chosen: tuple[str, ...]
    correct: bool  # fully right: exactly the right options
    credit: Fraction = Fraction(0)  # the share of the question earned, 0 to 1


@dataclass(frozen=True)
class QuizResult:
    answers: tuple[MarkedAnswer, ...]
    correct_count: int  # questions fully right
    question_count: int
    score: int  # percent: the mean of the questions' credit, rounded down
    passed: bool

    @property
    def partly_right_count(self) -> int:
        return sum(1 for answer in self.answers if 0 < answer.credit < 1)


@dataclass(frozen=True)
class Choices:
    """What a pupil ticked on one question, counted against its right options."""

    right_chosen: int
    wrong_chosen: int
    right_total: int


def choices(question: Question, chosen: Iterable[str]) -> Choices:
    chosen = set(chosen)
    right = question.correct_ids
    return Choices(len(chosen & right), len(chosen - right), len(right))


def question_credit(question: Question, chosen: Iterable[str]) -> Fraction:
    """The share of one question earned by the options chosen (unknown option ids count as wrong)."""
    counted = choices(question, chosen)
    if question.type != "multiple":
        return Fraction(int(counted.right_chosen == 1 and counted.wrong_chosen == 0))
    return max(Fraction(0), Fraction(counted.right_chosen - counted.wrong_chosen, counted.right_total))


def mark_quiz(quiz: Quiz, submitted: Mapping[str, Sequence[str]]) -> QuizResult:
    """Mark every question; raises InvalidAnswers if any answer is missing or names no real option."""
    marked = []
    for question in quiz.questions:
        chosen = tuple(dict.fromkeys(submitted.get(question.id, ())))  # de-duplicated, order kept
        if not chosen:
            raise InvalidAnswers(f"Question {quiz.questions.index(question) + 1} has no answer.")
        unknown = [c for c in chosen if question.option(c) is None]
        if unknown:
            raise InvalidAnswers(f"Question {quiz.questions.index(question) + 1}: that answer is not one of the options.")
        if question.type != "multiple" and len(chosen) > 1:
            raise InvalidAnswers(f"Question {quiz.questions.index(question) + 1} takes one answer.")
        marked.append(MarkedAnswer(question.id, chosen, frozenset(chosen) == question.correct_ids,
                                   question_credit(question, chosen)))
    unknown_questions = set(submitted) - {q.id for q in quiz.questions}
    if unknown_questions:
        raise InvalidAnswers("The answers name a question that is not in this quiz.")
    total = len(quiz.questions)
    exact = sum((answer.credit for answer in marked), Fraction(0)) * 100 / total
    score = int(exact)  # rounded down; exact is never negative
    # Compared exactly: a pass mark of 70 is met by 7 of 10, never by 69.99.
    return QuizResult(tuple(marked), sum(answer.correct for answer in marked), total, score,
                      exact >= quiz.pass_mark)
