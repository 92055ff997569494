"""Forms for logging in and changing a password."""

from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..web.forms import HarbourForm


class LoginForm(HarbourForm):
    school = SelectField("School", coerce=int, validate_choice=False)
    username = StringField("Username", validators=[DataRequired("Enter your username."), Length(max=80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Log in")


class ChangePasswordForm(HarbourForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password", validators=[
        DataRequired("Enter a new password."), Length(min=8, max=200, message="Use at least 8 characters.")],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again", validators=[
        DataRequired("Enter the new password again."), EqualTo("new_password", "The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change password")


class TwoFactorCodeForm(HarbourForm):
    code = StringField("Code", validators=[DataRequired("Enter the 6-digit code from your app, or a recovery code."),
                                           Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none",
                                  "spellcheck": "false"})
