"""Logging in and out, and changing one's own password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import card, login, sso, two_factor  # noqa: E402,F401
