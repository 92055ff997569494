"""Admins' pages: the school's staff and settings."""

from flask import Blueprint

from ..access import guard_blueprint
from ..models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)

from . import routes, routes_pupils  # noqa: E402,F401
