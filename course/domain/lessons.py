"""A pupil's lessons: what is set for them, and recording what they read and how they did."""

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..content import ContentLibrary
from ..content.modules import ModuleContent
from ..content.quizzes import CheckOption, KnowledgeCheck, Option, Question
from ..models import AnswersShown, Assignment, AttemptAnswer, Progress, QuizAttempt, Status, User, utcnow
from . import knowledge_check
from . import progress as progress_rules
from .scope import pupil_params, set_for_pupil
from .scoring import QuizResult


@dataclass
class AssignedModule:
    content: ModuleContent
    module_id: int
    due_date: date | None
    answers_shown: str
    progress: Progress | None

    @property
    def status(self) -> str:
        return self.progress.status if self.progress else Status.NOT_STARTED

    def state(self, today: date) -> str:
        return progress_rules.cell_state(self.status, self.due_date, today)

    def answers_visible(self, today: date) -> bool:
        if self.answers_shown == AnswersShown.AFTER_DUE_DATE and self.due_date is not None:
            return today > self.due_date
        return True


# What is set for the pupil with their progress on it, in one query; built once (see scope.py).
_SET_WITH_PROGRESS = set_for_pupil(
    select(Assignment.module_id, Assignment.due_date, Assignment.answers_shown, Progress)
    .select_from(Assignment)
    .outerjoin(Progress, and_(Progress.pupil_id == bindparam("pupil_id"), Progress.module_id == Assignment.module_id)))
_ONE_SET_WITH_PROGRESS = _SET_WITH_PROGRESS.where(Assignment.module_id == bindparam("module_id"))


def _assigned(session: Session, pupil: User, content: ContentLibrary, module_ids: dict[str, int],
              module_id: int | None) -> list[AssignedModule]:
    slugs_by_id = {module_id: slug for slug, module_id in module_ids.items()}
    if module_id is None:
        rows = session.execute(_SET_WITH_PROGRESS, pupil_params(pupil)).all()
    else:
        rows = session.execute(_ONE_SET_WITH_PROGRESS, {**pupil_params(pupil), "module_id": module_id}).all()
    found: dict[int, AssignedModule] = {}
    for set_module_id, due_date, answers_shown, progress in rows:
        slug = slugs_by_id.get(set_module_id)
        if slug is None or slug not in content.modules:
            continue
        current = found.get(set_module_id)
        if current is None:
            found[set_module_id] = AssignedModule(content.modules[slug], set_module_id, due_date, answers_shown,
                                                  progress)
        else:
            if due_date and (current.due_date is None or due_date < current.due_date):
                current.due_date = due_date
            # Where any class holds answers back, hold them back.
            if answers_shown == AnswersShown.AFTER_DUE_DATE:
                current.answers_shown = AnswersShown.AFTER_DUE_DATE
    return sorted(found.values(), key=lambda a: (a.content.order, a.content.slug))


def assigned_modules(session: Session, pupil: User, content: ContentLibrary,
                     module_ids: dict[str, int]) -> list[AssignedModule]:
    """The modules set for the pupil, in course order; the soonest due date where set twice."""
    return _assigned(session, pupil, content, module_ids, None)


def find_assigned(session: Session, pupil: User, content: ContentLibrary, module_ids: dict[str, int],
                  slug: str) -> AssignedModule | None:
    """One module set for the pupil, as assigned_modules would show it; one query for that module alone."""
    module_id = module_ids.get(slug)
    if module_id is None:
        return None
    found = _assigned(session, pupil, content, module_ids, module_id)
    return found[0] if found else None


def progress_for(session: Session, pupil: User, module_id: int) -> Progress:
    """The pupil's progress row for the module, created if need be, locked until the commit.

    Two requests at once (a double click on Next, a quiz sent twice) both find no row: the one that
    inserts second meets the unique constraint, and reads the first one's row instead. On PostgreSQL
    the row is read FOR UPDATE (fresh, not the copy read earlier in the request), so the two changes
    are applied one after the other and neither is lost; SQLite's write lock already does that.
    """
    query = (select(Progress).where(Progress.pupil_id == pupil.id, Progress.module_id == module_id)
             .with_for_update().execution_options(populate_existing=True))
    row = session.scalars(query).first()
    if row is None:
        row = Progress(school_id=pupil.school_id, pupil_id=pupil.id, module_id=module_id,
                       status=Status.NOT_STARTED, pages_seen=[])
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = session.scalars(query).one()
    return row


def record_page_seen(session: Session, pupil: User, assigned: AssignedModule, page: int) -> Progress:
    progress = progress_for(session, pupil, assigned.module_id)
    progress_rules.record_page_seen(progress, page, assigned.content.page_count, utcnow())
    session.commit()
    return progress


def record_attempt(session: Session, pupil: User, assigned: AssignedModule, result: QuizResult,
                   form_token: str, content_hash: str, started_at: datetime | None,
                   after_check: Mapping[str, str] | None = None) -> int:
    """Store one attempt per quiz form and return its id; a repeated form returns the id already stored.
    The knowledge check's end-of-quiz answers (`after_check`) are saved in the same transaction.

    The same form sent twice at once: on PostgreSQL the second insert waits on the unique constraint
    until the first commits, then fails; it is rolled back and answers with the first one's id.
    The id is read before the commit: afterwards the object is expired, and reading it would start a
    second transaction (on SQLite a second write lock) just to learn a number we already had.
    """
    existing = find_attempt_by_token(session, pupil, form_token)
    if existing is not None:
        return existing.id
    attempt = QuizAttempt(
        school_id=pupil.school_id, pupil_id=pupil.id, module_id=assigned.module_id, form_token=form_token,
        content_hash=content_hash, score=result.score, correct_count=result.correct_count,
        question_count=result.question_count, passed=result.passed, started_at=started_at,
    )
    try:
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
        # The answers in one executemany, not one INSERT each (on SQLite, while holding the write lock).
        session.execute(insert(AttemptAnswer), [
            dict(attempt_id=attempt_id, position=i, question_id=a.question_id, option_ids=list(a.chosen),
                 correct=a.correct) for i, a in enumerate(result.answers)])
        progress = progress_for(session, pupil, assigned.module_id)
        progress_rules.record_attempt(progress, result, assigned.content.page_count, utcnow())
        knowledge_check.stage_after(session, pupil, assigned.module_id, after_check or {})
        session.commit()
    except IntegrityError:
        # The same form arrived twice at once: the other request stored it.
        session.rollback()
        existing = find_attempt_by_token(session, pupil, form_token)
        if existing is None:
            raise
        return existing.id
    return attempt_id


def find_attempt_by_token(session: Session, pupil: User, form_token: str) -> QuizAttempt | None:
    return session.scalars(select(QuizAttempt).where(QuizAttempt.pupil_id == pupil.id,
                                                     QuizAttempt.form_token == form_token)).first()


def shuffled_check_options(pupil_id: int, module_slug: str, check: KnowledgeCheck) -> list[CheckOption]:
    """A knowledge-check item's options in the pupil's own order, the same before the lesson and after."""
    options = list(check.options)
    random.Random(f"{pupil_id}:{module_slug}:check:{check.id}").shuffle(options)
    return options


def shuffled_options(pupil_id: int, module_slug: str, question: Question) -> list[Option]:
    """Options in an order of the pupil's own, the same on every visit (True/False keeps its order)."""
    options = list(question.options)
    if question.type != "true_false":
        random.Random(f"{pupil_id}:{module_slug}:{question.id}").shuffle(options)
    return options
