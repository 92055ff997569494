"""Parents and carers (issue 16): a take-home sheet per module for every region, with the school's contact and
no pupil's data; the public parents' page, logged out, showing nothing personal; the letter home the school
edits once; the guide for adults on the help page; and the PDFs, read back with pdftotext."""

import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from course.config import PROJECT_ROOT
from course.content import load_library
from course.content.idioms import eal_idioms, idiom_problems
from course.content.library import blaming_phrases
from course.domain.directory import seed_help_services
from course.domain.parents import LETTER_LIMIT
from course.extensions import db
from course.models import AuditEvent, Role, School, User
from tests.conftest import post_form
from tests.factories import make_school

CONTENT, _ = load_library(PROJECT_ROOT)
REGIONS = sorted(CONTENT.regions)
CONTACT = "Ms Rahman, Student Support, room 12"


def _set_region(app, region: str) -> str:
    """The demo school moved to `region` (its directory reseeded); returns its parents' page id."""
    with app.app_context():
        school = db.session.scalars(select(School)).one()
        school.region = region
        school.safeguarding_contact = CONTACT
        seed_help_services(db.session, school, CONTENT)
        db.session.commit()
        return school.parents_page_id


def _pupil_names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(User.display_name).where(User.role == Role.PUPIL)))


def _first_service(region: str, role: str):
    return next(s for s in CONTENT.regions[region].services if s.audience == "pupil" and role in s.roles)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&").split())


