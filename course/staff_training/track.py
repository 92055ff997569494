"""A member of staff's own staff modules: the list, a module, its quiz, the refresher setting, a certificate."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import audit
from ..domain.scoring import InvalidAnswers, mark_quiz
from ..domain.staff_training import (
    REFRESHER_MONTHS_RANGE,
    RefresherProblem,
    latest_completions,
    modules_for_role,
    person_training,
    record_completion,
    set_refresher_months,
)
from ..extensions import db
from ..models import Role
from ..web.access import roles_required
from ..web.content import library
from ..web.csv_export import download
from ..web.page_context import inline_text_filler, token_values_for_current_school
from ..web.pdf import render_pdf
from . import bp


def _mine():
    modules = modules_for_role(library(), current_user.role)
    latest = latest_completions(db.session, current_user.school_id, current_user.id)
    return person_training(current_user, modules, latest, current_user.school.staff_refresher_months, date.today())


def _module_or_404(staff_slug: str):
    module = library().staff_modules.get(staff_slug)
    if module is None:
        abort(404)
    return module


def _home(refresher_error: str | None = None, status: int = 200):
    others = [m for m in library().staff_ordered() if current_user.role not in m.staff_roles]
    return render_template("staff_training/home.html", mine=_mine(), others=others,
                           school=current_user.school, refresher_error=refresher_error,
                           refresher_range=REFRESHER_MONTHS_RANGE,
                           may_set_refresher=current_user.role in (Role.SAFEGUARDING_LEAD, Role.ADMIN)), status


@bp.get("/")
def home():
    return _home()


@bp.get("/modules/<staff_slug>")
def module(staff_slug: str):
    module = _module_or_404(staff_slug)
    values = token_values_for_current_school()
    pages = [(page.title, values.fill_html(page.pupil_html)) for page in module.pages]
    return render_template("staff_training/module.html", module=module, pages=pages)


def _quiz_page(module, chosen: dict, error: str | None = None, marked=None, status: int = 200):
    return render_template("staff_training/quiz.html", module=module, quiz=module.quiz, chosen=chosen, error=error,
                           marked=marked, fill=inline_text_filler()), status


@bp.route("/modules/<staff_slug>/quiz", methods=["GET", "POST"])
def quiz(staff_slug: str):
    module = _module_or_404(staff_slug)
    if module.quiz is None:
        abort(404)
    if request.method == "GET":
        return _quiz_page(module, {})
    submitted = {q.id: request.form.getlist(f"q-{q.id}") for q in module.quiz.questions}
    chosen = {key: values for key, values in submitted.items() if values}
    if len(chosen) < len(submitted):
        return _quiz_page(module, chosen, "Answer every question, then check your answers again.", status=422)
    try:
        result = mark_quiz(module.quiz, chosen)
    except InvalidAnswers as error:
        return _quiz_page(module, chosen, str(error), status=422)
    marked = {answer.question_id: answer for answer in result.answers}
    if not record_completion(db.session, current_user, module, result):
        return _quiz_page(module, chosen, f"You scored {result.score}%. You need {module.quiz.pass_mark}% to "
                                          "complete this module: read the feedback, then try again.", marked)
    audit.record(db.session, current_user, "staff_module_completed", target_type="user",
                 target_id=current_user.id, detail=module.title)
    db.session.commit()
    flash(f"You completed “{module.title}” with {result.score}%.", "success")
    return redirect(url_for("staff_training.home"))


@bp.post("/refresher")
@roles_required(Role.SAFEGUARDING_LEAD, Role.ADMIN)
def refresher():
    school = current_user.school
    before = school.staff_refresher_months
    try:
        months = set_refresher_months(school, request.form.get("refresher_months", ""))
    except RefresherProblem as problem:
        db.session.rollback()
        return _home(str(problem), 422)
    if months != before:
        audit.record(db.session, current_user, "school_settings_changed", target_type="school", target_id=school.id,
                     detail=f"changed staff training refresher from {before} to {months} months")
    db.session.commit()
    flash(f"Staff modules now need a refresher every {months} months.", "success")
    return redirect(request.form.get("back") == "records" and url_for("safeguarding.staff_training")
                    or url_for("staff_training.home"))


@bp.get("/certificate.pdf")
def my_certificate():
    html = render_template("staff_training/certificate_pdf.html", person=_mine(), school=current_user.school,
                           today=date.today())
    return download(render_pdf(html, "certificate-pdf.css"), "application/pdf", "staff-training-certificate.pdf")
