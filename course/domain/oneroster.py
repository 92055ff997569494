"""Reading a OneRoster 1.1 CSV zip (what Microsoft School Data Sync and many MIS exports produce) into the
same checked preview as a pupil CSV, so it goes through the same preview and all-or-nothing confirm.

Read from the IMS OneRoster 1.1 CSV binding: manifest.csv says which files are in the zip and whether each is
a full ("bulk") export; orgs, academicSessions, classes, users and enrollments are read, and every problem
names its file, row and column. Only students become pupils; teachers and other roles are left out
(staff accounts are made by an admin). A pupil's year group comes from their `grades` (07 or "Year 7" is
Year 7), or else from their class's. Nothing is saved here.
"""

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from .accounts import USERNAME
from .pupil_import import MAX_ROWS, ImportPreview, ImportProblem, ImportRow, decode, parse_year

MAX_FILE_BYTES = 10 * 1024 * 1024  # per file, unpacked: a whole school's roster is far smaller

MANIFEST = "manifest.csv"
NEEDED = ("orgs.csv", "academicSessions.csv", "classes.csv", "users.csv", "enrollments.csv")
# Columns each file must have (the specification's required fields); any others are optional and may be absent.
REQUIRED_COLUMNS = {
    "orgs.csv": ("sourcedId", "name", "type"),
    "academicSessions.csv": ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    "classes.csv": ("sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"),
    "users.csv": ("sourcedId", "enabledUser", "orgSourcedIds", "role", "username", "givenName", "familyName"),
    "enrollments.csv": ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
}
FILE_KEYS = ("academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
             "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users")


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


@dataclass
class _Table:
    name: str
    rows: list[tuple[int, dict[str, str]]]  # (line number, cells by header)


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, preview: ImportPreview):
        self.archive = archive
        self.preview = preview
        # Found by their name wherever they are in the zip: some exports put the files in a folder.
        self.members = {info.filename.rsplit("/", 1)[-1]: info for info in archive.infolist() if not info.is_dir()}

    def problem(self, file: str | None, row: int | None, column: str | None, message: str) -> None:
        self.preview.problems.append(ImportProblem(row, column, message, file))

    def table(self, name: str, required: tuple[str, ...]) -> _Table | None:
        info = self.members.get(name)
        if info is None:
            self.problem(name, None, None, f"{name} is missing from the zip. Export the full OneRoster 1.1 CSV set.")
            return None
        if info.file_size > MAX_FILE_BYTES:
            self.problem(name, None, None, "This file is larger than 10 MB: check it is the right export.")
            return None
        text, problem = decode(self.archive.read(info))
        if problem:
            self.problem(name, problem.row, None, problem.message.replace("CSV file exported from your MIS", name))
            return None
        reader = csv.reader(io.StringIO(text))
        try:
            header = [h.strip() for h in next(reader)]
        except (StopIteration, csv.Error):
            self.problem(name, None, None, "The file is empty: it needs at least its header row.")
            return None
        missing = [c for c in required if c not in header]
        if missing:
            self.problem(name, 1, None, "The header row lacks the column" + ("s " if len(missing) > 1 else " ")
                         + ", ".join(f"“{c}”" for c in missing) + " (OneRoster 1.1 names, exactly as written).")
            return None
        rows = []
        try:
            for number, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    cleaned = [unicodedata.normalize("NFC", " ".join(c.split())) for c in cells]
                    rows.append((number, dict(zip(header, cleaned + [""] * (len(header) - len(cleaned)), strict=False))))
        except csv.Error as error:
            self.problem(name, reader.line_num, None, f"This line is not valid CSV ({error}).")
            return None
        for number, cells in rows:
            for column in required:
                if not cells.get(column):
                    self.problem(name, number, column, f"“{column}” is required and empty.")
        return _Table(name, rows)

    def manifest(self) -> bool:
        table = self.table(MANIFEST, ("propertyName", "value"))
        if table is None:
            return False
        values = {cells["propertyName"]: (number, cells["value"]) for number, cells in table.rows}
        ok = True
        version = values.get("oneroster.version")
        if version is None:
            self.problem(MANIFEST, None, "propertyName", "There is no “oneroster.version” row: this is not a "
                                                          "OneRoster manifest.")
            ok = False
        elif version[1] != "1.1":
            self.problem(MANIFEST, version[0], "value", f"OneRoster version “{version[1]}”: Harbour reads 1.1.")
            ok = False
        for key in FILE_KEYS:
            number, mode = values.get(f"file.{key}", (None, None))
            filename = f"{key}.csv"
            if mode is None:
                if filename in NEEDED:
                    self.problem(MANIFEST, None, "propertyName", f"There is no “file.{key}” row.")
                    ok = False
                continue
            mode = mode.lower()
            if mode not in ("bulk", "delta", "absent"):
                self.problem(MANIFEST, number, "value", f"“{mode}” for file.{key}: use bulk, delta or absent.")
                ok = False
            elif mode == "delta" and filename in NEEDED:
                self.problem(MANIFEST, number, "value", f"{filename} is a delta (changes only): export a full "
                                                        "(bulk) set for an import.")
                ok = False
            elif mode == "absent" and filename in NEEDED:
                self.problem(MANIFEST, number, "value", f"The manifest says {filename} is absent: Harbour needs it.")
                ok = False
            elif mode == "bulk" and filename not in self.members:
                self.problem(MANIFEST, number, "value", f"The manifest lists {filename}, but it is not in the zip.")
                ok = False
        return ok


