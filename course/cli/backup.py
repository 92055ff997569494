"""`flask backup FILE` and `flask restore FILE`: an online copy of the SQLite database, and putting one back."""

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..config import MIGRATIONS_DIR
from ..domain import backup as backups


def _database() -> Path:
    try:
        return backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path):
    """Copy the SQLite database to TARGET (a new file) while Harbour keeps running."""
    try:
        summary = backups.backup(_database(), target)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {summary.describe()}. The copy passed SQLite's integrity check.")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Restore without asking (after the checks).")
@with_appcontext
def restore_command(source: Path, yes: bool):
    """Replace the SQLite database's contents with the backup SOURCE; the current data is saved first."""
    database = _database()
    try:
        incoming = backups.summarise(source)
    except backups.BackupError as error:
        raise click.ClickException(f"{error} Nothing was restored.") from None
    click.echo(f"The backup holds {incoming.describe()}.")
    click.echo(f"It will replace everything in {database}; the current data is saved beside it first.")
    if not yes and not click.confirm("Restore it now?", default=False):
        raise click.ClickException("Not restored: nothing was changed.")
    try:
        result = backups.restore(source, database, MIGRATIONS_DIR, datetime.now())
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    if result.saved_previous:
        click.echo(f"Saved the data as it was to {result.saved_previous}.")
    click.echo(f"Restored {source} into {result.restored.describe()}.")
    if result.erased_back:
        numbers = ", ".join(str(i) for i in result.erased_back)
        click.echo(f"Warning: the backup holds {len(result.erased_back)} pupil(s) erased since it was taken "
                   f"(pupil number {numbers}). Erase them again now: Staff → pupils' data. The erasure is in the "
                   "audit log of the data saved beside it.")
    if result.restored.revision != _head():
        click.echo("The backup is from an older version of Harbour: run `flask db upgrade` now.")


def _head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
