"""Forms admins fill in: staff accounts, the school's settings, and the school year."""

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..domain.accounts import SAFEGUARDING_CONTACT_LIMIT, SCHOOL_NAME_LIMIT, USERNAME, USERNAME_RULE
from ..domain.passwords import staff_password_problem
from ..models import STAFF_ROLES
from ..web.forms import HarbourForm

ROLE_CHOICES = [(r.value, r.label) for r in STAFF_ROLES]
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@school.org.uk, or leave it empty.")


def _staff_password(_form, field):
    problem = staff_password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class StaffDetailsForm(HarbourForm):
    display_name = StringField("Name", validators=[DataRequired("Enter the person's name."), Length(max=120)])
    email = StringField("Email (optional: safeguarding leads are told here when a request to talk arrives)",
                        validators=[Optional(), Length(max=254), EMAIL])
    role = SelectField("Role", choices=ROLE_CHOICES)


class NewStaffForm(StaffDetailsForm):
    username = StringField("Username", validators=[
        DataRequired("Enter a username."),
        Regexp(USERNAME, message=USERNAME_RULE)])
    password = PasswordField("First password (they choose their own when they first log in)",
                             validators=[_staff_password])


class ResetPasswordForm(HarbourForm):
    password = PasswordField("New temporary password", validators=[_staff_password])


class DeleteStaffForm(HarbourForm):
    confirm = BooleanField("Yes, delete this account. Its audit events and notes are kept under the name.",
                           validators=[DataRequired("Tick the box to confirm.")])


class SchoolSettingsForm(HarbourForm):
    name = StringField("School name", validators=[DataRequired("Enter the school's name."), Length(max=SCHOOL_NAME_LIMIT)])
    region = SelectField("Help directory region")
    safeguarding_contact = TextAreaField(
        "Your safeguarding contact, as pupils should see it", validators=[
            DataRequired("Enter who pupils can talk to, for example 'Ms Rahman in Student Support (room 12)'."),
            Length(max=SAFEGUARDING_CONTACT_LIMIT)])
    admins_reset_pupil_passwords = BooleanField(
        "Admins may reset pupils' passwords and print their login cards")
    dsl_two_factor_required = BooleanField(
        "Safeguarding leads must use two-factor authentication (a code from an app on their phone)")


class ErasePupilForm(HarbourForm):
    confirm = BooleanField("Yes, erase this pupil once a safeguarding lead confirms. This cannot be undone.",
                           validators=[DataRequired("Tick the box to confirm.")])


# The school-year page

class SchoolYearSettingsForm(HarbourForm):
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


class RolloverForm(HarbourForm):
    fingerprint = HiddenField(validators=[DataRequired()])
    confirm = BooleanField("I have checked the preview above", validators=[
        DataRequired("Tick the box to confirm you have checked the preview.")])


class RetentionForm(HarbourForm):
    pass
