"""First set-up: with no school in the database (and demo mode off), every page leads here, once."""

from flask import Blueprint, abort, current_app, redirect, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from ..domain.schools import has_school
from ..extensions import db

bp = Blueprint("setup", __name__, url_prefix="/setup")

# Open before set-up: the set-up page itself, the load balancer's check, styles, and help.
_OPEN_BEFORE_SETUP = {"health.health", "static", "help.help_page"}


def school_exists() -> bool:
    """Cached once true: schools are never removed, so the question is asked only until set-up is done."""
    if current_app.extensions.get("harbour.has_school"):
        return True
    try:
        found = has_school(db.session)
    except SQLAlchemyError:
        # No tables yet (before `flask db upgrade`) or no database: let the page report that itself.
        db.session.rollback()
        return True
    if found:
        current_app.extensions["harbour.has_school"] = True
    return found


@bp.before_app_request
def _lead_to_setup():
    endpoint = request.endpoint or ""
    if endpoint.startswith("setup."):
        # Once a school exists the page is gone for good: a replayed form finds nothing here.
        if current_app.config["HARBOUR_DEMO"] or school_exists():
            abort(404)
        return None
    if endpoint in _OPEN_BEFORE_SETUP or current_app.config["HARBOUR_DEMO"]:
        return None
    if not school_exists():
        return redirect(url_for("setup.start"))
    return None


from . import first_school  # noqa: E402,F401
