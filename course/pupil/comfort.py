"""The reading comfort menu: a pupil can choose larger text and roomier spacing, kept in the session.

A plain form (no JavaScript needed) posts here; Post/Redirect/Get returns the pupil to the page they were on.
"""

from flask import flash, redirect, request, session, url_for
from flask_login import current_user

from ..models import Role
from ..web.safe_redirect import safe_next
from . import bp

SESSION_KEY = "reading_comfort"
# Each option: (value sent by the form, label shown to the pupil). The value is also the CSS class suffix.
OPTIONS = (("large", "Larger text"), ("spacing", "More space between letters and lines"))
KNOWN = {value for value, _ in OPTIONS}


def chosen_options() -> list[str]:
    """The comfort options this viewer has switched on (only pupils have any)."""
    if not current_user.is_authenticated or current_user.role != Role.PUPIL:
        return []
    saved = session.get(SESSION_KEY) or []
    return [value for value, _ in OPTIONS if value in saved]


@bp.post("/comfort")
def comfort():
    back = safe_next(request.form.get("next")) or url_for("pupil.my_lessons")
    wanted = request.form.getlist("comfort")
    unknown = [value for value in wanted if value not in KNOWN]
    if unknown:
        flash("That reading option is not one we know, so nothing was changed.", "error")
        return redirect(back)
    session[SESSION_KEY] = [value for value, _ in OPTIONS if value in wanted]
    flash("Reading comfort saved." if wanted else "Reading comfort set back to normal.", "success")
    return redirect(back)


@bp.app_context_processor
def inject_comfort():
    return {"comfort_options": OPTIONS, "comfort_chosen": chosen_options()}