@pytest.mark.parametrize("region", REGIONS)
def test_every_sheet_renders_for_every_region_with_the_schools_contact_and_no_pupil_data(demo, client, region):
    parents_id = _set_region(demo, region)
    pupils = _pupil_names(demo)
    assert pupils
    report = _first_service(region, "report_abuse")
    emergency = _first_service(region, "emergency")
    for module in CONTENT.ordered():
        response = client.get(f"/parents/{parents_id}/sheets/{module.slug}")
        assert response.status_code == 200, module.slug
        html = response.get_data(as_text=True)
        text = _text(html)
        assert module.title.replace("'", "'") in text or module.title in html
        assert CONTACT in text
        assert report.name in text and emergency.name in text
        assert all(starter in text for starter in CONTENT.parent_sheets.starters[module.slug])
        assert "Do not pay" in text and "Never look at, copy, save or forward" in text
        assert not [name for name in pupils if name in html], f"{module.slug} shows a pupil's name"
        assert "{{" not in html
        # Other regions' services are not on this region's sheet.
        for other in REGIONS:
            other_report = _first_service(other, "report_abuse")
            if other != region and other_report.name != report.name:
                assert other_report.name not in text, (region, other)


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def _pdf_pages(data: bytes) -> int:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    # Tagged: its headings and lists reach a screen reader.
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.parametrize("region", REGIONS)
def test_every_sheet_pdf_opens_has_its_text_and_fits_one_a4_side(demo, client, region):
    parents_id = _set_region(demo, region)
    report = _first_service(region, "report_abuse")
    # Every module in the UK; in the other regions, the module with the longest sheet.
    modules = CONTENT.ordered() if region == "uk" else [max(
        CONTENT.ordered(), key=lambda m: sum(map(len, m.objectives + list(CONTENT.parent_sheets.starters[m.slug]))))]
    for module in modules:
        response = client.get(f"/parents/{parents_id}/sheets/{module.slug}.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == "no-store"
        text = _pdf_text(response.data)
        assert "If your child tells you" in text and CONTACT in text and report.name in text
        assert CONTENT.parent_sheets.starters[module.slug][0][:40] in text
        assert _pdf_pages(response.data) == 1, f"{module.slug} ({region}) runs over one A4 side"


def test_the_parents_page_works_logged_out_and_shows_nothing_personal(demo, client):
    parents_id = _set_region(demo, "uk")
    response = client.get(f"/parents/{parents_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with demo.app_context():
        school = db.session.scalars(select(School)).one()
        staff = list(db.session.scalars(select(User.display_name).where(User.role != Role.PUPIL)))
        usernames = list(db.session.scalars(select(User.username)))
    assert school.name in html and CONTACT in _text(html)
    assert "Log out" not in html
    assert not [name for name in _pupil_names(demo) + staff if name in html]
    assert not [u for u in usernames if re.search(rf"\b{re.escape(u)}\b", _text(html)) and u not in ("admin", "teacher")]
    # The modules the school teaches (the demo's classes have three of them set), each with its sheet.
    assert "Where to go for help" in html and f"/parents/{parents_id}/sheets/online-blackmail.pdf" in html
    assert "Healthy relationships" not in html  # not set for any class
    assert 'href="/help/#blackmail-guide"' in html
    assert client.get(f"/parents/{parents_id}/letter").status_code == 200


@pytest.mark.parametrize("path", ["/parents/", "/parents", "/parents/1", "/parents/not-a-school-id",
                                  "/parents/" + "x" * 40, "/parents/1/sheets/online-blackmail",
                                  "/parents/{id}/sheets/no-such-module", "/parents/{id}/sheets/no-such-module.pdf",
                                  "/parents/{id}/sheets/responding-to-a-disclosure"])
def test_a_wrong_address_is_a_404_and_no_page_lists_schools(demo, client, path):
    parents_id = _set_region(demo, "uk")
    make_school(demo, "Another School")
    response = client.get(path.format(id=parents_id))
    assert response.status_code == 404
    assert "Another School" not in response.get_data(as_text=True)


def test_each_school_has_its_own_unguessable_parents_page(demo, client):
    parents_id = _set_region(demo, "uk")
    other = make_school(demo, "Another School")
    with demo.app_context():
        other_id = db.session.get(School, other).parents_page_id
    assert other_id and other_id != parents_id and len(other_id) >= 16 and not other_id.isdigit()
    page = client.get(f"/parents/{other_id}").get_data(as_text=True)
    assert "Another School" in page and "Harbour Demo School" not in page


# --- The letter home ---------------------------------------------------------------------------------------

def test_the_default_letter_names_the_school_and_its_contact(demo, client):
    parents_id = _set_region(demo, "uk")
    text = _text(client.get(f"/parents/{parents_id}/letter").get_data(as_text=True))
    assert "Dear parents and carers" in text and "Harbour Demo School" in text and CONTACT in text
    assert f"/parents/{parents_id}" in text


@pytest.mark.parametrize("role", ["dsl", "admin"])
def test_the_school_edits_the_letter_once_and_parents_read_it(demo, client, auth, role):
    parents_id = _set_region(demo, "uk")
    auth.login_as(role)
    manage = client.get("/parents/manage")
    assert manage.status_code == 200 and f"/parents/{parents_id}" in manage.get_data(as_text=True)
    letter = "Dear families,\n\nOur Year 8 lessons start on Monday.\nAsk us anything.\n\nMrs Clarke"
    response = post_form(client, "/parents/manage", "/parents/manage/letter", {"letter": letter})
    assert response.status_code == 302
    auth.logout()
    public = client.get(f"/parents/{parents_id}/letter").get_data(as_text=True)
    assert "Dear families," in public and "Our Year 8 lessons start on Monday.<br>Ask us anything." in public
    assert "Dear parents and carers" not in public
    with demo.app_context():
        assert db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action == "parents_letter_changed")).all() == ["parents_letter_changed"]
    # An empty letter brings back the default.
    auth.login_as(role)
    post_form(client, "/parents/manage", "/parents/manage/letter", {"letter": "  "})
    assert "Dear parents and carers" in client.get(f"/parents/{parents_id}/letter").get_data(as_text=True)


@pytest.mark.parametrize("letter, message", [
    ("x" * (LETTER_LIMIT + 1), f"Keep the letter to {LETTER_LIMIT} characters or fewer"),
    ("Dear all\x07 bell", "control character"),
    (None, "Write the letter in the box"),
])
def test_a_bad_letter_is_refused_with_a_message_and_nothing_changes(demo, client, auth, letter, message):
    _set_region(demo, "uk")
    auth.login_as("dsl")
    response = post_form(client, "/parents/manage", "/parents/manage/letter",
                         {} if letter is None else {"letter": letter})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalars(select(School.parents_letter)).one() is None


