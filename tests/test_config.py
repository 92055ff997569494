"""Configuration: the secret key, the SQLite settings, and the schema from the migrations."""

from flask_migrate import upgrade
from sqlalchemy import text

from course import create_app
from course.config import load_secret_key
from course.extensions import db
from tests.conftest import FIXTURE_CONTENT, ON_POSTGRES


def test_secret_key_is_generated_once_and_shared(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_secret_key(str(tmp_path))
    assert len(first) >= 64 and first == load_secret_key(str(tmp_path))
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert load_secret_key(str(tmp_path)) == "from-env"


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(app):
    if ON_POSTGRES:
        return
    with app.app_context():
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_migrations_match_the_models(tmp_path):
    """`flask db check`: the models and the migrations describe the same schema."""
    from alembic.command import check
    from flask import current_app

    url = f"sqlite:///{tmp_path / 'check.sqlite'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "CONTENT_ROOT": str(FIXTURE_CONTENT)})
    with app.app_context():
        upgrade()
        check(current_app.extensions["migrate"].migrate.get_config())
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
