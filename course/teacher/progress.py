"""Seeing a class: one pupil's record, what the class found hard, and the grid as CSV."""

from datetime import date

from flask import abort, render_template, request
from flask_login import current_user

from ..domain import audit
from ..domain.class_grid import class_grid
from ..domain.class_insight import pupil_checks, pupil_record, question_insight
from ..domain.progress import cell_state
from ..domain.scope import classes_for, visible_pupil
from ..extensions import db
from ..web.content import library, module_ids
from ..web.csv_export import csv_response, safe_filename_part
from ..web.db import writes
from ..web.page_context import inline_text_filler
from . import bp
from .classes import class_or_404


@bp.get("/pupils/<int:pupil_id>")
def pupil_page(pupil_id: int):
    pupil = visible_pupil(db.session, current_user, pupil_id)
    if pupil is None:
        abort(404)
    progress, attempts = pupil_record(db.session, pupil)
    slugs = {module_id: slug for slug, module_id in module_ids().items()}
    modules = [(library().get(slugs[mid]), row) for mid, row in progress.items() if mid in slugs]
    modules.sort(key=lambda pair: pair[0].order)
    pupil_classes = [c for c in db.session.scalars(classes_for(current_user)) if pupil in c.pupils]
    return render_template("teacher/pupil.html", pupil=pupil, modules=modules, attempts=attempts,
                           slugs=slugs, library=library(), pupil_classes=pupil_classes, fill=inline_text_filler(),
                           cell_state=cell_state, today=date.today(), checks=pupil_checks(db.session, pupil))


@bp.get("/classes/<int:class_id>/insight/<slug>")
def insight(class_id: int, slug: str):
    school_class = class_or_404(class_id)
    module = library().get(slug)
    if module is None or slug not in module_ids():
        abort(404)
    rows = question_insight(db.session, school_class, module_ids()[slug], module.quiz)
    return render_template("teacher/insight.html", school_class=school_class, module=module, rows=rows,
                           fill=inline_text_filler())


@bp.get("/classes/<int:class_id>/export.csv")
@writes
def export_grid(class_id: int):
    school_class = class_or_404(class_id)
    grid = class_grid(db.session, school_class, date.today(), sort=request.args.get("sort", "name"))
    rows = grid.rows()  # before the commit below, which expires every loaded row
    audit.record(db.session, current_user, "data_exported", target_type="class", target_id=class_id,
                 detail="class progress grid (CSV)")
    db.session.commit()
    return csv_response(rows, f"{safe_filename_part(school_class.name)}-progress-{date.today().isoformat()}.csv")
