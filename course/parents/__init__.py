"""Parents and carers, with no account: each school's public parents' page, the take-home sheets and the
letter home; and, for the school's admins and safeguarding leads, where the letter is edited."""

from flask import Blueprint

bp = Blueprint("parents", __name__, url_prefix="/parents")

# Every view file of the parents' pages, imported in this one place so their routes are registered.
from . import letter, public  # noqa: E402,F401
