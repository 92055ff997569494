"""The public parents' pages of one school, found by its unguessable parents' page id: no login, and nothing
about any pupil. A wrong id is a plain 404, and no page lists the schools."""

from flask import abort, current_app, render_template

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


# Rendered sheets kept per worker: the page is public and a PDF costs a second of CPU, so a letter home sent
# to every family (or someone asking again and again) must not mean one render per click. A sheet holds no
# pupil data; the key holds everything it is drawn from, so an edit to the directory or the contact shows at once.
PDF_CACHE_SIZE = 256


@bp.get("/<parents_id>/sheets/<slug>.pdf")
def sheet_pdf(parents_id: str, slug: str):
    school, sheet = _sheet_or_404(parents_id, slug)
    key = (school.id, slug, library().modules[slug].source_hash, school.directory_version, school.region,
           school.name, school.safeguarding_contact)
    rendered = current_app.extensions.setdefault("harbour_sheet_pdfs", {})
    pdf = rendered.get(key)
    if pdf is None:
        pdf = render_pdf(render_template("parents/sheet_pdf.html", sheet=sheet), "sheet-pdf.css")
        if len(rendered) >= PDF_CACHE_SIZE:
            rendered.clear()
        rendered[key] = pdf
    return download(pdf, "application/pdf", f"{slug}-for-parents.pdf")
