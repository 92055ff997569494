"""Writing audit events: who did what to which record, and when. Events are only ever added."""

from sqlalchemy.orm import Session

from ..models import AuditEvent, User

# Every action Harbour records, with the words the audit page shows.
ACTIONS = {
    "login_failed": "Failed login",
    "help_request_viewed": "Viewed a request to talk",
    "help_request_note_added": "Added a note to a request to talk",
    "help_request_status_changed": "Changed the status of a request to talk",
    "help_request_record_exported": "Wrote out a request to talk for the safeguarding record",
    "help_request_entered_into_record": "Noted a request to talk was entered into the safeguarding record",
    "data_exported": "Exported data",
    "role_changed": "Changed a staff role",
    "password_reset": "Reset a password",
    "pupils_imported": "Imported pupils",
    "staff_created": "Created a staff account",
    "staff_updated": "Changed a staff account",
    "user_deleted": "Deleted an account",
    "pupil_erased": "Erased a pupil's data",
    "erasure_requested": "Asked for a pupil's data to be erased",
    "erasure_declined": "Declined the erasure of a pupil's data",
    "two_factor_set_up": "Set up two-factor authentication",
    "two_factor_removed": "Removed a lead's two-factor authentication",
    "class_archived": "Archived a class",
    "class_restored": "Restored a class",
    "assignment_removed": "Removed an assignment",
    "sensitive_module_set_independent": "Set a teach-in-class-first module as independent work",
    "school_settings_changed": "Changed school settings",
    "help_service_edited": "Edited a help directory entry",
    "sso_settings_changed": "Changed Google or Microsoft sign-in",
    "sso_account_set": "Set a person's school account",
    "sso_linked": "Linked a school account",
    "sso_unlinked": "Unlinked a school account",
    "sso_match_failed": "School account matched no one",
    "sso_refused": "Refused a school-account sign-in",
    "login_card_reissued": "Reissued a QR login card",
    "staff_module_completed": "Completed a staff training module",
    "parents_letter_changed": "Changed the letter home to parents",
}


def action_label(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " ").capitalize())


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
