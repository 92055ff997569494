"""The public parents' pages of one school, found by its unguessable parents' page id: no login, and nothing
about any pupil. A wrong id is a plain 404, and no page lists the schools."""

from flask import abort, render_template

from ..domain.directory import school_services
from ..domain.parents import build_sheet, find_school, letter_text, sheet_services, taught_modules
from ..extensions import db
from ..web.content import library
from ..web.csv_export import download
from ..web.pdf import render_pdf
from . import bp


def _school_or_404(parents_id: str):
    school = find_school(db.session, parents_id)
    if school is None:
        abort(404)
    return school


def _sheet_or_404(parents_id: str, slug: str):
    school = _school_or_404(parents_id)
    module = library().get(slug)
    if module is None:
        abort(404)
    return school, build_sheet(school, module, school_services(db.session, school, library()), library())


@bp.get("/<parents_id>")
def page(parents_id: str):
    school = _school_or_404(parents_id)
    services = sheet_services(school_services(db.session, school, library()))
    return render_template("parents/page.html", school=school, parents_id=parents_id,
                           modules=taught_modules(db.session, school, library()), services=services)


@bp.get("/<parents_id>/letter")
def letter(parents_id: str):
    school = _school_or_404(parents_id)
    return render_template("parents/letter.html", school=school, parents_id=parents_id,
                           paragraphs=letter_text(school).split("\n\n"))


@bp.get("/<parents_id>/sheets/<slug>")
def sheet(parents_id: str, slug: str):
    school, sheet = _sheet_or_404(parents_id, slug)
    return render_template("parents/sheet.html", sheet=sheet, school=school, parents_id=parents_id)


@bp.get("/<parents_id>/sheets/<slug>.pdf")
def sheet_pdf(parents_id: str, slug: str):
    school, sheet = _sheet_or_404(parents_id, slug)
    html = render_template("parents/sheet_pdf.html", sheet=sheet)
    return download(render_pdf(html, "sheet-pdf.css"), "application/pdf", f"{slug}-for-parents.pdf")
