"""Calm error pages that always keep "Get help" and Quick exit in reach."""

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, render_template, render_template_string, request, session
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..extensions import db
from .safe_redirect import safe_next

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That did not work", "Something in the form was not right. Please go back and try again."),
    403: ("Not available", "This page is not available to your account."),
    404: ("Page not found", "We could not find that page. It may have moved, or it is not set for you."),
    405: ("That did not work", "That page cannot be used that way. Please go back and try again."),
    413: ("Too large to send", "That was too large to send (the limit is 3 MB). Nothing was saved. "
                               "If it was a pupil list, check it is the right file: a pupil list is much smaller."),
    429: ("Please wait a moment", "There were too many tries. Please wait a few minutes, then try again."),
    500: ("Something went wrong", "Something went wrong on our side. It is not your fault. Please try again."),
    503: ("Harbour is busy", "Harbour cannot reach its database just now. Please try again in a minute."),
}

# Should drawing the normal page need the database too: the same words and links, with no layout.
BARE_503 = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ title }} – Harbour</title></head>
<body><main><h1>{{ title }}</h1><p>{{ message }}</p><ul>{% if retry %}<li><a href="{{ retry }}">Try again</a></li>
{% endif %}<li><a href="/help/">Get help</a></li><li><a href="{{ quick_exit_url }}">Quick exit</a></li></ul></main>
</body></html>"""


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


def refuse_oversized_requests(app: Flask) -> None:
    @app.before_request
    def refuse_oversized():
        # Werkzeug enforces MAX_CONTENT_LENGTH only when the form is parsed, and parsing swallows the
        # error (CSRF then sees no token and says "timed out"). Answer 413 from the declared length,
        # before a byte of the body is read; a body without a length is cut off at the limit on reading.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL cannot store a NUL character in text (SQLite can): refuse such a form up front,
        # the same on both engines, before anything is saved. Found by Hypothesis on PostgreSQL.
        if request.method == "POST" and any(
                "\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)):
            raise bad_request("The form held a character that cannot be stored (a NUL character). "
                              "Nothing was saved. Please go back, retype it and try again.")

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
        if request.endpoint == "auth.quick_exit":
            # Quick exit never waits for the database: the cookie is emptied and the pupil leaves.
            session.clear()
            return redirect(current_app.config["QUICK_EXIT_URL"], code=303)
        log.warning("database unavailable: %s", type(error).__name__)
        # A retry link: the same page for a GET; for a form, the page it was sent from (sent again from there).
        retry = safe_next(request.full_path) if request.method == "GET" else (_same_site_referrer() or
                                                                              safe_next(request.path))
        title, message = MESSAGES[503]
        # The page is drawn as for someone logged out: reading the account would need the database.
        g._login_user = current_app.login_manager.anonymous_user()
        try:
            response = render_template("error.html", title=title, message=message, status=503, retry=retry)
        except SQLAlchemyError:
            db.session.rollback()
            response = render_template_string(BARE_503, title=title, message=message, retry=retry,
                                              quick_exit_url=current_app.config["QUICK_EXIT_URL"])
        return response, 503, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def server_error(error):
        log.exception("unhandled error on %s", request.endpoint)
        db.session.rollback()
        return render_error(500)


def forbidden(message: str):
    """Abort with 403 and a message saying why, and who can do it instead."""
    from werkzeug.exceptions import Forbidden

    error = Forbidden(message)
    error.harbour_message = True
    return error


def bad_request(message: str):
    """Abort with 400 and a message written for the person who sent the form."""
    from werkzeug.exceptions import BadRequest

    error = BadRequest(message)
    error.harbour_message = True
    return error
