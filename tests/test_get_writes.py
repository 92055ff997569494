"""GET pages that write an audit row (opening a request, exports) wait their turn for SQLite's write
lock instead of failing at once with "database is locked" while another request writes.

A competing writer holds the write lock and commits while the page is being drawn: a page that began
a plain (deferred) transaction would read an older snapshot and could not then write; one that took
the write lock at the start (as forms do) waits for the writer, then reads and writes.
"""

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.domain.help_requests import ask_to_talk
from course.extensions import db
from course.models import AuditEvent, User
from tests.conftest import ON_POSTGRES
from tests.factories import class_id

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's single write lock")

HOLD_SECONDS = 0.5  # how long the competitor holds the lock: a hold, never a bound on speed


def _pages(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        teacher_id = db.session.scalars(select(User.id).where(User.username == "teacher")).one()
        request_id = ask_to_talk(db.session, sam, "Please can we talk", "today", "help").id
        db.session.commit()
        return {
            "safeguarding.request_page": ("dsl", f"/safeguarding/requests/{request_id}"),
            "safeguarding.export_coverage": ("dsl", "/safeguarding/coverage.csv"),
            "safeguarding.summary": ("dsl", "/safeguarding/summary"),
            "safeguarding.summary_pdf": ("dsl", "/safeguarding/summary.pdf"),
            "teacher.export_grid": ("teacher", f"/teach/classes/{class_id(app, '8A PSHE')}/export.csv"),
            "teacher.export_answers": ("teacher", f"/teach/classes/{class_id(app, '8A PSHE')}/insight/people-online/answers.csv"),
            "admin.export_json": ("admin", f"/admin/pupils/{sam.id}/data.json"),
            "admin.export_html": ("admin", f"/admin/pupils/{sam.id}/data"),
            "safeguarding.export_staff_training": ("dsl", "/safeguarding/staff-training.csv"),
            "safeguarding.staff_certificate": ("dsl", f"/safeguarding/staff-training/{teacher_id}/certificate.pdf"),
        }


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


class CompetingWriter(threading.Thread):
    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.holding = path, threading.Event()

    def run(self):
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO login_failure (key, window_start, count) "
                               "VALUES ('competitor', '2026-01-01 00:00:00', 1)")
            self.holding.set()
            time.sleep(HOLD_SECONDS)
            connection.execute("COMMIT")
        finally:
            connection.close()


ENDPOINTS = ["safeguarding.request_page", "safeguarding.export_coverage", "safeguarding.summary",
             "safeguarding.summary_pdf", "teacher.export_grid", "teacher.export_answers", "admin.export_json",
             "admin.export_html", "safeguarding.export_staff_training", "safeguarding.staff_certificate"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_get_that_writes_waits_for_a_competing_writer(demo, client, auth, endpoint):
    role, path = _pages(demo)[endpoint]
    auth.login_as(role)
    assert client.get(path).status_code == 200  # the page works at all (and is warm)
    before = _audit_count(demo)
    writer = CompetingWriter(Path(demo.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")))
    writer.start()
    assert writer.holding.wait(timeout=10)
    response = client.get(path)
    writer.join(timeout=30)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert _audit_count(demo) == before + 1


# The sign-in GETs that write (spending a provider's state, counting a card's try): marked too; their
# behaviour is tested in test_sso.py and test_login_cards_qr.py.
SIGN_IN_ENDPOINTS = ["auth.sso_callback", "auth.card_start"]


def test_every_get_view_that_audits_is_marked(demo):
    """The lists above are the views marked @writes: a new GET view that writes must be marked, and tested."""
    marked = sorted(name for name, view in demo.view_functions.items() if getattr(view, "harbour_writes", False))
    assert marked == sorted(ENDPOINTS + SIGN_IN_ENDPOINTS)
