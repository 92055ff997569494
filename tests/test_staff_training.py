"""The staff track (issue 16): the refresher arithmetic, what "trained" means, taking a staff module over HTTP,
the safeguarding lead's records, CSV and certificates, and that pupils' pages, coverage and exports never
include it."""

import shutil
import subprocess
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from course.config import PROJECT_ROOT
from course.content import load_library
from course.domain.staff_training import (
    CURRENT,
    DISCLOSURE_MODULE,
    NOT_DONE,
    OVERDUE,
    RefresherProblem,
    add_months,
    parse_refresher_months,
    staff_training_summary,
    state_of,
)
from course.extensions import db
from course.models import AuditEvent, Role, School, StaffTrainingCompletion, User
from tests.conftest import post_form
from tests.factories import class_id, make_school, make_user, user_id

CONTENT, _ = load_library(PROJECT_ROOT)
STAFF_SLUGS = [m.slug for m in CONTENT.staff_ordered()]


# --- The arithmetic, table-driven, dates at the boundary -------------------------------------------------

@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 3, 15), 12, date(2026, 3, 15)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),    # no 31 February: the month's last day
    (date(2024, 1, 31), 1, date(2024, 2, 29)),    # a leap year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # 29 February, a year on
    (date(2025, 11, 30), 3, date(2026, 2, 28)),   # across the year's end
    (date(2025, 12, 1), 1, date(2026, 1, 1)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 5, 10), 60, date(2030, 5, 10)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("completed, months, today, expected", [
    (None, 12, date(2026, 1, 1), NOT_DONE),
    (date(2025, 3, 15), 12, date(2025, 3, 15), CURRENT),   # the day it was done
    (date(2025, 3, 15), 12, date(2026, 3, 14), CURRENT),
    (date(2025, 3, 15), 12, date(2026, 3, 15), CURRENT),   # the due date itself still counts
    (date(2025, 3, 15), 12, date(2026, 3, 16), OVERDUE),   # the day after is overdue
    (date(2025, 1, 31), 1, date(2025, 2, 28), CURRENT),
    (date(2025, 1, 31), 1, date(2025, 3, 1), OVERDUE),
    (date(2025, 9, 1), 6, date(2026, 3, 1), CURRENT),
    (date(2025, 9, 1), 6, date(2026, 3, 2), OVERDUE),
    (date(2025, 9, 1), 24, date(2026, 9, 2), CURRENT),     # a longer period set by the school
])
def test_state_of_a_completion(completed, months, today, expected):
    assert state_of(completed, months, today) == expected


@pytest.mark.parametrize("raw, expected", [("12", 12), (" 6 ", 6), ("1", 1), ("60", 60)])
def test_refresher_months_accepted(raw, expected):
    assert parse_refresher_months(raw) == expected


@pytest.mark.parametrize("raw", ["", "0", "61", "-3", "12.5", "twelve", "１２", "1e2", None])
def test_refresher_months_refused(raw):
    with pytest.raises(RefresherProblem, match="from 1 to 60"):
        parse_refresher_months(raw)


def _complete(app, username: str, slug: str, when: datetime, score: int = 100) -> None:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        db.session.add(StaffTrainingCompletion(school_id=user.school_id, user_id=user.id, module_slug=slug,
                                               score=score, completed_at=when))
        db.session.commit()


