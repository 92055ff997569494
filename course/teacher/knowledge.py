"""What a class learned: before-and-after per outcome, the class's answers as CSV, and item analysis
of a module's questions over the school."""

from flask import abort, render_template
from flask_login import current_user

from ..domain import audit
from ..domain.answer_export import class_answer_rows
from ..domain.charts import outcome_charts
from ..domain.item_analysis import (
    MIN_ATTEMPTS,
    MIN_FOR_DISCRIMINATION,
    analyse_questions,
    check_stats,
    first_attempts,
)
from ..domain.knowledge_change import MIN_GROUP, REVISIT_AT, knowledge_change
from ..domain.scope import pupil_ids_for
from ..extensions import db
from ..web.content import library, module_ids
from ..web.csv_export import csv_response, safe_filename_part
from ..web.db import writes
from ..web.page_context import inline_text_filler, token_values_for_current_school
from . import bp
from .classes import class_or_404


def _module_with_quiz_or_404(slug: str):
    module = library().get(slug)
    if module is None or module.quiz is None or slug not in module_ids():
        abort(404)
    return module


@bp.get("/classes/<int:class_id>/knowledge")
def class_knowledge(class_id: int):
    school_class = class_or_404(class_id)
    change = knowledge_change(db.session, school_class.school_id, pupil_ids_for(current_user, class_id=class_id),
                              library(), module_ids())
    before_chart, after_chart = outcome_charts(change, f"in {school_class.name}")
    return render_template("teacher/knowledge.html", school_class=school_class, change=change,
                           before_chart=before_chart, after_chart=after_chart, min_group=MIN_GROUP,
                           revisit_at=REVISIT_AT, fill=inline_text_filler())


@bp.get("/classes/<int:class_id>/insight/<slug>/answers.csv")
@writes
def export_answers(class_id: int, slug: str):
    school_class = class_or_404(class_id)
    module = _module_with_quiz_or_404(slug)
    values = token_values_for_current_school()
    rows = class_answer_rows(db.session, school_class, module_ids()[slug], module.quiz, values.fill_text)
    audit.record(db.session, current_user, "data_exported", target_type="class", target_id=class_id,
                 detail=f"quiz answers (CSV): {slug}")
    db.session.commit()
    return csv_response(rows, f"{safe_filename_part(school_class.name)}-{slug}-answers.csv")


@bp.get("/library/<slug>/items")
def item_analysis(slug: str):
    module = _module_with_quiz_or_404(slug)
    module_id = module_ids()[slug]
    attempts = first_attempts(db.session, current_user.school_id, module_id)
    return render_template("teacher/item_analysis.html", module=module,
                           questions=analyse_questions(module.quiz, attempts), attempts=len(attempts),
                           checks=check_stats(db.session, current_user.school_id, module_id, module.quiz),
                           min_attempts=MIN_ATTEMPTS, min_for_discrimination=MIN_FOR_DISCRIMINATION,
                           fill=inline_text_filler())
