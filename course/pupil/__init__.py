"""The pupil's pages: my lessons, the lesson reader, quizzes and results."""

from flask import Blueprint

from ..models import Role
from ..web.access import guard_blueprint

bp = Blueprint("pupil", __name__, url_prefix="/lessons")
guard_blueprint(bp, Role.PUPIL)

# Every view file of the pupil pages, imported in this one place so their routes are registered.
from . import comfort, lessons  # noqa: E402,F401
