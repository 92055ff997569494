"""Teachers' pages: their classes, assigning modules, and the module library."""

from flask import Blueprint

from ..access import guard_blueprint
from ..models import Role

bp = Blueprint("teacher", __name__, url_prefix="/teach")
guard_blueprint(bp, Role.TEACHER, Role.SAFEGUARDING_LEAD, Role.ADMIN)

from . import routes  # noqa: E402,F401