def test_summary_counts_trained_overdue_and_each_module(demo):
    """The function the evidence pack calls: who is trained, who is overdue, and per module how many."""
    today = date(2026, 12, 2)
    with demo.app_context():
        school_id = db.session.scalars(select(School.id)).one()
        staff = db.session.scalar(select(func.count()).select_from(User).where(
            User.school_id == school_id, User.role.in_(["teacher", "safeguarding_lead", "admin"])))
    # The teacher: both modules for a teacher, one exactly at the 12-month boundary (still current).
    _complete(demo, "teacher", "recognising-grooming-and-blackmail", datetime(2025, 12, 2, 9))
    _complete(demo, "teacher", DISCLOSURE_MODULE, datetime(2026, 6, 1, 9))
    # The lead: all three, but one a day past its refresher (overdue).
    _complete(demo, "dsl", "recognising-grooming-and-blackmail", datetime(2026, 1, 5, 9))
    _complete(demo, "dsl", DISCLOSURE_MODULE, datetime(2025, 12, 1, 9))
    _complete(demo, "dsl", "shared-nudes-incidents", datetime(2026, 2, 1, 9))
    # The admin: one of two; an older completion is replaced by the newest.
    _complete(demo, "admin", DISCLOSURE_MODULE, datetime(2024, 1, 1, 9))
    _complete(demo, "admin", DISCLOSURE_MODULE, datetime(2026, 11, 1, 9))
    with demo.app_context():
        summary = staff_training_summary(db.session, school_id, today, CONTENT)
        # Without a library passed, the function reads the same content itself (for callers outside a request).
        assert staff_training_summary(db.session, school_id, today).trained == summary.trained
    assert summary.staff_total == staff
    assert summary.trained == 1  # the teacher only
    assert summary.overdue == 1  # the lead
    assert summary.refresher_months == 12
    grooming = summary.module("recognising-grooming-and-blackmail")
    assert (grooming.meant_for, grooming.completed, grooming.overdue) == (staff, 2, 0)
    disclosure = summary.module(DISCLOSURE_MODULE)
    assert (disclosure.completed, disclosure.overdue) == (2, 1)
    incidents = summary.module("shared-nudes-incidents")
    assert (incidents.meant_for, incidents.completed) == (1, 1)  # for safeguarding leads only
    people = {p.name: p for p in summary.people}
    assert people["Mr Daniel Evans"].trained and not people["Mr Daniel Evans"].overdue
    assert people["Ms Aisha Rahman"].overdue and not people["Ms Aisha Rahman"].trained
    assert not people["Mrs Helen Clarke"].trained


def test_summary_follows_the_schools_refresher_and_leaves_out_pupils_and_other_schools(demo):
    _complete(demo, "teacher", "recognising-grooming-and-blackmail", datetime(2026, 3, 1, 9))
    _complete(demo, "teacher", DISCLOSURE_MODULE, datetime(2026, 3, 1, 9))
    other = make_school(demo, "Other School")
    make_user(demo, "other-teacher", Role.TEACHER, school_id=other)
    _complete(demo, "other-teacher", DISCLOSURE_MODULE, datetime(2026, 3, 1, 9))
    with demo.app_context():
        school = db.session.scalars(select(School).where(School.id != other)).one()
        pupils = db.session.scalar(select(func.count()).select_from(User).where(User.role == "pupil"))
        assert pupils > 0
        at_12 = staff_training_summary(db.session, school.id, date(2026, 12, 2), CONTENT)
        school.staff_refresher_months = 6
        db.session.commit()
        at_6 = staff_training_summary(db.session, school.id, date(2026, 12, 2), CONTENT)
        other_summary = staff_training_summary(db.session, other, date(2026, 12, 2), CONTENT)
    assert at_12.trained == 1 and at_12.overdue == 0
    assert at_6.trained == 0 and at_6.overdue == 1  # 1 March + 6 months = 1 September: overdue by December
    assert all(p.role != "pupil" for p in at_12.people)
    assert other_summary.staff_total == 1 and other_summary.module(DISCLOSURE_MODULE).completed == 1


# --- Taking a staff module over HTTP ------------------------------------------------------------------------

def _right_answers(slug: str) -> dict:
    quiz = CONTENT.staff_modules[slug].quiz
    return {f"q-{q.id}": sorted(q.correct_ids) for q in quiz.questions}


def _wrong_answers(slug: str) -> dict:
    quiz = CONTENT.staff_modules[slug].quiz
    return {f"q-{q.id}": [next(o.id for o in q.options if not o.correct)] for q in quiz.questions}


def _completions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StaffTrainingCompletion))


