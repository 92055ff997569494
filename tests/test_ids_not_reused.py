"""An erased pupil's id is never given to the next pupil (SQLite AUTOINCREMENT; PostgreSQL sequences)."""

from datetime import date

from sqlalchemy import func, select, text

from course.domain.pupil_data import erase
from course.extensions import db
from course.models import AuditEvent, Role, User
from tests.conftest import ON_POSTGRES, csrf_from
from tests.factories import class_id, make_user


def test_the_next_pupil_after_an_erasure_gets_a_new_id(demo, client, auth):
    erased_id = make_user(demo, "newest.pupil", role=Role.PUPIL, year_group=8)
    with demo.app_context():
        assert db.session.scalar(select(func.max(User.id))) == erased_id  # the highest id: SQLite's reuse case
        erase(db.session, db.session.get(User, erased_id), date.today())
        db.session.add(AuditEvent(action="pupil_erased", actor_label="test", target_type="user", target_id=erased_id))
        db.session.commit()
    auth.login_as("teacher")
    page = f"/teach/classes/{class_id(demo, '8A PSHE')}/pupils/new"
    response = client.post(page, data={"csrf_token": csrf_from(client, page), "first_name": "Next",
                                       "last_name": "Pupil", "year_group": 8})
    assert response.status_code == 302
    with demo.app_context():
        new_id = db.session.scalars(select(User.id).where(User.display_name == "Next Pupil")).one()
        assert new_id > erased_id
        # The audit row about the erased child names no one now.
        assert db.session.get(User, erased_id) is None


def test_user_account_is_autoincrement_on_sqlite(app):
    if ON_POSTGRES:
        return
    with app.app_context():
        sql = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'user_account'")).scalar()
        assert "AUTOINCREMENT" in sql
