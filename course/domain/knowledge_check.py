"""The knowledge check a pupil meets before a module ("what do you think?") and again at the end of its quiz.

Before the lesson it is offered once, before the first page: not scored, no feedback, and skippable
(a skip is remembered, so it is not offered again). At the end of the quiz the same items come back,
still unscored; the result page then shows, for each, what the pupil thought before and after, with
the feedback. What the pupil chose is theirs and their teachers'; the school's views only count.
"""

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..content.quizzes import KnowledgeCheck
from ..models import CheckPhase, KnowledgeCheckAnswer, KnowledgeCheckAttempt, Progress, User, utcnow
from .scoring import InvalidAnswers

FIELD_PREFIX = "k-"  # the form field of an item is "k-<item id>"; quiz questions are "q-<question id>"


def read_answers(checks: Sequence[KnowledgeCheck], form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The items answered, {item id: option id}, from the form's "k-" fields. An item left out is simply
    not answered (nothing here is required); an item or option the check does not have, or two options
    for one item, is refused whole: InvalidAnswers, and nothing is saved."""
    by_id = {check.id: check for check in checks}
    answers: dict[str, str] = {}
    for key, values in form.items():
        if not key.startswith(FIELD_PREFIX):
            continue
        check = by_id.get(key[len(FIELD_PREFIX):])
        if check is None:
            raise InvalidAnswers("The answers name a question that is not in this check.")
        chosen = [value for value in values if value]
        if not chosen:
            continue
        if len(chosen) > 1:
            raise InvalidAnswers("Each question in the check takes one answer.")
        if check.option(chosen[0]) is None:
            raise InvalidAnswers("An answer chosen is not one of the question's choices.")
        answers[check.id] = chosen[0]
    return answers


def attempts_of(session: Session, pupil: User, module_id: int) -> dict[str, KnowledgeCheckAttempt]:
    """The pupil's before and after attempts at one module's check, by phase (either may be missing)."""
    rows = session.scalars(select(KnowledgeCheckAttempt).where(
        KnowledgeCheckAttempt.pupil_id == pupil.id, KnowledgeCheckAttempt.module_id == module_id))
    return {row.phase: row for row in rows}


def answers_by_phase(attempts: Mapping[str, KnowledgeCheckAttempt]) -> dict[str, dict[str, str]]:
    return {phase: {a.check_id: a.option_id for a in attempt.answers} for phase, attempt in attempts.items()}


def offer_before(checks: Sequence[KnowledgeCheck], progress: Progress | None,
                 attempts: Mapping[str, KnowledgeCheckAttempt]) -> bool:
    """Offer the before-the-lesson check when the module has one, the pupil has not met it yet (answered
    or skipped) and has not read a page: a check taken after reading would not say what they knew before."""
    return bool(checks) and CheckPhase.BEFORE not in attempts and not (progress and progress.pages_seen)


def record_before(session: Session, pupil: User, module_id: int, answers: Mapping[str, str]) -> None:
    """Save the before-the-lesson answers (none: skipped) and commit. Once given they are kept: a second
    form (Back, then send again) changes nothing, so the "before" stays what it was before the lesson."""
    attempt = KnowledgeCheckAttempt(school_id=pupil.school_id, pupil_id=pupil.id, module_id=module_id,
                                    phase=CheckPhase.BEFORE, skipped=not answers)
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
            if answers:
                session.execute(insert(KnowledgeCheckAnswer), [
                    {"attempt_id": attempt.id, "check_id": check_id, "option_id": option_id}
                    for check_id, option_id in answers.items()])
    except IntegrityError:
        pass  # already met: the first answers stand
    session.commit()


def stage_after(session: Session, pupil: User, module_id: int, answers: Mapping[str, str]) -> None:
    """The end-of-quiz answers, in the quiz attempt's transaction (the caller commits): the latest round
    replaces the one before, so "after" is what the pupil thinks now."""
    if not answers:
        return
    query = (select(KnowledgeCheckAttempt).where(
        KnowledgeCheckAttempt.pupil_id == pupil.id, KnowledgeCheckAttempt.module_id == module_id,
        KnowledgeCheckAttempt.phase == CheckPhase.AFTER).with_for_update().execution_options(populate_existing=True))
    attempt = session.scalars(query).first()
    existed = attempt is not None
    if attempt is None:
        attempt = KnowledgeCheckAttempt(school_id=pupil.school_id, pupil_id=pupil.id, module_id=module_id,
                                        phase=CheckPhase.AFTER, skipped=False)
        try:
            with session.begin_nested():
                session.add(attempt)
                session.flush()
        except IntegrityError:
            # Two quiz forms sent at once (two tabs): the other one's row is there now; this one replaces it.
            attempt, existed = session.scalars(query).one(), True
    if existed:
        session.execute(delete(KnowledgeCheckAnswer).where(KnowledgeCheckAnswer.attempt_id == attempt.id))
        attempt.answered_at = utcnow()
    session.execute(insert(KnowledgeCheckAnswer), [
        {"attempt_id": attempt.id, "check_id": check_id, "option_id": option_id}
        for check_id, option_id in answers.items()])
