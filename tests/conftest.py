"""Fixtures in the flaskr shape: app, client, runner, auth — over a database built by the migrations.

The database is chosen by one variable, HARBOUR_TEST_DATABASE_URL: unset, each test gets its own
SQLite file (copied from one migrated template, or from one demo-school template when the test asks for
`demo`); set to a PostgreSQL URL, the schema is migrated once and every table is emptied between tests.

Passwords are hashed with argon2id at its smallest cost here (course.domain.passwords
.use_cheap_hashing_for_tests); tests/test_staff_passwords.py proves the production parameters.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from course import create_app
from course.config import PROJECT_ROOT
from course.domain.demo import DEMO_LOGINS
from course.domain.passwords import use_cheap_hashing_for_tests
from course.extensions import db

use_cheap_hashing_for_tests()

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
# pytest-xdist runs the suite on several workers (gw0, gw1, ...): each gets its own PostgreSQL database
# and its own Redis database number, so one worker's emptying never meets another's test.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_NUMBER = int(WORKER[2:]) if WORKER.startswith("gw") else 0
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", f"redis://127.0.0.1:6379/{1 + WORKER_NUMBER}")


def _database_for_this_worker(url: str) -> str:
    """The PostgreSQL URL with the database named for this worker (created once), or `url` itself."""
    if not url.startswith("postgresql") or not WORKER:
        return url
    base = make_url(url)
    name = f"{base.database}_{WORKER}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _database_for_this_worker(os.environ.get("HARBOUR_TEST_DATABASE_URL", ""))
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def _migrate(url: str) -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "CONTENT_ROOT": str(FIXTURE_CONTENT),
                      "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database at the newest migration: a SQLite file to copy, or the PostgreSQL test database."""
    if ON_POSTGRES:
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    template = tmp_path_factory.mktemp("template") / "harbour.sqlite"
    _migrate(f"sqlite:///{template}")
    return template


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).scalars().all()
        if tables:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(scope="session")
def demo_templates(migrated_template, tmp_path_factory):
    """SQLite files holding the demo school, built once per content folder and copied for each test."""
    built: dict[str, Path] = {}

    def template_for(content_root: Path) -> Path:
        key = str(content_root)
        if key not in built:
            path = tmp_path_factory.mktemp("demo") / "harbour.sqlite"
            shutil.copyfile(migrated_template, path)
            app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                              "CONTENT_ROOT": key, "SECRET_KEY": "test"})
            result = app.test_cli_runner().invoke(args=["demo"])
            assert result.exit_code == 0, result.output
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            built[key] = path
        return built[key]

    return template_for


@pytest.fixture
def database_url(request, migrated_template, tmp_path, content_root):
    if ON_POSTGRES:
        _empty_postgres(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    copy = tmp_path / "harbour.sqlite"
    if "demo" in request.fixturenames:
        shutil.copyfile(request.getfixturevalue("demo_templates")(content_root), copy)
    else:
        shutil.copyfile(migrated_template, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def content_root():
    """The real lesson content (or HARBOUR_CONTENT_ROOT's); a test can override this fixture."""
    return Path(os.environ.get("HARBOUR_CONTENT_ROOT", PROJECT_ROOT))


@pytest.fixture
def app_config(database_url, content_root, tmp_path):
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(content_root),
            "SECRET_KEY": "test-secret", "SERVER_NAME": None}


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo school, as `flask demo` creates it (on SQLite, a copy of one built at the session's start)."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return app


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(client, path: str) -> str:
    page = client.get(path)
    found = CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


# The demo school's logins by role name: "pupil", "teacher", "safeguarding_lead" (or "dsl"), "admin".
DEMO = {role.value: (username, password) for role, username, password, _name in DEMO_LOGINS}
DEMO["dsl"] = DEMO["safeguarding_lead"]


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login_as(self, role: str, school_id: int | None = None, follow: bool = False):
        """Log in as the demo school's pupil, teacher, dsl or admin."""
        return self.login(*DEMO[role], school_id=school_id, follow=follow)

    def login(self, username: str, password: str, school_id: int | None = None, follow: bool = False):
        data = {"username": username, "password": password, "csrf_token": csrf_from(self._client, "/login")}
        if school_id is not None:
            data["school"] = school_id
        return self._client.post("/login", data=data, follow_redirects=follow)

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": csrf_from(self._client, "/help/")})


@pytest.fixture
def auth(client):
    return AuthActions(client)


def post_form(client, page: str, action: str | None = None, data: dict | None = None, **kwargs):
    """Open a page like a browser would, then post its form with the page's CSRF token."""
    fields = {"csrf_token": csrf_from(client, page), **(data or {})}
    return client.post(action or page, data=fields, **kwargs)


def pytest_collection_modifyitems(items):
    """A test that uses a database is a `db` test: CI runs those again against PostgreSQL."""
    for item in items:
        if {"database_url", "migrated_template"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
