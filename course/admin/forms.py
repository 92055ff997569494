"""Forms admins fill in: staff accounts and the school's settings."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..models import STAFF_ROLES
from ..rules.passwords import staff_password_problem

ROLE_CHOICES = [(r.value, r.label) for r in STAFF_ROLES]
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@school.org.uk, or leave it empty.")


def _staff_password(_form, field):
    problem = staff_password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class StaffDetailsForm(FlaskForm):
    display_name = StringField("Name", validators=[DataRequired("Enter the person's name."), Length(max=120)])
    email = StringField("Email (optional: safeguarding leads are told here when a request to talk arrives)",
                        validators=[Optional(), Length(max=254), EMAIL])
    role = SelectField("Role", choices=ROLE_CHOICES)


class NewStaffForm(StaffDetailsForm):
    username = StringField("Username", validators=[
        DataRequired("Enter a username."),
        Regexp(r"^[a-z0-9][a-z0-9._-]{1,39}$", message="Use 2 to 40 lower-case letters, digits, dots, hyphens or underscores.")])
    password = PasswordField("First password (they choose their own when they first log in)",
                             validators=[_staff_password])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New temporary password", validators=[_staff_password])


class DeleteStaffForm(FlaskForm):
    confirm = BooleanField("Yes, delete this account. Its audit events and notes are kept under the name.",
                           validators=[DataRequired("Tick the box to confirm.")])


class SchoolSettingsForm(FlaskForm):
    name = StringField("School name", validators=[DataRequired("Enter the school's name."), Length(max=200)])
    region = SelectField("Help directory region")
    safeguarding_contact = TextAreaField(
        "Your safeguarding contact, as pupils should see it", validators=[
            DataRequired("Enter who pupils can talk to, for example 'Ms Rahman in Student Support (room 12)'."),
            Length(max=300)])


class ErasePupilForm(FlaskForm):
    confirm = BooleanField("Yes, erase this pupil. This cannot be undone.",
                           validators=[DataRequired("Tick the box to confirm.")])
