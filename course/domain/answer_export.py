"""A class's answers to one module, one row per quiz attempt, one pair of columns per question: the
per-pupil, per-question export Moodle's quiz "Responses" report gives, for a spreadsheet.

For the class's teachers only (it names pupils next to their answers). Two queries whatever the class's size.
"""

from collections.abc import Callable
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..content.quizzes import Quiz
from ..models import CheckPhase, KnowledgeCheckAttempt, QuizAttempt, SchoolClass, User, class_pupil
from .scoring import question_credit


def _mark(credit: Fraction) -> str:
    return "1" if credit == 1 else ("0" if credit == 0 else f"{float(credit):.2f}")


def class_answer_rows(session: Session, school_class: SchoolClass, module_id: int, quiz: Quiz,
                      text: Callable[[str], str]) -> list[list]:
    """The header and one row per attempt by the class's pupils, by pupil then time. `text` turns an
    option's text (with the school's tokens) into plain text."""
    in_class = select(class_pupil.c.pupil_id).where(class_pupil.c.class_id == school_class.id)
    attempts = session.execute(
        select(QuizAttempt, User.display_name, User.username).join(User, User.id == QuizAttempt.pupil_id)
        .where(QuizAttempt.school_id == school_class.school_id, QuizAttempt.module_id == module_id,
               QuizAttempt.pupil_id.in_(in_class))
        .options(selectinload(QuizAttempt.answers))
        .order_by(User.display_name, User.id, QuizAttempt.submitted_at, QuizAttempt.id)).all()
    checks = {}
    for attempt in session.scalars(select(KnowledgeCheckAttempt).where(
            KnowledgeCheckAttempt.school_id == school_class.school_id, KnowledgeCheckAttempt.module_id == module_id,
            KnowledgeCheckAttempt.pupil_id.in_(in_class)).options(selectinload(KnowledgeCheckAttempt.answers))):
        checks[(attempt.pupil_id, attempt.phase)] = {a.check_id: a.option_id for a in attempt.answers}
    header = ["Pupil", "Username", "Attempt", "Submitted (UTC)", "Score (%)", "Passed"]
    for number in range(1, len(quiz.questions) + 1):
        header += [f"Q{number} answer", f"Q{number} mark"]
    for number in range(1, len(quiz.checks) + 1):
        header += [f"Check {number} before", f"Check {number} after"]
    rows = [header]
    tries: dict[int, int] = {}
    for attempt, name, username in attempts:
        tries[attempt.pupil_id] = tries.get(attempt.pupil_id, 0) + 1
        chosen = {answer.question_id: answer.option_ids for answer in attempt.answers}
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
