"""SQLite overwrites deleted rows: an erased pupil's name is not left in the database file's free pages."""

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from course.domain.pupil_data import erase
from course.extensions import db
from course.models import Role, User
from tests.conftest import ON_POSTGRES
from tests.factories import make_user

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="a SQLite file; PostgreSQL's VACUUM is the DBA's")

NAME = "Zebediah Quarrington-Vexley"


def _checkpoint(path: Path) -> None:
    """Move the WAL into the main file, so what is in the file is what SQLite keeps."""
    db.session.remove()
    db.engine.dispose()
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def test_secure_delete_is_on(app):
    # (Some SQLite builds, Debian's among them, have it on by default; Harbour does not rely on that.)
    with app.app_context():
        assert db.session.connection().exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_an_erased_pupils_name_is_gone_from_the_file(demo):
    pupil_id = make_user(demo, "zebediah.qu", role=Role.PUPIL, display_name=NAME, year_group=8)
    path = Path(demo.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    with demo.app_context():
        _checkpoint(path)
        assert NAME.encode() in path.read_bytes()
        erase(db.session, db.session.get(User, pupil_id), date.today())
        db.session.commit()
        assert db.session.scalars(select(User).where(User.id == pupil_id)).first() is None
        _checkpoint(path)
    files = [path] + [p for p in path.parent.glob(path.name + "-*")]
    assert not any(NAME.encode() in p.read_bytes() for p in files if p.is_file())
