"""The front door: sends each person to their own starting page."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from ..models import Role

bp = Blueprint("home", __name__)

START_PAGES = {
    Role.PUPIL: "pupil.my_lessons",
    Role.TEACHER: "teacher.classes",
    Role.SAFEGUARDING_LEAD: "safeguarding.overview",
    Role.ADMIN: "admin.home",
    Role.TRUST_ADMIN: "trust.overview",
}


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(START_PAGES[Role(current_user.role)]))
