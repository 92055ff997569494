"""The school's help directory: safeguarding leads keep each entry right and say when they checked it."""

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..domain import audit
from ..domain.directory import directory_changed, needs_checking
from ..extensions import db
from ..models import HelpService
from . import bp
from .forms import HelpServiceForm

EDITABLE = ("name", "for_whom", "description", "phone", "text_number", "url", "hours")


def _school_services():
    return db.session.scalars(select(HelpService).where(HelpService.school_id == current_user.school_id)
                              .order_by(HelpService.position)).all()


def _service_or_404(service_id: int) -> HelpService:
    service = db.session.scalars(select(HelpService).where(HelpService.id == service_id,
                                                           HelpService.school_id == current_user.school_id)).first()
    if service is None:
        abort(404)
    return service


@bp.get("/directory")
def directory():
    today = date.today()
    return render_template("safeguarding/directory.html", services=_school_services(),
                           stale={s.id for s in _school_services() if needs_checking(s.last_checked, today)})


@bp.route("/directory/<int:service_id>", methods=["GET", "POST"])
def edit_service(service_id: int):
    service = _service_or_404(service_id)
    form = HelpServiceForm(obj=service)
    if form.validate_on_submit():
        if form.last_checked.data > date.today():
            form.last_checked.errors.append("The date you last checked cannot be in the future.")
        else:
            changed = [name for name in EDITABLE if (getattr(form, name).data or "").strip() != getattr(service, name)]
            for name in EDITABLE:
                setattr(service, name, (getattr(form, name).data or "").strip())
            service.last_checked = date.today() if form.checked_today.data else form.last_checked.data
            directory_changed(current_user.school)
            audit.record(db.session, current_user, "help_service_edited", target_type="help_service",
                         target_id=service.id, detail=f"{service.name}: " + (", ".join(changed) or "checked"))
            db.session.commit()
            flash(f"{service.name} saved.", "success")
            return redirect(url_for("safeguarding.directory"))
    return render_template("safeguarding/service.html", form=form, service=service), 422 if form.is_submitted() else 200
