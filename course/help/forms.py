"""The form a pupil fills in to ask to talk to someone at school."""

from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

from ..domain.help_requests import MESSAGE_LIMIT
from ..models import Urgency
from ..web.forms import HarbourForm

URGENCY_CHOICES = [(u.value, u.label) for u in (Urgency.NOT_SAID, Urgency.WHEN_YOU_CAN, Urgency.TODAY, Urgency.NOW)]


class AskToTalkForm(HarbourForm):
    message = TextAreaField("What would you like to talk about? (optional)", validators=[
        Optional(), Length(max=MESSAGE_LIMIT, message=f"Please keep the message under {MESSAGE_LIMIT} characters. "
                                                      "You can say more in person.")])
    urgency = RadioField("How soon would you like to talk? (optional)", choices=URGENCY_CHOICES,
                         default=Urgency.NOT_SAID.value, validators=[Optional()])
    asked_from = HiddenField()

    def validate_urgency(self, field):
        # RadioField already refuses values not in the list; a missing value means "not said".
        if not field.data:
            field.data = Urgency.NOT_SAID.value


def blank_ask_form(asked_from: str) -> AskToTalkForm:
    """For the panel at the end of lessons and quizzes: never filled from another form's post."""
    return AskToTalkForm(formdata=None, asked_from=asked_from)