def test_a_teacher_takes_a_staff_module_from_their_own_menu(demo, client, auth):
    auth.login_as("teacher")
    home = client.get("/staff-training/").get_data(as_text=True)
    assert 'href="/staff-training/"' in home  # in the teacher's own menu
    assert "Responding to a disclosure" in home and "Not done" in home
    page = client.get(f"/staff-training/modules/{DISCLOSURE_MODULE}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "{{" not in text  # the school's tokens are filled in
    with demo.app_context():
        contact = db.session.scalars(select(School.safeguarding_contact)).one()
    assert contact.split(",")[0] in text.replace("&#39;", "'")

    quiz = f"/staff-training/modules/{DISCLOSURE_MODULE}/quiz"
    # Left out answers: a message, nothing recorded.
    missing = post_form(client, quiz, data={})
    assert missing.status_code == 422 and "Answer every question" in missing.get_data(as_text=True)
    # An option that does not exist: a message, nothing recorded.
    forged = post_form(client, quiz, data={**_right_answers(DISCLOSURE_MODULE), "q-secret": ["nope"]})
    assert forged.status_code == 422
    # Wrong answers: the feedback, and not completed.
    wrong = post_form(client, quiz, data=_wrong_answers(DISCLOSURE_MODULE))
    assert wrong.status_code == 200 and "You need 75%" in wrong.get_data(as_text=True)
    assert "Forwarding makes a new copy" in wrong.get_data(as_text=True)
    assert _completions(demo) == 0
    right = post_form(client, quiz, data=_right_answers(DISCLOSURE_MODULE))
    assert right.status_code == 302
    teacher_id = user_id(demo, "teacher")
    with demo.app_context():
        row = db.session.scalars(select(StaffTrainingCompletion)).one()
        assert (row.module_slug, row.score, row.user_id) == (DISCLOSURE_MODULE, 100, teacher_id)
        assert db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action == "staff_module_completed")).all() == ["staff_module_completed"]
    home = client.get("/staff-training/").get_data(as_text=True)
    assert "Last completed" in home
    certificate = client.get("/staff-training/certificate.pdf")
    assert certificate.status_code == 200 and certificate.mimetype == "application/pdf"
    assert "Responding to a disclosure" in _pdf_text(certificate.data)


def test_a_module_that_does_not_exist_is_a_404(demo, client, auth):
    auth.login_as("teacher")
    assert client.get("/staff-training/modules/no-such-module").status_code == 404
    # A pupil module's slug is not a staff module.
    assert client.get("/staff-training/modules/online-blackmail").status_code == 404


def test_pupils_never_see_the_staff_track(demo, client, auth):
    staff_titles = [m.title for m in CONTENT.staff_ordered()]
    assert not set(STAFF_SLUGS) & set(CONTENT.modules)
    auth.login_as("pupil")
    assert client.get("/staff-training/").status_code == 403
    assert client.get(f"/staff-training/modules/{DISCLOSURE_MODULE}").status_code == 403
    lessons = client.get("/lessons/").get_data(as_text=True)
    assert not any(title in lessons for title in staff_titles)
    auth.logout()
    auth.login_as("teacher")
    library = client.get("/teach/library").get_data(as_text=True)
    assert not any(title in library for title in staff_titles)  # never assignable, never exported
    assert client.get(f"/teach/library/{DISCLOSURE_MODULE}/scorm.zip").status_code == 404
    assert client.get(f"/teach/library/{DISCLOSURE_MODULE}/quiz.gift").status_code == 404
    page = client.get(f"/teach/classes/{class_id(demo, '8A PSHE')}").get_data(as_text=True)
    assert f'value="{DISCLOSURE_MODULE}"' not in page
    auth.logout()
    _complete(demo, "dsl", DISCLOSURE_MODULE, datetime(2026, 11, 1, 9))
    auth.login_as("dsl")
    coverage = client.get("/safeguarding/coverage.csv").get_data(as_text=True)
    assert not any(title in coverage for title in staff_titles)


# --- The safeguarding lead's records, CSV and certificates -------------------------------------------------

def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([pdftotext, "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())  # words as a reader meets them, whatever the line breaks


def test_the_lead_sees_who_completed_what_and_downloads_csv_and_certificates(demo, client, auth):
    _complete(demo, "teacher", "recognising-grooming-and-blackmail", datetime(2025, 11, 1, 9))  # overdue by now
    _complete(demo, "teacher", DISCLOSURE_MODULE, datetime.now())
    with demo.app_context():
        # A name a spreadsheet would run as a formula: the CSV escapes it, as the other CSVs do.
        admin = db.session.scalars(select(User).where(User.username == "admin")).one()
        admin.display_name = "=HYPERLINK(\"http://x\")"
        db.session.commit()
    auth.login_as("dsl")
    page = client.get("/safeguarding/staff-training")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Mr Daniel Evans" in text and "Refresher overdue" in text and "Not for this role" in text
    csv_response = client.get("/safeguarding/staff-training.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert csv_response.headers["Cache-Control"] == "no-store"
    body = csv_response.get_data(as_text=True)
    assert body.startswith("\ufeffName,Role,Staff module,Status,Last completed,Refresher due")
    assert "Mr Daniel Evans,Teacher,Recognising grooming and online blackmail,Refresher overdue,2025-11-01,2026-11-01" in body
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    teacher_id = user_id(demo, "teacher")
    certificate = client.get(f"/safeguarding/staff-training/{teacher_id}/certificate.pdf")
    assert certificate.status_code == 200 and certificate.mimetype == "application/pdf"
    pdf_text = _pdf_text(certificate.data)
    assert "Mr Daniel Evans" in pdf_text and "Responding to a disclosure" in pdf_text
    assert "Refresher overdue" in pdf_text and "Not yet up to date" in pdf_text
    # A pupil is not staff, and another school's staff are not the lead's: both 404.
    assert client.get(f"/safeguarding/staff-training/{user_id(demo, 'sam')}/certificate.pdf").status_code == 404
    other = make_user(demo, "far-teacher", Role.TEACHER, school_id=make_school(demo, "Far School"))
    assert client.get(f"/safeguarding/staff-training/{other}/certificate.pdf").status_code == 404
    with demo.app_context():
        exported = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "data_exported")).all()
    assert "staff training (CSV)" in exported and "staff training certificate (PDF)" in exported


@pytest.mark.parametrize("raw", ["0", "61", "abc", "", "12; DROP TABLE school"])
def test_a_bad_refresher_period_is_refused_with_a_message_and_nothing_changes(demo, client, auth, raw):
    auth.login_as("dsl")
    response = post_form(client, "/staff-training/", "/staff-training/refresher", {"refresher_months": raw})
    assert response.status_code == 422
    assert "Enter a whole number of months from 1 to 60" in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalars(select(School.staff_refresher_months)).one() == 12


@pytest.mark.parametrize("role", ["dsl", "admin"])
def test_the_lead_or_an_admin_changes_the_refresher_period(demo, client, auth, role):
    auth.login_as(role)
    response = post_form(client, "/staff-training/", "/staff-training/refresher", {"refresher_months": "24"})
    assert response.status_code == 302
    with demo.app_context():
        assert db.session.scalars(select(School.staff_refresher_months)).one() == 24
        details = db.session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "school_settings_changed")).all()
    assert details == ["changed staff training refresher from 12 to 24 months"]
    assert "every 24 months" in client.get("/staff-training/").get_data(as_text=True)


