"""Login, logout and password change."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..domain import audit
from ..domain.demo import DEMO_LOGINS
from ..domain.passwords import hash_password, staff_password_problem, verify_password
from ..extensions import db
from ..models import Role, School, User, utcnow
from ..web import login_throttle
from ..web.safe_redirect import safe_next
from . import bp, two_factor
from .forms import ChangePasswordForm, LoginForm

GENERIC_FAILURE = "That username and password do not match. Check them and try again, or ask your teacher."
TOO_MANY_TRIES = ("There have been too many tries to log in with that username. For safety, logging in is paused "
                  "for {minutes} minutes. Your teacher can help if you need to log in sooner.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    schools = list(db.session.scalars(select(School).order_by(School.name)))
    if not schools:
        return render_template("auth/no_school.html")
    form = LoginForm()
    form.school.choices = [(s.id, s.name) for s in schools]
    if len(schools) == 1:
        form.school.data = schools[0].id
    if form.validate_on_submit():
        school_id = form.school.data if form.school.data in {s.id for s in schools} else None
        username = form.username.data.strip().lower()
        keys = login_throttle.keys_for(school_id, username, request.remote_addr)
        if login_throttle.is_blocked(keys):
            # The same answer whether or not the username exists: it tells a guesser nothing.
            flash(TOO_MANY_TRIES.format(minutes=current_app.config["LOGIN_WINDOW_MINUTES"]), "error")
            return render_template("auth/login.html", form=form, show_school=len(schools) > 1,
                                   demo_logins=current_app.config["HARBOUR_DEMO"], demo_accounts=DEMO_LOGINS), 429
        user = db.session.scalars(select(User).where(User.school_id == school_id,
                                                     User.username == username)).first()
        password_hash = user.password_hash if user is not None else None
        # End the read before the slow password check: on SQLite a form's transaction holds the write
        # lock, and 50 logins at once each holding it through argon2 queued past the busy timeout (503).
        db.session.commit()
        if password_hash is not None and verify_password(password_hash, form.password.data) and user.is_active:
            if user.role == Role.SAFEGUARDING_LEAD and user.totp_secret:
                # A safeguarding lead with two-factor on: the code comes next, before any session.
                two_factor.begin(user, safe_next(request.args.get("next")))
                return redirect(url_for("auth.login_code"))
            user.last_login_at = utcnow()
            db.session.commit()
            login_throttle.record_success(keys)
            # A new session: nothing set before logging in (by anyone who planted a cookie) is carried over.
            session.clear()
            login_user(user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
        audit.record(db.session, None, "login_failed", school_id=school_id,
                     target_type="user", target_id=user.id if user else None)
        db.session.commit()
        login_throttle.record_failure(keys)
        flash(GENERIC_FAILURE, "error")
    demo_logins = current_app.config["HARBOUR_DEMO"]
    return render_template("auth/login.html", form=form, show_school=len(schools) > 1, demo_logins=demo_logins,
                           demo_accounts=DEMO_LOGINS)


@bp.post("/logout")
@login_required
def logout():
    # A new token ends this session everywhere: the old cookie no longer matches.
    current_user.rotate_session_token()
    db.session.commit()
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        staff_problem = staff_password_problem(form.new_password.data) if current_user.is_staff else None
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        elif staff_problem:
            form.new_password.errors.append(staff_problem)
        else:
            current_user.password_hash = hash_password(form.new_password.data)
            current_user.must_change_password = False
            current_user.rotate_session_token()
            db.session.commit()
            session.clear()
            login_user(current_user)
            flash("Your password has been changed.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)