def _active(cells: dict[str, str]) -> bool:
    # In a bulk file, status is empty or "active"; "tobedeleted" rows are leftovers to skip.
    return cells.get("status", "").lower() != "tobedeleted"


def read_oneroster_zip(data: bytes, school_name: str = "") -> ImportPreview:
    preview = ImportPreview(file="users.csv", source="oneroster",
                            headers={"first_name": "givenName", "last_name": "familyName", "year_group": "grades",
                                     "class_name": "class (enrollments.csv)", "username": "username",
                                     "mis_id": "identifier"})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        archive.infolist()
    except (zipfile.BadZipFile, OSError):
        preview.problems.append(ImportProblem(None, None, "This zip file cannot be opened. Export it again."))
        return preview
    reader = _Reader(archive, preview)
    if not reader.manifest():
        return preview
    tables = {name: reader.table(name, REQUIRED_COLUMNS[name]) for name in NEEDED}
    if any(t is None for t in tables.values()):
        return preview

    sessions = {c["sourcedId"] for _, c in tables["academicSessions.csv"].rows}
    orgs = {c["sourcedId"]: c for _, c in tables["orgs.csv"].rows if _active(c)}
    schools = {k: c for k, c in orgs.items() if c["type"].lower() == "school"}
    this_school = _choose_school(reader, schools, school_name)
    if this_school is None:
        return preview

    classes: dict[str, dict[str, str]] = {}
    for number, c in tables["classes.csv"].rows:
        if not _active(c):
            continue
        if c["schoolSourcedId"] not in orgs:
            reader.problem("classes.csv", number, "schoolSourcedId", f"No org “{c['schoolSourcedId']}” in orgs.csv.")
        for term in filter(None, (t.strip() for t in c["termSourcedIds"].split(","))):
            if term not in sessions:
                reader.problem("classes.csv", number, "termSourcedIds",
                               f"No academic session “{term}” in academicSessions.csv.")
        if len(c["title"]) > 80:
            reader.problem("classes.csv", number, "title", "The class title is longer than 80 characters.")
        if c["schoolSourcedId"] == this_school:
            classes[c["sourcedId"]] = c

    students: dict[str, tuple[int, dict[str, str]]] = {}
    everyone = {u["sourcedId"] for _, u in tables["users.csv"].rows}
    for number, u in tables["users.csv"].rows:
        if u["role"].lower() != "student" or not _active(u) or u["enabledUser"].lower() == "false":
            continue
        if this_school not in {o.strip() for o in u["orgSourcedIds"].split(",")}:
            continue
        students[u["sourcedId"]] = (number, u)

    class_of: dict[str, list[str]] = {}
    for number, e in tables["enrollments.csv"].rows:
        if e["role"].lower() != "student" or not _active(e):
            continue
        if e["classSourcedId"] not in classes:
            if e["schoolSourcedId"] == this_school:
                reader.problem("enrollments.csv", number, "classSourcedId",
                               f"No class “{e['classSourcedId']}” in classes.csv.")
            continue
        if e["userSourcedId"] not in students:
            if e["userSourcedId"] in everyone:
                continue  # a disabled account, a row to delete, another school's pupil: left out on purpose
            reader.problem("enrollments.csv", number, "userSourcedId",
                           f"No user “{e['userSourcedId']}” in users.csv.")
            continue
        class_of.setdefault(e["userSourcedId"], []).append(classes[e["classSourcedId"]]["title"])

    seen_usernames: dict[str, int] = {}
    for sourced_id, (number, u) in students.items():
        if len(preview.rows) >= MAX_ROWS:
            reader.problem("users.csv", number, None, f"More than {MAX_ROWS} pupils: export one year group at a time.")
            break
        titles = list(dict.fromkeys(class_of.get(sourced_id, [])))
        # The school's own number (`identifier`, often the MIS admission number) when given, so a pupil first
        # imported from a CSV with that number is recognised; else the export's sourcedId, stable across exports.
        row = ImportRow(number, u["givenName"], u["familyName"], None, titles[0] if titles else "",
                        "", u.get("identifier") or sourced_id, more_classes=tuple(titles[1:]))
        for column, value in (("givenName", row.first_name), ("familyName", row.last_name)):
            if len(value) > 60 or any(unicodedata.category(ch).startswith("C") for ch in value):
                reader.problem("users.csv", number, column, "This is not a name.")
        username = u["username"].lower()
        # A school login such as an email address is not a Harbour username; Harbour then makes one.
        if USERNAME.match(username):
            if username in seen_usernames:
                reader.problem("users.csv", number, "username",
                               f"The username “{username}” is also on row {seen_usernames[username]}.")
            seen_usernames[username] = number
            row.username = username
        row.year_group = _year(u.get("grades", ""), [classes[c].get("grades", "") for c in classes
                                                     if classes[c]["title"] in titles])
        if row.year_group is None:
            reader.problem("users.csv", number, "grades", (
                f"No year group for {row.display_name}: give “grades” (07 or Year 7 for Year 7), from 3 to 13."))
        if not titles:
            reader.problem("enrollments.csv", None, "userSourcedId",
                           f"{row.display_name} (users.csv row {number}) is in no class: add an enrollment.")
        preview.rows.append(row)
    if not preview.rows and not preview.problems:
        preview.problems.append(ImportProblem(None, None, "users.csv has no students at this school.", "users.csv"))
    return preview


def _year(own: str, from_classes: list[str]) -> int | None:
    for grades in [own, *from_classes]:
        years = {parse_year(g) for g in grades.split(",") if g.strip()}
        if len(years) == 1 and None not in years:
            return years.pop()
    return None


def _choose_school(reader: _Reader, schools: dict[str, dict[str, str]], school_name: str) -> str | None:
    if not schools:
        reader.problem("orgs.csv", None, "type", "No org of type “school”: the file must name the school.")
        return None
    if len(schools) == 1:
        return next(iter(schools))
    named = [k for k, c in schools.items() if c["name"].casefold() == school_name.casefold()]
    if len(named) == 1:
        return named[0]
    reader.problem("orgs.csv", None, "name", (
        f"The file holds {len(schools)} schools and none is named “{school_name}” as in Harbour: export this "
        "school's file only, or give the school the same name in both."))
    return None