def test_a_teacher_cannot_change_the_refresher_period(demo, client, auth):
    auth.login_as("teacher")
    assert post_form(client, "/staff-training/", "/staff-training/refresher",
                     {"refresher_months": "24"}).status_code == 403
    with demo.app_context():
        assert db.session.scalars(select(School.staff_refresher_months)).one() == 12


# --- Before assigning a sensitive module ------------------------------------------------------------------

def test_the_assign_page_says_whether_the_teacher_completed_the_disclosure_module(demo, client, auth):
    page = f"/teach/classes/{class_id(demo, '8A PSHE')}"
    auth.login_as("teacher")
    before = client.get(page).get_data(as_text=True)
    assert "You have not completed the staff module “Responding to a disclosure” yet." in before
    assert f'href="/staff-training/modules/{DISCLOSURE_MODULE}"' in before
    _complete(demo, "teacher", DISCLOSURE_MODULE, datetime(2020, 1, 6, 9))
    overdue = client.get(page).get_data(as_text=True)
    assert "Your refresher of the staff module “Responding to a disclosure” is overdue" in overdue
    _complete(demo, "teacher", DISCLOSURE_MODULE, datetime.now())
    after = client.get(page).get_data(as_text=True)
    assert f"You completed the staff module “Responding to a disclosure” on {date.today():%-d %B %Y}." in after


