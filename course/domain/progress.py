"""What progress means: pages seen, quiz passed, and when a module counts as completed."""

from datetime import date, datetime

from ..models import Progress, Status
from .scoring import QuizResult

# What a teacher or pupil reads for each state of a module (grid cells, badges, the CSV export).
STATE_LABELS = {**{status.value: status.label for status in Status}, "overdue": "Overdue"}


def is_completed(pages_seen: list[int], page_count: int, quiz_passed: bool) -> bool:
    """A module is completed when every page was seen and the quiz passed."""
    return quiz_passed and set(range(page_count)) <= set(pages_seen)


def _refresh_status(progress: Progress, page_count: int, now: datetime) -> None:
    if is_completed(progress.pages_seen or [], page_count, progress.quiz_passed):
        if progress.status != Status.COMPLETED:
            progress.status = Status.COMPLETED
            progress.completed_at = now
    elif progress.pages_seen or progress.latest_score is not None:
        progress.status = Status.IN_PROGRESS


def record_page_seen(progress: Progress, page: int, page_count: int, now: datetime) -> None:
    if 0 <= page < page_count and page not in (progress.pages_seen or []):
        # A new list, so the JSON column sees the change.
        progress.pages_seen = sorted({*(progress.pages_seen or []), page})
    _refresh_status(progress, page_count, now)


def record_attempt(progress: Progress, result: QuizResult, page_count: int, now: datetime) -> None:
    progress.latest_score = result.score
    progress.best_score = max(result.score, progress.best_score or 0)
    progress.quiz_passed = progress.quiz_passed or result.passed
    _refresh_status(progress, page_count, now)


def is_overdue(status: str, due: date | None, today: date) -> bool:
    return due is not None and status != Status.COMPLETED and today > due


def cell_state(status: str, due: date | None, today: date) -> str:
    """The state a teacher sees in a grid cell: not_started, in_progress, completed or overdue."""
    return "overdue" if is_overdue(status, due, today) else status
