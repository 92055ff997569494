"""The school-year page: settings, the rollover preview and its confirmation, and leavers' data due."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..domain import audit
from ..domain.school_year import (
    StalePreview,
    apply_rollover,
    describe_retention,
    preview_retention,
    preview_rollover,
    run_retention,
)
from ..extensions import db
from ..models import LeaverSummary, School, utcnow
from . import year_bp as bp
from .forms import RetentionForm, RolloverForm, SchoolYearSettingsForm


def _school() -> School:
    return db.session.get(School, current_user.school_id)


def _render(settings_form: SchoolYearSettingsForm | None = None, rollover_form: RolloverForm | None = None,
            status: int = 200):
    school = _school()
    now = utcnow()
    preview = preview_rollover(db.session, school, now)
    if settings_form is None:
        settings_form = SchoolYearSettingsForm(formdata=None, final_year_group=school.final_year_group,
                                     retention="term" if school.leaver_retention_days is None else "days",
                                     retention_days=school.leaver_retention_days)
    rollover_form = rollover_form or RolloverForm(formdata=None)
    rollover_form.fingerprint.data = preview.fingerprint
    summaries = db.session.scalars(select(LeaverSummary).where(LeaverSummary.school_id == school.id)
                                   .order_by(LeaverSummary.deleted_at.desc(), LeaverSummary.id).limit(20)).all()
    return render_template(
        "admin/school_year/page.html", school=school, preview=preview, settings_form=settings_form,
        rollover_form=rollover_form, retention_form=RetentionForm(),
        retention=preview_retention(db.session, school, now.date()),
        retention_rule=describe_retention(school.leaver_retention_days), summaries=summaries,
    ), status


@bp.get("/")
def page():
    return _render()


@bp.post("/settings")
def settings():
    form = SchoolYearSettingsForm()
    if not form.validate_on_submit():
        return _render(settings_form=form, status=400)
    school = _school()
    school.final_year_group = form.final_year_group.data
    school.leaver_retention_days = form.retention_days.data if form.retention.data == "days" else None
    audit.record(db.session, current_user, "school_year_settings_changed", target_type="school",
                 target_id=school.id, detail=f"final year group {school.final_year_group}; keep leavers' data "
                                             f"{describe_retention(school.leaver_retention_days)}")
    db.session.commit()
    flash("School year settings saved.", "success")
    return redirect(url_for("school_year.page"))


@bp.post("/rollover")
def rollover():
    form = RolloverForm()
    if not form.validate_on_submit():
        return _render(rollover_form=form, status=400)
    try:
        result = apply_rollover(db.session, _school(), current_user, form.fingerprint.data, utcnow())
        db.session.commit()
    except StalePreview:
        db.session.rollback()
        flash("Pupils or classes changed since the preview, or the rollover was already done. Nothing was "
              "changed: check the new preview below.", "error")
        return redirect(url_for("school_year.page"))
    except Exception:
        db.session.rollback()
        raise
    flash(f"Year rollover done: {result.describe()}.", "success")
    return redirect(url_for("school_year.page"))


@bp.post("/retention")
def retention():
    form = RetentionForm()
    if not form.validate_on_submit():
        return _render(status=400)
    try:
        result = run_retention(db.session, _school(), current_user, utcnow().date())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    flash(f"Leavers' data: {result.describe()}.", "success")
    return redirect(url_for("school_year.page"))
