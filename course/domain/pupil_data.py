"""A pupil's data for an admin: everything Harbour holds about them (export), and erasing it.

Plain functions over a session; the admin pages call them, audit, and commit. Erasure deletes the
pupil's account, and with it (ON DELETE CASCADE) their progress, quiz attempts, answers and class
places. What is kept: the audit log (events keep their labels; the account's id in them becomes
empty) and anonymous counts (one `LeaverSummary` row with reason "erased": how many modules the
pupil completed and quizzes they passed, by school year and year group, with no name or id).

An admin asks for an erasure and a safeguarding lead confirms it (role_boundaries.py), for every
pupil alike: only a lead may know whether a pupil asked to talk, so nothing an admin sees may differ
between pupils who did and pupils who did not. When the lead confirms, requests to talk stay (they are
safeguarding records, kept under the school's safeguarding retention) with the pupil's link emptied.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import (
    AttemptAnswer,
    HelpRequest,
    KnowledgeCheckAnswer,
    KnowledgeCheckAttempt,
    LeaverSummary,
    Module,
    Progress,
    QuizAttempt,
    Role,
    SchoolClass,
    Status,
    User,
    assignment_pupil,
    class_pupil,
)
from .school_year import school_year_of


class CannotErase(Exception):
    """Erasing this pupil is refused; the message says why and what to do."""


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


REQUESTS_HELD_BY_THE_LEAD = (
    "Not included. Requests to talk are safeguarding records, seen only by the school's safeguarding "
    "leads; ask a safeguarding lead for them.")


def export(session: Session, pupil: User) -> dict[str, Any]:
    """Everything held about the pupil, as plain data (JSON-ready). Never the password hash."""
    modules = dict(session.execute(select(Module.id, Module.title)).tuples().all())
    classes = session.scalars(select(SchoolClass).join(class_pupil, class_pupil.c.class_id == SchoolClass.id)
                              .where(class_pupil.c.pupil_id == pupil.id).order_by(SchoolClass.name)).all()
    progress = session.scalars(select(Progress).where(Progress.pupil_id == pupil.id).order_by(Progress.id)).all()
    attempts = session.scalars(select(QuizAttempt).where(QuizAttempt.pupil_id == pupil.id)
                               .order_by(QuizAttempt.submitted_at, QuizAttempt.id)).all()
    checks = session.scalars(select(KnowledgeCheckAttempt).where(KnowledgeCheckAttempt.pupil_id == pupil.id)
                             .order_by(KnowledgeCheckAttempt.module_id, KnowledgeCheckAttempt.phase.desc())).all()
    return {
        "exported_at": _when(datetime.now().replace(microsecond=0)),
        "pupil": {
            "id": pupil.id, "school": pupil.school.name, "name": pupil.display_name, "username": pupil.username,
            "year_group": pupil.year_group, "mis_id": pupil.mis_id, "account_active": pupil.is_active_account,
            "must_change_password": pupil.must_change_password, "left_at": _when(pupil.left_at),
            "created_at": _when(pupil.created_at), "last_login_at": _when(pupil.last_login_at),
            # Sign-in without a password: the school account, the provider account linked to it, and when
            # the current QR card was issued (never the card's code, like never the password hash).
            "school_account": pupil.sso_name, "school_account_link": pupil.sso_subject,
            "school_account_linked_at": _when(pupil.sso_linked_at), "login_card_issued_at": _when(pupil.card_issued_at),
        },
        "classes": [{"name": c.name, "archived": c.archived_at is not None} for c in classes],
        "progress": [{
            "module": modules.get(p.module_id, str(p.module_id)), "status": Status(p.status).label,
            "pages_read": len(p.pages_seen or []), "best_score": p.best_score, "latest_score": p.latest_score,
            "quiz_passed": p.quiz_passed, "started_at": _when(p.started_at), "completed_at": _when(p.completed_at),
        } for p in progress],
        "quiz_attempts": [{
            "module": modules.get(a.module_id, str(a.module_id)), "submitted_at": _when(a.submitted_at),
            "score": a.score, "correct": a.correct_count, "questions": a.question_count, "passed": a.passed,
            "answers": [{"question": ans.question_id, "chosen": list(ans.option_ids), "correct": ans.correct}
                        for ans in a.answers],
        } for a in attempts],
        # The unscored "what do you think?" check, before the lesson and at the end of the quiz.
        "knowledge_checks": [{
            "module": modules.get(c.module_id, str(c.module_id)), "phase": c.phase, "skipped": c.skipped,
            "answered_at": _when(c.answered_at),
            "answers": [{"question": a.check_id, "chosen": a.option_id} for a in c.answers],
        } for c in checks],
        # Requests to talk are seen by safeguarding leads only, never by an admin: the export says
        # where they are held, not whether there are any. The safeguarding lead answers for them.
        "requests_to_talk": REQUESTS_HELD_BY_THE_LEAD,
    }


@dataclass(frozen=True)
class ErasureResult:
    name: str
    modules_completed: int
    quizzes_passed: int

    def describe(self) -> str:
        return (f"erased a pupil's personal data; kept anonymous counts: {self.modules_completed} modules "
                f"completed, {self.quizzes_passed} quizzes passed")


def erase_problem(session: Session, pupil: User) -> str | None:
    """Why this pupil cannot be erased now, or None."""
    asked = session.scalar(select(HelpRequest.id).where(HelpRequest.pupil_id == pupil.id).limit(1))
    if asked is not None:
        # One message whatever the request's state: an admin learns nothing of a request beyond that
        # the safeguarding lead must be asked.
        return (f"Harbour cannot erase {pupil.display_name}: the safeguarding lead holds records about this "
                "pupil that are kept under the school's safeguarding retention. Nothing was erased. "
                "Ask your safeguarding lead.")
    return None


def requests_to_talk_count(session: Session, pupil: User) -> int:
    """For a safeguarding lead's eyes only (the erasure they confirm)."""
    return session.scalar(select(func.count()).select_from(HelpRequest).where(HelpRequest.pupil_id == pupil.id)) or 0


