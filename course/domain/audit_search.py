"""Searching a school's audit events: plain filters over one query, newest first."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from ..models import AuditEvent

PAGE_SIZE = 200


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    who: str = ""
    target_type: str = ""
    target_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def audit_query(school_id: int, filters: AuditFilters) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent).where(AuditEvent.school_id == school_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.who:
        query = query.where(func.lower(AuditEvent.actor_label).contains(filters.who.lower(), autoescape=True))
    if filters.target_type:
        query = query.where(AuditEvent.target_type == filters.target_type)
    if filters.target_id is not None:
        query = query.where(AuditEvent.target_id == filters.target_id)
    if filters.date_from:
        query = query.where(AuditEvent.created_at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        query = query.where(AuditEvent.created_at < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
