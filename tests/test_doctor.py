"""`flask doctor` on a good installation and on broken ones: each problem named with what to do."""

import shutil
import socket
import threading
from datetime import date

import pytest
from sqlalchemy import update

from course import create_app
from course.extensions import db
from course.models import HelpService
from tests.conftest import FIXTURE_CONTENT


def _doctor(app):
    return app.test_cli_runner().invoke(args=["doctor"])


def test_doctor_on_a_good_installation(demo):
    demo.config["HARBOUR_DEMO"] = True  # a demo installation: there the demo passwords are only a warning
    result = _doctor(demo)
    assert result.exit_code == 0, result.output
    assert "OK       database: reachable" in result.output
    assert "OK       migrations: the schema is current" in result.output
    assert "OK       content:" in result.output and "OK       help directory:" in result.output
    assert "0 problem(s)" in result.output
    # Not in production mode: said as a warning, with the settings production would refuse.
    assert "WARNING  configuration: not in production mode" in result.output


def test_doctor_finds_a_database_without_its_schema(app_config, tmp_path):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}"})
    result = _doctor(app)
    assert result.exit_code == 1
    assert "PROBLEM  migrations: the database has no schema yet: run 'flask db upgrade'" in result.output


def test_doctor_finds_an_unreachable_database(app_config, tmp_path):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.sqlite"})
    result = _doctor(app)
    assert result.exit_code == 1 and "PROBLEM  database: cannot connect" in result.output


def test_doctor_finds_content_broken_after_start(app_config, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    app = create_app({**app_config, "CONTENT_ROOT": str(content)})
    quiz = content / "quizzes" / "pretending.toml"
    quiz.write_text(quiz.read_text().replace("feedback =", "feedbak =", 1))
    result = _doctor(app)
    assert result.exit_code == 1
    assert "PROBLEM  content: " in result.output and "pretending.toml:" in result.output


def test_doctor_warns_of_stale_help_directory_entries(demo):
    with demo.app_context():
        db.session.execute(update(HelpService).where(HelpService.key == HelpService.key)
                           .values(last_checked=date(2020, 1, 1)))
        db.session.commit()
    result = _doctor(demo)
    assert "WARNING  help directory: Harbour Demo School: its copy of" in result.output
    assert "update the school's help directory" in result.output


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _TinySMTP(threading.Thread):
    """Just enough of a mail server to greet and answer NOOP and QUIT."""

    def __init__(self):
        super().__init__(daemon=True)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]

    def run(self):
        connection, _ = self.server.accept()
        with connection, connection.makefile("rwb") as stream:
            stream.write(b"220 tiny ready\r\n")
            stream.flush()
            for line in stream:
                stream.write(b"221 bye\r\n" if line.upper().startswith(b"QUIT") else b"250 ok\r\n")
                stream.flush()
                if line.upper().startswith(b"QUIT"):
                    break
        self.server.close()


@pytest.mark.parametrize("reachable", [True, False])
def test_doctor_checks_the_mail_server_when_one_is_set(app_config, reachable):
    port = _TinySMTP() if reachable else None
    if port:
        port.start()
    app = create_app({**app_config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port.port if port else _closed_port()})
    result = _doctor(app)
    if reachable:
        assert "OK       email: the mail server 127.0.0.1:" in result.output
    else:
        assert result.exit_code == 1
        assert "PROBLEM  email: cannot reach the mail server" in result.output
        assert "check SMTP_HOST, SMTP_PORT and the firewall" in result.output


def test_doctor_in_production_lists_what_would_stop_start_up(demo, monkeypatch):
    demo.config.update(HARBOUR_PRODUCTION=True, SECRET_KEY_SOURCE="environment", SECRET_KEY="x" * 64,
                       HARBOUR_HOSTS=2)
    result = _doctor(demo)
    assert result.exit_code == 1
    assert "PROBLEM  configuration: HARBOUR_HOSTS is 2 but REDIS_URL is not set" in result.output


def test_doctor_names_demo_accounts_that_open_with_the_published_passwords(demo):
    result = _doctor(demo)
    assert result.exit_code == 1
    assert ("PROBLEM  demo accounts: sam, teacher, dsl, admin open with the passwords published in the README"
            in result.output)
    demo.config["HARBOUR_DEMO"] = True
    assert "WARNING  demo accounts: sam, teacher, dsl, admin open with the README's passwords" in _doctor(demo).output
