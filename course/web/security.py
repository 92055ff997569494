"""Who is logged in, how long a session lasts, and the security headers on every response."""

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import SecurityError

from ..domain import two_factor
from ..extensions import db, login_manager
from ..models import User

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


# Built once: the loader runs on every request. The school comes in the same query: every page shows
# something of it (help directory, name).
_USER_WITH_SCHOOL = select(User).options(joinedload(User.school)).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # The id carries the user's session token: after logout or a password change, old cookies fail.
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.scalars(_USER_WITH_SCHOOL, {"user_id": int(raw_id)}).first()
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def now_seconds() -> int:
    """The clock idle expiry reads (seconds). Tests move it (monkeypatch) to see a session idle out."""
    return int(time.time())


def mark_seen() -> None:
    """Stamp the session as active now: the login response carries it, so a cookie never used again
    still idles out."""
    session["last_seen"] = now_seconds()


def _expire_idle_sessions():
    if not current_user.is_authenticated:
        return None
    minutes = current_app.config["STAFF_SESSION_MINUTES" if current_user.is_staff else "PUPIL_SESSION_MINUTES"]
    now = now_seconds()
    last_seen = session.get("last_seen", now)
    if now - last_seen > minutes * 60:
        logout_user()
        session.clear()
        flash("You were logged out because the page was left for a while. Please log in again.", "info")
        return redirect(url_for("auth.login"))
    # Writing the session on every request would churn cookies; once a minute is enough.
    if now - last_seen > 60 or "last_seen" not in session:
        session["last_seen"] = now
    return None


# Pages a user who must choose a new password may still open.
_OPEN_WHILE_CHANGING_PASSWORD = {"auth.change_password", "auth.logout", "auth.quick_exit", "help.help_page", "static"}


def _require_new_password():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in _OPEN_WHILE_CHANGING_PASSWORD):
        return redirect(url_for("auth.change_password"))
    return None


# Pages a safeguarding lead who must set up two-factor authentication may still open.
_OPEN_WHILE_SETTING_UP_TWO_FACTOR = {"auth.two_factor_setup", "auth.logout", "help.help_page", "static"}


def _require_two_factor():
    if (current_user.is_authenticated and not current_user.totp_secret
            and request.endpoint not in _OPEN_WHILE_SETTING_UP_TWO_FACTOR and two_factor.required_for(current_user)):
        return redirect(url_for("auth.two_factor_setup"))
    return None


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if not current_app.config["HARBOUR_DEV"] and not current_app.testing:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        # Pages hold children's data and requests for help: never keep them in a shared cache.
        headers.setdefault("Cache-Control", "no-store")
    return response


UNKNOWN_HOST_PAGE = ("<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Not this address"
                     "</title></head><body><main><h1>Not this address</h1><p>This address is not one Harbour "
                     "answers to. Please use your school's Harbour address.</p></main></body></html>")


def _refuse_untrusted_host():
    # Flask found the Host (or X-Forwarded-Host) outside TRUSTED_HOSTS: nothing else runs, and the page
    # is plain text, since no link can be built for a host Harbour does not answer to.
    if isinstance(request.routing_exception, SecurityError):
        return UNKNOWN_HOST_PAGE, 400, {"Content-Type": "text/html; charset=utf-8"}
    return None


def register(app: Flask) -> None:
    # First of all the before-request functions (CSRF, idle expiry and the rest would each read the host).
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_untrusted_host)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(_expire_idle_sessions)
    app.before_request(_require_new_password)
    app.before_request(_require_two_factor)
    app.after_request(_security_headers)
