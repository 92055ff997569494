"""Two-factor authentication for safeguarding leads: setting up a code app, and the code step at login."""

import time

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..domain import audit, two_factor
from ..extensions import db
from ..models import Role, User
from ..web import login_throttle
from . import bp
from .forms import TwoFactorCodeForm
from .new_session import start_session

PENDING = "two_factor_pending"  # the session key holding who passed the password step, and when
PENDING_SECONDS = 300
SETUP_SECRET = "two_factor_setup_secret"  # noqa: S105 (a session key, not a secret)
WRONG_CODE = "That code did not work. Check the time on your phone, wait for a new code, and try again."
TOO_MANY_CODES = ("There have been too many wrong codes for this account. For safety, logging in is paused for "
                  "{minutes} minutes.")


def begin(user: User, next_url: str | None) -> None:
    """The password was right; the code is still to come. Nothing of the account is reachable yet."""
    session.clear()
    session[PENDING] = {"user": user.id, "token": user.session_token, "at": int(time.time()),
                        "next": next_url or ""}


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or user.session_token != pending.get("token") or not user.is_active or not user.totp_secret:
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Please log in again: the code step timed out or was not started.", "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return render_template("auth/login_code.html", form=form), (422 if form.is_submitted() else 200)
    keys = login_throttle.keys_for(user.school_id, f"two-factor:{user.username}", request.remote_addr)
    # Reserved before the code is checked, like the password: parallel guesses each take their own number.
    reservation = login_throttle.reserve(keys)
    if reservation.blocked:
        flash(TOO_MANY_CODES.format(minutes=current_app.config["LOGIN_WINDOW_MINUTES"]), "error")
        return render_template("auth/login_code.html", form=form), 429
    if two_factor.verify(user, form.code.data):
        login_throttle.record_success(reservation)
        return start_session(user, session.get(PENDING, {}).get("next"))
    audit.record(db.session, None, "login_failed", school_id=user.school_id, target_type="user", target_id=user.id,
                 detail="wrong two-factor code")
    db.session.commit()  # the wrong code keeps its reserved try
    form.code.errors.append(WRONG_CODE)
    return render_template("auth/login_code.html", form=form), 422


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Scan the QR code (or type the secret), then prove it with a code. Recovery codes are shown once."""
    if current_user.role != Role.SAFEGUARDING_LEAD:
        abort(404)
    secret = session.get(SETUP_SECRET)
    if request.method == "GET" or not secret:
        secret = two_factor.new_secret()
        session[SETUP_SECRET] = secret
    form = TwoFactorCodeForm()
    if request.method == "POST" and form.validate_on_submit():
        step = two_factor.check_code(secret, form.code.data, None)
        if step is not None:
            codes = two_factor.turn_on(current_user, secret, step)
            session.pop(SETUP_SECRET, None)
            audit.record(db.session, current_user, "two_factor_set_up", target_type="user", target_id=current_user.id)
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes)
        form.code.errors.append(WRONG_CODE)
    uri = two_factor.provisioning_uri(secret, current_user)
    return render_template("auth/two_factor_setup.html", form=form, secret=two_factor.grouped(secret),
                           qr=two_factor.qr_svg(uri, "QR code holding the secret below"),
                           required=two_factor.required_for(current_user)), (
        422 if form.errors else 200)