def erase(session: Session, pupil: User, today: date, lead_confirmed: bool = False) -> ErasureResult:
    """Delete the pupil and everything personal with them; keep anonymous counts. The caller audits and commits.

    A pupil who asked to talk is erased only with a safeguarding lead's confirmation; their requests stay.
    """
    if pupil.role != Role.PUPIL:
        raise CannotErase("Only pupils are erased here.")
    problem = None if lead_confirmed else erase_problem(session, pupil)
    if problem:
        raise CannotErase(problem)
    completed = session.scalar(select(func.count()).select_from(Progress).where(
        Progress.pupil_id == pupil.id, Progress.status == Status.COMPLETED)) or 0
    passed = session.scalar(select(func.count(func.distinct(QuizAttempt.module_id))).where(
        QuizAttempt.pupil_id == pupil.id, QuizAttempt.passed)) or 0
    result = ErasureResult(name=pupil.display_name, modules_completed=completed, quizzes_passed=passed)
    session.add(LeaverSummary(school_id=pupil.school_id, school_year=school_year_of(today), year_group=pupil.year_group,
                              pupil_count=1, modules_completed=completed, quizzes_passed=passed, reason="erased"))
    pupil_id = pupil.id
    session.flush()
    session.expunge(pupil)
    # Progress, attempts (and their answers) and class places go by ON DELETE CASCADE; deleted here
    # too, so SQLite without foreign keys switched on cannot keep them.
    attempt_ids = select(QuizAttempt.id).where(QuizAttempt.pupil_id == pupil_id)
    session.execute(delete(AttemptAnswer).where(AttemptAnswer.attempt_id.in_(attempt_ids)))
    session.execute(delete(QuizAttempt).where(QuizAttempt.pupil_id == pupil_id))
    session.execute(delete(Progress).where(Progress.pupil_id == pupil_id))
    check_ids = select(KnowledgeCheckAttempt.id).where(KnowledgeCheckAttempt.pupil_id == pupil_id)
    session.execute(delete(KnowledgeCheckAnswer).where(KnowledgeCheckAnswer.attempt_id.in_(check_ids)))
    session.execute(delete(KnowledgeCheckAttempt).where(KnowledgeCheckAttempt.pupil_id == pupil_id))
    session.execute(delete(class_pupil).where(class_pupil.c.pupil_id == pupil_id))
    session.execute(delete(assignment_pupil).where(assignment_pupil.c.pupil_id == pupil_id))
    session.execute(delete(User).where(User.id == pupil_id).execution_options(synchronize_session=False))
    session.flush()
    return result
