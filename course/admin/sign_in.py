"""Admins: Google and Microsoft sign-in for the school, and each person's school account (link, unlink)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..domain import sso as sso_rules
from ..domain.oidc import PROVIDER_LABELS, PROVIDERS
from ..extensions import db
from ..models import User
from . import bp

MAX_FIELD = 2000


def _page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    saved = sso_rules.settings_for(db.session, current_user.school_id)
    secrets_from_env = {p: bool(sso_rules.secret_from_environment(p)) for p in PROVIDERS}
    has_secret = {p: bool(sso_rules.read_secret(current_app.instance_path, current_user.school_id, p))
                  for p in PROVIDERS}
    return render_template("admin/sign_in.html", providers=PROVIDERS, labels=PROVIDER_LABELS, saved=saved,
                           errors=errors or {}, values=values or {}, secrets_from_env=secrets_from_env,
                           has_secret=has_secret,
                           redirect_uri=url_for("auth.sso_callback", _external=True)), status


@bp.get("/sign-in")
def sign_in_settings():
    return _page()


@bp.post("/sign-in")
def save_sign_in_settings():
    provider = request.form.get("provider", "")
    if provider not in PROVIDERS:
        flash("Choose Google or Microsoft. Nothing was saved.", "error")
        return _page(status=400)
    client_id = request.form.get("client_id", "").strip()
    secret = request.form.get("client_secret", "").strip()
    allowed_text = request.form.get("allowed", "")
    enabled = request.form.get("enabled") == "on"
    errors: dict[str, str] = {}
    if not client_id or len(client_id) > 255 or any(c.isspace() for c in client_id):
        errors["client_id"] = "Enter the client id (application id) from the provider's console, without spaces."
    if len(secret) > MAX_FIELD or len(allowed_text) > MAX_FIELD:
        errors["allowed"] = "That is too long to be a client secret or a list of domains."
    allowed, problem = sso_rules.parse_allowed(provider, allowed_text)
    if problem and "allowed" not in errors:
        errors["allowed"] = problem
    has_secret = bool(sso_rules.read_secret(current_app.instance_path, current_user.school_id, provider))
    if not secret and not has_secret:
        errors["client_secret"] = "Enter the client secret. It is kept on the server and never shown again."  # noqa: S105
    if errors:
        values = {"provider": provider, "client_id": client_id, "allowed": allowed_text, "enabled": enabled}
        return _page(errors, values, status=422)
    if secret:
        sso_rules.write_secret(current_app.instance_path, current_user.school_id, provider, secret)
    sso_rules.save_settings(db.session, current_user, provider, client_id, allowed, enabled, bool(secret))
    db.session.commit()
    flash(f"{PROVIDER_LABELS[provider]} sign-in saved{' and switched on' if enabled else ' (switched off)'}.",
          "success")
    return redirect(url_for("admin.sign_in_settings"))


def _person_or_404(user_id: int) -> User:
    user = db.session.scalar(select(User).where(User.id == user_id, User.school_id == current_user.school_id))
    if user is None:
        abort(404)
    return user


def _back(user: User):
    return redirect(url_for("admin.pupil", pupil_id=user.id) if user.is_pupil else url_for("admin.staff",
                                                                                             user_id=user.id))


@bp.post("/people/<int:user_id>/school-account")
def set_school_account(user_id: int):
    user = _person_or_404(user_id)
    value = sso_rules.normalise_account_name(request.form.get("sso_name"))
    problem = sso_rules.account_name_problem(db.session, current_user.school_id, value, user.id)
    if problem:
        flash(f"{problem} Nothing was changed.", "error")
        return _back(user), 303
    if sso_rules.set_account_name(db.session, current_user, user, value):
        db.session.commit()
        flash(f"{user.display_name}'s school account is {'now ' + value if value else 'cleared'}.", "success")
    return _back(user)


@bp.post("/people/<int:user_id>/school-account/unlink")
def unlink_school_account(user_id: int):
    user = _person_or_404(user_id)
    if sso_rules.unlink(db.session, current_user, user):
        db.session.commit()
        flash(f"{user.display_name}'s Google or Microsoft account is unlinked. Their next sign-in links it again "
              "by their school account.", "success")
    else:
        flash(f"{user.display_name} has no linked Google or Microsoft account.", "info")
    return _back(user)
