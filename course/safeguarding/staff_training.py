"""The safeguarding lead's view of the staff track: who has completed which staff module and when, who is
overdue on the refresher, a CSV of it all and a certificate per person."""

from datetime import date

from flask import abort, render_template
from flask_login import current_user

from ..domain import audit
from ..domain.staff_training import REFRESHER_MONTHS_RANGE, csv_rows, staff_training_summary
from ..extensions import db
from ..web.content import library
from ..web.csv_export import csv_response, download
from ..web.db import writes
from ..web.pdf import render_pdf
from . import bp


def _summary():
    return staff_training_summary(db.session, current_user.school_id, date.today(), library())


@bp.get("/staff-training")
def staff_training():
    return render_template("safeguarding/staff_training.html", summary=_summary(), school=current_user.school,
                           refresher_range=REFRESHER_MONTHS_RANGE, modules=library().staff_ordered())


@bp.get("/staff-training.csv")
@writes
def export_staff_training():
    rows = csv_rows(_summary())
    audit.record(db.session, current_user, "data_exported", target_type="school", target_id=current_user.school_id,
                 detail="staff training (CSV)")
    db.session.commit()
    return csv_response(rows, f"staff-training-{date.today().isoformat()}.csv")


@bp.get("/staff-training/<int:user_id>/certificate.pdf")
@writes
def staff_certificate(user_id: int):
    # Only the school's own staff: a pupil's id, or anyone of another school, is a 404.
    person = next((p for p in _summary().people if p.user_id == user_id), None)
    if person is None:
        abort(404)
    html = render_template("staff_training/certificate_pdf.html", person=person, school=current_user.school,
                           today=date.today())
    pdf = render_pdf(html, "certificate-pdf.css")
    audit.record(db.session, current_user, "data_exported", target_type="user", target_id=user_id,
                 detail="staff training certificate (PDF)")
    db.session.commit()
    return download(pdf, "application/pdf", f"staff-training-certificate-{user_id}.pdf")
