"""Pupils' requests to talk: asking, the safeguarding leads' queue, and each request's chronology.

Plain functions over a session; the views (course/help, course/safeguarding) parse and render. Which
requests a viewer may see is decided in course.domain.scope, never here.
"""

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..models import HelpRequest, HelpRequestEvent, RequestStatus, Urgency, User, utcnow
from . import audit
from .scope import help_requests_for

MESSAGE_LIMIT = 1000
NOTE_LIMIT = 4000


class RequestProblem(ValueError):
    """Something in what was sent cannot be saved; the message says what, for the person who sent it."""


@dataclass(frozen=True)
class QueueCounts:
    new: int
    in_progress: int
    closed: int
    unread: int


def ask_to_talk(session: Session, pupil: User, message: str, urgency: str, asked_from: str) -> HelpRequest:
    message = (message or "").strip()
    if len(message) > MESSAGE_LIMIT:
        raise RequestProblem(f"Please keep the message under {MESSAGE_LIMIT} characters. You can say more in person.")
    try:
        chosen = Urgency(urgency or Urgency.NOT_SAID)
    except ValueError:
        raise RequestProblem("Please choose how soon you would like to talk from the list.") from None
    request = HelpRequest(school_id=pupil.school_id, pupil_id=pupil.id, message=message, urgency=chosen,
                          urgency_rank=chosen.rank, status=RequestStatus.NEW, asked_from=(asked_from or "")[:120])
    session.add(request)
    session.flush()
    return request


def queue(viewer: User, status: RequestStatus) -> Select[tuple[HelpRequest]]:
    """The lead's queue for one status: most urgent first, then newest first."""
    return (help_requests_for(viewer).where(HelpRequest.status == status)
            .order_by(HelpRequest.urgency_rank.desc(), HelpRequest.created_at.desc(), HelpRequest.id.desc()))


def queue_counts(session: Session, viewer: User) -> QueueCounts:
    base = help_requests_for(viewer).subquery()
    by_status = dict(session.execute(select(base.c.status, func.count()).group_by(base.c.status)).all())
    unread = session.scalar(select(func.count()).select_from(base).where(base.c.first_read_at.is_(None))) or 0
    return QueueCounts(by_status.get(RequestStatus.NEW, 0), by_status.get(RequestStatus.IN_PROGRESS, 0),
                       by_status.get(RequestStatus.CLOSED, 0), unread)


def unread_count(session: Session, viewer: User) -> int:
    base = help_requests_for(viewer).where(HelpRequest.first_read_at.is_(None)).subquery()
    return session.scalar(select(func.count()).select_from(base)) or 0


def open_request(session: Session, viewer: User, request: HelpRequest) -> None:
    """A lead opens a request: the first opening marks it read, and every opening is audited."""
    if request.first_read_at is None:
        request.first_read_at = utcnow()
    audit.record(session, viewer, "help_request_viewed", target_type="help_request", target_id=request.id)


def add_note(session: Session, author: User, request: HelpRequest, body: str) -> HelpRequestEvent:
    body = (body or "").strip()
    if not body:
        raise RequestProblem("Write the note before saving it.")
    if len(body) > NOTE_LIMIT:
        raise RequestProblem(f"Please keep a note under {NOTE_LIMIT} characters, or add it in two parts.")
    event = HelpRequestEvent(request_id=request.id, author_id=author.id, author_name=author.display_name,
                             kind="note", body=body)
    session.add(event)
    audit.record(session, author, "help_request_note_added", target_type="help_request", target_id=request.id)
    return event


def change_status(session: Session, author: User, request: HelpRequest, to_status: str, reason: str = "") -> HelpRequestEvent:
    try:
        new_status = RequestStatus(to_status)
    except ValueError:
        raise RequestProblem("Choose new, in progress or closed.") from None
    if new_status == request.status:
        raise RequestProblem(f"This request is already {new_status.label.lower()}.")
    reason = (reason or "").strip()
    if len(reason) > NOTE_LIMIT:
        raise RequestProblem(f"Please keep the reason under {NOTE_LIMIT} characters.")
    event = HelpRequestEvent(request_id=request.id, author_id=author.id, author_name=author.display_name,
                             kind="status", body=reason, from_status=request.status, to_status=new_status)
    request.status = new_status
    if request.first_read_at is None:
        request.first_read_at = utcnow()
    session.add(event)
    audit.record(session, author, "help_request_status_changed", target_type="help_request", target_id=request.id,
                 detail=f"{RequestStatus(event.from_status).label} → {new_status.label}")
    return event
