"""Admins: a pupil's data — download everything Harbour holds about them, or ask for its erasure (a lead confirms)."""

import json

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..domain import audit, notify, pupil_data, role_boundaries
from ..domain.scope import pupils_for, visible_pupil
from ..extensions import db
from ..models import User
from ..web.db import writes
from . import bp
from .forms import ErasePupilForm


def _pupil_or_404(pupil_id: int) -> User:
    pupil = visible_pupil(db.session, current_user, pupil_id)
    if pupil is None:
        abort(404)
    return pupil


@bp.get("/pupils")
def pupils():
    found = db.session.scalars(pupils_for(current_user)).all()
    return render_template("admin/pupils.html", pupils=found)


@bp.get("/pupils/<int:pupil_id>")
def pupil(pupil_id: int):
    found = _pupil_or_404(pupil_id)
    return render_template("admin/pupil.html", pupil=found)


def _audit_export(pupil: User, kind: str) -> None:
    audit.record(db.session, current_user, "data_exported", target_type="user", target_id=pupil.id,
                 detail=f"everything held about pupil #{pupil.id} ({kind})")
    db.session.commit()


@bp.get("/pupils/<int:pupil_id>/data.json")
@writes
def export_json(pupil_id: int):
    found = _pupil_or_404(pupil_id)
    data = pupil_data.export(db.session, found)
    _audit_export(found, "JSON")
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return body, 200, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store",
                       "Content-Disposition": f'attachment; filename="harbour-pupil-{pupil_id}.json"'}


@bp.get("/pupils/<int:pupil_id>/data")
@writes
def export_html(pupil_id: int):
    found = _pupil_or_404(pupil_id)
    data = pupil_data.export(db.session, found)
    _audit_export(found, "page")
    return render_template("admin/pupil_data.html", pupil=found, data=data), 200, {"Cache-Control": "no-store"}


def _render_erase(pupil: User, form: ErasePupilForm, status: int):
    return render_template("admin/erase_pupil.html", pupil=pupil, form=form), status


@bp.get("/pupils/<int:pupil_id>/erase")
def erase_confirm(pupil_id: int):
    return _render_erase(_pupil_or_404(pupil_id), ErasePupilForm(formdata=None), 200)


@bp.post("/pupils/<int:pupil_id>/erase")
def erase(pupil_id: int):
    """Ask for the erasure: a safeguarding lead confirms it. The same steps and words for every pupil."""
    found = _pupil_or_404(pupil_id)
    form = ErasePupilForm()
    if not form.validate_on_submit():
        return _render_erase(found, form, 422)
    if found.erasure_requested_at is None:
        role_boundaries.request_erasure(db.session, current_user, found)
        audit.record(db.session, current_user, "erasure_requested", target_type="user", target_id=pupil_id,
                     detail=f"pupil #{pupil_id}")
        db.session.commit()
        notify.notify_leads(db.session, current_app.config, found.school, "erasure_requested")
    flash(f"Erasure of {found.display_name}'s data asked for. A safeguarding lead confirms it; until then "
          "nothing is erased.", "success")
    return redirect(url_for("admin.pupil", pupil_id=pupil_id))
