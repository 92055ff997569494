"""The module library for staff, with a preview of the pupil pages, teacher notes and the marked quiz."""

from flask import abort, render_template

from ..domain.delivery import TEACH_IN_CLASS_FIRST_WHY
from ..web.content import library
from ..web.page_context import inline_text_filler, token_values_for_current_school
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
