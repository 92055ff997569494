"""Writing audit events: who did what to which record, and when. Events are only ever added."""

from sqlalchemy.orm import Session

from .models import AuditEvent, User


def record(session: Session, actor: User | None, action: str, *, school_id: int | None = None,
           target_type: str = "", target_id: int | None = None, detail: str = "") -> AuditEvent:
    event = AuditEvent(
        school_id=school_id if school_id is not None else (actor.school_id if actor else None),
        actor_id=actor.id if actor else None,
        actor_label=f"{actor.display_name} ({actor.role_enum.label})" if actor else "",
        action=action, target_type=target_type, target_id=target_id, detail=detail,
    )
    session.add(event)
    return event
