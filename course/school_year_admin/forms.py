"""Forms on the school-year page."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional


class SettingsForm(FlaskForm):
    final_year_group = IntegerField("Last year group the school teaches", validators=[
        InputRequired("Enter the last year group, for example 11 or 13."),
        NumberRange(1, 14, "Use a year group from 1 to 14.")])
    retention = RadioField("Keep leavers' data", choices=[
        ("term", "Until the end of the term after they leave (recommended)"),
        ("days", "For a number of days after they leave")], default="term")
    retention_days = IntegerField("Number of days", validators=[
        Optional(), NumberRange(1, 3650, "Use a number of days from 1 to 3650.")])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() stops the field's own checks when it is empty, so the "days" choice is checked here.
        if self.retention.data == "days" and self.retention_days.data is None and not self.retention_days.errors:
            self.retention_days.errors = ["Enter how many days to keep leavers' data."]
            valid = False
        return valid


class RolloverForm(FlaskForm):
    fingerprint = HiddenField(validators=[DataRequired()])
    confirm = BooleanField("I have checked the preview above", validators=[
        DataRequired("Tick the box to confirm you have checked the preview.")])


class RetentionForm(FlaskForm):
    pass
