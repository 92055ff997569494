"""The admin home: the school's staff accounts."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import STAFF_ROLES, Role, User
from . import bp


@bp.get("/")
def home():
    staff = db.session.scalars(select(User).where(User.school_id == current_user.school_id,
                                                  User.role.in_(STAFF_ROLES)).order_by(User.display_name)).all()
    pupil_count = db.session.scalar(select(func.count()).select_from(User).where(
        User.school_id == current_user.school_id, User.role == Role.PUPIL, User.left_at.is_(None)))
    return render_template("admin/home.html", staff=staff, pupil_count=pupil_count, school=current_user.school)
