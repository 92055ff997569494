"""Pupils' requests to talk: the queue, one request with its chronology, notes and status changes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.help_requests import RequestProblem, add_note, change_status, open_request, queue, queue_counts
from ..domain.safeguarding_record import (
    RecordSystem,
    note_exported,
    parse_system,
    record_entered,
    record_text,
)
from ..domain.scope import help_requests_for
from ..extensions import db
from ..models import HelpRequest, RequestStatus, utcnow
from ..web.csv_export import download
from ..web.db import writes
from ..web.pdf import render_pdf
from . import bp
from .forms import NoteForm, RecordEnteredForm, StatusForm


def _request_or_404(request_id: int) -> HelpRequest:
    found = db.session.scalars(help_requests_for(current_user).where(HelpRequest.id == request_id)).first()
    if found is None:
        abort(404)
    return found


@bp.get("/requests")
def requests():
    try:
        status = RequestStatus(request.args.get("status", RequestStatus.NEW))
    except ValueError:
        abort(404)
    rows = db.session.scalars(queue(current_user, status)).all()
    return render_template("safeguarding/requests.html", rows=rows, status=status,
                           counts=queue_counts(db.session, current_user), statuses=list(RequestStatus))


def _render_request(help_request: HelpRequest, note_form=None, status_form=None, code: int = 200):
    status_form = status_form or StatusForm(formdata=None, to_status=(
        RequestStatus.CLOSED if help_request.status == RequestStatus.IN_PROGRESS else RequestStatus.IN_PROGRESS).value)
    return render_template("safeguarding/request.html", help_request=help_request,
                           note_form=note_form or NoteForm(formdata=None), status_form=status_form,
                           status_labels={s.value: s.label for s in RequestStatus}), code


@bp.get("/requests/<int:request_id>")
@writes
def request_page(request_id: int):
    help_request = _request_or_404(request_id)
    open_request(db.session, current_user, help_request)
    db.session.commit()
    return _render_request(help_request)


@bp.post("/requests/<int:request_id>/notes")
def add_request_note(request_id: int):
    help_request = _request_or_404(request_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_request(help_request, note_form=form, code=422)
    add_note(db.session, current_user, help_request, form.body.data)
    db.session.commit()
    flash("Note added to the chronology.", "success")
    return redirect(url_for("safeguarding.request_page", request_id=request_id))


@bp.post("/requests/<int:request_id>/status")
def change_request_status(request_id: int):
    help_request = _request_or_404(request_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            change_status(db.session, current_user, help_request, form.to_status.data, form.reason.data or "")
        except RequestProblem as problem:
            form.to_status.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Status changed to {help_request.status_enum.label.lower()}.", "success")
            return redirect(url_for("safeguarding.request_page", request_id=request_id))
    return _render_request(help_request, status_form=form, code=422)


# The hand-off to the school's safeguarding record (CPOMS or MyConcern): the request written out to paste in,
# the same as a PDF, and the note that it was entered.

def _record_for(help_request: HelpRequest, system: RecordSystem) -> str:
    return record_text(help_request, current_user.school, system, current_user, utcnow())


def _system_or_404() -> RecordSystem:
    try:
        return parse_system(request.args.get("system"))
    except RequestProblem:
        abort(404)


def _render_record(help_request: HelpRequest, system: RecordSystem, form=None, code: int = 200):
    form = form or RecordEnteredForm(formdata=None, system=system.value, entered_on=utcnow().date())
    page = render_template("safeguarding/record.html", help_request=help_request, system=system,
                           text=_record_for(help_request, system), systems=list(RecordSystem), form=form)
    # Rendered first: the commit below would expire every row the template reads.
    note_exported(db.session, current_user, help_request, system, "text")
    db.session.commit()
    return page, code


@bp.get("/requests/<int:request_id>/record")
def request_record(request_id: int):
    return _render_record(_request_or_404(request_id), _system_or_404())


@bp.get("/requests/<int:request_id>/record.pdf")
def request_record_pdf(request_id: int):
    help_request = _request_or_404(request_id)
    system = _system_or_404()
    html = render_template("safeguarding/record_pdf.html", text=_record_for(help_request, system), system=system,
                           help_request=help_request)
    pdf = render_pdf(html)
    note_exported(db.session, current_user, help_request, system, "PDF")
    db.session.commit()
    filename = f"harbour-request-{help_request.id}-{system.value}.pdf"
    return download(pdf, "application/pdf", filename)


@bp.post("/requests/<int:request_id>/record")
def record_request_entered(request_id: int):
    help_request = _request_or_404(request_id)
    form = RecordEnteredForm()
    if form.validate_on_submit():
        try:
            record_entered(db.session, current_user, help_request, parse_system(form.system.data),
                           form.entered_on.data, utcnow().date())
        except RequestProblem as problem:
            form.entered_on.errors = [*form.entered_on.errors, str(problem)]
        else:
            db.session.commit()
            flash(f"Noted in the chronology: entered into {parse_system(form.system.data).label}.", "success")
            return redirect(url_for("safeguarding.request_page", request_id=request_id))
    system = RecordSystem(form.system.data) if form.system.data in set(RecordSystem) else RecordSystem.CPOMS
    return _render_record(help_request, system, form=form, code=422)
