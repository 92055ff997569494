"""Search the audit log."""

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import distinct, select
from wtforms import DateField, Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..domain.audit import ACTIONS, action_label
from ..domain.audit_search import PAGE_SIZE, AuditFilters, audit_query
from ..extensions import db
from ..models import AuditEvent
from ..web.bounds import id_range, sensible_date
from . import bp


class AuditSearchForm(Form):
    """A GET form: it changes nothing, so it needs no CSRF token."""

    action = SelectField("What", validators=[Optional()])
    who = StringField("Who (part of a name)", validators=[Optional(), Length(max=80)])
    target_type = SelectField("Record type", validators=[Optional()])
    target_id = IntegerField("Record number", validators=[Optional(), id_range()])
    date_from = DateField("From", validators=[Optional(), sensible_date])
    date_to = DateField("To", validators=[Optional(), sensible_date])


@bp.get("/")
def search():
    form = AuditSearchForm(request.args)
    school_id = current_user.school_id
    recorded = db.session.scalars(select(distinct(AuditEvent.action)).where(AuditEvent.school_id == school_id)).all()
    form.action.choices = [("", "Any action")] + sorted(((a, action_label(a)) for a in set(ACTIONS) | set(recorded)),
                                                        key=lambda pair: pair[1])
    types = db.session.scalars(select(distinct(AuditEvent.target_type)).where(
        AuditEvent.school_id == school_id, AuditEvent.target_type != "")).all()
    form.target_type.choices = [("", "Any record")] + [(t, t.replace("_", " ")) for t in sorted(types)]
    if request.args and not form.validate():
        return render_template("audit_log/search.html", form=form, events=[], searched=False,
                               page_size=PAGE_SIZE, action_label=action_label), 422
    filters = AuditFilters(action=form.action.data or "", who=(form.who.data or "").strip(),
                           target_type=form.target_type.data or "", target_id=form.target_id.data,
                           date_from=form.date_from.data, date_to=form.date_to.data)
    events = db.session.scalars(audit_query(school_id, filters).limit(PAGE_SIZE + 1)).all()
    return render_template("audit_log/search.html", form=form, events=events[:PAGE_SIZE], searched=True,
                           more=len(events) > PAGE_SIZE, page_size=PAGE_SIZE, action_label=action_label)
