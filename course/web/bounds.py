"""Numbers and dates from URLs and forms, bounded to what the database and the date arithmetic can hold."""

from datetime import date

from werkzeug.routing import IntegerConverter
from wtforms.validators import NumberRange, ValidationError

# The largest id a BIGINT (PostgreSQL) or INTEGER (SQLite) column holds; a larger one is no record.
MAX_ID = 2**63 - 1


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that matches only ids the database can hold: a bigger one is a calm 404, not a 500
    from the driver ("Python int too large to convert to SQLite INTEGER")."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed)


def id_range(message: str = "Use a record number from 1.") -> NumberRange:
    return NumberRange(1, MAX_ID, message=message)


# Filters add a day to their end date and count weeks back from it: 9999-12-31 would overflow.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2199, 12, 31)


def sensible_date(_form, field) -> None:
    """A WTForms validator: a filter date between 2000 and 2199, else a message (and a 422)."""
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(f"Use a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}.")
