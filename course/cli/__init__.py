"""Harbour's `flask` commands, each a thin shell over course.domain, registered from the one list below."""

from flask import Flask

from .backup import backup_command, restore_command
from .content import content_cli, demo_command
from .doctor import doctor_command
from .school_year import retention_cli, year_cli
from .setup import school_cli, setup_command
from .trust import trust_cli
from .two_factor import two_factor_off_command

COMMANDS = (content_cli, demo_command, setup_command, school_cli, doctor_command, year_cli, retention_cli,
            backup_command, restore_command, trust_cli, two_factor_off_command)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
