"""Login, logout and password change."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..domain import audit
from ..domain.demo import DEMO_LOGINS
from ..domain.passwords import chosen_password_problem, hash_password, verify_password
from ..extensions import db
from ..models import Role, School, User
from ..web import login_throttle, security
from ..web.safe_redirect import safe_next
from . import bp, two_factor
from .forms import ChangePasswordForm, LoginForm
from .new_session import start_session
from .sso import providers_for_login_page

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
        # The try is counted before the password is checked: parallel guesses each take their own number.
        reservation = login_throttle.reserve(keys)
        user = db.session.scalars(select(User).where(User.school_id == school_id,
                                                     User.username == username)).first()
        # Exactly one argon2 verification on every path (known, unknown or paused username): a paused or
        # unknown one is checked against the dummy hash, so the time taken tells a guesser nothing.
        password_hash = user.password_hash if user is not None and not reservation.blocked else None
        # End the read before the slow password check: on SQLite a form's transaction holds the write
        # lock, and 50 logins at once each holding it through argon2 queued past the busy timeout (503).
        db.session.commit()
        password_ok = verify_password(password_hash, form.password.data)
        if reservation.blocked:
            # The same answer whether or not the username exists: it tells a guesser nothing.
            flash(TOO_MANY_TRIES.format(minutes=current_app.config["LOGIN_WINDOW_MINUTES"]), "error")
            return render_template("auth/login.html", form=form, show_school=len(schools) > 1,
                                   demo_logins=current_app.config["HARBOUR_DEMO"], demo_accounts=DEMO_LOGINS,
                                   sso=providers_for_login_page(schools)), 429
        if password_ok and user.is_active:
            if user.role == Role.SAFEGUARDING_LEAD and user.totp_secret:
                # A safeguarding lead with two-factor on: the password's count is settled, and the code
                # comes next (throttled on its own), before any session.
                login_throttle.record_success(reservation)
                two_factor.begin(user, safe_next(request.args.get("next")))
                return redirect(url_for("auth.login_code"))
            login_throttle.record_success(reservation)
            return start_session(user, request.args.get("next"))
        audit.record(db.session, None, "login_failed", school_id=school_id,
                     target_type="user", target_id=user.id if user else None)
        db.session.commit()  # the failure keeps its reserved try, for the username and the address
        flash(GENERIC_FAILURE, "error")
    demo_logins = current_app.config["HARBOUR_DEMO"]
    return render_template("auth/login.html", form=form, show_school=len(schools) > 1, demo_logins=demo_logins,
                           demo_accounts=DEMO_LOGINS, sso=providers_for_login_page(schools))


@bp.post("/logout")
@login_required
def logout():
    # A new token ends this session everywhere: the old cookie no longer matches.
    current_user.rotate_session_token()
    db.session.commit()
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/exit")
def quick_exit():
    """Quick exit: end the session, then leave for the quick-exit address. A plain link (a GET), so it
    works without JavaScript; harbour.js opens it with location.replace so Back does not return here.
    Logging out by GET lets another site log a pupil out, which harms no one; staying logged in after
    leaving in a hurry could."""
    if current_user.is_authenticated:
        # A new token: this cookie (and any copy of it) no longer opens anything.
        current_user.rotate_session_token()
        db.session.commit()
        logout_user()
    session.clear()
    return redirect(current_app.config["QUICK_EXIT_URL"], code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        new_password = form.new_password.data
        # The current password is guessed at like a login, so it is throttled like one, in the same store.
        reservation = login_throttle.reserve(login_throttle.keys_for(current_user.school_id, current_user.username,
                                                                     request.remote_addr))
        if reservation.blocked:
            form.current_password.errors.append(TOO_MANY_TRIES.format(
                minutes=current_app.config["LOGIN_WINDOW_MINUTES"]))
        elif not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            login_throttle.record_success(reservation)
            problem = chosen_password_problem(current_user.is_staff, form.current_password.data, new_password)
            if problem:
                form.new_password.errors.append(problem)
            else:
                current_user.password_hash = hash_password(new_password)
                current_user.must_change_password = False
                current_user.rotate_session_token()
                db.session.commit()
                session.clear()
                login_user(current_user)
                security.mark_seen()
                flash("Your password has been changed.", "success")
                return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)
