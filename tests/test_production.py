"""Production mode refuses unsafe settings; /health answers the load balancer; one JSON log line per request."""

import json
import logging

import pytest

from course import create_app
from course.config import from_environment
from tests.conftest import FIXTURE_CONTENT

SAFE_KEY = "k" * 64


def _production_app(monkeypatch, tmp_path, **env):
    for name in ("SECRET_KEY", "HARBOUR_SECRET_KEY_FILE", "HARBOUR_DEMO", "HARBOUR_DEV", "FLASK_DEBUG",
                 "HARBOUR_HOSTS", "HARBOUR_PROXIES", "REDIS_URL", "DATABASE_URL", "HARBOUR_INSECURE_COOKIES",
                 "HARBOUR_SITE_URL", "HARBOUR_TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HARBOUR_PRODUCTION", "1")
    env.setdefault("HARBOUR_SITE_URL", "https://harbour.school.test")
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
            continue
        monkeypatch.setenv(name, value)
    config = from_environment(str(tmp_path))
    config.update({"CONTENT_ROOT": str(FIXTURE_CONTENT), "TESTING": True})
    return create_app(config)


def _refusal(monkeypatch, tmp_path, capsys, **env) -> str:
    with pytest.raises(SystemExit) as stopped:
        _production_app(monkeypatch, tmp_path, **env)
    assert stopped.value.code == 1
    return capsys.readouterr().err


def test_production_starts_with_safe_settings(monkeypatch, tmp_path):
    app = _production_app(monkeypatch, tmp_path, SECRET_KEY=SAFE_KEY)
    assert app.config["HARBOUR_PRODUCTION"] and app.config["SESSION_COOKIE_SECURE"]


def test_production_refuses_to_start_without_a_site_address(monkeypatch, tmp_path, capsys):
    assert "HARBOUR_SITE_URL is not set" in _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY,
                                                     HARBOUR_SITE_URL=None)
    assert "must start with https://" in _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY,
                                                  HARBOUR_SITE_URL="http://harbour.school.test")


def test_a_malformed_site_address_stops_start_up_with_a_message(monkeypatch, tmp_path, capsys):
    err = _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY, HARBOUR_SITE_URL="harbour.school.test/x")
    assert "HARBOUR_SITE_URL must be the address people open" in err and "Traceback" not in err


def test_trusted_hosts_default_to_the_site_address_and_a_forged_host_gets_400(monkeypatch, tmp_path):
    app = _production_app(monkeypatch, tmp_path, SECRET_KEY=SAFE_KEY)
    assert app.config["TRUSTED_HOSTS"] == ["harbour.school.test", "localhost", "127.0.0.1"]
    client = app.test_client()
    # (No database here, so the trusted host's answer is 503; what matters is that it is not refused.)
    assert client.get("/health", headers={"Host": "harbour.school.test"}).status_code != 400
    assert client.get("/health", headers={"Host": "127.0.0.1:8000"}).status_code != 400  # curl on the machine
    refused = client.get("/help/", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and "Not this address" in refused.get_data(as_text=True)
    listed = _production_app(monkeypatch, tmp_path, SECRET_KEY=SAFE_KEY, HARBOUR_TRUSTED_HOSTS="a.test, B.test")
    assert listed.config["TRUSTED_HOSTS"] == ["a.test", "b.test"]


def test_production_refuses_demo_mode(monkeypatch, tmp_path, capsys):
    err = _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY, HARBOUR_DEMO="1")
    assert "HARBOUR_DEMO is on" in err


def test_production_refuses_a_generated_or_short_secret_key(monkeypatch, tmp_path, capsys):
    assert "No SECRET_KEY" in _refusal(monkeypatch, tmp_path, capsys)
    assert "shorter than 32" in _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY="guessable")


def test_production_reads_the_secret_key_from_a_file(monkeypatch, tmp_path, capsys):
    key_file = tmp_path / "harbour-secret"
    key_file.write_text(SAFE_KEY + "\n")
    app = _production_app(monkeypatch, tmp_path, HARBOUR_SECRET_KEY_FILE=str(key_file))
    assert app.config["SECRET_KEY"] == SAFE_KEY
    missing = _refusal(monkeypatch, tmp_path, capsys, HARBOUR_SECRET_KEY_FILE=str(tmp_path / "nope"))
    assert "cannot read HARBOUR_SECRET_KEY_FILE" in missing


def test_production_refuses_sqlite_or_no_redis_across_several_hosts(monkeypatch, tmp_path, capsys):
    err = _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY, HARBOUR_HOSTS="3")
    assert "the database is SQLite" in err and "REDIS_URL is not set" in err
    bad_number = _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY, HARBOUR_HOSTS="two")
    assert "HARBOUR_HOSTS must be a whole number" in bad_number


def test_production_refuses_development_settings(monkeypatch, tmp_path, capsys):
    assert "HARBOUR_DEV" in _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY, HARBOUR_DEV="1")
    insecure = _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY, HARBOUR_INSECURE_COOKIES="1")
    assert "not marked Secure" in insecure


def test_proxy_headers_are_trusted_only_when_told_how_many_proxies(app_config, demo):
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}

    def seen(app):
        @app.get("/_seen")
        def _seen():
            from flask import request
            return f"{request.remote_addr} {request.scheme}"
        return app.test_client().get("/_seen", headers=forwarded, environ_base={"REMOTE_ADDR": "10.0.0.2"}).text

    assert seen(demo) == "10.0.0.2 http"
    assert seen(create_app({**app_config, "HARBOUR_PROXIES": 1})) == "203.0.113.9 https"


def test_health_is_200_with_a_database_and_503_without(app_config, client, tmp_path):
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "reachable"}
    broken = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/dir/x.sqlite"})
    response = broken.test_client().get("/health")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_one_json_log_line_per_request_without_names_or_query(demo, client, auth, caplog):
    auth.login_as("teacher")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="harbour.request"):
        client.get("/teach/?search=Sam+Okafor")
        client.get("/no-such-page")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "harbour.request"]
    assert [(line["path"], line["status"]) for line in lines] == [("/teach/", 200), ("/no-such-page", 404)]
    assert set(lines[0]) == {"event", "method", "path", "status", "duration_ms", "user_id"}
    assert isinstance(lines[0]["user_id"], int) and lines[0]["duration_ms"] >= 0
    assert "Okafor" not in caplog.text and "Evans" not in caplog.text and "search" not in caplog.text


def test_production_refuses_a_database_holding_the_demo_accounts_published_passwords(
        demo, database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    err = _refusal(monkeypatch, tmp_path, capsys, SECRET_KEY=SAFE_KEY, DATABASE_URL=database_url)
    assert "demo accounts that still open with the passwords published" in err
    assert "sam, teacher, dsl, admin" in err
    # `flask` commands still start, so the accounts can be mended (and `flask doctor` names them).
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    _production_app(monkeypatch, tmp_path, SECRET_KEY=SAFE_KEY, DATABASE_URL=database_url)


def test_production_starts_once_the_demo_passwords_are_changed(demo, database_url, monkeypatch, tmp_path):
    from sqlalchemy import update

    from course.domain.passwords import hash_password
    from course.extensions import db
    from course.models import User

    with demo.app_context():
        db.session.execute(update(User).values(password_hash=hash_password("changed-by-the-school-42")))
        db.session.commit()
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    _production_app(monkeypatch, tmp_path, SECRET_KEY=SAFE_KEY, DATABASE_URL=database_url)
