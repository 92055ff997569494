"""How a quiz is marked."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..content.quizzes import Quiz


class InvalidAnswers(ValueError):
    """The answers do not fit the quiz: a question left out, or an option that does not exist."""


@dataclass(frozen=True)
class MarkedAnswer:
    question_id: str
    chosen: tuple[str, ...]
    correct: bool


@dataclass(frozen=True)
class QuizResult:
    answers: tuple[MarkedAnswer, ...]
    correct_count: int
    question_count: int
    score: int  # percent, rounded down
    passed: bool


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
        marked.append(MarkedAnswer(question.id, chosen, frozenset(chosen) == question.correct_ids))
    unknown_questions = set(submitted) - {q.id for q in quiz.questions}
    if unknown_questions:
        raise InvalidAnswers("The answers name a question that is not in this quiz.")
    correct = sum(answer.correct for answer in marked)
    total = len(quiz.questions)
    score = correct * 100 // total
    return QuizResult(tuple(marked), correct, total, score, score >= quiz.pass_mark)
