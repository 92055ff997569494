"""The module library for staff: previews, and exports (the quiz as GIFT and QTI 2.1, the module as SCORM 1.2)."""

from pathlib import Path

from flask import abort, current_app, render_template, url_for

from ..domain.delivery import TEACH_IN_CLASS_FIRST_WHY
from ..domain.quiz_export import gift, qti_package
from ..domain.scorm_export import scorm_package
from ..web.content import library
from ..web.csv_export import download
from ..web.page_context import (
    current_school,
    current_services,
    inline_text_filler,
    token_values_for_current_school,
)
from . import bp


@bp.get("/library", endpoint="library")
def library_page():
    return render_template("teacher/library.html", modules=library().ordered(),
                           teach_in_class_first_why=TEACH_IN_CLASS_FIRST_WHY)


@bp.get("/library/<slug>")
def preview(slug: str):
    module = library().get(slug)
    if module is None:
        abort(404)
    values = token_values_for_current_school()
    pages = [(page.title, values.fill_html(page.staff_html)) for page in module.pages]
    return render_template("teacher/preview.html", module=module, pages=pages, fill=inline_text_filler(),
                           teach_in_class_first_why=TEACH_IN_CLASS_FIRST_WHY)


def _module_with_quiz(slug: str):
    module = library().get(slug)
    if module is None or module.quiz is None:
        abort(404)
    return module


@bp.get("/library/<slug>/quiz.gift")
def quiz_gift(slug: str):
    """The quiz in GIFT, for Moodle's question bank (Question bank → Import → GIFT format)."""
    module = _module_with_quiz(slug)
    text = gift(module.quiz, module.title, token_values_for_current_school().fill_text)
    return download(text, "text/plain", f"harbour-{slug}.gift.txt")


@bp.get("/library/<slug>/quiz-qti.zip")
def quiz_qti(slug: str):
    """The quiz as a QTI 2.1 package, for Canvas, Blackboard and other question banks that import QTI."""
    module = _module_with_quiz(slug)
    package = qti_package(module.quiz, module.title, token_values_for_current_school().fill_text)
    return download(package, "application/zip", f"harbour-{slug}-qti21.zip")


@bp.get("/library/<slug>/scorm.zip")
def scorm(slug: str):
    """The module as a SCORM 1.2 package for the school's LMS: its pages, its quiz, and help on every page."""
    module = library().get(slug)
    if module is None:
        abort(404)
    values = token_values_for_current_school()
    school = current_school()
    shared = {"module": module, "quick_exit_url": current_app.config["QUICK_EXIT_URL"], "school_name": school.name,
              "harbour_help_url": url_for("help.help_page", _external=True)}
    files = {"index.html": render_template("scorm/index.html", **shared)}
    for number, page in enumerate(module.pages, start=1):
        files[f"page-{number}.html"] = render_template("scorm/page.html", page=page, number=number,
                                                       html=values.fill_html(page.pupil_html), **shared)
    if module.quiz:
        files["quiz.html"] = render_template("scorm/quiz.html", quiz=module.quiz, fill=values.fill_text, **shared)
    files["help.html"] = render_template("scorm/help.html", services=[
        s for s in current_services() if s.audience == "pupil"], safeguarding_contact=school.safeguarding_contact,
        **shared)
    static = Path(current_app.static_folder)
    files = {name: text.encode() for name, text in files.items()}
    files["harbour.css"] = (static / "harbour.css").read_bytes()
    files["scorm.css"] = (static / "scorm" / "scorm.css").read_bytes()
    files["scorm.js"] = (static / "scorm" / "scorm.js").read_bytes()
    package = scorm_package(slug, module.title, module.quiz.pass_mark if module.quiz else None, files)
    return download(package, "application/zip", f"harbour-{slug}-scorm12.zip")