# --- The staff content is checked as the pupil content is ------------------------------------------------

def test_staff_content_problems_name_file_and_line(tmp_path):
    for folder in ("modules", "quizzes", "help_directory"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    staff_module = tmp_path / "modules" / "staff" / "recognising-grooming-and-blackmail.md"
    text = staff_module.read_text()
    text = text.replace("age_band: adult", "age_band: \"11-14\"").replace("staff_roles: [teacher, safeguarding_lead, admin]",
                                                                       "staff_roles: [pupil]")
    text += "\nKeep an eye out for this. You brought it on yourself.\n"
    staff_module.write_text(text)
    (tmp_path / "quizzes" / "staff" / "shared-nudes-incidents.toml").unlink()
    _, problems = load_library(tmp_path)
    messages = [str(p) for p in problems]
    name = "modules/staff/recognising-grooming-and-blackmail.md"
    assert any(m.startswith(f"{name}:5: a staff module's age_band is 'adult'") for m in messages), messages
    assert any(m.startswith(f"{name}:") and "staff_roles must list" in m for m in messages)
    assert any(m.startswith(f"{name}:") and "'keep an eye out' is an idiom" in m for m in messages)
    assert any(m.startswith(f"{name}:") and "blaming phrase 'you brought it on'" in m for m in messages)
    assert any("modules/staff/shared-nudes-incidents.md:1: module 'shared-nudes-incidents' has no quiz: "
               "add quizzes/staff/shared-nudes-incidents.toml" in m for m in messages)


def test_the_migration_gives_existing_schools_a_parents_page_and_runs_down_and_up(tmp_path):
    """0010_16: schools made before it get 12 months and their own parents' page id; down and up again."""
    from flask_migrate import downgrade, upgrade

    from tests.factories import migration_app

    app, query = migration_app(tmp_path)

    with app.app_context():
        upgrade(revision="0009_14_knowledge_checks")
        query("INSERT INTO school (name, region, safeguarding_contact, pupils_choose_password, final_year_group, "
              "created_at) VALUES ('Old School', 'uk', 'Ms A', false, 13, '2026-01-01'), "
              "('Older School', 'uk', 'Ms B', false, 13, '2026-01-01')", write=True)
        upgrade()
        rows = query("SELECT staff_refresher_months, parents_letter, parents_page_id FROM school ORDER BY id")
        assert [r[:2] for r in rows] == [(12, None), (12, None)]
        ids = [r[2] for r in rows]
        assert all(ids) and len(set(ids)) == 2 and all(len(i) >= 16 for i in ids)
        downgrade(revision="0009_14_knowledge_checks")
        assert query("SELECT name FROM school ORDER BY id") == [("Old School",), ("Older School",)]
        upgrade()
        assert query("SELECT count(*) FROM staff_training_completion") == [(0,)]
        db.engine.dispose()


def test_staff_quiz_text_is_read_like_the_pupils_quizzes(demo, client, auth, monkeypatch):
    """Quiz text is Markdown inline with raw HTML escaped, then the school's tokens (inline_text_filler), as on
    the pupils' quiz page: a stray tag in a content file is shown as text, never run."""
    import dataclasses

    from course.web.content import library

    with demo.app_context():
        module = library().staff_modules[DISCLOSURE_MODULE]
        first = dataclasses.replace(module.quiz.questions[0], prompt="Read **this** <script>x()</script>")
        quiz = dataclasses.replace(module.quiz, questions=(first, *module.quiz.questions[1:]))
        monkeypatch.setitem(library().staff_modules, DISCLOSURE_MODULE, dataclasses.replace(module, quiz=quiz))
    auth.login_as("teacher")
    html = client.get(f"/staff-training/modules/{DISCLOSURE_MODULE}/quiz").get_data(as_text=True)
    assert "Read <strong>this</strong>" in html and "<script>x()</script>" not in html and "&lt;script&gt;" in html
