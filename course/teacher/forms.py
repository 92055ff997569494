"""Forms teachers fill in."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.accounts import CLASS_NAME_LIMIT, FIRST_NAME_LIMIT, LAST_NAME_LIMIT, USERNAME, USERNAME_RULE
from ..domain.delivery import IN_CLASS, INDEPENDENT
from ..models import AnswersShown
from ..web.forms import HarbourForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        known = {value for value, _label in self.choices or []}
        if any(value not in known for value in self.data or []):
            raise ValidationError("That choice is not one of the options on the page. Nothing was changed.")


class AssignForm(HarbourForm):
    modules = MultiCheckboxField("Modules", validators=[DataRequired("Choose at least one module.")])
    due_date = DateField("Due date (optional)", validators=[Optional()])
    pupils = MultiCheckboxField("Only these pupils (optional)", coerce=int, validators=[Optional()])
    answers_shown = RadioField(
        "When pupils see the correct answers",
        choices=[(AnswersShown.AFTER_ATTEMPT.value, "Straight after each attempt (recommended: the feedback teaches)"),
                 (AnswersShown.AFTER_DUE_DATE.value, "After the due date (so answers cannot be passed around)")],
        default=AnswersShown.AFTER_ATTEMPT.value)
    delivery = RadioField(
        "How pupils will do it",
        choices=[(IN_CLASS, "In class, led by a teacher (recommended for the first time)"),
                 (INDEPENDENT, "On their own, as independent work")],
        default=IN_CLASS)
    confirm_independent = BooleanField("I have read why, and still want to set it as independent work")


class DueDateForm(HarbourForm):
    due_date = DateField("New due date", validators=[Optional()])


class ClassForm(HarbourForm):
    name = StringField("Class name", validators=[DataRequired("Enter a name for the class."),
                                                 Length(max=CLASS_NAME_LIMIT)])
    year_group = IntegerField("Year group (optional)", validators=[
        Optional(), NumberRange(3, 13, "Use a school year from 3 to 13.")])


class CoTeacherForm(HarbourForm):
    teacher = SelectField("Teacher", coerce=int, validators=[DataRequired("Choose a teacher.")])


class PupilForm(HarbourForm):
    first_name = StringField("First name", validators=[DataRequired("Enter the pupil's first name."), Length(max=FIRST_NAME_LIMIT)])
    last_name = StringField("Last name or initial", validators=[
        DataRequired("Enter the pupil's last name or initial."), Length(max=LAST_NAME_LIMIT)])
    year_group = IntegerField("Year group", validators=[
        DataRequired("Enter the year group, for example 8."), NumberRange(3, 13, "Use a school year from 3 to 13.")])
    username = StringField("Username (optional: one is made for you)", validators=[
        Optional(), Regexp(USERNAME, message=USERNAME_RULE)])


class ImportForm(HarbourForm):
    file = FileField("CSV file, or OneRoster zip", validators=[FileRequired("Choose the CSV file to import.")])
    target = SelectField("Put the pupils into", coerce=int, validators=[Optional()])


class ConfirmImportForm(HarbourForm):
    """The checked file comes back with the confirmation, and is checked again before saving."""

    csv_data = StringField(validators=[DataRequired()])
    target = IntegerField(validators=[Optional()])
