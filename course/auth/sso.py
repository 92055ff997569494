"""Signing in with a school Google or Microsoft account (OpenID Connect, Authlib underneath).

POST /login/sso sends the person to the provider with a fresh state, nonce and PKCE verifier kept in
their session; the callback takes them back out (one use), spends the state in the database (so a
replayed callback, even with an old cookie, is refused), exchanges the code, checks the ID token
(course/domain/oidc.py) and matches the account to one Harbour person (course/domain/sso.py).
"""

import hmac
import logging
import secrets
import time

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from ..domain import audit, oidc
from ..domain import sso as sso_rules
from ..extensions import db
from ..models import School
from ..web.db import writes
from . import bp
from .new_session import start_session

log = logging.getLogger(__name__)
# From leaving Harbour to coming back: long enough to type a password and answer a second factor.
SIGN_IN_MINUTES = 10


def _discovery_url(provider: str) -> str:
    return current_app.config[f"OIDC_{provider.upper()}_DISCOVERY_URL"]


def _client(school_id: int, provider: str):
    return sso_rules.client_for(db.session, current_app.instance_path, school_id, provider,
                                _discovery_url(provider))


def _refused(reason: str, detail: str = "", school_id: int | None = None, provider: str = "", status: int = 403):
    # Ids and reasons only: never the account name, which is a person's email address.
    log.info("sso sign-in refused: %s (%s)", reason, detail)
    if school_id is not None and reason not in {"cancelled", "provider_unreachable"}:
        audit.record(db.session, None, "sso_refused", school_id=school_id, target_type="school",
                     target_id=school_id, detail=f"{provider}: {reason}")
        db.session.commit()
    return render_template("auth/sso_refused.html", message=oidc.REFUSALS[reason], reason=reason,
                           provider_label=oidc.PROVIDER_LABELS.get(provider, "")), status


@bp.post("/login/sso")
def sso_start():
    provider = request.form.get("provider", "")
    school_id = request.form.get("school", type=int)
    school = db.session.get(School, school_id) if school_id else None
    if school is None:
        schools = list(db.session.scalars(select(School).limit(2)))
        school = schools[0] if len(schools) == 1 else None
    if school is None or provider not in oidc.PROVIDERS:
        return _refused("not_set_up", "no school or provider", status=400)
    client = _client(school.id, provider)
    if client is None:
        return _refused("not_set_up", "not configured", status=400)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    try:
        url = oidc.authorization_url(client, url_for("auth.sso_callback", _external=True), state, nonce, verifier,
                                     prompt=current_app.config["OIDC_PROMPT"])
    except oidc.SignInRefused as refusal:
        return _refused(refusal.reason, refusal.detail, status=502)
    session["oidc"] = {"state": state, "nonce": nonce, "verifier": verifier, "school_id": school.id,
                       "provider": provider, "started": int(time.time())}
    return redirect(url)


@bp.get("/login/sso/callback")
@writes  # spends the state and may link the account: takes SQLite's write lock
def sso_callback():
    pending = session.pop("oidc", None)
    state = request.args.get("state", "")
    if not isinstance(pending, dict) or not state or not hmac.compare_digest(str(pending.get("state", "")), state):
        return _refused("replayed", "no matching state")
    school_id, provider = pending["school_id"], pending["provider"]
    if not sso_rules.spend_nonce(db.session, "oidc-state:" + state):
        db.session.rollback()
        return _refused("replayed", "state already spent", school_id, provider)
    db.session.commit()
    if time.time() - pending.get("started", 0) > SIGN_IN_MINUTES * 60:
        return _refused("expired", "sign-in took too long", school_id, provider)
    if request.args.get("error"):
        return _refused("cancelled", "provider answered with an error", school_id, provider)
    school = db.session.get(School, school_id)
    client = _client(school_id, provider) if school is not None else None
    if client is None:
        return _refused("not_set_up", "switched off during sign-in", status=400)
    redirect_uri = url_for("auth.sso_callback", _external=True)
    # No transaction stays open while the provider is asked (on SQLite it would hold the write lock).
    db.session.commit()
    try:
        token = oidc.exchange_code(client, redirect_uri, request.args.get("code", ""), pending["verifier"])
        claims = oidc.validate_id_token(client, token, pending["nonce"])
        identity = oidc.identity_from_claims(client, claims)
    except oidc.SignInRefused as refusal:
        status = 502 if refusal.reason == "provider_unreachable" else 403
        return _refused(refusal.reason, refusal.detail, school_id, provider, status=status)
    found = sso_rules.match(db.session, school, identity)
    if found.user is None:
        audit.record(db.session, None, "sso_match_failed", school_id=school_id, target_type="school",
                     target_id=school_id, detail=f"{provider}: {found.reason}")
        db.session.commit()
        log.info("sso sign-in matched no one: %s", found.reason)
        return render_template("auth/sso_unmatched.html", account_name=identity.account_name,
                               provider_label=oidc.PROVIDER_LABELS[provider], reason=found.reason,
                               school=school), 403
    return start_session(found.user, password_step=False)


def providers_for_login_page(schools: list[School]) -> list[tuple[School, list[tuple[str, str]]]]:
    """The schools offering Google or Microsoft sign-in, each with (provider, label) pairs."""
    offered = sso_rules.enabled_providers(db.session, [s.id for s in schools])
    if current_user.is_authenticated:
        return []
    return [(s, [(p, oidc.PROVIDER_LABELS[p]) for p in offered[s.id]]) for s in schools if s.id in offered]
