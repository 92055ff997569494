"""The evidence pack: requests to talk counted by month (never who, never what), knowledge change, the
printable page and the tagged PDF read back with pdftotext (an independent parser)."""

import shutil
import subprocess
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from course.domain.evidence import month_starts, requests_by_month
from course.extensions import db
from course.models import HelpRequest, School, User

MESSAGE = "Secretwords about something at home"


def test_month_starts_cross_the_new_year():
    assert month_starts(date(2026, 2, 17), 4) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert month_starts(date(2026, 12, 1), 12)[0] == date(2026, 1, 1)


def _requests(app, when: list[datetime]) -> int:
    with app.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        for created in when:
            db.session.add(HelpRequest(school_id=sam.school_id, pupil_id=sam.id, message=MESSAGE, created_at=created))
        db.session.commit()
        return sam.school_id


def test_requests_are_counted_by_month_over_the_last_twelve(demo):
    school_id = _requests(demo, [datetime(2026, 11, 30, 23, 59), datetime(2026, 11, 1, 0, 0), datetime(2026, 3, 5),
                                 datetime(2025, 12, 31, 12)])  # the last is outside the twelve months
    with demo.app_context():
        counts = dict(requests_by_month(db.session, school_id, date(2026, 12, 1)))
    assert len(counts) == 12 and counts[date(2026, 11, 1)] == 2 and counts[date(2026, 3, 1)] == 1
    assert counts[date(2026, 12, 1)] == 0 and date(2025, 12, 1) not in counts and sum(counts.values()) == 3


def test_the_printable_pack_counts_requests_and_names_no_pupil_and_no_message(demo, client, auth):
    today = datetime.combine(date.today().replace(day=1), datetime.min.time())
    _requests(demo, [today, today])
    auth.login_as("dsl")
    html = client.get("/safeguarding/summary").get_data(as_text=True)
    assert "evidence pack" in html and "What pupils learned" in html and "Requests to talk each month" in html
    assert f"{today.strftime('%B %Y')}</th><td>2</td>" in html
    assert MESSAGE not in html and "Sam Okafor" not in html
    assert 'href="/safeguarding/summary.pdf"' in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the PDF back")
def test_the_pdf_opens_has_the_packs_text_and_is_tagged(demo, client, auth, tmp_path):
    _requests(demo, [datetime.combine(date.today(), datetime.min.time())])
    auth.login_as("dsl")
    response = client.get("/safeguarding/summary.pdf?year_group=8")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.get_data())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info  # headings and tables marked for a screen reader
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    with demo.app_context():
        school = db.session.scalars(select(School)).first().name
    assert f"Online safety at {school}: evidence pack" in text
    assert "Who has been taught" in text and "What pupils learned" in text and "Requests to talk" in text
    assert "Year 8" in text and MESSAGE not in text and "Sam Okafor" not in text
    # A bad filter gets the overview's message, not a PDF.
    assert client.get("/safeguarding/summary.pdf?date_from=not-a-date").status_code == 422


def test_the_pack_counts_staff_trained_and_names_no_one(demo, client, auth):
    from course.domain.staff_training import modules_for_role
    from course.models import StaffTrainingCompletion
    from course.web.content import library

    with demo.app_context():
        teacher = db.session.scalars(select(User).where(User.username == "teacher")).one()
        for module in modules_for_role(library(), teacher.role):
            db.session.add(StaffTrainingCompletion(school_id=teacher.school_id, user_id=teacher.id,
                                                   module_slug=module.slug, score=100))
        staff = db.session.scalar(select(func.count()).select_from(User).where(
            User.school_id == teacher.school_id, User.role != "pupil"))
        name = teacher.display_name
        db.session.commit()
    auth.login_as("dsl")
    html = client.get("/safeguarding/summary").get_data(as_text=True)
    section = html[html.index("<h2>Staff trained</h2>"):html.index("<h2>Requests to talk</h2>")]
    assert f"<strong>1</strong> of {staff} staff has completed every module meant for their role" in section
    assert name not in section
