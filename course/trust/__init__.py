"""The trust admin's pages: every school's coverage side by side, and each school's evidence pack."""

from flask import Blueprint

from ..models import Role
from ..web.access import guard_blueprint

bp = Blueprint("trust", __name__, url_prefix="/trust")
guard_blueprint(bp, Role.TRUST_ADMIN)

from . import overview  # noqa: E402,F401
