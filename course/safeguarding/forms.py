"""Forms safeguarding leads fill in."""

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..domain.help_requests import NOTE_LIMIT
from ..domain.safeguarding_record import RecordSystem
from ..models import RequestStatus
from ..web.forms import HarbourForm


class NoteForm(HarbourForm):
    body = TextAreaField("Add a note to the chronology", validators=[
        DataRequired("Write the note before saving it."),
        Length(max=NOTE_LIMIT, message=f"Please keep a note under {NOTE_LIMIT} characters, or add it in two parts.")])


class StatusForm(HarbourForm):
    to_status = SelectField("Change the status to", choices=[(s.value, s.label) for s in RequestStatus])
    reason = TextAreaField("Why (optional, added to the chronology)", validators=[
        Optional(), Length(max=NOTE_LIMIT, message=f"Please keep the reason under {NOTE_LIMIT} characters.")])


def _http_url(_form, field):
    if field.data and not field.data.startswith(("https://", "http://")):
        raise ValidationError("Start the web address with https://")


class HelpServiceForm(HarbourForm):
    name = StringField("Name", validators=[DataRequired("Enter the service's name."), Length(max=160)])
    for_whom = StringField("Who it is for", validators=[Optional(), Length(max=200)])
    description = TextAreaField("What it does", validators=[Optional(), Length(max=2000)])
    phone = StringField("Phone number", validators=[Optional(), Length(max=40)])
    text_number = StringField("Text number", validators=[Optional(), Length(max=40)])
    url = StringField("Web address", validators=[Optional(), Length(max=300), _http_url])
    hours = StringField("Opening hours", validators=[Optional(), Length(max=120)])
    last_checked = DateField("Last checked", validators=[DataRequired("Enter the date you last checked this entry.")])
    checked_today = BooleanField("I have checked this entry today")


class RecordEnteredForm(HarbourForm):
    system = SelectField("Entered into", choices=[(s.value, s.label) for s in RecordSystem])
    entered_on = DateField("On", validators=[DataRequired("Enter the date you entered it, for example 2026-12-01.")])


class ConfirmErasureForm(HarbourForm):
    confirm = BooleanField("Yes, erase this pupil's data now. This cannot be undone.",
                           validators=[DataRequired("Tick the box to confirm the erasure, or decline it.")])
