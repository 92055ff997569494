"""The evidence pack: what a school shows its governors and an inspector about online safety teaching.

Coverage (who was taught), knowledge change (what pupils now know, before against after), staff
trained (the staff track, with its yearly refresher), and how many requests to talk pupils made each month. Counts
only: never a pupil, never a message. A fixed number of queries whatever the school's size.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content import ContentLibrary
from ..models import HelpRequest
from .coverage import CoverageFilters, SchoolCoverage, school_coverage
from .knowledge_change import KnowledgeChange, knowledge_change
from .scope import school_pupil_ids
from .staff_training import StaffTrainingSummary, staff_training_summary

MONTHS = 12


@dataclass
class EvidencePack:
    coverage: SchoolCoverage
    knowledge: KnowledgeChange
    requests_by_month: list[tuple[date, int]]  # the first day of each month, oldest first; months with none too
    staff: StaffTrainingSummary  # shown as counts only

    @property
    def requests_total(self) -> int:
        return sum(count for _month, count in self.requests_by_month)


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` months, this one included, oldest first."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def requests_by_month(session: Session, school_id: int, today: date, months: int = MONTHS) -> list[tuple[date, int]]:
    """How many requests to talk the school's pupils made in each of the last `months` months: one query,
    of the times only (no pupil, no message)."""
    starts = month_starts(today, months)
    times = session.scalars(select(HelpRequest.created_at).where(
        HelpRequest.school_id == school_id, HelpRequest.created_at >= datetime.combine(starts[0], time.min)))
    counts = dict.fromkeys(starts, 0)
    for created in times:
        start = date(created.year, created.month, 1)
        if start in counts:
            counts[start] += 1
    return list(counts.items())


def evidence_pack(session: Session, school_id: int, filters: CoverageFilters, today: date, content: ContentLibrary,
                  module_ids: dict[str, int], coverage: SchoolCoverage | None = None) -> EvidencePack:
    """The pack for a school; the coverage filters narrow coverage, and a year group narrows knowledge too.
    `coverage`: the school's coverage under those filters, when the caller has it already."""
    return EvidencePack(
        coverage=coverage or school_coverage(session, school_id, filters, today),
        knowledge=knowledge_change(session, school_id, school_pupil_ids(school_id, filters.year_group), content,
                                   module_ids),
        requests_by_month=requests_by_month(session, school_id, today),
        staff=staff_training_summary(session, school_id, today, content))
