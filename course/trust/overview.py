"""The schools side by side, and one school's evidence pack (the same summary its governors see)."""

from datetime import date

from flask import abort, render_template, url_for
from flask_login import current_user

from ..domain import audit
from ..domain.charts import evidence_charts, year_label
from ..domain.coverage import CoverageFilters
from ..domain.evidence import evidence_pack
from ..domain.scope import visible_school
from ..domain.trust import trust_overview
from ..extensions import db
from ..web.content import library, module_ids
from . import bp


@bp.get("/")
def overview():
    rows = trust_overview(db.session, current_user, date.today(), library())
    return render_template("trust/overview.html", rows=rows, today=date.today())


@bp.get("/schools/<int:school_id>/summary")
def school_summary(school_id: int):
    school = visible_school(db.session, current_user, school_id)
    if school is None:
        abort(404)
    pack = evidence_pack(db.session, school.id, CoverageFilters(), date.today(), library(), module_ids())
    page = render_template("safeguarding/summary.html", pack=pack, **evidence_charts(pack), filters=CoverageFilters(),
                           form=None, school=school, today=date.today(), year_label=year_label,
                           back=(url_for("trust.overview"), "Back to the schools"))
    audit.record(db.session, current_user, "data_exported", school_id=school.id, target_type="school",
                 target_id=school.id, detail="evidence pack, for the trust")
    db.session.commit()
    return page