@pytest.mark.parametrize("role", ["teacher", "pupil"])
def test_only_an_admin_or_lead_edits_the_letter(demo, client, auth, role):
    auth.login_as(role)
    assert client.get("/parents/manage").status_code == 403
    assert post_form(client, "/help/", "/parents/manage/letter", {"letter": "Hello"}).status_code == 403
    with demo.app_context():
        assert db.session.scalars(select(School.parents_letter)).one() is None


# --- Teachers print the sheets from the class page; the guide on the help page --------------------------

def test_a_teacher_finds_each_assigned_modules_sheet_on_the_class_page(demo, client, auth):
    parents_id = _set_region(demo, "uk")
    auth.login_as("teacher")
    from tests.factories import class_id

    page = client.get(f"/teach/classes/{class_id(demo, '8A PSHE')}").get_data(as_text=True)
    assert f"/parents/{parents_id}/sheets/people-online.pdf" in page


GUIDE = re.compile(r'<section[^>]*id="blackmail-guide".*?</section>', re.S)


@pytest.mark.parametrize("region", REGIONS)
def test_the_help_pages_adult_section_has_the_blackmail_guide(demo, client, auth, region):
    _set_region(demo, region)
    guide = GUIDE.search(client.get("/help/").get_data(as_text=True))
    assert guide, "the guide is on the help page for a visitor who is not logged in"
    text = _text(guide.group(0))
    assert "If your child is being blackmailed online" in text
    for step in ("Stay calm", "Do not pay", "Do not reply to or confront", "delete nothing",
                 "Never look at, copy, save or forward the picture", "Report it"):
        assert step in text
    assert _first_service(region, "report_abuse").name in text and _first_service(region, "emergency").name in text
    # The same checks as lesson text: no blaming phrase, no idiom an EAL reader would trip on.
    lowered = text.lower().replace("\u2019", "'")
    assert not [p for p in blaming_phrases() if p in lowered]
    assert idiom_problems(text, eal_idioms(), is_module=False) == []
    auth.login_as("teacher")
    assert GUIDE.search(client.get("/help/").get_data(as_text=True)), "staff see it too"
    auth.logout()
    auth.login_as("pupil")
    assert not GUIDE.search(client.get("/help/").get_data(as_text=True)), "the adults' section is not a pupil's"


def test_the_sheets_file_is_checked_like_lesson_text(tmp_path):
    for folder in ("modules", "quizzes", "help_directory", "parents"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    sheets = tmp_path / "parents" / "sheets.toml"
    text = sheets.read_text()
    text = text.replace('[modules.ai-fakes]\nstarters = [\n  "Your lesson',
                        '[modules.ai-fakes]\nstarters = [\n  "Why did you send it? Your lesson')
    text = text.replace("[modules.live-streaming]", "[modules.no-such-module]\nstarters = [\"a\", \"b\"]\n\n"
                        "[modules.live-streaming-old]")
    sheets.write_text(text)
    _, problems = load_library(tmp_path)
    messages = [str(p) for p in problems if p.file == "parents/sheets.toml"]
    assert any("blaming phrase 'why did you send'" in m for m in messages), messages
    assert any("a sheet for an unknown module 'no-such-module'" in m for m in messages)
    assert any("module 'live-streaming' has no take-home sheet" in m for m in messages)


def test_a_sheet_pdf_is_drawn_once_and_again_after_the_school_changes_it(demo, client, monkeypatch):
    """The public PDF costs a render; asked again it comes from the worker's copy, until what it is drawn
    from changes (here the safeguarding contact), when the new text shows at once."""
    import course.parents.public as public

    parents_id = _set_region(demo, "uk")
    calls = []
    real = public.render_pdf
    monkeypatch.setattr(public, "render_pdf", lambda html, css: calls.append(html) or real(html, css))
    slug = CONTENT.ordered()[0].slug
    first = client.get(f"/parents/{parents_id}/sheets/{slug}.pdf").data
    assert client.get(f"/parents/{parents_id}/sheets/{slug}.pdf").data == first and len(calls) == 1
    with demo.app_context():
        school = db.session.scalars(select(School).where(School.parents_page_id == parents_id)).one()
        school.safeguarding_contact = "Mr Okoro, safeguarding lead, room 3"
        db.session.commit()
    changed = client.get(f"/parents/{parents_id}/sheets/{slug}.pdf")
    assert len(calls) == 2 and "Mr Okoro" in _pdf_text(changed.data)
