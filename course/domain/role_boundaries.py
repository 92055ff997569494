"""Who inside a school may do what to whom, beyond which records they see (scope.py).

Admins run the school's accounts but are not safeguarding leads: they reset pupils' passwords only
when the school allows it (a reset lets the one who reset log in as the pupil), they ask for a pupil's
erasure and a safeguarding lead confirms it (only a lead may know who asked to talk), and every
existing lead is told when someone becomes a lead or a lead's password is reset.
"""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Role, StaffNotice, User

ADMIN_PUPIL_RESETS_OFF = (
    "Admins do not reset pupils' passwords at this school: whoever resets a password could log in as "
    "the pupil. Ask the pupil's teacher, or turn this on in School settings.")


def may_reset_pupil_passwords(viewer: User) -> bool:
    """Teachers (of their own pupils) and leads may; admins only where the school allows it."""
    if viewer.role == Role.ADMIN:
        return bool(viewer.school.admins_reset_pupil_passwords)
    return viewer.role in (Role.TEACHER, Role.SAFEGUARDING_LEAD)


# --- Notices to safeguarding leads -----------------------------------------------------------------

NOTICE_TEXT = {
    "dsl_created": "A new safeguarding lead account, “{name}”, was created by {actor}.",
    "dsl_role_given": "{actor} made “{name}” a safeguarding lead.",
    "dsl_password_reset": "{actor} reset the password of safeguarding lead “{name}”.",
    "two_factor_removed": "{actor} removed two-factor authentication from safeguarding lead “{name}”: they "
                          "set it up again at their next login.",
    "erasure_requested": "{actor} asked for a pupil's data to be erased. A safeguarding lead confirms "
                         "or declines it under Erasures waiting.",
}


def current_leads(session: Session, school_id: int, except_id: int | None = None) -> list[User]:
    query = select(User).where(User.school_id == school_id, User.role == Role.SAFEGUARDING_LEAD,
                               User.is_active_account, User.left_at.is_(None)).order_by(User.id)
    if except_id is not None:
        query = query.where(User.id != except_id)
    return list(session.scalars(query))


OPERATOR = "The server's operator (a `flask` command)"


def tell_leads(session: Session, school_id: int, kind: str, actor: User | None,
               subject: User | None = None) -> list[User]:
    """A notice in Harbour for every current lead (except the subject); returns those told. Caller commits.

    `actor` None: a `flask` command run on the server."""
    leads = current_leads(session, school_id, except_id=subject.id if subject is not None else None)
    message = NOTICE_TEXT[kind].format(name=subject.display_name if subject is not None else "",
                                       actor=f"{actor.display_name} ({actor.role_enum.label})" if actor else OPERATOR)
    for lead in leads:
        session.add(StaffNotice(school_id=school_id, recipient_id=lead.id, kind=kind, message=message))
    return leads


def notices_for(session: Session, viewer: User) -> list[StaffNotice]:
    return list(session.scalars(select(StaffNotice).where(
        StaffNotice.recipient_id == viewer.id, StaffNotice.school_id == viewer.school_id,
        StaffNotice.dismissed_at.is_(None)).order_by(StaffNotice.created_at, StaffNotice.id)))


def dismiss_notice(session: Session, viewer: User, notice_id: int) -> bool:
    notice = session.scalars(select(StaffNotice).where(
        StaffNotice.id == notice_id, StaffNotice.recipient_id == viewer.id,
        StaffNotice.school_id == viewer.school_id)).first()
    if notice is None:
        return False
    notice.dismissed_at = datetime.now(UTC).replace(tzinfo=None)
    return True


# --- Erasure: an admin asks, a safeguarding lead confirms ------------------------------------------

def request_erasure(session: Session, admin: User, pupil: User) -> None:
    """Mark the pupil as waiting for a lead's confirmation. The same for every pupil. Caller commits."""
    if pupil.erasure_requested_at is None:
        pupil.erasure_requested_at = datetime.now(UTC).replace(tzinfo=None)
        pupil.erasure_requested_by_id = admin.id
        tell_leads(session, admin.school_id, "erasure_requested", admin)


def erasures_waiting(session: Session, lead: User) -> list[User]:
    return list(session.scalars(select(User).where(
        User.school_id == lead.school_id, User.role == Role.PUPIL,
        User.erasure_requested_at.is_not(None)).order_by(User.erasure_requested_at, User.id)))


def decline_erasure(pupil: User) -> None:
    pupil.erasure_requested_at = None
    pupil.erasure_requested_by_id = None
