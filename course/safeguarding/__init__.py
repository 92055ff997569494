"""Safeguarding leads' pages: school-wide coverage, pupils' requests to talk, the help directory."""

from flask import Blueprint

from ..access import guard_blueprint
from ..models import Role

bp = Blueprint("safeguarding", __name__, url_prefix="/safeguarding")
guard_blueprint(bp, Role.SAFEGUARDING_LEAD)

from . import routes, routes_directory, routes_requests  # noqa: E402,F401
