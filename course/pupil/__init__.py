"""The pupil's pages: my lessons, the lesson reader, quizzes and results."""

from flask import Blueprint

from ..access import guard_blueprint
from ..models import Role

bp = Blueprint("pupil", __name__, url_prefix="/lessons")
guard_blueprint(bp, Role.PUPIL)

from . import comfort, routes  # noqa: E402,F401
