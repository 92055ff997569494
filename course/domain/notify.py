"""Email notices to staff. A notice says only that something is waiting, never who or what.

With no SMTP_HOST configured nothing is sent; a mail server that is down or refuses is logged and
never stops the pupil's request from being saved (it is saved before any notice is tried).
"""

import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Role, School, User

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 5


def safeguarding_lead_addresses(session: Session, school_id: int) -> list[str]:
    return list(session.scalars(select(User.email).where(
        User.school_id == school_id, User.role == Role.SAFEGUARDING_LEAD, User.is_active_account,
        User.left_at.is_(None), User.email.is_not(None), User.email != "").order_by(User.id)))


def new_request_notice(school: School, queue_url: str, sender: str, recipients: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Harbour: a new request to talk is waiting"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(
        f"A pupil at {school.name} has asked to talk to someone at school.\n\n"
        # The link on a line of its own, so no mail program wraps it.
        f"Log in to Harbour to see the request:\n{queue_url}\n\n"
        "This email does not say who asked or what they wrote, on purpose. Please do not forward it.\n")
    return message


def send(config: dict, message: EmailMessage) -> bool:
    """Send through the configured server; False (and a log line) when there is none or it fails."""
    host = config.get("SMTP_HOST")
    if not host:
        return False
    try:
        with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("could not send a notice email: %s", type(error).__name__)
        return False
    return True


def notify_new_request(session: Session, config: dict, school: School, queue_url: str) -> bool:
    if not config.get("SMTP_HOST"):
        return False
    recipients = safeguarding_lead_addresses(session, school.id)
    if not recipients:
        return False
    return send(config, new_request_notice(school, queue_url, config.get("SMTP_FROM") or "harbour@localhost",
                                           recipients))


# What each notice to safeguarding leads says by email: the kind of change, never who or by whom.
LEAD_NOTICE_EMAIL = {
    "dsl_created": ("Harbour: a new safeguarding lead account",
                    "A new safeguarding lead account was created at {school}."),
    "dsl_role_given": ("Harbour: someone was made a safeguarding lead",
                       "Someone at {school} was made a safeguarding lead."),
    "dsl_password_reset": ("Harbour: a safeguarding lead's password was reset",
                           "The password of a safeguarding lead at {school} was reset."),
    "two_factor_removed": ("Harbour: a safeguarding lead's two-factor authentication was removed",
                           "Two-factor authentication was removed from a safeguarding lead's account at {school}."),
    "erasure_requested": ("Harbour: an erasure is waiting for a safeguarding lead",
                          "An admin at {school} asked for a pupil's data to be erased. It waits for a "
                          "safeguarding lead to confirm or decline it."),
}


def lead_notice(school: School, kind: str, sender: str, recipients: list[str]) -> EmailMessage:
    subject, body = LEAD_NOTICE_EMAIL[kind]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(
        body.format(school=school.name) + "\n\n"
        "Log in to Harbour to see what changed and who changed it; the notice waits on your Requests to talk "
        "page until you dismiss it. If you did not expect this, tell your headteacher.\n\n"
        "This email names no one, on purpose. Please do not forward it.\n")
    return message


def notify_leads(session: Session, config: dict, school: School, kind: str, except_id: int | None = None) -> bool:
    """Email every current safeguarding lead (but `except_id`, the one the change is about)."""
    if not config.get("SMTP_HOST"):
        return False
    recipients = list(session.scalars(select(User.email).where(
        User.school_id == school.id, User.role == Role.SAFEGUARDING_LEAD, User.is_active_account,
        User.left_at.is_(None), User.email.is_not(None), User.email != "",
        *([User.id != except_id] if except_id is not None else [])).order_by(User.id)))
    if not recipients:
        return False
    return send(config, lead_notice(school, kind, config.get("SMTP_FROM") or "harbour@localhost", recipients))
