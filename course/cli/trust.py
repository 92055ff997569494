"""`flask trust-admin create`: the account that sees every school's coverage on this installation."""

import sys

import click
from flask.cli import AppGroup

from ..domain import audit
from ..domain.trust import TrustAdminProblem, create_trust_admin
from ..extensions import db

trust_cli = AppGroup("trust-admin", help="The trust admin: every school's coverage side by side, no pupil's name.")


@trust_cli.command("create")
@click.option("--school-id", type=int, required=True, help="The home school, where they log in ('flask school list').")
@click.option("--name", prompt="The trust admin's name")
@click.option("--username", prompt="Their username")
@click.option("--password", prompt="Their password", hide_input=True, confirmation_prompt=True,
              envvar="HARBOUR_TRUST_ADMIN_PASSWORD", help="Better typed at the prompt.")
def trust_admin_create(school_id: int, name: str, username: str, password: str):
    """Make a trust admin. They see each school's coverage and evidence pack, never a request to talk."""
    try:
        user = create_trust_admin(db.session, school_id, username, name, password)
    except TrustAdminProblem as problem:
        click.echo(f"Not saved: {problem}", err=True)
        sys.exit(1)
    audit.record(db.session, None, "staff_created", school_id=school_id, target_type="user", target_id=user.id,
                 detail="trust admin, from the command line")
    db.session.commit()
    click.echo(f"Trust admin '{user.username}' created: they log in at school {school_id}'s login page.")
