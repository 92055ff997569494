"""The base of every form: Flask-WTF's, with hidden fields rendered without an id.

A page often holds several forms (a staff member's details, password and delete; a request's note and
status), and each form's hidden CSRF field would otherwise carry the same id, `csrf_token`: a duplicate
id, which the Nu HTML Checker reports and which confuses assistive technology. Hidden fields have no
label, so nothing needs their id.
"""

from flask_wtf import FlaskForm


class HarbourForm(FlaskForm):
    class Meta:
        def render_field(self, field, render_kw):
            if field.type in ("CSRFTokenField", "HiddenField"):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)
