"""The one way every kind of login (password, two-factor code, school account, QR card) starts a session."""

from flask import redirect, session, url_for
from flask_login import login_user

from ..extensions import db
from ..models import User, utcnow
from ..web import security
from ..web.safe_redirect import safe_next


def start_session(user: User, next_url: str | None = None, password_step: bool = True):
    """Log `user` in on a new session and answer with where to go next.

    A new session: nothing set before logging in (by anyone who planted a cookie) is carried over. The
    session is stamped as active now, so a cookie that is never used again still idles out.
    `password_step`: a password login with a temporary password goes on to choose a new one (a school
    account or a QR card logs in without a password, so there is none to change)."""
    user.last_login_at = utcnow()
    db.session.commit()
    session.clear()
    login_user(user)
    security.mark_seen()
    if password_step and user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return redirect(safe_next(next_url) or url_for("home.index"))
