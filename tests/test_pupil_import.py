"""The CSV importer: every problem named by row and column, nothing saved from a broken file."""

import base64
import io
from datetime import UTC
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


# --- Role boundaries: a teacher's file attaches only pupils in no class or already in their own classes ---

MIS_HEADER = "First name,Last name,Year group,Class,Admission number\n"


@pytest.fixture
def other_class(demo):
    """Another teacher's class holding one pupil, and one pupil in no class at all."""
    from tests.factories import make_class, make_user

    other_teacher = make_user(demo, "other-teacher")
    hidden = make_user(demo, "hidden.child", Role.PUPIL, display_name="Hidden Child", year_group=8)
    make_user(demo, "loose.child", Role.PUPIL, display_name="Loose Child", year_group=8)
    with demo.app_context():
        db.session.get(User, hidden).mis_id = "X100"
        db.session.commit()
    make_class(demo, "Other class", other_teacher, [hidden], year_group=8)
    return demo


def _classes_of(app, username: str) -> set[str]:
    from course.models import SchoolClass, class_pupil

    with app.app_context():
        return set(db.session.scalars(
            select(SchoolClass.name).join(class_pupil, class_pupil.c.class_id == SchoolClass.id)
            .join(User, User.id == class_pupil.c.pupil_id).where(User.username == username)))


def _neutral(html: str, name: str) -> str:
    """The preview with the child's name and the per-request values taken out, to compare two previews."""
    import re

    for word in name.split():
        html = html.replace(word, "NAME")
    return re.sub(r'value="[^"]*"', 'value=""', html)


@pytest.mark.parametrize("row", ["Hidden,Child,8,,\n", "Someone,Else,8,,X100\n"], ids=["by name", "by admission number"])
def test_a_teacher_cannot_pull_another_teachers_pupil_and_the_preview_does_not_tell(other_class, auth, client, row):
    auth.login_as("teacher")
    target = class_id(other_class, "8A PSHE")
    name = "Hidden Child" if row.startswith("Hidden") else "Someone Else"
    seen = _preview(client, (MIS_HEADER + row).encode(), target=target).get_data(as_text=True)
    assert "1 new pupil" in seen and "already in Harbour" not in seen and "Already here" not in seen
    # Word for word what a child Harbour has never seen gets.
    unknown_row = row.replace("Hidden,Child", "Nobody,Known").replace("Someone,Else", "Nobody,Known").replace("X100", "X999")
    unseen = _preview(client, (MIS_HEADER + unknown_row).encode(), target=target).get_data(as_text=True)
    assert _neutral(seen, name).replace("X100", "ID") == _neutral(unseen, "Nobody Known").replace("X999", "ID")
    before = _pupils(other_class)
    assert _confirm(client, seen).status_code == 302
    assert _classes_of(other_class, "hidden.child") == {"Other class"}, "the other teacher's pupil was pulled across"
    assert _pupils(other_class) == before + 1  # a new pupil, as the preview said


def test_a_teacher_attaches_a_pupil_in_no_class_and_the_audit_names_them(other_class, auth, client):
    auth.login_as("teacher")
    target = class_id(other_class, "8A PSHE")
    html = _preview(client, (HEADER + "Loose,Child,8,\n").encode(), target=target).get_data(as_text=True)
    assert "0 new pupils, 1 already in Harbour" in html
    _confirm(client, html)
    assert _classes_of(other_class, "loose.child") == {"8A PSHE"}
    with other_class.app_context():
        loose = db.session.scalars(select(User.id).where(User.username == "loose.child")).one()
        detail = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "pupils_imported")).one()
    assert detail == f"1 rows, 0 new pupils, 1 already here put into the class: pupil ids {loose}"


def test_a_pupil_whose_only_class_is_archived_counts_as_in_no_class(other_class, auth, client):
    from datetime import datetime

    from course.models import SchoolClass

    with other_class.app_context():
        db.session.get(SchoolClass, class_id(other_class, "Other class")).archived_at = datetime.now(UTC)
        db.session.commit()
    auth.login_as("teacher")
    html = _preview(client, (HEADER + "Hidden,Child,8,\n").encode(), target=class_id(other_class, "8A PSHE"))
    assert "1 already in Harbour" in html.get_data(as_text=True)


@pytest.mark.parametrize("role", ["dsl", "admin"])
def test_a_lead_or_an_admin_may_move_any_pupil_of_the_school(other_class, auth, client, role):
    auth.login_as(role)
    target = class_id(other_class, "8A PSHE")
    html = _preview(client, (MIS_HEADER + "Hidden,Child,8,,X100\n").encode(), target=target).get_data(as_text=True)
    assert "0 new pupils, 1 already in Harbour" in html
    _confirm(client, html)
    assert _classes_of(other_class, "hidden.child") == {"Other class", "8A PSHE"}
    with other_class.app_context():
        hidden = db.session.scalars(select(User.id).where(User.username == "hidden.child")).one()
        detail = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "pupils_imported")).one()
    assert detail.endswith(f"pupil ids {hidden}")
