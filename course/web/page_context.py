"""What every page needs: the viewer's school, its help directory, and the staff navigation."""

from types import SimpleNamespace

from flask import Flask, current_app, g
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from ..content.markdown import render_inline
from ..content.quizzes import OUTCOMES
from ..content.tokens import TokenValues
from ..domain.directory import school_services, token_values
from ..domain.progress import STATE_LABELS
from ..extensions import db
from ..models import HelpService, Role, School
from .content import library
from .urls import remembered_url_for

# Each state shown with an icon and words, never colour alone; made once, as every grid cell shows one.
_ICONS = {"not_started": "○", "in_progress": "◐", "completed": "✓", "overdue": "!"}
STATE_BADGES = {state: Markup('<span class="status status-{0}"><span class="status-icon" aria-hidden="true">{1}</span> '
                              '{2}</span>').format(state, _ICONS[state], label)
                for state, label in STATE_LABELS.items()}


def current_school() -> School | None:
    """The viewer's school; before login, the school if this installation has only one."""
    if "harbour_school" not in g:
        if current_user.is_authenticated:
            g.harbour_school = current_user.school
        else:
            schools = db.session.scalars(select(School).limit(2)).all()
            g.harbour_school = schools[0] if len(schools) == 1 else None
    return g.harbour_school


# Each worker keeps, per school, the help directory it shows on every page and the lesson tokens made
# from it. The key holds everything they are made from: the school's directory_version (bumped in the
# database on every change, so workers on every host see it at their next request) and what the tokens
# name. Entries are plain copies, never rows of a session.
_DIRECTORIES: dict[tuple, tuple[list, TokenValues]] = {}
_DIRECTORIES_KEPT = 500


def _snapshot(service):
    if isinstance(service, HelpService):
        return SimpleNamespace(**{attribute.key: getattr(service, attribute.key)
                                  for attribute in sa_inspect(HelpService).column_attrs})
    return service  # a region file's entry: frozen already


def _directory() -> tuple[list, TokenValues]:
    if "harbour_directory" not in g:
        school = current_school()
        key = (id(library()), *(() if school is None else (school.id, school.directory_version, school.region,
                                                              school.name, school.safeguarding_contact)))
        found = _DIRECTORIES.get(key)
        if found is None:
            services = [_snapshot(s) for s in school_services(db.session, school, library())]
            found = (services, token_values(services, school))
            if len(_DIRECTORIES) >= _DIRECTORIES_KEPT:
                _DIRECTORIES.clear()
            _DIRECTORIES[key] = found
        g.harbour_directory = found
    return g.harbour_directory


def current_services() -> list:
    return _directory()[0]


def token_values_for_current_school() -> TokenValues:
    return _directory()[1]


def inline_text_filler():
    """For quiz text: Markdown inline (raw HTML escaped), then the school's tokens filled in."""
    values = token_values_for_current_school()
    return lambda text: values.fill_html(render_inline(text))


NAVIGATION = {
    Role.PUPIL: [("pupil.my_lessons", "My lessons")],
    Role.TEACHER: [("teacher.classes", "My classes"), ("teacher.library", "Module library"),
                   ("staff_training.home", "Staff training")],
    Role.SAFEGUARDING_LEAD: [("safeguarding.overview", "Overview"), ("safeguarding.requests", "Requests to talk"),
                             ("safeguarding.directory", "Help directory"), ("audit_log.search", "Audit log"),
                             ("teacher.library", "Module library"), ("staff_training.home", "Staff training"),
                             ("parents.manage", "Parents")],
    Role.ADMIN: [("admin.home", "Staff"), ("admin.settings", "School settings"), ("school_year.page", "School year"),
                 ("audit_log.search", "Audit log"), ("teacher.library", "Module library"),
                 ("staff_training.home", "Staff training"), ("parents.manage", "Parents")],
    Role.TRUST_ADMIN: [("trust.overview", "Schools")],
}


def _with_unread_count(endpoint: str, label: str) -> str:
    """Safeguarding leads see, on every page, how many requests to talk nobody has opened yet."""
    if endpoint != "safeguarding.requests" or current_user.role != Role.SAFEGUARDING_LEAD:
        return label
    from ..domain.help_requests import unread_count

    unread = unread_count(db.session, current_user)
    return f"{label} ({unread} new)" if unread else label


def register(app: Flask) -> None:
    # Globals, not context: imported macros (templates/_status.html) see globals only.
    app.jinja_env.globals["state_labels"] = STATE_LABELS
    app.jinja_env.globals["state_badges"] = STATE_BADGES
    app.jinja_env.globals["outcomes"] = OUTCOMES  # the four outcomes the knowledge checks measure, by key
    app.jinja_env.globals["url_for"] = remembered_url_for  # the same addresses on every page: built once

    @app.context_processor
    def inject():
        # The user itself, not Flask-Login's proxy: a page reads it a score of times, each through the proxy.
        user = current_user._get_current_object()
        navigation = []
        if user.is_authenticated:
            navigation = [(endpoint, _with_unread_count(endpoint, label))
                          for endpoint, label in NAVIGATION[Role(user.role)]
                          if endpoint in current_app.view_functions]
        return {
            "current_user": user,
            "quick_exit_url": current_app.config["QUICK_EXIT_URL"],
            "navigation": navigation,
            "demo_mode": current_app.config["HARBOUR_DEMO"],
        }
