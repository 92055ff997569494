"""`flask backup` copies a SQLite database consistently while it is written to; `flask restore` puts it back."""

import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite backup; PostgreSQL uses pg_dump")


def _db_file(app) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def _count(path: Path, sql: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


class PairWriter(threading.Thread):
    """Writes two rows per transaction, as fast as it can: a consistent copy holds an even number."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.stop, self.commits = path, threading.Event(), 0

    def run(self):
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.execute("PRAGMA busy_timeout=10000")
        while not self.stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            for half in "ab":
                connection.execute("INSERT INTO login_failure (key, window_start, count) VALUES (?, ?, 1)",
                                   (f"pair-{self.commits}-{half}", datetime(2026, 1, 1).isoformat(" ")))
                time.sleep(0.001)  # the two halves are apart in time, so a torn copy would show
            connection.execute("COMMIT")
            self.commits += 1
        connection.close()


def test_backup_while_in_use_is_consistent_and_restore_puts_it_back(demo, runner, tmp_path):
    live = _db_file(demo)
    writer = PairWriter(live)
    writer.start()
    while writer.commits < 20:
        time.sleep(0.01)
    copy = tmp_path / "harbour-backup.sqlite"
    result = runner.invoke(args=["backup", str(copy)])
    during = writer.commits
    time.sleep(0.2)
    writer.stop.set()
    writer.join()
    assert result.exit_code == 0, result.output
    assert "Backed up to" in result.output and "integrity check" in result.output
    assert writer.commits > during  # Harbour's database was written to while and after the copy was made
    copied_pairs = _count(copy, "SELECT count(*) FROM login_failure WHERE key LIKE 'pair-%'")
    assert copied_pairs % 2 == 0 and 40 <= copied_pairs < 2 * writer.commits
    assert _count(copy, "PRAGMA integrity_check") == "ok"
    users = _count(copy, "SELECT count(*) FROM user_account")
    assert users == _count(live, "SELECT count(*) FROM user_account") > 0

    # Changes after the backup: a pupil deleted. Restore brings the backup's state back.
    connection = sqlite3.connect(live)
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("DELETE FROM user_account WHERE username = 'sam'")
    connection.commit()
    connection.close()
    result = runner.invoke(args=["restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "Saved the data as it was to" in result.output
    assert _count(live, "SELECT count(*) FROM user_account WHERE username = 'sam'") == 1
    assert _count(live, "SELECT count(*) FROM login_failure WHERE key LIKE 'pair-%'") == copied_pairs
    saved = list(live.parent.glob(f"{live.name}.before-restore-*"))
    assert len(saved) == 1 and _count(saved[0], "SELECT count(*) FROM user_account WHERE username = 'sam'") == 0
    # The running app reads the restored data.
    client = demo.test_client()
    assert client.get("/health").status_code == 200


def test_backup_refuses_to_overwrite_and_says_so(demo, runner, tmp_path):
    target = tmp_path / "exists.sqlite"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("content", [None, b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200])
def test_restore_refuses_what_it_is_unsure_of_and_changes_nothing(demo, runner, tmp_path, content):
    live = _db_file(demo)
    before = live.read_bytes()
    source = tmp_path / "suspect.sqlite"
    if content is not None:
        source.write_bytes(content)
    result = runner.invoke(args=["restore", str(source), "--yes"])
    assert result.exit_code != 0 and "Nothing was restored" in result.output
    assert "Traceback" not in result.output
    assert live.read_bytes() == before
    assert not list(live.parent.glob(f"{live.name}.before-restore-*"))


def test_restore_refuses_an_unknown_schema_and_asks_before_replacing(demo, runner, tmp_path):
    copy = tmp_path / "copy.sqlite"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    asked = runner.invoke(args=["restore", str(copy)], input="n\n")
    assert asked.exit_code != 0 and "Restore it now?" in asked.output and "nothing was changed" in asked.output
    connection = sqlite3.connect(copy)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()
    result = runner.invoke(args=["restore", str(copy), "--yes"])
    assert result.exit_code != 0 and "does not know" in result.output


def test_backup_on_postgresql_points_to_pg_dump(demo, runner, tmp_path):
    demo.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://postgres@127.0.0.1:5432/nowhere"
    result = runner.invoke(args=["backup", str(tmp_path / "x.sqlite")])
    assert result.exit_code != 0 and "pg_dump" in result.output


def test_a_backup_is_readable_by_its_owner_only(demo, runner, tmp_path):
    import os
    import stat

    old_umask = os.umask(0o022)  # the usual umask, under which a plain file is world-readable
    try:
        target = tmp_path / "harbour-backup.sqlite"
        result = runner.invoke(args=["backup", str(target)])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_restore_names_the_erased_pupils_a_backup_brings_back(demo, runner, tmp_path):
    from datetime import date

    from sqlalchemy import select

    from course.domain import audit
    from course.domain.pupil_data import erase
    from course.extensions import db
    from course.models import User
    from tests.factories import make_user

    pupil_id = make_user(demo, "to.be.erased", role="pupil", year_group=8)
    target = tmp_path / "before-erasure.sqlite"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    with demo.app_context():
        admin = db.session.scalars(select(User).where(User.username == "admin")).one()
        erase(db.session, db.session.get(User, pupil_id), date.today())
        audit.record(db.session, admin, "pupil_erased", target_type="user", target_id=pupil_id)
        db.session.commit()
        db.session.remove()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"1 pupil(s) erased since it was taken (pupil number {pupil_id}). Erase them again now" in result.output
