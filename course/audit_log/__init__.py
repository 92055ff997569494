"""The audit log page: safeguarding leads and admins search their school's audit events."""

from flask import Blueprint

from ..models import Role
from ..web.access import guard_blueprint

bp = Blueprint("audit_log", __name__, url_prefix="/audit")
guard_blueprint(bp, Role.SAFEGUARDING_LEAD, Role.ADMIN)

from . import events  # noqa: E402,F401
