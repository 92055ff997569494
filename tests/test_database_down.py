"""Database down or locked: a calm 503 with Retry-After and the help link, then normal service when it is back."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from course import create_app
from course.extensions import db
from course.models import Progress, User
from course.web import db as course_db
from tests.conftest import ON_POSTGRES, csrf_from

sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="holds a SQLite lock / moves the SQLite file")


def _calm_503(response) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html[:300]
    assert response.headers["Retry-After"].isdigit()
    assert "Harbour is busy" in html and "Get help" in html and "Quick exit" in html and "Try again" in html
    assert "Traceback" not in html and "OperationalError" not in html and "sqlite" not in html.lower()
    return html


def _pages_seen(app) -> list[int]:
    with app.app_context():
        sam = db.session.scalars(select(User.id).where(User.username == "sam")).one()
        rows = db.session.scalars(select(Progress).where(Progress.pupil_id == sam)).all()
        return sorted(len(p.pages_seen or []) for p in rows)


@sqlite_only
def test_locked_database_gives_503_then_saves_when_released(demo, client, auth, monkeypatch):
    monkeypatch.setattr(course_db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    with demo.app_context():
        db.engine.dispose()  # new connections pick up the short wait
    auth.login_as("pupil")
    slug = "people-online"
    token = csrf_from(client, f"/lessons/{slug}/page/1")
    before = _pages_seen(demo)
    holder = sqlite3.connect(demo.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        html = _calm_503(client.post(f"/lessons/{slug}/page/1", data={"csrf_token": token}))
        assert "Try again" in html
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _pages_seen(demo) == before
    response = client.post(f"/lessons/{slug}/page/1", data={"csrf_token": token})
    assert response.status_code == 302
    assert _pages_seen(demo) != before


@sqlite_only
def test_database_gone_gives_503_and_health_says_so_then_service_returns(app_config, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    live = folder / "harbour.sqlite"
    Path(live).write_bytes(Path(app_config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).read_bytes())
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{live}"})
    app.test_cli_runner().invoke(args=["demo"])
    client = app.test_client()
    token = csrf_from(client, "/login")
    folder.rename(tmp_path / "away")  # the disk is gone
    with app.app_context():
        db.engine.dispose()
    _calm_503(client.get("/login"))
    _calm_503(client.post("/login", data={"username": "sam", "password": "sunny-otter-42", "csrf_token": token}))
    health = client.get("/health")
    assert health.status_code == 503 and health.json["database"] == "unreachable" and "Retry-After" in health.headers
    (tmp_path / "away").rename(folder)  # and back
    assert client.get("/health").json == {"status": "ok", "database": "reachable"}
    assert client.get("/login").status_code == 200
    login = client.post("/login", data={"username": "sam", "password": "sunny-otter-42",
                                        "csrf_token": csrf_from(client, "/login")})
    assert login.status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_postgresql_on_the_wrong_port_gives_503(app_config):
    app = create_app({**app_config,
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/harbour?connect_timeout=2"})
    client = app.test_client()
    _calm_503(client.get("/login"))
    _calm_503(client.get("/help/"))
    health = client.get("/health")
    assert health.status_code == 503 and health.json["database"] == "unreachable"
