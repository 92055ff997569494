"""A request to talk written out for the school's safeguarding record (CPOMS or MyConcern), and noting it was entered.

Both systems take a new concern as a form with a free-text body, so the record is plain text the lead
pastes in: the facts first (when, who, how soon), then the pupil's own words exactly as sent, then the
chronology with every name and time. The same text is the body of the PDF (course/safeguarding/requests.py).
"""

import enum
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..models import HelpRequest, HelpRequestEvent, RequestStatus, School, User
from . import audit
from .help_requests import RequestProblem


class RecordSystem(enum.StrEnum):
    CPOMS = "cpoms"
    MYCONCERN = "myconcern"

    @property
    def label(self) -> str:
        return {"cpoms": "CPOMS", "myconcern": "MyConcern"}[self.value]

    @property
    def body_field(self) -> str:
        """The name of the field the text goes into, so the page can say where to paste it."""
        return {"cpoms": "the incident's description", "myconcern": "the concern's details"}[self.value]


HANDOFF_KIND = "handoff"


def parse_system(value: str | None) -> RecordSystem:
    try:
        return RecordSystem((value or RecordSystem.CPOMS).strip().lower())
    except ValueError:
        raise RequestProblem("Choose CPOMS or MyConcern from the list.") from None


def _when(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def _event_line(event: HelpRequestEvent) -> str:
    if event.kind == "status":
        what = (f"Status changed from {RequestStatus(event.from_status).label.lower()} to "
                f"{RequestStatus(event.to_status).label.lower()}")
        if event.body:
            what += f". {event.body}"
    elif event.kind == HANDOFF_KIND:
        what = event.body
    else:
        what = f"Note: {event.body}"
    return f"{_when(event.created_at)}  {event.author_name}: {what}"


def record_text(request: HelpRequest, school: School, system: RecordSystem, prepared_by: User,
                prepared_at: datetime) -> str:
    """The record as plain text, the same for the page and the PDF. Times are UTC, as Harbour stores them."""
    pupil = request.pupil
    if pupil is not None:
        who = pupil.display_name + (f", Year {pupil.year_group}" if pupil.year_group else "")
        who += f" (Harbour username {pupil.username})"
    else:
        who = "A pupil whose Harbour account has since been deleted"
    lines = [
        f"Request to talk, from Harbour (online-safety course), for {system.label}",
        f"School: {school.name}",
        "",
        f"Date and time: {_when(request.created_at)} (UTC)",
        f"Pupil: {who}",
        f"Urgency (the pupil's choice): {request.urgency_enum.label}",
        f"Asked from: {request.asked_from or 'not recorded'}",
        f"Status in Harbour: {request.status_enum.label}",
        "",
        "The pupil's own words:",
    ]
    if request.message:
        lines += [f"    {line}" if line else "" for line in request.message.splitlines()]
    else:
        lines.append("    (The pupil did not write a message.)")
    lines += ["", "Chronology (UTC):", f"{_when(request.created_at)}  The pupil: request sent through Harbour."]
    lines += [_event_line(event) for event in request.events]
    lines += ["", f"Prepared by {prepared_by.display_name} on {_when(prepared_at)} (UTC) from Harbour request "
              f"number {request.id}."]
    return "\n".join(lines) + "\n"


def note_exported(session: Session, viewer: User, request: HelpRequest, system: RecordSystem, form: str) -> None:
    """Reading the pupil's words out of Harbour is audited like opening the request."""
    audit.record(session, viewer, "help_request_record_exported", target_type="help_request", target_id=request.id,
                 detail=f"{system.label}, {form}")


def record_entered(session: Session, author: User, request: HelpRequest, system: RecordSystem,
                   entered_on: date | None, today: date) -> HelpRequestEvent:
    """Adds "entered into <system> by <name> on <date>" to the chronology (written once, like every entry)."""
    if entered_on is None:
        raise RequestProblem("Enter the date you entered it, for example 1 12 2026.")
    if entered_on > today:
        raise RequestProblem("The date it was entered cannot be in the future.")
    if entered_on < request.created_at.date():
        raise RequestProblem("The date it was entered cannot be before the pupil asked.")
    body = f"Entered into {system.label} by {author.display_name} on {entered_on.strftime('%-d %B %Y')}."
    event = HelpRequestEvent(request_id=request.id, author_id=author.id, author_name=author.display_name,
                             kind=HANDOFF_KIND, body=body)
    session.add(event)
    audit.record(session, author, "help_request_entered_into_record", target_type="help_request",
                 target_id=request.id, detail=system.label)
    return event
