"""The school year: moving pupils up at rollover, and deleting leavers' data after the retention period.

Plain functions over a session; the admin page and the `flask year` / `flask retention` commands call
them and commit (or roll back) the whole change as one transaction, so it happens all or not at all.

Term dates are approximated, because they differ by school, nation and year:
autumn term 1 September – 31 December, spring term 1 January – 30 April (so the Easter holiday is
inside it), summer term 1 May – 31 August. Rollover is usually run in the summer holiday or the first
days of September, so a pupil marked as a leaver in September counts as leaving on 31 August, at the
end of the summer term, in the school year that has just ended.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..models import HelpRequest, LeaverSummary, Progress, QuizAttempt, Role, School, SchoolClass, User
from ..models.progress import Status
from . import audit

# A school that rolls over twice within this many days is warned on the preview: likely a mistake.
RECENT_ROLLOVER_DAYS = 300


class StalePreview(Exception):
    """The pupils or classes changed after the preview was shown: show a new preview first."""


# --- Rollover -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RolloverPreview:
    final_year_group: int
    moving_up: dict[int, int]           # year group now -> how many pupils move from it to the next
    leavers: dict[int, int]             # year group -> how many pupils leave from it
    without_year_group: int             # pupils with no year group: left as they are
    classes_to_archive: list[tuple[int, str]]
    last_rolled_over_at: datetime | None
    recently_rolled_over: bool
    fingerprint: str                    # changes when anything above would change

    @property
    def pupils_moving_up(self) -> int:
        return sum(self.moving_up.values())

    @property
    def leaver_count(self) -> int:
        return sum(self.leavers.values())


@dataclass(frozen=True)
class RolloverResult:
    moved_up: int
    leavers: int
    classes_archived: int

    def describe(self) -> str:
        return (f"{self.moved_up} pupils moved up a year group, {self.leavers} marked as leavers, "
                f"{self.classes_archived} classes archived")


def _current_pupils(session: Session, school_id: int):
    return session.execute(select(User.id, User.year_group).where(
        User.school_id == school_id, User.role == Role.PUPIL, User.left_at.is_(None)).order_by(User.id)).all()


def _active_classes(session: Session, school_id: int):
    return session.execute(select(SchoolClass.id, SchoolClass.name).where(
        SchoolClass.school_id == school_id, SchoolClass.archived_at.is_(None)).order_by(SchoolClass.name)).all()


def preview_rollover(session: Session, school: School, now: datetime) -> RolloverPreview:
    pupils = _current_pupils(session, school.id)
    classes = _active_classes(session, school.id)
    final = school.final_year_group
    moving_up = Counter(year for _id, year in pupils if year is not None and year < final)
    leavers = Counter(year for _id, year in pupils if year is not None and year >= final)
    digest = hashlib.sha256(repr((
        school.id, final, school.year_rolled_over_at, [tuple(p) for p in pupils], [c.id for c in classes],
    )).encode()).hexdigest()
    last = school.year_rolled_over_at
    return RolloverPreview(
        final_year_group=final, moving_up=dict(sorted(moving_up.items())), leavers=dict(sorted(leavers.items())),
        without_year_group=sum(1 for _id, year in pupils if year is None),
        classes_to_archive=[(c.id, c.name) for c in classes], last_rolled_over_at=last,
        recently_rolled_over=last is not None and now - last < timedelta(days=RECENT_ROLLOVER_DAYS),
        fingerprint=digest,
    )


def apply_rollover(session: Session, school: School, actor: User | None, fingerprint: str,
                   now: datetime) -> RolloverResult:
    """Move every pupil up, mark the final year as leavers, archive the year's classes; audited.

    Only if nothing changed since the preview with this fingerprint (so a form sent twice, or after
    someone else's change, does nothing). The caller commits, or rolls back on any error.
    """
    preview = preview_rollover(session, school, now)
    if fingerprint != preview.fingerprint:
        raise StalePreview
    pupils = (User.school_id == school.id, User.role == Role.PUPIL, User.left_at.is_(None))
    # Leavers first, keeping the year group they left from; then everyone still here moves up.
    session.execute(update(User).where(*pupils, User.year_group >= school.final_year_group)
                    .values(left_at=now).execution_options(synchronize_session=False))
    session.execute(update(User).where(*pupils, User.year_group.is_not(None))
                    .values(year_group=User.year_group + 1).execution_options(synchronize_session=False))
    session.execute(update(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.archived_at.is_(None))
                    .values(archived_at=now).execution_options(synchronize_session=False))
    school.year_rolled_over_at = now
    result = RolloverResult(moved_up=preview.pupils_moving_up, leavers=preview.leaver_count,
                            classes_archived=len(preview.classes_to_archive))
    audit.record(session, actor, "year_rollover", school_id=school.id, target_type="school",
                 target_id=school.id, detail=result.describe())
    session.flush()
    session.expire_all()
    return result


# --- Retention ----------------------------------------------------------------------------------

def effective_leaving_date(left_at: datetime | date) -> date:
    day = left_at.date() if isinstance(left_at, datetime) else left_at
    if day.month == 9:  # marked at a September rollover: left at the end of the summer term
        return date(day.year, 8, 31)
    return day


def end_of_following_term(day: date) -> date:
    if day.month >= 9:                      # autumn term -> spring term ends
        return date(day.year + 1, 4, 30)
    if day.month <= 4:                      # spring term -> summer term ends
        return date(day.year, 8, 31)
    return date(day.year, 12, 31)           # summer term -> autumn term ends


def deletion_date(left_at: datetime, retention_days: int | None) -> date:
    """The first day on which a leaver's data may be deleted."""
    left = effective_leaving_date(left_at)
    if retention_days is None:
        return end_of_following_term(left) + timedelta(days=1)
    return left + timedelta(days=retention_days)


def school_year_of(day: date) -> str:
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def describe_retention(retention_days: int | None) -> str:
    if retention_days is None:
        return "until the end of the term after they leave"
    return f"for {retention_days} days after they leave"


@dataclass
class RetentionResult:
    # (school year left, year group) -> pupils whose data was (or would be) deleted
    removed: Counter = field(default_factory=Counter)
    # Leavers kept because a safeguarding lead holds a help request of theirs.
    kept_for_help_requests: int = 0

    @property
    def removed_count(self) -> int:
        return sum(self.removed.values())

    def describe(self) -> str:
        if not self.removed:
            text = "no leavers' data due for deletion"
        else:
            groups = ", ".join(f"{count} from Year {year} ({school_year})" if year is not None
                               else f"{count} with no year group ({school_year})"
                               for (school_year, year), count in sorted(self.removed.items(),
                                                                        key=lambda item: (item[0][0], item[0][1] or 0)))
            text = f"deleted the data of {self.removed_count} leavers: {groups}"
        if self.kept_for_help_requests:
            text += (f"; kept {self.kept_for_help_requests} leavers whose help requests the safeguarding "
                     "lead holds")
        return text


def _due_leavers(session: Session, school: School, today: date) -> tuple[list[User], int]:
    leavers = session.scalars(select(User).where(User.school_id == school.id, User.role == Role.PUPIL,
                                                 User.left_at.is_not(None)).order_by(User.id)).all()
    due = [u for u in leavers if deletion_date(u.left_at, school.leaver_retention_days) <= today]
    # Safeguarding records follow the school's own safeguarding retention, not this one.
    held = set(session.scalars(select(HelpRequest.pupil_id).where(
        HelpRequest.pupil_id.in_([u.id for u in due])))) if due else set()
    return [u for u in due if u.id not in held], len([u for u in due if u.id in held])


def preview_retention(session: Session, school: School, today: date) -> RetentionResult:
    due, held = _due_leavers(session, school, today)
    return RetentionResult(removed=Counter((school_year_of(effective_leaving_date(u.left_at)), u.year_group)
                                           for u in due), kept_for_help_requests=held)


def run_retention(session: Session, school: School, actor: User | None, today: date) -> RetentionResult:
    """Delete due leavers (their progress, attempts and class places go with them), keep anonymous counts.

    Audit events keep their actor labels (the foreign key is set to null), so the audit log is not
    changed. The caller commits, or rolls back on any error.
    """
    due, held = _due_leavers(session, school, today)
    result = RetentionResult(kept_for_help_requests=held)
    if due:
        ids = [u.id for u in due]
        completed = dict(session.execute(select(Progress.pupil_id, func.count()).where(
            Progress.pupil_id.in_(ids), Progress.status == Status.COMPLETED).group_by(Progress.pupil_id)).all())
        passed = dict(session.execute(select(QuizAttempt.pupil_id, func.count(func.distinct(QuizAttempt.module_id)))
                                      .where(QuizAttempt.pupil_id.in_(ids), QuizAttempt.passed)
                                      .group_by(QuizAttempt.pupil_id)).all())
        groups: dict[tuple[str, int | None], list[int]] = {}
        for user in due:
            key = (school_year_of(effective_leaving_date(user.left_at)), user.year_group)
            groups.setdefault(key, []).append(user.id)
        for (school_year, year_group), members in groups.items():
            result.removed[(school_year, year_group)] = len(members)
            session.add(LeaverSummary(
                school_id=school.id, school_year=school_year, year_group=year_group, pupil_count=len(members),
                modules_completed=sum(completed.get(i, 0) for i in members),
                quizzes_passed=sum(passed.get(i, 0) for i in members)))
        session.flush()
        for user in due:
            session.expunge(user)
        # Progress, attempts and class places go by ON DELETE CASCADE in the database.
        session.execute(delete(User).where(User.id.in_(ids)).execution_options(synchronize_session=False))
    if due or held:
        audit.record(session, actor, "leaver_data_deleted", school_id=school.id, target_type="school",
                     target_id=school.id, detail=result.describe())
    session.flush()
    session.expire_all()
    return result
