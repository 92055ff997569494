"""The quiz form's token: one per form shown, signed, carrying when the quiz was opened."""

import secrets
import time
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="harbour-quiz-form")


def new_form_token(pupil_id: int, slug: str) -> str:
    return _serializer().dumps({"p": pupil_id, "m": slug, "n": secrets.token_hex(8), "t": int(time.time())})


def read_form_token(token: str, pupil_id: int, slug: str) -> tuple[str, datetime] | None:
    """(a key unique to the form, when it was opened), or None if forged or for another quiz."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != pupil_id or data.get("m") != slug:
        return None
    opened = datetime.fromtimestamp(int(data["t"]), UTC).replace(tzinfo=None)
    return f"{slug}:{data['n']}", opened
