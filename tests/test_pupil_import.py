"""The CSV importer: every problem named by row and column, nothing saved from a broken file."""

import base64
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.domain.pupil_import import read_pupil_csv
from course.extensions import db
from course.models import AuditEvent, Role, User
from tests.conftest import csrf_from, post_form
from tests.factories import class_id

# A copy of shared/data/mis-export-sample.csv (a made-up MIS export), kept here so a clean clone has it.
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "mis" / "mis-export-sample.csv"
HEADER = "First name,Last name,Year group,Class\n"


def _pupils(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.PUPIL))


def _preview(client, data: bytes, target: int = 0):
    from io import BytesIO

    return client.post("/teach/import", data={"csrf_token": csrf_from(client, "/teach/import"), "target": target,
                                              "file": (BytesIO(data), "pupils.csv")},
                       content_type="multipart/form-data")


def _confirm(client, preview_html: str):
    import re

    fields = dict(re.findall(r'name="(csv_data|target|csrf_token)"[^>]*value="([^"]*)"', preview_html))
    return client.post("/teach/import/confirm", data=fields)


@pytest.fixture
def teacher(demo, auth):
    auth.login_as("teacher")
    return demo


BROKEN = {
    "missing name": (HEADER + "Amelia,,8,8A PSHE\n", "Row 2, column “Last name”: The last name is missing."),
    "unknown year group": (HEADER + "Amelia,Smith,Year 19,8A PSHE\n", "Row 2, column “Year group”: Unknown year group “Year 19”"),
    "duplicate pupil": (HEADER + "Amelia,Smith,8,8A PSHE\nAmelia,Smith,8,8A PSHE\n",
                        "Row 3, column “First name”: Duplicate pupil: Amelia Smith is already on row 2."),
    "username taken": ("First name,Last name,Year group,Class,Username\nNew,Pupil,8,8A PSHE,sam\n",
                       "Row 2, column “Username”: The username “sam” is taken by someone else."),
    "wrong encoding": ((HEADER + "Siân,Thomas,8,8A PSHE\n").encode("cp1252"), "not UTF-8 text (wrong encoding)"),
    "empty file": (b"", "The file is empty."),
    "not a CSV": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a CSV file."),
    "no usable headers": ("Name;Age\nAmelia;12\n", "This does not look like a pupil list"),
    "class of another teacher": (HEADER + "Amelia,Smith,8,Other class\n", "Class “Other class” belongs to other teachers."),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_files_name_the_problem_and_save_nothing(teacher, client, case):
    data, expected = BROKEN[case]
    if case == "class of another teacher":
        from tests.factories import make_class, make_user

        make_class(teacher, "Other class", make_user(teacher, "other-teacher"))
    before = _pupils(teacher)
    response = _preview(client, data if isinstance(data, bytes) else data.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert expected.replace("“", "&#34;").replace("”", "&#34;") in html.replace("“", "&#34;").replace("”", "&#34;") or \
        expected in html, html[html.find("error-summary"):][:800]
    assert "Nothing has been saved" in html
    assert 'action="/teach/import/confirm"' not in html, "a broken file must not be confirmable"
    assert _pupils(teacher) == before


def test_a_forged_confirmation_of_a_broken_file_saves_nothing(teacher, client):
    import base64

    before = _pupils(teacher)
    data = base64.b64encode((HEADER + "Amelia,,8,8A PSHE\nOk,Pupil,8,8A PSHE\n").encode()).decode()
    response = client.post("/teach/import/confirm", data={
        "csrf_token": csrf_from(client, "/teach/import"), "csv_data": data, "target": 0})
    assert response.status_code == 422
    assert _pupils(teacher) == before


def test_the_mis_export_shape_with_a_bom_imports_then_reimports_as_no_change(teacher, client):
    data = SAMPLE.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    before = _pupils(teacher)
    preview = _preview(client, data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[html.find("error-summary"):][:1500]
    assert "30 new pupils" in html and "O&#39;Brien" in html and "Siân" in html
    assert _confirm(client, html).status_code == 302
    assert _pupils(teacher) == before + 30
    with teacher.app_context():
        sian = db.session.scalars(select(User).where(User.display_name == "Siân Thomas")).one()
        assert sian.username == "sian.th" and sian.year_group == 7 and sian.mis_id == "004111"
        assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pupils_imported")).all()) == 1
    again = _preview(client, data).get_data(as_text=True)
    assert "0 new pupils, 30 already in Harbour" in again
    _confirm(client, again)
    assert _pupils(teacher) == before + 30


def test_a_valid_200_row_file_imports_into_a_chosen_class(teacher, client):
    rows = "".join(f"Pupil{n},Tester-{n % 7},Year {7 + n % 3},\n" for n in range(200))
    target = class_id(teacher, "8A PSHE")
    before = _pupils(teacher)
    preview = _preview(client, (HEADER + rows).encode(), target=target).get_data(as_text=True)
    assert "200 new pupils" in preview and "Everyone goes into 8A PSHE" in preview
    _confirm(client, preview)
    assert _pupils(teacher) == before + 200
    grid = client.get(f"/teach/classes/{target}").get_data(as_text=True)
    assert "Pupil199 Tester-3" in grid


def test_reader_accepts_simple_headers_initials_and_semicolons():
    preview = read_pupil_csv(b"first_name;last_name;year_group;class;username\nMo;K;8;8B;mo.k\n")
    assert preview.ok and preview.rows[0].display_name == "Mo K" and preview.rows[0].username == "mo.k"




def test_the_school_account_column_is_read_checked_and_saved(demo, auth, client):
    """The MIS email (school Google or Microsoft account) is imported, so a first sign-in finds the pupil."""
    preview = read_pupil_csv(b"First name,Last name,Year,Class,Email\n"
                             b"Ada,Lovelace,8,8A,Ada.L@School.example\n"
                             b"Bea,Lovelace,8,8A,not-an-email\n"
                             b"Cat,Lovelace,8,8A,ada.l@school.example\n")
    assert preview.rows[0].sso_name == "ada.l@school.example"
    messages = [str(p) for p in preview.problems]
    assert any(m.startswith("Row 3") and "not an email address" in m for m in messages)
    assert any(m.startswith("Row 4") and "already on row 2" in m for m in messages)

    auth.login_as("teacher")
    good = b"First name,Last name,Year,Class,School account\nAda,Lovelace,8,8A,ada.l@school.example\n"
    page = post_form(client, "/teach/import", data={"file": (io.BytesIO(good), "p.csv"), "target": 0},
                     content_type="multipart/form-data")
    assert page.status_code == 200 and "ada.l@school.example" in page.get_data(as_text=True)
    saved = client.post("/teach/import/confirm", data={"csrf_token": csrf_from(client, "/teach/import"),
                                                        "csv_data": base64.b64encode(good).decode(), "target": 0})
    assert saved.status_code == 302
    with demo.app_context():
        ada = db.session.scalars(select(User).where(User.display_name == "Ada Lovelace")).one()
        assert ada.sso_name == "ada.l@school.example"
    # The same account for another pupil in a second file is refused, naming the row; nothing saved.
    clash = b"First name,Last name,Year,Class,Email\nZed,Other,8,8A,ada.l@school.example\n"
    page = post_form(client, "/teach/import", data={"file": (io.BytesIO(clash), "c.csv"), "target": 0},
                     content_type="multipart/form-data")
    assert page.status_code == 422 and "already belongs to someone else" in page.get_data(as_text=True)
