"""The help page: open to everyone, logged in or not, one click from every page."""

from flask import Blueprint, render_template
from flask_login import current_user

from ..page_context import current_school, current_services, token_values_for_current_school

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.get("/")
def help_page():
    services = current_services()
    is_staff = current_user.is_authenticated and current_user.is_staff
    pupil_services = [s for s in services if s.audience == "pupil"]
    adult_services = [s for s in services if s.audience == "staff"]
    values = token_values_for_current_school()
    return render_template("help/help.html", school=current_school(), pupil_services=pupil_services,
                           adult_services=adult_services, show_adult=is_staff or not current_user.is_authenticated,
                           emergency=values.services.get("emergency"), helpline=values.services.get("helpline"))
