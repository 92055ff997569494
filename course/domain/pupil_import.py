"""Reading a pupil list (CSV from the school's MIS, or Harbour's own headers) into a checked preview.

Nothing here saves anything: `read_pupil_csv` names every problem by row and column, and the caller
saves all rows or none.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from .accounts import (
    ADMISSION_NUMBER_LIMIT,
    CLASS_NAME_LIMIT,
    FIRST_NAME_LIMIT,
    LAST_NAME_LIMIT,
    USERNAME,
    USERNAME_RULE,
)

MAX_ROWS = 5000

# Accepted headers for each column, compared after lower-casing and dropping spaces, "_" and "-".
HEADERS = {
    "first_name": {"firstname", "forename", "legalforename", "preferredforename", "givenname", "first"},
    "last_name": {"lastname", "surname", "legalsurname", "preferredsurname", "familyname", "last", "initial",
                  "lastinitial", "surnameinitial"},
    "year_group": {"yeargroup", "year", "ncyear", "nationalcurriculumyear", "yr"},
    "class_name": {"class", "classname", "reggroup", "registrationgroup", "form", "formgroup", "tutorgroup", "group"},
    "username": {"username", "login", "userid"},
    "mis_id": {"admissionno", "admissionnumber", "misid", "upn", "pupilid", "studentid", "id"},
    # The school Google or Microsoft account a pupil signs in with. ("UPN" above is the DfE's Unique
    # Pupil Number; Microsoft's user principal name is spelt out.)
    "sso_name": {"email", "emailaddress", "schoolemail", "pupilemail", "studentemail", "googleaccount",
                 "microsoftaccount", "schoolaccount", "userprincipalname", "signinemail"},
}
REQUIRED = ("first_name", "last_name", "year_group")
LABELS = {"first_name": "first name", "last_name": "last name", "year_group": "year group",
          "class_name": "class", "username": "username", "mis_id": "admission number",
          "sso_name": "school account (email)"}
YEAR = re.compile(r"^(?:year|yr|y)?\s*(\d{1,2})$", re.IGNORECASE)
MIN_YEAR, MAX_YEAR = 3, 13  # Harbour's lessons are for ages 8 to 17


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # 1-based line in the file (the header is row 1); None for the whole file
    column: str | None
    message: str
    file: str | None = None  # which file of several (a OneRoster zip), else None

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"{'row' if self.file else 'Row'} {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportRow:
    row: int
    first_name: str
    last_name: str
    year_group: int | None
    class_name: str
    username: str
    mis_id: str
    sso_name: str = ""  # lower case; empty when the file has no such column
    # Further classes the pupil is in (a OneRoster enrollment can name several); class_name is the first.
    more_classes: tuple[str, ...] = ()

    @property
    def class_names(self) -> list[str]:
        return [name for name in (self.class_name, *self.more_classes) if name]

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def identity(self) -> tuple:
        """Who this pupil is, for spotting duplicates: the MIS id if given, else name and year."""
        if self.mis_id:
            return ("mis", self.mis_id)
        return ("name", self.display_name.casefold(), self.year_group)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # our column -> the file's header
    positions: dict[str, int] = field(default_factory=dict)  # our column -> its index in a row
    file: str | None = None  # the file the rows' numbers refer to (users.csv in a OneRoster zip)
    source: str = "csv"  # "csv" or "oneroster", for the preview's words

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _key(header: str) -> str:
    return re.sub(r"[\s_\-./]", "", header.strip().lower())


def parse_year(value: str) -> int | None:
    match = YEAR.match(value.strip())
    if not match:
        return None
    year = int(match.group(1))
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def decode(data: bytes) -> tuple[str | None, ImportProblem | None]:
    if not data.strip():
        return None, ImportProblem(None, None, "The file is empty. Choose the CSV file exported from your MIS.")
    if b"\x00" in data[:4096]:
        return None, ImportProblem(None, None, "This is not a CSV file. Export the pupil list from your MIS as CSV and try again.")
    if b"\x00" in data:
        # Past the first 4 KB a NUL is one bad cell, not a binary file: say where. (PostgreSQL cannot
        # store it, SQLite would; refused on both.)
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, ImportProblem(line, None, "This line holds a character that cannot be stored (a NUL "
                                               "character). Remove it, or export the list from your MIS again.")
    try:
        return data.decode("utf-8-sig"), None  # a byte-order mark (BOM) is fine and removed
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, ImportProblem(line, None, "The file is not UTF-8 text (wrong encoding). In your spreadsheet, "
                                               "save it as “CSV UTF-8” and try again.")


def read_pupil_csv(data: bytes) -> ImportPreview:
    preview = ImportPreview()
    text, problem = decode(data)
    if problem:
        preview.problems.append(problem)
        return preview
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        preview.problems.append(ImportProblem(None, None, "The file is empty."))
        return preview
    for index, name in enumerate(header):
        for column, accepted in HEADERS.items():
            if _key(name) in accepted and column not in preview.headers:
                preview.headers[column] = name.strip()
                preview.positions[column] = index
    missing = [LABELS[c] for c in REQUIRED if c not in preview.headers]
    if missing:
        preview.problems.append(ImportProblem(1, None, (
            f"This does not look like a pupil list: no column for {', '.join(missing)}. The first row needs headers "
            "such as “First name, Last name, Year group, Class” (MIS headers like “Legal Forename” work too).")))
        return preview
    positions = preview.positions
    seen: dict[tuple, int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(preview.rows) >= MAX_ROWS:
                preview.problems.append(ImportProblem(number, None, f"More than {MAX_ROWS} pupils: split the file."))
                break
            preview.rows.append(_read_row(number, cells, positions, preview, seen))
    except csv.Error as error:
        preview.problems.append(ImportProblem(reader.line_num, None, f"This line is not valid CSV ({error})."))
    if not preview.rows and not preview.problems:
        preview.problems.append(ImportProblem(None, None, "The file has headers but no pupils."))
    return preview


def _cell(cells: list[str], positions: dict, column: str) -> str:
    index = positions.get(column)
    value = cells[index] if index is not None and index < len(cells) else ""
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _has_control(value: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in value)


def _read_row(number: int, cells: list[str], positions: dict, preview: ImportPreview, seen: dict) -> ImportRow:
    header = preview.headers
    row = ImportRow(number, _cell(cells, positions, "first_name"), _cell(cells, positions, "last_name"),
                    None, _cell(cells, positions, "class_name"), _cell(cells, positions, "username").lower(),
                    _cell(cells, positions, "mis_id"), _cell(cells, positions, "sso_name").lower())
    for column, limit in (("first_name", FIRST_NAME_LIMIT), ("last_name", LAST_NAME_LIMIT)):
        value = getattr(row, column)
        if not value:
            preview.problems.append(ImportProblem(number, header[column], f"The {LABELS[column]} is missing."))
        elif len(value) > limit or _has_control(value):
            preview.problems.append(ImportProblem(number, header[column], f"The {LABELS[column]} is not a name."))
    raw_year = _cell(cells, positions, "year_group")
    row.year_group = parse_year(raw_year)
    if row.year_group is None:
        shown = f"“{raw_year}”" if raw_year else "an empty year group"
        preview.problems.append(ImportProblem(number, header["year_group"], (
            f"Unknown year group {shown}: use a school year from {MIN_YEAR} to {MAX_YEAR}, like “Year 8” or “8”.")))
    if len(row.class_name) > CLASS_NAME_LIMIT:
        preview.problems.append(ImportProblem(number, header.get("class_name"), "The class name is too long."))
    elif _has_control(row.class_name):
        preview.problems.append(ImportProblem(number, header.get("class_name"), "The class name holds a "
                                              "character that cannot be stored."))
    if len(row.mis_id) > ADMISSION_NUMBER_LIMIT:
        preview.problems.append(ImportProblem(number, header.get("mis_id"), (
            f"The admission number is longer than {ADMISSION_NUMBER_LIMIT} characters.")))
    elif _has_control(row.mis_id):
        preview.problems.append(ImportProblem(number, header.get("mis_id"), "The admission number holds a "
                                              "character that cannot be stored."))
    if row.username and not USERNAME.match(row.username):
        preview.problems.append(ImportProblem(number, header.get("username"), (
            f"This username cannot be used. {USERNAME_RULE}")))
    if row.sso_name:
        if len(row.sso_name) > 254 or " " in row.sso_name or row.sso_name.count("@") != 1:
            preview.problems.append(ImportProblem(number, header.get("sso_name"), (
                "This is not an email address. Use the pupil's school Google or Microsoft account, such as "
                "a.pupil@school.example.org, or leave it empty.")))
        elif ("sso", row.sso_name) in seen:
            preview.problems.append(ImportProblem(number, header.get("sso_name"), (
                f"The school account {row.sso_name} is already on row {seen[('sso', row.sso_name)]}: "
                "one account names one pupil.")))
        else:
            seen[("sso", row.sso_name)] = number
    if row.first_name and row.last_name:
        identity = row.identity()
        if identity in seen:
            preview.problems.append(ImportProblem(number, header["first_name"], (
                f"Duplicate pupil: {row.display_name} is already on row {seen[identity]}.")))
        else:
            seen[identity] = number
    return row


def username_base(first_name: str, last_name: str) -> str:
    """'Siân', "O'Brien" -> 'sian.ob': plain letters a child can type."""
    def ascii_letters(value: str) -> str:
        folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
        return re.sub(r"[^a-z0-9]", "", folded)

    first = ascii_letters(first_name)[:12] or "pupil"
    last = ascii_letters(last_name)[:2]
    return f"{first}.{last}" if last else first
