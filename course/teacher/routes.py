"""Classes, the class page with its progress grid, assigning, and the module library."""

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..class_progress import class_grid
from ..content_sync import library, module_ids
from ..extensions import db
from ..models import Assignment
from ..scope import classes_for, visible_class
from . import bp
from .forms import AssignForm


def _class_or_404(class_id: int):
    school_class = visible_class(db.session, current_user, class_id)
    if school_class is None:
        abort(404)
    return school_class


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.modules.choices = [(m.slug, f"{m.title} (ages {m.age_band}, {m.minutes} min)") for m in library().ordered()]
    return form


@bp.get("/")
def classes():
    rows = db.session.scalars(classes_for(current_user)).all()
    return render_template("teacher/classes.html", classes=rows)


@bp.get("/classes/<int:class_id>")
def class_page(class_id: int):
    school_class = _class_or_404(class_id)
    grid = class_grid(db.session, school_class, date.today())
    return render_template("teacher/class.html", school_class=school_class, grid=grid, form=_assign_form(),
                           today=date.today())


@bp.post("/classes/<int:class_id>/assign")
def assign(class_id: int):
    school_class = _class_or_404(class_id)
    form = _assign_form()
    if not form.validate_on_submit():
        grid = class_grid(db.session, school_class, date.today())
        return render_template("teacher/class.html", school_class=school_class, grid=grid, form=form,
                               today=date.today()), 422
    ids = module_ids()
    existing = {a.module_id: a for a in db.session.scalars(
        select(Assignment).where(Assignment.class_id == school_class.id))}
    for slug in form.modules.data:
        assignment = existing.get(ids[slug]) or Assignment(
            school_id=school_class.school_id, class_id=school_class.id, module_id=ids[slug], set_by_id=current_user.id)
        assignment.due_date = form.due_date.data
        assignment.answers_shown = form.answers_shown.data
        db.session.add(assignment)
    db.session.commit()
    count = len(form.modules.data)
    flash(f"Assigned {count} module{'s' if count != 1 else ''} to {school_class.name}.", "success")
    return redirect(url_for("teacher.class_page", class_id=school_class.id))


@bp.get("/library", endpoint="library")
def library_page():
    return render_template("teacher/library.html", modules=library().ordered())
