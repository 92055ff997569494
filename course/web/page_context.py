"""What every page needs: the viewer's school, its help directory, and the staff navigation."""

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy import select

from ..content.markdown import render_inline
from ..content.tokens import TokenValues
from ..domain.directory import school_services, token_values
from ..domain.progress import STATE_LABELS
from ..extensions import db
from ..models import Role, School
from .content import library


def current_school() -> School | None:
    """The viewer's school; before login, the school if this installation has only one."""
    if "harbour_school" not in g:
        if current_user.is_authenticated:
            g.harbour_school = current_user.school
        else:
            schools = db.session.scalars(select(School).limit(2)).all()
            g.harbour_school = schools[0] if len(schools) == 1 else None
    return g.harbour_school


def current_services() -> list:
    if "harbour_services" not in g:
        g.harbour_services = school_services(db.session, current_school(), library())
    return g.harbour_services


def token_values_for_current_school() -> TokenValues:
    return token_values(current_services(), current_school())


def inline_text_filler():
    """For quiz text: Markdown inline (raw HTML escaped), then the school's tokens filled in."""
    values = token_values_for_current_school()
    return lambda text: values.fill_html(render_inline(text))


NAVIGATION = {
    Role.PUPIL: [("pupil.my_lessons", "My lessons")],
    Role.TEACHER: [("teacher.classes", "My classes"), ("teacher.library", "Module library")],
    Role.SAFEGUARDING_LEAD: [("safeguarding.overview", "Overview"), ("safeguarding.requests", "Requests to talk"),
                             ("safeguarding.directory", "Help directory"), ("audit_log.search", "Audit log"),
                             ("teacher.library", "Module library")],
    Role.ADMIN: [("admin.home", "Staff"), ("admin.settings", "School settings"), ("school_year.page", "School year"),
                 ("audit_log.search", "Audit log"), ("teacher.library", "Module library")],
}


def _with_unread_count(endpoint: str, label: str) -> str:
    """Safeguarding leads see, on every page, how many requests to talk nobody has opened yet."""
    if endpoint != "safeguarding.requests" or current_user.role != Role.SAFEGUARDING_LEAD:
        return label
    from ..domain.help_requests import unread_count

    unread = unread_count(db.session, current_user)
    return f"{label} ({unread} new)" if unread else label


def register(app: Flask) -> None:
    # A global, not context: imported macros (templates/_status.html) see globals only.
    app.jinja_env.globals["state_labels"] = STATE_LABELS

    @app.context_processor
    def inject():
        navigation = []
        if current_user.is_authenticated:
            navigation = [(endpoint, _with_unread_count(endpoint, label))
                          for endpoint, label in NAVIGATION[Role(current_user.role)]
                          if endpoint in current_app.view_functions]
        return {
            "quick_exit_url": current_app.config["QUICK_EXIT_URL"],
            "navigation": navigation,
            "demo_mode": current_app.config["HARBOUR_DEMO"],
        }
