"""`flask content check` and `flask demo`: the lesson files, and the demo school."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..content import load_library
from ..extensions import db
from ..web.content import library, module_ids, sync_modules

content_cli = AppGroup("content", help="Lesson content: modules (and the staff track), quizzes, parents' sheets and the help directory.")


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
               f"quizzes, {len(content.regions)} help directory regions; {len(content.staff_modules)} staff modules, "
               f"{len(content.parent_sheets.starters)} take-home sheets for parents.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Create the demo school (once): staff, two classes of pupils, progress and quiz attempts."""
    from ..domain.demo import create_demo_school
    from ..domain.schools import has_school

    sync_modules(db.session, library())
    if has_school(db.session):
        click.echo("A school exists already: demo data not added.")
        return
    create_demo_school(db.session, library(), module_ids())
    click.echo("Demo school created. Logins are in the README and on the login page.")
