"""Append-only, held by the database: the audit log, a request's chronology and what the pupil said.

Each of the four ways to change a row (ORM update, ORM delete, bulk update/delete, raw SQL) is refused
by triggers (migration 0007_20b_append_only), on SQLite and, with HARBOUR_TEST_DATABASE_URL, PostgreSQL.
What may change still does: the author or actor id becomes NULL when that account goes, and a request's
status and first reading change as the safeguarding lead works on it.
"""

# ruff: noqa: S608 - the raw SQL names tables and columns from the constants below, never from input
import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from course.domain import audit
from course.domain.help_requests import add_note, ask_to_talk
from course.extensions import db
from course.models import AuditEvent, HelpRequest, HelpRequestEvent, User
from course.models.append_only import AppendOnlyError
from tests.factories import make_user

REFUSED = (AppendOnlyError, DatabaseError)  # IntegrityError from the trigger is a DatabaseError

# model -> (a column that never changes, a value to try)
TABLES = {
    "audit_event": (AuditEvent, "detail", "rewritten"),
    "help_request_event": (HelpRequestEvent, "body", "rewritten"),
    "help_request": (HelpRequest, "message", "rewritten"),
}


@pytest.fixture
def records(demo):
    """A request to talk from the demo pupil, a note on it by a second lead, and audit events."""
    lead_id = make_user(demo, "second-lead", role="safeguarding_lead", display_name="Ms Second Lead")
    with demo.app_context():
        pupil = db.session.scalars(select(User).where(User.username == "sam")).one()
        lead = db.session.get(User, lead_id)
        request = ask_to_talk(db.session, pupil, "I am worried about a message", "today", "help")
        note = add_note(db.session, lead, request, "Spoke to Sam at break.")
        db.session.flush()
        event = audit.record(db.session, lead, "data_exported", detail="coverage (CSV)")
        db.session.commit()
        return {"help_request": request.id, "help_request_event": note.id, "audit_event": event.id, "lead": lead_id}


def _row(app, table: str, row_id: int) -> dict:
    with app.app_context():
        return dict(db.session.execute(text(f"SELECT * FROM {table} WHERE id = :id"), {"id": row_id}).mappings().one())


def _attempt(app, change) -> None:
    with app.app_context():
        with pytest.raises(REFUSED):
            change(db.session)
            db.session.commit()
        db.session.rollback()


OPERATIONS = ["orm update", "orm delete", "bulk update", "bulk delete", "raw update", "raw delete"]


def _operation(name: str, model, table: str, column: str, value: str, row_id: int):
    def orm_update(session):
        setattr(session.get(model, row_id), column, value)

    def orm_delete(session):
        session.delete(session.get(model, row_id))

    return {
        "orm update": orm_update,
        "orm delete": orm_delete,
        "bulk update": lambda session: session.execute(update(model).values({column: value})),
        "bulk delete": lambda session: session.execute(delete(model)),
        "raw update": lambda session: session.execute(text(f"UPDATE {table} SET {column} = :v"), {"v": value}),
        "raw delete": lambda session: session.execute(text(f"DELETE FROM {table}")),
    }[name]


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("table", TABLES)
def test_every_way_to_change_an_append_only_row_is_refused(demo, records, table, operation):
    model, column, value = TABLES[table]
    before = _row(demo, table, records[table])
    _attempt(demo, _operation(operation, model, table, column, value, records[table]))
    assert _row(demo, table, records[table]) == before


@pytest.mark.parametrize("table, column, value", [
    ("audit_event", "actor_id", None), ("audit_event", "created_at", "2001-01-01 00:00:00"),
    ("audit_event", "action", "login"),
    ("help_request_event", "author_name", "Someone else"), ("help_request_event", "to_status", "closed"),
    ("help_request", "urgency", "now"), ("help_request", "asked_from", "elsewhere"),
    ("help_request", "school_id", None),
])
def test_each_frozen_column_is_refused_by_raw_sql(demo, records, table, column, value):
    before = _row(demo, table, records[table])
    if column == "actor_id":  # may become NULL (below), never another person
        column, value = "actor_id", records["lead"] + 1000
    _attempt(demo, lambda session: session.execute(text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                                                    {"v": value, "id": records[table]}))
    assert _row(demo, table, records[table]) == before


def test_a_request_pupil_may_only_be_cleared_never_swapped(demo, records):
    other = make_user(demo, "other-pupil", role="pupil")
    _attempt(demo, lambda session: session.execute(
        text("UPDATE help_request SET pupil_id = :p WHERE id = :id"), {"p": other, "id": records["help_request"]}))


def test_the_leads_working_state_still_changes(demo, records):
    with demo.app_context():
        db.session.execute(text("UPDATE help_request SET status = 'closed', first_read_at = '2026-01-01 09:00:00' "
                                "WHERE id = :id"), {"id": records["help_request"]})
        db.session.commit()
    row = _row(demo, "help_request", records["help_request"])
    assert row["status"] == "closed" and row["message"] == "I am worried about a message"


def test_deleting_an_author_keeps_their_rows_with_the_id_cleared(demo, records):
    """ON DELETE SET NULL is an UPDATE: the triggers let exactly that through."""
    with demo.app_context():
        db.session.execute(delete(User).where(User.id == records["lead"]))
        db.session.commit()
    note = _row(demo, "help_request_event", records["help_request_event"])
    event = _row(demo, "audit_event", records["audit_event"])
    assert note["author_id"] is None and note["author_name"] == "Ms Second Lead"
    assert note["body"] == "Spoke to Sam at break."
    assert event["actor_id"] is None and event["actor_label"] == "Ms Second Lead (Safeguarding lead)"


def test_the_triggers_go_and_come_back_with_the_migration(app, runner):
    with app.app_context():
        db.session.execute(text("INSERT INTO audit_event (actor_label, action, target_type, detail, created_at) "
                                "VALUES ('', 'login', '', 'x', '2026-01-01 00:00:00')"))
        db.session.commit()
        db.session.remove()
    assert runner.invoke(args=["db", "downgrade", "0006_erasure_counts"]).exit_code == 0
    with app.app_context():
        db.session.execute(text("UPDATE audit_event SET detail = 'changed before 0007'"))
        db.session.commit()
        db.session.remove()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    _attempt(app, lambda session: session.execute(text("UPDATE audit_event SET detail = 'again'")))
    with app.app_context():
        assert db.session.scalar(text("SELECT detail FROM audit_event")) == "changed before 0007"
