"""The module library for staff, with a preview of the pupil pages, teacher notes and the marked quiz."""

from flask import Response, abort, render_template

from ..domain.quiz_export import gift, qti_package
from ..web.content import library
from ..web.page_context import inline_text_filler, token_values_for_current_school
from . import bp


@bp.get("/library", endpoint="library")
def library_page():
    return render_template("teacher/library.html", modules=library().ordered())


@bp.get("/library/<slug>")
def preview(slug: str):
    module = library().get(slug)
    if module is None:
        abort(404)
    values = token_values_for_current_school()
    pages = [(page.title, values.fill_html(page.staff_html)) for page in module.pages]
    return render_template("teacher/preview.html", module=module, pages=pages, fill=inline_text_filler())


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
    return Response(text, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="harbour-{slug}.gift.txt"'})


@bp.get("/library/<slug>/quiz-qti.zip")
def quiz_qti(slug: str):
    """The quiz as a QTI 2.1 package, for Canvas, Blackboard and other question banks that import QTI."""
    module = _module_with_quiz(slug)
    package = qti_package(module.quiz, module.title, token_values_for_current_school().fill_text)
    return Response(package, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="harbour-{slug}-qti21.zip"'})
