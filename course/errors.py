"""Calm error pages that always keep "Get help" and Quick exit in reach."""

import logging
from urllib.parse import urlsplit

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .safe_redirect import safe_next

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That did not work", "Something in the form was not right. Please go back and try again."),
    403: ("Not available", "This page is not available to your account."),
    404: ("Page not found", "We could not find that page. It may have moved, or it is not set for you."),
    405: ("That did not work", "That page cannot be used that way. Please go back and try again."),
    413: ("File too large", "That file is too large. Please try a smaller one."),
    429: ("Please wait a moment", "There were too many tries. Please wait a few minutes, then try again."),
    500: ("Something went wrong", "Something went wrong on our side. It is not your fault. Please try again."),
    503: ("Harbour is busy", "Harbour cannot reach its database just now. Please try again in a minute."),
}


def _same_site_referrer() -> str | None:
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc != request.host:
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    response = render_template("error.html", title=title, message=detail or message, status=status)
    return response, status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        title = "This page timed out"
        message = ("For your safety, forms stop working after a while or when opened in another tab. "
                   "Nothing was saved. Please go back, reload the page, and try again.")
        return render_template("error.html", title=title, message=message, status=400,
                               back=_same_site_referrer()), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        detail = error.description if getattr(error, "harbour_message", False) else None
        return render_error(error.code or 500, detail)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        log.warning("database unavailable: %s", type(error).__name__)
        response, status = render_error(503)
        return response, status, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def server_error(error):
        log.exception("unhandled error on %s", request.endpoint)
        db.session.rollback()
        return render_error(500)


def bad_request(message: str):
    """Abort with 400 and a message written for the person who sent the form."""
    from werkzeug.exceptions import BadRequest

    error = BadRequest(message)
    error.harbour_message = True
    return error
