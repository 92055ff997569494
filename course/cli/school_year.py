"""`flask year rollover` and `flask retention run`: the school year from the command line (or a timer)."""

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..domain.school_year import (
    StalePreview,
    apply_rollover,
    preview_retention,
    preview_rollover,
    run_retention,
)
from ..extensions import db
from ..models import School, utcnow

year_cli = AppGroup("year", help="The school year: rollover to the next year.")
retention_cli = AppGroup("retention", help="Deleting leavers' data after the school's retention period.")


def _schools(school_id: int | None) -> list[School]:
    query = select(School).order_by(School.id)
    if school_id is not None:
        query = query.where(School.id == school_id)
    schools = list(db.session.scalars(query))
    if not schools:
        click.echo("No such school. 'flask school list' shows the schools and their ids." if school_id is not None
                   else "No school is set up yet.", err=True)
        sys.exit(1)
    return schools


@year_cli.command("rollover")
@click.option("--school", "school_id", type=int, help="The school's id; needed when there are several.")
@click.option("--yes", is_flag=True, help="Do it without asking (after showing the preview).")
def year_rollover(school_id, yes):
    """Show what the rollover would do, then (when confirmed) move every pupil up, all or nothing."""
    schools = _schools(school_id)
    if len(schools) > 1:
        click.echo("There are several schools: choose one with --school ID ('flask school list').", err=True)
        sys.exit(1)
    school = schools[0]
    preview = preview_rollover(db.session, school, utcnow())
    click.echo(f"Year rollover for {school.name}:")
    for year, count in preview.moving_up.items():
        click.echo(f"  Year {year}: {count} pupils move up to Year {year + 1}")
    for year, count in preview.leavers.items():
        click.echo(f"  Year {year}: {count} pupils become leavers")
    if preview.without_year_group:
        click.echo(f"  {preview.without_year_group} pupils have no year group and stay as they are")
    click.echo(f"  {len(preview.classes_to_archive)} classes are archived")
    if preview.recently_rolled_over:
        click.echo(f"  Warning: this school was rolled over on {preview.last_rolled_over_at:%d %B %Y}.")
    if not yes and not click.confirm("Roll over now?", default=False):
        click.echo("Nothing changed.")
        return
    try:
        result = apply_rollover(db.session, school, None, preview.fingerprint, utcnow())
        db.session.commit()
    except StalePreview:
        db.session.rollback()
        click.echo("Pupils or classes changed while the preview was shown. Nothing changed: run it again.",
                   err=True)
        sys.exit(1)
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Done: {result.describe()}.")


@retention_cli.command("run")
@click.option("--school", "school_id", type=int, help="Only this school (default: every school).")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
def retention_run(school_id, dry_run):
    """Delete the data of leavers past each school's retention period; keep anonymous counts. Audited."""
    today = utcnow().date()
    for school in _schools(school_id):
        if dry_run:
            result = preview_retention(db.session, school, today)
            click.echo(f"{school.name} (dry run, nothing deleted): {result.describe().replace('deleted the data of', 'would delete the data of')}.")
            continue
        try:
            result = run_retention(db.session, school, None, today)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        click.echo(f"{school.name}: {result.describe()}.")
