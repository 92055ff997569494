"""Safeguarding leads' pages: school-wide coverage, pupils' requests to talk, the help directory."""

from flask import Blueprint

from ..models import Role
from ..web.access import guard_blueprint

bp = Blueprint("safeguarding", __name__, url_prefix="/safeguarding")
guard_blueprint(bp, Role.SAFEGUARDING_LEAD)

# Every view file of the safeguarding pages, imported in this one place so their routes are registered.
from . import accounts, directory, knowledge, overview, requests, staff_training  # noqa: E402,F401
