"""Admins: a pupil's data — download everything Harbour holds about them, or erase it (with a confirm step)."""

import json
from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..domain import audit, pupil_data
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
    return render_template("admin/pupil.html", pupil=found, problem=pupil_data.erase_problem(db.session, found))


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


def _render_erase(pupil: User, form: ErasePupilForm, problem: str | None, status: int):
    return render_template("admin/erase_pupil.html", pupil=pupil, form=form, problem=problem), status


@bp.get("/pupils/<int:pupil_id>/erase")
def erase_confirm(pupil_id: int):
    found = _pupil_or_404(pupil_id)
    return _render_erase(found, ErasePupilForm(formdata=None), pupil_data.erase_problem(db.session, found), 200)


@bp.post("/pupils/<int:pupil_id>/erase")
def erase(pupil_id: int):
    found = _pupil_or_404(pupil_id)
    form = ErasePupilForm()
    problem = pupil_data.erase_problem(db.session, found)
    if problem:
        return _render_erase(found, form, problem, 409)
    if not form.validate_on_submit():
        return _render_erase(found, form, None, 422)
    year_group = found.year_group
    try:
        result = pupil_data.erase(db.session, found, date.today())
    except pupil_data.CannotErase as error:
        db.session.rollback()
        return _render_erase(_pupil_or_404(pupil_id), form, str(error), 409)
    # No name in the audit log: it outlives the erasure.
    audit.record(db.session, current_user, "pupil_erased", target_type="user", target_id=pupil_id,
                 detail=f"pupil #{pupil_id}" + (f" (Year {year_group})" if year_group else "") + ": "
                 + result.describe())
    db.session.commit()
    flash(f"{result.name}'s personal data was erased. Anonymous counts and the audit log were kept.", "success")
    return redirect(url_for("admin.pupils"))
