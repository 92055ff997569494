"""Teachers' pages: their classes, assigning modules, and the module library."""

from flask import Blueprint

from ..models import Role
from ..web.access import guard_blueprint

bp = Blueprint("teacher", __name__, url_prefix="/teach")
guard_blueprint(bp, Role.TEACHER, Role.SAFEGUARDING_LEAD, Role.ADMIN)

# Every view file of the teacher pages, imported in this one place so their routes are registered.
from . import classes, library, progress, pupils  # noqa: E402,F401
