"""The school overview: coverage with filters, the pupils behind each number, CSV, the evidence pack."""

from datetime import date

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, Form, SelectField
from wtforms.validators import Optional, ValidationError

from ..domain import audit
from ..domain.charts import coverage_charts, evidence_charts, year_label
from ..domain.coverage import CoverageFilters, SchoolCoverage, pupils_behind, school_coverage
from ..domain.directory import needs_checking
from ..domain.evidence import evidence_pack
from ..domain.help_requests import queue_counts
from ..domain.scope import pupils_for
from ..extensions import db
from ..models import HelpService, User
from ..web.bounds import sensible_date
from ..web.content import library, module_ids
from ..web.csv_export import csv_response, download
from ..web.db import writes
from ..web.pdf import render_pdf
from . import bp

STATES = {"completed": "completed the module", "not_completed": "not yet completed the module",
          "overdue": "an overdue module", "none": "completed no module yet", "assigned": "the module set"}


FILTER_KEYS = ("year_group", "class_id", "module", "date_from", "date_to")


class CoverageFilterForm(Form):
    """A GET form: it changes nothing, so it needs no CSRF token."""

    year_group = SelectField("Year group", validators=[Optional()])
    class_id = SelectField("Class", validators=[Optional()])
    module = SelectField("Module", validators=[Optional()])
    date_from = DateField("Assignments set from", validators=[Optional(), sensible_date])
    date_to = DateField("up to", validators=[Optional(), sensible_date])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date must be on or after the start date.")


def _filter_form(coverage_for_choices: SchoolCoverage) -> CoverageFilterForm:
    form = CoverageFilterForm(request.args)
    form.year_group.choices = [("", "All year groups")] + [(str(y), f"Year {y}") for y in coverage_for_choices.year_groups]
    form.class_id.choices = [("", "All classes")] + [(str(c.id), c.name) for c in coverage_for_choices.classes]
    form.module.choices = [("", "All modules")] + [(m.slug, m.title) for m in coverage_for_choices.modules]
    return form


def _coverage() -> tuple[CoverageFilterForm, CoverageFilters | None, SchoolCoverage]:
    """The filters from the query string (None when they are not valid) and the coverage they select."""
    school_id, today = current_user.school_id, date.today()
    unfiltered = school_coverage(db.session, school_id, CoverageFilters(), today)
    form = _filter_form(unfiltered)
    if not form.validate():
        return form, None, unfiltered
    module_ids = {m.slug: m.id for m in unfiltered.modules}
    filters = CoverageFilters(
        year_group=int(form.year_group.data) if form.year_group.data else None,
        class_id=int(form.class_id.data) if form.class_id.data else None,
        module_id=module_ids.get(form.module.data) if form.module.data else None,
        date_from=form.date_from.data, date_to=form.date_to.data)
    if filters == CoverageFilters():
        return form, filters, unfiltered
    return form, filters, school_coverage(db.session, school_id, filters, today)


def _query_args() -> dict:
    # Only the filters travel on into links: any other key would reach url_for (a repeated "state",
    # or "_external", is a TypeError there).
    return {key: value for key, value in request.args.items() if value and key in FILTER_KEYS}


@bp.get("/")
def overview():
    form, filters, coverage = _coverage()
    services = db.session.scalars(select(HelpService).where(HelpService.school_id == current_user.school_id)).all()
    stale = [s for s in services if needs_checking(s.last_checked, date.today())]
    by_year_chart, weekly_chart = coverage_charts(coverage)
    return render_template(
        "safeguarding/overview.html", form=form, coverage=coverage, filtered=filters, stale=stale,
        counts=queue_counts(db.session, current_user), by_year_chart=by_year_chart, weekly_chart=weekly_chart,
        args=_query_args(), year_label=year_label, modules_by_id={m.id: m for m in coverage.modules},
    ), 200 if filters is not None else 422


@bp.get("/pupils")
def pupils():
    form, filters, coverage = _coverage()
    state = request.args.get("state", "completed")
    if filters is None or state not in STATES:
        abort(404)
    ids = pupils_behind(db.session, current_user.school_id, filters, state, date.today(), coverage)
    rows = db.session.scalars(pupils_for(current_user).where(User.id.in_(ids))).all() if ids else []
    module = next((m for m in coverage.modules if m.id == filters.module_id), None)
    school_class = coverage.class_by_id.get(filters.class_id) if filters.class_id else None
    return render_template("safeguarding/pupils.html", pupils=rows, state=state, states=STATES, filters=filters,
                           module=module, school_class=school_class, year_label=year_label,
                           args={k: v for k, v in _query_args().items() if k != "state"})


def _csv_rows(coverage: SchoolCoverage) -> list[list]:
    rows = [["Year group", "Class", "Module", "Pupils set the module", "Completed", "Percent completed", "Overdue"]]
    for school_class in coverage.classes:
        for module in coverage.modules:
            tally = coverage.by_class.get(school_class.id, {}).get(module.id)
            if tally is None:
                continue
            rows.append([school_class.year_group or "", school_class.name, module.title, tally.assigned,
                         tally.completed, tally.percent, tally.overdue])
    total = coverage.total
    rows.append(["All", "All classes", "All modules", total.assigned, total.completed, total.percent, total.overdue])
    return rows


@bp.get("/coverage.csv")
@writes
def export_coverage():
    _form, filters, coverage = _coverage()
    if filters is None:
        return overview()  # the filters with their messages, and a 422
    rows = _csv_rows(coverage)
    audit.record(db.session, current_user, "data_exported", target_type="school", target_id=current_user.school_id,
                 detail="coverage (CSV)" + (f": {request.query_string.decode()[:200]}" if request.query_string else ""))
    db.session.commit()
    return csv_response(rows, f"coverage-{date.today().isoformat()}.csv")


def _evidence(filters: CoverageFilters, coverage: SchoolCoverage) -> dict:
    pack = evidence_pack(db.session, current_user.school_id, filters, date.today(), library(), module_ids(), coverage)
    return {"pack": pack, **evidence_charts(pack), "filters": filters, "school": current_user.school,
            "today": date.today(), "year_label": year_label}


@bp.get("/summary")
@writes
def summary():
    """The evidence pack, printable: coverage, knowledge change, requests to talk by month (counts only)."""
    form, filters, coverage = _coverage()
    if filters is None:
        return overview()  # the filters with their messages, and a 422
    page = render_template("safeguarding/summary.html", form=form, **_evidence(filters, coverage),
                           pdf_url=url_for("safeguarding.summary_pdf", **_query_args()))
    # Rendered first: the commit below would expire every row the template reads.
    audit.record(db.session, current_user, "data_exported", target_type="school", target_id=current_user.school_id,
                 detail="evidence pack")
    db.session.commit()
    return page


@bp.get("/summary.pdf")
@writes
def summary_pdf():
    """The evidence pack as a tagged PDF (WeasyPrint), for governors' papers and an inspector."""
    _form, filters, coverage = _coverage()
    if filters is None:
        return overview()
    pdf = render_pdf(render_template("safeguarding/summary_pdf.html", **_evidence(filters, coverage)), "evidence-pdf.css")
    audit.record(db.session, current_user, "data_exported", target_type="school", target_id=current_user.school_id,
                 detail="evidence pack (PDF)")
    db.session.commit()
    return download(pdf, "application/pdf", f"evidence-pack-{date.today().isoformat()}.pdf")
