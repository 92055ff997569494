"""`flask two-factor-off USERNAME`: for a safeguarding lead who lost both their phone and their recovery codes.

Run on the server only, on purpose: no one in Harbour (not an admin) can remove a lead's second factor.
Every other lead is told, in Harbour and by email; the lead sets two-factor up again at their next login.
"""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..domain import audit, notify, two_factor
from ..domain.role_boundaries import tell_leads
from ..extensions import db
from ..models import Role, School, User


@click.command("two-factor-off")
@click.argument("username")
@click.option("--school", "school_name", default=None, help="The school's name (needed when there are several).")
@with_appcontext
def two_factor_off_command(username: str, school_name: str | None):
    """Remove two-factor authentication from the safeguarding lead USERNAME."""
    schools = db.session.scalars(select(School).order_by(School.name)).all()
    if school_name:
        schools = [s for s in schools if s.name.casefold() == school_name.strip().casefold()]
    if len(schools) != 1:
        raise click.ClickException("Name the school with --school (its name as on the login page)." if schools or
                                   not school_name else f"No school is called “{school_name}”.")
    school = schools[0]
    lead = db.session.scalars(select(User).where(User.school_id == school.id, User.username == username.strip().lower(),
                                                 User.role == Role.SAFEGUARDING_LEAD)).first()
    if lead is None:
        raise click.ClickException(f"{school.name} has no safeguarding lead with the username “{username}”. "
                                   "Nothing was changed.")
    if not lead.totp_secret:
        click.echo(f"{lead.display_name} has no two-factor authentication set up. Nothing was changed.")
        return
    two_factor.turn_off(lead)
    lead.rotate_session_token()
    audit.record(db.session, None, "two_factor_removed", school_id=school.id, target_type="user", target_id=lead.id,
                 detail=f"{lead.display_name}, by flask two-factor-off")
    tell_leads(db.session, school.id, "two_factor_removed", None, subject=lead)
    db.session.commit()
    notify.notify_leads(db.session, current_app.config, school, "two_factor_removed", except_id=lead.id)
    click.echo(f"Two-factor authentication removed from {lead.display_name}. They set it up again at their next "
               "login; the other safeguarding leads have been told.")
