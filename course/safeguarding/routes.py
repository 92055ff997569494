"""The school overview."""

from flask import render_template
from flask_login import current_user

from ..coverage import module_coverage
from ..extensions import db
from . import bp


@bp.get("/")
def overview():
    return render_template("safeguarding/overview.html", coverage=module_coverage(db.session, current_user.school_id))
