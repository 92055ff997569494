"""The help page (open to everyone, one click from every page) and pupils' requests to talk."""

from flask import Blueprint

bp = Blueprint("help", __name__, url_prefix="/help")



@bp.app_context_processor
def _ask_form_factory():
    from .forms import blank_ask_form

    return {"ask_to_talk_form": blank_ask_form}


from . import pages  # noqa: E402,F401
