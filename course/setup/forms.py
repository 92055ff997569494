"""The first set-up form: the school, and its first admin."""

from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length

from ..domain.accounts import SAFEGUARDING_CONTACT_LIMIT, SCHOOL_NAME_LIMIT
from ..web.forms import HarbourForm


class SetupForm(HarbourForm):
    name = StringField("School name", validators=[DataRequired("Enter the school's name."), Length(max=SCHOOL_NAME_LIMIT)])
    region = SelectField("Region", validate_choice=False)
    safeguarding_contact = TextAreaField(
        "Who pupils can talk to at school",
        validators=[DataRequired("Enter who pupils can talk to at school, and where to find them."),
                    Length(max=SAFEGUARDING_CONTACT_LIMIT)])
    admin_name = StringField("Your name", validators=[DataRequired("Enter the admin's name."), Length(max=120)],
                             render_kw={"autocomplete": "name"})
    admin_username = StringField("Username", validators=[DataRequired("Enter a username for the admin."),
                                                         Length(max=40)],
                                 render_kw={"autocomplete": "username", "autocapitalize": "none",
                                            "spellcheck": "false"})
    admin_password = PasswordField("Password", validators=[DataRequired("Enter a password."), Length(max=200)],
                                   render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Password again", validators=[
        DataRequired("Enter the password again."), EqualTo("admin_password", "The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"})
