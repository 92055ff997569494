"""Teachers' pages: their classes, assigning modules, and the module library."""

from flask import Blueprint
from flask_login import current_user

from ..domain.role_boundaries import may_reset_pupil_passwords
from ..models import Role
from ..web.access import guard_blueprint

bp = Blueprint("teacher", __name__, url_prefix="/teach")
guard_blueprint(bp, Role.TEACHER, Role.SAFEGUARDING_LEAD, Role.ADMIN)


@bp.context_processor
def _password_resets():
    # Pages hide the reset and login-card buttons from an admin whose school keeps admins out of them.
    return {"may_reset_pupil_passwords": current_user.is_authenticated and may_reset_pupil_passwords(current_user)}


# Every view file of the teacher pages, imported in this one place so their routes are registered.
from . import classes, knowledge, library, progress, pupils  # noqa: E402,F401
