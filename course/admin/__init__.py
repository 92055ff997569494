"""Admins' pages: the school's staff and settings, pupils' data, and the school year.

The school-year pages keep their own blueprint (`school_year`, at /admin/year) so their endpoint names
stay as they were; both blueprints are guarded for admins only.
"""

from flask import Blueprint

from ..models import Role
from ..web.access import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)

year_bp = Blueprint("school_year", __name__, url_prefix="/admin/year")
guard_blueprint(year_bp, Role.ADMIN)

# Every view file of the admin pages, imported in this one place so their routes are registered.
from . import pupils, school_year, sign_in, staff  # noqa: E402,F401
