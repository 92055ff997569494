"""Forms teachers fill in."""

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import AnswersShown


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssignForm(FlaskForm):
    modules = MultiCheckboxField("Modules", validators=[DataRequired("Choose at least one module.")])
    due_date = DateField("Due date (optional)", validators=[Optional()])
    answers_shown = RadioField(
        "When pupils see the correct answers",
        choices=[(AnswersShown.AFTER_ATTEMPT.value, "Straight after each attempt (recommended: the feedback teaches)"),
                 (AnswersShown.AFTER_DUE_DATE.value, "After the due date (so answers cannot be passed around)")],
        default=AnswersShown.AFTER_ATTEMPT.value)
    submit = SubmitField("Assign")
