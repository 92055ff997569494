"""Signing in with a QR login card (course/domain/login_cards.py says what "once per scan" means).

GET /card?c=<code> checks the code (throttled like a login) and shows a Start button; only the POST
signs in, once per scan. The code travels in the query string, which the request log never writes.
"""

import secrets

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..domain import login_cards
from ..domain import sso as sso_rules
from ..extensions import db
from ..models import Role, User
from ..web import login_throttle
from ..web.db import writes
from . import bp
from .new_session import start_session

CARD_REFUSED = "This login card does not work. It may have been replaced by a newer one. Ask your teacher for your card."
SCAN_USED = "That tap has already been used. Scan your card again to log in."
TOO_MANY = ("There have been too many tries with login cards from here. For safety, card logins are paused "
            "for {minutes} minutes. Your teacher can help.")


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="harbour.card-scan")


def _refused(message: str, status: int):
    return render_template("auth/card_refused.html", message=message), status


@bp.get("/card")
@writes  # spends the state or counts a try in the throttle: takes SQLite's write lock
def card_start():
    token = request.args.get("c", "")
    keys = login_throttle.keys_for_card(token, request.remote_addr)
    # The try is taken before the code is looked up, as for a password: parallel guesses each count.
    reservation = login_throttle.reserve(keys)
    if reservation.blocked:
        return _refused(TOO_MANY.format(minutes=current_app.config["LOGIN_WINDOW_MINUTES"]), 429)
    pupil = login_cards.pupil_for(db.session, token)
    if pupil is None:
        db.session.commit()  # the wrong code keeps its try, for the code and the address
        return _refused(CARD_REFUSED, 404)
    login_throttle.record_success(reservation)
    if current_user.is_authenticated and current_user.id == pupil.id:
        return redirect(url_for("home.index"))
    # One nonce per scan, bound to the card as issued now: a reissue between scan and tap refuses it.
    scan = _signer().dumps({"u": pupil.id, "c": pupil.card_token_hash[:16], "n": secrets.token_urlsafe(24)})
    first_name = pupil.display_name.split(" ")[0]
    db.session.commit()
    return render_template("auth/card_start.html", scan=scan, first_name=first_name,
                           someone_else=current_user.is_authenticated)


@bp.post("/card")
def card_sign_in():
    try:
        scan = _signer().loads(request.form.get("scan", ""), max_age=login_cards.CARD_SCAN_MINUTES * 60)
        user_id, card, nonce = int(scan["u"]), str(scan["c"]), str(scan["n"])
    except SignatureExpired:
        return _refused(SCAN_USED, 403)
    except (BadSignature, KeyError, TypeError, ValueError):
        return _refused(CARD_REFUSED, 400)
    pupil = db.session.get(User, user_id)
    if (pupil is None or pupil.role != Role.PUPIL or not pupil.is_active or not pupil.card_token_hash
            or not secrets.compare_digest(pupil.card_token_hash[:16], card)):
        return _refused(CARD_REFUSED, 403)
    if not sso_rules.spend_nonce(db.session, "card-scan:" + nonce):
        db.session.rollback()
        return _refused(SCAN_USED, 403)
    return start_session(pupil, password_step=False)
