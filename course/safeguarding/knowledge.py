"""What pupils learned, across the school or one year group: before-and-after counts for the lead."""

from flask import render_template, request
from flask_login import current_user
from wtforms import Form, SelectField
from wtforms.validators import Optional

from ..content.quizzes import ecw_statements
from ..domain.charts import outcome_charts, year_label
from ..domain.coverage import year_groups
from ..domain.knowledge_change import MIN_GROUP, REVISIT_AT, knowledge_change
from ..domain.scope import pupil_ids_for
from ..extensions import db
from ..web.content import library, module_ids
from ..web.page_context import inline_text_filler
from . import bp


class YearGroupForm(Form):
    """A GET form: it changes nothing, so it needs no CSRF token."""

    year_group = SelectField("Year group", validators=[Optional()])


@bp.get("/knowledge")
def knowledge():
    form = YearGroupForm(request.args)
    years = year_groups(db.session, current_user.school_id)
    form.year_group.choices = [("", "The whole school")] + [(str(y), f"Year {y}") for y in years]
    valid = form.validate()
    year = int(form.year_group.data) if valid and form.year_group.data else None
    change = knowledge_change(db.session, current_user.school_id, pupil_ids_for(current_user, year_group=year),
                              library(), module_ids())
    group = year_label(year) if year is not None else "across the school"
    before_chart, after_chart = outcome_charts(change, f"in {group}" if year is not None else group)
    return render_template("safeguarding/knowledge.html", form=form, change=change, group=group,
                           before_chart=before_chart, after_chart=after_chart, min_group=MIN_GROUP,
                           revisit_at=REVISIT_AT, statements=ecw_statements(), fill=inline_text_filler(),
                           ), 200 if valid else 422
