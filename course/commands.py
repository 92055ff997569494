"""Harbour's `flask` commands: content check, demo data, set-up, doctor, and the school year."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .content import load_library
from .content_sync import library, module_ids, sync_modules
from .extensions import db

content_cli = AppGroup("content", help="Lesson content: modules, quizzes and the help directory.")


@content_cli.command("check")
def content_check():
    """Check every module, quiz and help directory file; print file:line: message for each problem."""
    root = Path(current_app.config["CONTENT_ROOT"])
    content, problems = load_library(root)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"Content OK: {len(content.modules)} modules, {sum(1 for m in content.modules.values() if m.quiz)} "
               f"quizzes, {len(content.regions)} help directory regions.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Create the demo school (once): staff, two classes of pupils, progress and quiz attempts."""
    from .demo import create_demo_school, has_school

    sync_modules(db.session, library())
    if has_school(db.session):
        click.echo("A school exists already: demo data not added.")
        return
    create_demo_school(db.session, library(), module_ids())
    click.echo("Demo school created. Logins are in the README and on the login page.")


def register(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(demo_command)

    from .backup_commands import backup_command, restore_command
    from .doctor import doctor_command
    from .setup_commands import school_cli, setup_command
    from .year_commands import retention_cli, year_cli

    for command in (setup_command, school_cli, doctor_command, year_cli, retention_cli, backup_command,
                    restore_command):
        app.cli.add_command(command)
