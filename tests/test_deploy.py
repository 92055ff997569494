"""The deploy/ configuration works: gunicorn with deploy/gunicorn.conf.py, on PostgreSQL, answers /health.

Uses a database of its own (created and dropped here) on the PostgreSQL at HARBOUR_DEPLOY_TEST_ADMIN_URL
(default postgres@127.0.0.1:5432). Skipped with a message when PostgreSQL cannot be reached, except
under CI (CI=true), where that fails the run.
"""

import json
import os
import re
import secrets
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.gunicorn_servers import BIN, ROOT, NoRedirect, listening_port

ADMIN_URL = os.environ.get("HARBOUR_DEPLOY_TEST_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def own_postgres_database():
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is needed under CI and cannot be reached at {ADMIN_URL}: {error}")
        pytest.skip(f"PostgreSQL cannot be reached at {ADMIN_URL}; the gunicorn deployment test needs it")
    name = f"harbour_deploy_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _production_env(database_url: str, tmp_path: Path) -> dict:
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_hex(32))
    key_file.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARBOUR_", "FLASK_")) and k != "SECRET_KEY"}
    env.update(DATABASE_URL=database_url, HARBOUR_PRODUCTION="1", HARBOUR_SECRET_KEY_FILE=str(key_file),
               HARBOUR_PROXIES="1", HARBOUR_SITE_URL="https://harbour.school.test", HARBOUR_BIND="127.0.0.1:0", HARBOUR_WORKERS="2", PATH=f"{BIN}:{env['PATH']}")
    return env


def test_gunicorn_with_the_deploy_config_on_postgresql_serves_health(own_postgres_database, tmp_path):
    env = _production_env(own_postgres_database, tmp_path)
    # Migrations run with one command before start, as the systemd unit does.
    upgrade = subprocess.run([str(BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "app:app"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = listening_port(server)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:  # noqa: S310
                    assert response.status == 200
                    assert json.load(response) == {"status": "ok", "database": "reachable"}
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        # With no school yet, pages lead to the set-up page (and production pages carry HSTS).
        request = urllib.request.Request(f"http://127.0.0.1:{port}/login", headers={"X-Forwarded-Proto": "https"})
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(request, timeout=5)
        assert redirected.value.code == 302 and redirected.value.headers["Location"].endswith("/setup/")
        assert "max-age=31536000" in redirected.value.headers["Strict-Transport-Security"]
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    # The access log and Harbour's request log both reach stdout, as JSON, with no client address.
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert any(line.get("event") == "access" and line["path"] == "/health" and line["status"] == 200
               for line in lines)
    assert any(line.get("event") == "request" and line["path"] == "/health" and line["status"] == 200
               for line in lines)
    assert "127.0.0.1" not in out
    assert len(re.findall("Booting worker with pid", err)) == 2  # HARBOUR_WORKERS=2


def test_the_nginx_example_drops_requests_for_unknown_hosts():
    conf = (ROOT / "deploy" / "nginx-harbour.conf").read_text()
    defaults = re.findall(r"server \{[^{}]*default_server[^{}]*\}", conf)
    assert len(defaults) == 2  # http and https
    assert all("return 444;" in block and "server_name _;" in block for block in defaults)
