"""OneRoster 1.1 CSV zips through the pupil import's preview and all-or-nothing confirm, every problem named by
file, row and column. The samples (tests/fixtures/oneroster/) are written from the 1.1 CSV specification."""

import html as html_lib
import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.domain.oneroster import read_oneroster_zip
from course.extensions import db
from course.models import Role, SchoolClass, User
from tests.conftest import csrf_from

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "oneroster"


def _zip(folder: str, drop: tuple[str, ...] = (), folder_inside: str = "", **replace: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((SAMPLES / folder).glob("*.csv")):
            if path.name not in drop:
                archive.writestr(folder_inside + path.name, replace.get(path.stem, path.read_text(encoding="utf-8")))
    return buffer.getvalue()


def _preview(client, data: bytes):
    return client.post("/teach/import", data={"csrf_token": csrf_from(client, "/teach/import"), "target": 0,
                                              "file": (io.BytesIO(data), "oneroster.zip")},
                       content_type="multipart/form-data")


def _confirm(client, preview_html: str):
    fields = dict(re.findall(r'name="(csv_data|target|csrf_token)"[^>]*value="([^"]*)"', preview_html))
    return client.post("/teach/import/confirm", data=fields)


def _pupils(app) -> dict[str, User]:
    with app.app_context():
        pupils = db.session.scalars(select(User).where(User.role == Role.PUPIL, User.mis_id.is_not(None))).all()
        for p in pupils:
            db.session.expunge(p)
        return {p.display_name: p for p in pupils}


def _problems(html: str) -> list[str]:
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<li>(.*?)</li>", html, re.S)]


def test_a_full_export_previews_then_saves_this_schools_students_in_their_classes(demo, client, auth):
    auth.login_as("teacher")
    before = _pupils(demo)
    response = _preview(client, _zip("full", folder_inside="export/"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, _problems(html)
    assert "3 new pupils" in html and "PSHE 7A" in html and "PSHE 7B" in html and "PSHE 8A" in html
    # Teachers, parents, disabled users, rows to delete and the other school's pupils are left out.
    for absent in (">Daniel<", "Pat", "Left", "Old Record", "Isla", "PSHE 7X", "PSHE 6Z"):
        assert absent not in html, absent
    assert _pupils(demo) == before, "a preview saves nothing"
    saved = _confirm(client, html)
    assert saved.status_code == 302
    pupils = _pupils(demo)
    assert set(pupils) - set(before) == {"Amelia Jones", "Oliver Smith", "Siân O'Brien"}
    amelia, oliver, sian = pupils["Amelia Jones"], pupils["Oliver Smith"], pupils["Siân O'Brien"]
    assert (amelia.username, amelia.year_group, amelia.mis_id) == ("amelia.jo", 7, "A4001")
    assert oliver.username == "oliver.sm" and oliver.year_group == 7  # an email login becomes a Harbour username
    assert sian.year_group == 8
    with demo.app_context():
        classes = {c.name: sorted(p.display_name for p in c.pupils) for c in db.session.scalars(
            select(SchoolClass).where(SchoolClass.name.like("PSHE %")))}
    assert classes == {"PSHE 7A": ["Amelia Jones", "Oliver Smith"], "PSHE 7B": ["Amelia Jones"],
                       "PSHE 8A": ["Siân O'Brien"]}
    # The same export again adds no one.
    again = _preview(client, _zip("full")).get_data(as_text=True)
    assert "0 new pupils, 3 already in Harbour" in again


def test_only_the_required_columns_in_another_order_are_enough(demo, client, auth):
    auth.login_as("teacher")
    html = _preview(client, _zip("required_only")).get_data(as_text=True)
    assert "2 new pupils" in html and "Form 9C" in html, _problems(html)
    assert _confirm(client, html).status_code == 302
    pupils = _pupils(demo)
    assert pupils["Noah Patel"].year_group == 9 and pupils["Ava King"].username == "ava.ki"  # grades from the class
    assert pupils["Noah Patel"].mis_id == "u-1"  # no identifier column: the sourcedId


def test_a_bad_manifest_is_named_line_by_line_and_nothing_is_read(demo, client, auth):
    auth.login_as("teacher")
    response = _preview(client, _zip("bad_manifest"))
    problems = _problems(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "manifest.csv, row 3, column “value”: OneRoster version “1.0”: Harbour reads 1.1." in problems
    assert ("manifest.csv, row 10, column “value”: users.csv is a delta (changes only): export a full (bulk) set "
            "for an import.") in problems
    assert "manifest.csv, row 9, column “value”: The manifest lists results.csv, but it is not in the zip." in problems
    assert 'action="/teach/import/confirm"' not in response.get_data(as_text=True)


def test_faulty_rows_are_each_named_by_file_row_and_column(demo, client, auth):
    auth.login_as("teacher")
    before = _pupils(demo)
    response = _preview(client, _zip("bad_rows"))
    problems = _problems(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "users.csv, row 4, column “givenName”: “givenName” is required and empty." in problems
    assert ("classes.csv, row 3, column “termSourcedIds”: No academic session “as-spring” in academicSessions.csv."
            in problems)
    assert "enrollments.csv, row 9, column “userSourcedId”: No user “s-99” in users.csv." in problems
    assert any(p.startswith("users.csv, row 5, column “grades”: No year group for Siân O'Brien") for p in problems)
    assert _confirm(client, response.get_data(as_text=True)).status_code == 302  # no form: back to the start
    assert _pupils(demo) == before


@pytest.mark.parametrize("case, data, expected", [
    ("no manifest", lambda: _zip("full", drop=("manifest.csv",)), "manifest.csv: manifest.csv is missing from the zip"),
    ("no users", lambda: _zip("full", drop=("users.csv",)), "manifest.csv, row 16, column “value”: The manifest lists users.csv, but it is not in the zip."),
    ("a column missing", lambda: _zip("full", users="sourcedId,role\ns-1,student\n"),
     "users.csv, row 1: The header row lacks the columns “enabledUser”"),
    ("not UTF-8", lambda: _zip_bytes("orgs.csv", "sourcedId,name,type\no,Å,school\n".encode("cp1252")),
     "orgs.csv, row 2: The file is not UTF-8 text"),
    ("a broken zip", lambda: b"PK\x03\x04 not really a zip", "This zip file cannot be opened."),
    ("two schools, neither this one", lambda: _zip("full", orgs=(SAMPLES / "full" / "orgs.csv").read_text().replace(
        "Harbour Demo School", "Some Other Name")), "orgs.csv, column “name”: The file holds 2 schools"),
])
def test_broken_zips_say_what_is_wrong_and_save_nothing(demo, client, auth, case, data, expected):
    auth.login_as("teacher")
    before = _pupils(demo)
    response = _preview(client, data())
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Traceback" not in html
    assert any(expected in p for p in _problems(html)), (case, _problems(html))
    assert _pupils(demo) == before


def _zip_bytes(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((SAMPLES / "full").glob("*.csv")):
            archive.writestr(path.name, content if path.name == name else path.read_bytes())
    return buffer.getvalue()


def test_the_reader_alone_names_the_school_when_a_trust_exports_several():
    preview = read_oneroster_zip(_zip("full"), "harbour demo school")
    assert preview.ok and [r.display_name for r in preview.rows] == ["Amelia Jones", "Oliver Smith", "Siân O'Brien"]
    assert preview.rows[0].class_names == ["PSHE 7A", "PSHE 7B"]


def test_a_pupil_first_imported_from_a_csv_is_recognised_by_admission_number(demo, client, auth):
    auth.login_as("teacher")
    csv = b"First name,Last name,Year group,Class,Admission number\nAmelia,Jones,7,PSHE 7A,A4001\n"
    first = client.post("/teach/import", data={"csrf_token": csrf_from(client, "/teach/import"), "target": 0,
                                               "file": (io.BytesIO(csv), "pupils.csv")},
                        content_type="multipart/form-data")
    assert _confirm(client, first.get_data(as_text=True)).status_code == 302
    html = _preview(client, _zip("full")).get_data(as_text=True)
    assert "2 new pupils, 1 already in Harbour" in html


def test_a_pupil_csv_still_imports_as_before(demo, client, auth):
    auth.login_as("teacher")
    csv = b"First name,Last name,Year group,Class\nZed,Example,8,New class\n"
    response = client.post("/teach/import", data={"csrf_token": csrf_from(client, "/teach/import"), "target": 0,
                                                  "file": (io.BytesIO(csv), "pupils.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "1 new pupil" in response.get_data(as_text=True)


def test_no_pupil_count_changes_from_a_broken_zip(demo, client, auth):
    auth.login_as("teacher")
    with demo.app_context():
        count = db.session.scalar(select(func.count()).select_from(User))
    _confirm(client, _preview(client, _zip("bad_rows")).get_data(as_text=True))
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == count
