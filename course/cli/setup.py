"""`flask setup` (the first school, from the command line) and `flask school create` (one more school)."""

import sys

import click
from flask.cli import AppGroup, with_appcontext

from ..domain import audit
from ..domain.schools import NewSchool, create_school, has_school, problems_with
from ..extensions import db
from ..web.content import library, sync_modules

_OPTIONS = [
    click.option("--name", prompt="School name", help="The school's name."),
    click.option("--region", prompt="Region (uk, ie, us, au)", default="uk", show_default=True,
                 help="Which help directory pupils see."),
    click.option("--contact", prompt="Who pupils can talk to at school",
                 help="The school's safeguarding contact, as pupils will read it."),
    click.option("--admin-name", prompt="The admin's name"),
    click.option("--admin-username", prompt="The admin's username"),
    click.option("--admin-password", prompt="The admin's password", hide_input=True, confirmation_prompt=True,
                 envvar="HARBOUR_ADMIN_PASSWORD", help="Better typed at the prompt, or from HARBOUR_ADMIN_PASSWORD."),
]


def _with_school_options(command):
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def _create(action: str, name, region, contact, admin_name, admin_username, admin_password) -> None:
    new = NewSchool(name=name, region=region, safeguarding_contact=contact, admin_name=admin_name,
                    admin_username=admin_username, admin_password=admin_password)
    problems = problems_with(db.session, library(), new)
    if problems:
        for message in problems.values():
            click.echo(f"Not saved: {message}", err=True)
        sys.exit(1)
    school, admin = create_school(db.session, library(), new)
    audit.record(db.session, admin, action, school_id=school.id, target_type="school", target_id=school.id,
                 detail=f"{action.replace('_', ' ')} from the command line: {school.name}")
    db.session.commit()
    click.echo(f"{school.name} is set up (school id {school.id}). Log in as '{admin.username}'.")


@click.command("setup")
@_with_school_options
@with_appcontext
def setup_command(**details):
    """First set-up: the school, its safeguarding contact and the first admin (only when no school exists)."""
    sync_modules(db.session, library())
    if has_school(db.session):
        click.echo("Harbour is already set up: a school exists. To add another, use 'flask school create'.",
                   err=True)
        sys.exit(1)
    _create("school_set_up", **details)


school_cli = AppGroup("school", help="Schools on this installation (a trust can host several).")


@school_cli.command("create")
@_with_school_options
def school_create(**details):
    """Add a school with its first admin. Each school's pupils, staff and records stay separate."""
    sync_modules(db.session, library())
    _create("school_created", **details)


@school_cli.command("list")
def school_list():
    """The schools on this installation, with their ids."""
    from sqlalchemy import select

    from ..models import School

    for school in db.session.scalars(select(School).order_by(School.id)):
        click.echo(f"{school.id}\t{school.name}\t{school.region}")
