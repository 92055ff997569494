"""A class's answers to one module, one row per quiz attempt, one pair of columns per question: the
per-pupil, per-question export Moodle's quiz "Responses" report gives, for a spreadsheet.

For the class's teachers only (it names pupils next to their answers). Three queries whatever the class's size.
"""

from collections.abc import Callable
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content.quizzes import Quiz
from ..models import (
    AttemptAnswer,
    CheckPhase,
    KnowledgeCheckAnswer,
    KnowledgeCheckAttempt,
    QuizAttempt,
    SchoolClass,
    User,
    class_pupil,
)
from .scoring import question_credit


def _mark(credit: Fraction) -> str:
    return "1" if credit == 1 else ("0" if credit == 0 else f"{float(credit):.2f}")


def class_answer_rows(session: Session, school_class: SchoolClass, module_id: int, quiz: Quiz,
                      text: Callable[[str], str]) -> list[list]:
    """The header and one row per attempt by the class's pupils, by pupil then time. `text` turns an
    option's text (with the school's tokens) into plain text."""
    in_class = select(class_pupil.c.pupil_id).where(class_pupil.c.class_id == school_class.id)
    of_class = (QuizAttempt.school_id == school_class.school_id, QuizAttempt.module_id == module_id,
                QuizAttempt.pupil_id.in_(in_class))
    attempts = session.execute(
        select(QuizAttempt, User.display_name, User.username).join(User, User.id == QuizAttempt.pupil_id)
        .where(*of_class).order_by(User.display_name, User.id, QuizAttempt.submitted_at, QuizAttempt.id)).all()
    chosen_by_attempt: dict[int, dict[str, list[str]]] = {}
    for attempt_id, question_id, option_ids in session.execute(
            select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.option_ids)
            .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id).where(*of_class)):
        chosen_by_attempt.setdefault(attempt_id, {})[question_id] = option_ids
    checks: dict[tuple[int, str], dict[str, str]] = {}
    for pupil_id, phase, check_id, option_id in session.execute(
            select(KnowledgeCheckAttempt.pupil_id, KnowledgeCheckAttempt.phase, KnowledgeCheckAnswer.check_id,
                   KnowledgeCheckAnswer.option_id)
            .join(KnowledgeCheckAttempt, KnowledgeCheckAttempt.id == KnowledgeCheckAnswer.attempt_id)
            .where(KnowledgeCheckAttempt.school_id == school_class.school_id,
                   KnowledgeCheckAttempt.module_id == module_id, KnowledgeCheckAttempt.pupil_id.in_(in_class))):
        checks.setdefault((pupil_id, phase), {})[check_id] = option_id
    header = ["Pupil", "Username", "Attempt", "Submitted (UTC)", "Score (%)", "Passed"]
    for number in range(1, len(quiz.questions) + 1):
        header += [f"Q{number} answer", f"Q{number} mark"]
    for number in range(1, len(quiz.checks) + 1):
        header += [f"Check {number} before", f"Check {number} after"]
    rows = [header]
    tries: dict[int, int] = {}
    for attempt, name, username in attempts:
        tries[attempt.pupil_id] = tries.get(attempt.pupil_id, 0) + 1
        chosen = chosen_by_attempt.get(attempt.id, {})
        row = [name, username, tries[attempt.pupil_id], attempt.submitted_at.strftime("%Y-%m-%d %H:%M"),
               attempt.score, "yes" if attempt.passed else "no"]
        for question in quiz.questions:
            picked = chosen.get(question.id)
            if picked is None:
                row += ["", ""]
                continue
            row += ["; ".join(text(o.text) for o in question.options if o.id in picked),
                    _mark(question_credit(question, picked))]
        for check in quiz.checks:
            for phase in (CheckPhase.BEFORE, CheckPhase.AFTER):
                option = check.option(checks.get((attempt.pupil_id, phase), {}).get(check.id, ""))
                row.append(text(option.text) if option else "")
        rows.append(row)
    return rows
