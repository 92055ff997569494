"""Admins' school-year pages: year rollover (preview, then all or nothing) and leavers' data retention."""

from flask import Blueprint

from ..access import guard_blueprint
from ..models import Role

bp = Blueprint("school_year", __name__, url_prefix="/admin/year")
guard_blueprint(bp, Role.ADMIN)

from . import routes  # noqa: E402,F401
