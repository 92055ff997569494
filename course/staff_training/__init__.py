"""The staff track, for every member of a school's staff: their staff modules, each quiz and a certificate."""

from flask import Blueprint

from ..models import Role
from ..web.access import guard_blueprint

bp = Blueprint("staff_training", __name__, url_prefix="/staff-training")
guard_blueprint(bp, Role.TEACHER, Role.SAFEGUARDING_LEAD, Role.ADMIN)

# Every view file of the staff track, imported in this one place so their routes are registered.
from . import track  # noqa: E402,F401
