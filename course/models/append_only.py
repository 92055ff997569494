"""Records that are written once and never changed: audit events and a help request's chronology.

The application never updates or deletes them; this guard makes any attempt through the ORM fail loudly,
and the database's own triggers (migration 0007_20b_append_only) refuse bulk and raw SQL too, and guard
what the pupil said in their own request. (Deleting a user still keeps their rows: the database sets
the author's id to NULL, the one change the triggers allow, and the name stays.)
"""

from sqlalchemy import event

from .audit import AuditEvent
from .help_request import HelpRequestEvent


class AppendOnlyError(RuntimeError):
    pass


def _refuse(mapper, _connection, target):
    raise AppendOnlyError(f"{type(target).__name__} rows are append-only: they cannot be changed or deleted.")


for _model in (AuditEvent, HelpRequestEvent):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
