"""`flask doctor`: checks the configuration and the database, and says what to fix.

Each check gives OK, WARNING (worth fixing) or PROBLEM (fix before pupils use Harbour); the command
exits 1 when there is any PROBLEM, so it can gate a deployment.
"""

import smtplib
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from ..config import production_problems
from ..content import load_library
from ..domain.directory import needs_checking
from ..domain.notify import SMTP_TIMEOUT_SECONDS
from ..extensions import db
from ..models import HelpService, School


@dataclass(frozen=True)
class Finding:
    level: str  # "OK", "WARNING" or "PROBLEM"
    check: str
    message: str


def check_configuration(config) -> list[Finding]:
    problems = production_problems({**config, "HARBOUR_PRODUCTION": True})
    if config.get("HARBOUR_PRODUCTION"):
        if problems:  # cannot happen once started, but doctor may run with a changed environment
            return [Finding("PROBLEM", "configuration", p) for p in problems]
        return [Finding("OK", "configuration", "production mode, and every production setting is safe")]
    findings = [Finding("WARNING", "configuration",
                        "not in production mode: set HARBOUR_PRODUCTION=1 on a server pupils use")]
    findings += [Finding("WARNING", "configuration", f"in production this would stop start-up: {p}")
                 for p in problems]
    return findings


def check_database() -> list[Finding]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return [Finding("PROBLEM", "database", f"cannot connect ({type(error).__name__}): check DATABASE_URL "
                                               "and that the database server is running")]
    db.session.rollback()  # end the transaction: on SQLite a command's transaction holds the write lock
    return [Finding("OK", "database", f"reachable ({db.engine.dialect.name})")]


def check_migrations() -> list[Finding]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    db.session.rollback()
    wanted = set(script.get_heads())
    if current == wanted:
        return [Finding("OK", "migrations", f"the schema is current ({', '.join(sorted(wanted))})")]
    if not current:
        return [Finding("PROBLEM", "migrations", "the database has no schema yet: run 'flask db upgrade'")]
    return [Finding("PROBLEM", "migrations", f"the schema is at {', '.join(sorted(current))}, the code needs "
                                             f"{', '.join(sorted(wanted))}: run 'flask db upgrade'")]


def check_content(root: Path) -> list[Finding]:
    _content, problems = load_library(root)
    if problems:
        return [Finding("PROBLEM", "content", f"{p}  (fix the file; 'flask content check' lists them all)")
                for p in problems]
    return [Finding("OK", "content", "modules, quizzes and help directory files are valid")]


def check_help_directory(content, today: date) -> list[Finding]:
    findings = []
    for code, region in sorted(content.regions.items()):
        for service in region.services:
            if needs_checking(service.last_checked, today):
                findings.append(Finding("WARNING", "help directory", (
                    f"help_directory/{code}.toml: '{service.key}' ({service.name}) was last checked on "
                    f"{service.last_checked:%d %B %Y}: check its details still work, then update last_checked")))
    newest = {(code, s.key): s.last_checked for code, region in content.regions.items() for s in region.services}
    rows = db.session.execute(select(School.name, School.region, HelpService.key, HelpService.last_checked)
                              .join(HelpService, HelpService.school_id == School.id)).all()
    for school_name, region, key, last_checked in rows:
        in_file = newest.get((region, key))
        if in_file is not None and in_file > last_checked:
            findings.append(Finding("WARNING", "help directory", (
                f"{school_name}: its copy of '{key}' is older than help_directory/{region}.toml "
                f"({last_checked} against {in_file}): update the school's help directory from the file")))
        elif needs_checking(last_checked, today):
            findings.append(Finding("WARNING", "help directory", (
                f"{school_name}: '{key}' was last checked on {last_checked:%d %B %Y}: check it still works")))
    if not findings:
        findings.append(Finding("OK", "help directory", "every entry was checked within the last year"))
    return findings


def check_smtp(host: str | None, port: int) -> list[Finding]:
    if not host:
        return [Finding("OK", "email", "SMTP_HOST is not set: Harbour sends no email")]
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            code, _message = smtp.noop()
    except (TimeoutError, OSError, smtplib.SMTPException) as error:
        return [Finding("PROBLEM", "email", f"cannot reach the mail server {host}:{port} ({error.__class__.__name__}): "
                                            "check SMTP_HOST, SMTP_PORT and the firewall")]
    if code != 250:
        return [Finding("PROBLEM", "email", f"the mail server {host}:{port} answered {code} to NOOP")]
    return [Finding("OK", "email", f"the mail server {host}:{port} answers")]


def check_demo_passwords(config) -> list[Finding]:
    from ..domain.demo import accounts_with_published_passwords

    found = accounts_with_published_passwords(db.session)
    db.session.rollback()
    if not found:
        return [Finding("OK", "demo accounts", "no account opens with a password published in the README")]
    names = ", ".join(found)
    if config.get("HARBOUR_DEMO") and not config.get("HARBOUR_PRODUCTION"):
        return [Finding("WARNING", "demo accounts", f"{names} open with the README's passwords: "
                                                    "fine for a demo, never on a server pupils use")]
    return [Finding("PROBLEM", "demo accounts", f"{names} open with the passwords published in the README: "
                                                "delete those accounts or give them new passwords "
                                                "(production refuses to start until then)")]


def run_checks(app, today: date) -> list[Finding]:
    config = app.config
    findings = check_configuration(config)
    database = check_database()
    findings += database
    if database[0].level == "OK":
        findings += check_migrations()
        if findings[-1].level == "OK":
            findings += check_demo_passwords(config)
    findings += check_content(Path(config["CONTENT_ROOT"]))
    if database[0].level == "OK" and findings[-1].level == "OK":
        try:
            findings += check_help_directory(app.extensions["harbour.content"], today)
        except SQLAlchemyError:
            db.session.rollback()
            findings.append(Finding("PROBLEM", "help directory", "cannot read the schools' help directories: "
                                                                 "run 'flask db upgrade' first"))
    findings += check_smtp(config.get("SMTP_HOST"), config.get("SMTP_PORT", 25))
    return findings


@click.command("doctor")
@with_appcontext
def doctor_command():
    """Check the configuration, database, migrations, content, help directory and email; say what to fix."""
    findings = run_checks(current_app, date.today())
    for finding in findings:
        click.echo(f"{finding.level:8} {finding.check}: {finding.message}")
    problems = sum(1 for f in findings if f.level == "PROBLEM")
    warnings = sum(1 for f in findings if f.level == "WARNING")
    click.echo(f"{problems} problem(s), {warnings} warning(s).")
    if problems:
        sys.exit(1)
