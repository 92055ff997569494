"""Downloads: CSV that opens safely in a spreadsheet, and every other file a page offers to save."""

import csv
import io
import unicodedata
from urllib.parse import quote

from flask import Response

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_filename_part(name: str, fallback: str = "class") -> str:
    """A name (a class's, say) as a piece of a file name: letters and digits kept, the rest a hyphen."""
    return "".join(ch if ch.isalnum() else "-" for ch in name).strip("-") or fallback


def csv_response(rows: list[list], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # A BOM so spreadsheet programs read the file as UTF-8 (accents in names survive).
    body = "\ufeff" + buffer.getvalue()
    return download(body, "text/csv", filename)


def download(body: str | bytes, mimetype: str, filename: str) -> Response:
    """A file to save, never kept in a shared cache: every export holds something of the school's."""
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": content_disposition(filename), "Cache-Control": "no-store"})


def content_disposition(filename: str) -> str:
    """RFC 6266: a plain ASCII `filename` every browser reads, and the real name (a Welsh ŵ, Greek)
    as UTF-8 in `filename*`. Headers must be Latin-1, so a name outside it cannot go in as it is."""
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in folded).strip("-") or "export.csv"
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
