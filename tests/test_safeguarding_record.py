"""The hand-off of a request to talk to the school's safeguarding record (CPOMS or MyConcern): text, PDF,
and the chronology's "entered into" line, for the school's safeguarding leads only."""

import html as html_lib
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.domain.help_requests import RequestProblem
from course.domain.safeguarding_record import RecordSystem, parse_system
from course.extensions import db
from course.models import AuditEvent, HelpRequest, HelpRequestEvent, utcnow
from tests.conftest import post_form

WORDS = "Someone I met in a game wants photos.\nHe says he'll tell everyone if I don't."


def _asked(demo, client, auth) -> int:
    auth.login_as("pupil")
    post_form(client, "/help/", "/help/talk", {"message": WORDS, "urgency": "now", "asked_from": "help page"})
    auth.logout()
    with demo.app_context():
        request_id = db.session.scalars(select(HelpRequest.id)).one()
    auth.login_as("dsl")
    page = f"/safeguarding/requests/{request_id}"
    post_form(client, page, f"{page}/notes", {"body": "Spoke with Sam at 10:40 with Mr Evans."})
    return request_id


def _textarea(page: str) -> str:
    found = re.search(r'<textarea[^>]*id="record-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no record textarea on the page"
    return html_lib.unescape(found.group(1))


@pytest.mark.parametrize("system, label", [("cpoms", "CPOMS"), ("myconcern", "MyConcern")])
def test_the_record_page_holds_every_fact_ready_to_paste(demo, client, auth, system, label):
    request_id = _asked(demo, client, auth)
    request_page = client.get(f"/safeguarding/requests/{request_id}").get_data(as_text=True)
    assert f"/safeguarding/requests/{request_id}/record?system={system}" in request_page
    response = client.get(f"/safeguarding/requests/{request_id}/record?system={system}")
    assert response.status_code == 200
    text = _textarea(response.get_data(as_text=True))
    with demo.app_context():
        asked_at = db.session.get(HelpRequest, request_id).created_at
        note = db.session.scalars(select(HelpRequestEvent)).one()
    assert f"for {label}" in text
    assert f"Date and time: {asked_at:%d/%m/%Y %H:%M} (UTC)" in text
    assert "Pupil: Sam Okafor" in text
    assert "Urgency (the pupil's choice): As soon as possible" in text
    # The pupil's own words, exactly, line by line; and the chronology with names and times.
    assert "    Someone I met in a game wants photos.\n    He says he'll tell everyone if I don't.\n" in text
    assert f"{note.created_at:%d/%m/%Y %H:%M}  Ms Aisha Rahman: Note: Spoke with Sam at 10:40 with Mr Evans." in text
    assert "Prepared by Ms Aisha Rahman" in text


def test_the_pdf_says_the_same_read_by_an_independent_parser(demo, client, auth, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    request_id = _asked(demo, client, auth)
    response = client.get(f"/safeguarding/requests/{request_id}/record.pdf?system=myconcern")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Request to talk, for MyConcern" in flat
    assert "Someone I met in a game wants photos. He says he'll tell everyone if I don't." in flat
    assert "Ms Aisha Rahman: Note: Spoke with Sam at 10:40 with Mr Evans." in flat
    assert "Urgency (the pupil's choice): As soon as possible" in flat and "Sam Okafor" in flat


def test_entered_into_the_record_goes_in_the_chronology_and_the_audit_log(demo, client, auth):
    request_id = _asked(demo, client, auth)
    page = f"/safeguarding/requests/{request_id}/record?system=cpoms"
    today = utcnow().date()
    response = post_form(client, page, f"/safeguarding/requests/{request_id}/record",
                         {"system": "cpoms", "entered_on": today.isoformat()})
    assert response.status_code == 302
    expected = f"Entered into CPOMS by Ms Aisha Rahman on {today:%-d %B %Y}."
    assert expected in client.get(f"/safeguarding/requests/{request_id}").get_data(as_text=True)
    # The next write-out carries the line too, with its time.
    assert f"Ms Aisha Rahman: {expected}" in _textarea(client.get(page).get_data(as_text=True))
    with demo.app_context():
        kinds = db.session.scalars(select(HelpRequestEvent.kind).order_by(HelpRequestEvent.id)).all()
        assert kinds == ["note", "handoff"]
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == request_id)).all()
        assert "help_request_entered_into_record" in actions and "help_request_record_exported" in actions
    assert "Noted a request to talk was entered into the safeguarding record" in client.get(
        "/audit/").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"system": "cpoms", "entered_on": ""}, "Enter the date"),
    ({"system": "cpoms", "entered_on": "yesterday"}, "Enter the date"),
    ({"system": "cpoms", "entered_on": (utcnow().date() + timedelta(days=3)).isoformat()}, "cannot be in the future"),
    ({"system": "cpoms", "entered_on": "2001-01-01"}, "cannot be before the pupil asked"),
    ({"system": "sims", "entered_on": utcnow().date().isoformat()}, "Not a valid choice"),
])
def test_bad_input_says_why_and_adds_nothing(demo, client, auth, data, message):
    request_id = _asked(demo, client, auth)
    response = post_form(client, f"/safeguarding/requests/{request_id}/record?system=cpoms",
                         f"/safeguarding/requests/{request_id}/record", data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalars(select(HelpRequestEvent.kind)).all() == ["note"]


def test_an_unknown_system_in_the_address_is_not_found(demo, client, auth):
    request_id = _asked(demo, client, auth)
    assert client.get(f"/safeguarding/requests/{request_id}/record?system=sims").status_code == 404
    assert client.get(f"/safeguarding/requests/{request_id}/record.pdf?system=sims").status_code == 404


@pytest.mark.parametrize("role", ["teacher", "admin", "pupil"])
def test_only_safeguarding_leads_can_write_it_out(demo, client, auth, role):
    request_id = _asked(demo, client, auth)
    auth.logout()
    auth.login_as(role)
    for path in (f"/safeguarding/requests/{request_id}/record", f"/safeguarding/requests/{request_id}/record.pdf"):
        response = client.get(path)
        assert response.status_code == 403 and b"photos" not in response.data


def test_the_rules_table():
    assert parse_system(None) is RecordSystem.CPOMS and parse_system(" MyConcern ") is RecordSystem.MYCONCERN
    with pytest.raises(RequestProblem):
        parse_system("sims")
