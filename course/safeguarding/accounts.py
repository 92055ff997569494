"""Safeguarding leads: notices about the school's safeguarding accounts, and the erasures waiting for them."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..domain import audit, pupil_data, role_boundaries
from ..extensions import db
from ..models import Role, User
from . import bp
from .forms import ConfirmErasureForm


@bp.app_context_processor
def _lead_notices():
    # Shown on the requests queue and the overview until each lead dismisses their own copy.
    if not (current_user.is_authenticated and current_user.role == Role.SAFEGUARDING_LEAD):
        return {}
    return {"lead_notices": lambda: role_boundaries.notices_for(db.session, current_user),
            "erasures_waiting_count": lambda: len(role_boundaries.erasures_waiting(db.session, current_user))}


@bp.post("/notices/<int:notice_id>/dismiss")
def dismiss_notice(notice_id: int):
    if not role_boundaries.dismiss_notice(db.session, current_user, notice_id):
        abort(404)
    db.session.commit()
    flash("Notice dismissed.", "success")
    return redirect(url_for("safeguarding.requests"))


def _waiting_or_404(pupil_id: int) -> User:
    pupil = db.session.scalars(select(User).where(
        User.id == pupil_id, User.school_id == current_user.school_id, User.role == Role.PUPIL,
        User.erasure_requested_at.is_not(None))).first()
    if pupil is None:
        abort(404)
    return pupil


def _render_erasures(forms: dict | None = None, status: int = 200):
    waiting = role_boundaries.erasures_waiting(db.session, current_user)
    forms = forms or {}
    rows = [(pupil, pupil_data.requests_to_talk_count(db.session, pupil),
             forms.get(pupil.id) or ConfirmErasureForm(formdata=None, prefix=f"p{pupil.id}")) for pupil in waiting]
    return render_template("safeguarding/erasures.html", rows=rows), status


@bp.get("/erasures")
def erasures():
    return _render_erasures()


@bp.post("/erasures/<int:pupil_id>")
def decide_erasure(pupil_id: int):
    """Confirm (erase now) or decline an admin's request; a pupil who asked to talk keeps their requests."""
    pupil = _waiting_or_404(pupil_id)
    form = ConfirmErasureForm(prefix=f"p{pupil.id}")
    if request.form.get("decision") == "decline":
        role_boundaries.decline_erasure(pupil)
        audit.record(db.session, current_user, "erasure_declined", target_type="user", target_id=pupil_id,
                     detail=f"pupil #{pupil_id}")
        db.session.commit()
        flash(f"Declined: {pupil.display_name}'s data is kept. Tell the admin who asked.", "success")
        return redirect(url_for("safeguarding.erasures"))
    if not form.validate_on_submit():
        return _render_erasures({pupil.id: form}, 422)
    asked_by, year_group = pupil.erasure_requested_by_id, pupil.year_group
    result = pupil_data.erase(db.session, pupil, date.today(), lead_confirmed=True)
    # No name in the audit log: it outlives the erasure.
    audit.record(db.session, current_user, "pupil_erased", target_type="user", target_id=pupil_id,
                 detail=f"pupil #{pupil_id}" + (f" (Year {year_group})" if year_group else "")
                 + (f", asked for by account #{asked_by}" if asked_by else "") + ": " + result.describe())
    db.session.commit()
    flash(f"{result.name}'s personal data was erased. Anonymous counts, the audit log and any requests to talk "
          "were kept.", "success")
    return redirect(url_for("safeguarding.erasures"))
