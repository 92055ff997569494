"""Every page type of Harbour, per role, for the browser checks (axe-core, overflow at 360 px, screenshots).

A page type is reached either by a plain GET of `path` (filled in from `site_values`) or, for pages that only
exist after a form is posted (a quiz result, login cards, a saved assignment), by `reach(page, base, values)`.
The set-up pages need a Harbour with no school yet: `SETUP_PAGES`, checked on a server of their own.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pyotp
from sqlalchemy import select

from course.domain.help_requests import ask_to_talk
from course.domain.passwords import hash_password
from course.domain.role_boundaries import tell_leads
from course.extensions import db
from course.models import HelpRequest, Role, SchoolClass, StaffNotice, Urgency, User, utcnow
from course.web.content import library

PUPIL = ("sam", "sunny-otter-42")
TEACHER = ("teacher", "harbour-teacher-demo")
DSL = ("dsl", "harbour-dsl-demo")
ADMIN = ("admin", "harbour-admin-demo")
SLUG = "people-online"
STAFF_SLUG = "responding-to-a-disclosure"
PRINT_CLASS = "Cards to print"
# A second safeguarding lead with two-factor on, to reach the code step at login.
CODE_LEAD = ("code.lead", "a-long-code-lead-password")


@dataclass(frozen=True)
class PageType:
    name: str
    path: str = ""
    reach: Callable | None = None

    def open(self, page, base: str, values: dict) -> None:
        if self.reach is not None:
            self.reach(page, base, values)
        else:
            page.goto(base + self.path.format(**values))


def _quiz_result(page, base, values):
    """Answer every question with its first option, then submit: the result page follows."""
    page.goto(f"{base}/lessons/{SLUG}/quiz")
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("input.choice-input").first.check()
    page.click("button:has-text('Check my answers')")
    page.wait_for_url("**/attempts/**")


def _login_errors(page, base, values):
    """The login form sent empty: the error summary and the messages tied to each field."""
    page.goto(f"{base}/login")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary, .error-message")


def _quiz_missing_answers(page, base, values):
    page.goto(f"{base}/lessons/{SLUG}/quiz")
    page.click("button:has-text('Check my answers')")
    page.wait_for_selector(".error-summary")


def _comfort_menu_open(page, base, values):
    page.goto(f"{base}/lessons/")
    page.click("summary:has-text('Reading comfort')")
    page.wait_for_selector(".comfort-form")


def _assigned(page, base, values):
    """The class page just after a module was assigned (the confirmation message and the updated grid)."""
    page.goto(f"{base}/teach/classes/{values['print_class_id']}")
    page.check(f"input[value='{SLUG}']")
    page.click("form[action$='/assign'] button[type=submit]")
    page.wait_for_selector(".flash")


def _login_cards(page, base, values):
    page.goto(f"{base}/teach/classes/{values['print_class_id']}")
    page.check("#which-all")
    page.click("text=Make login cards")
    page.wait_for_selector(".login-card")


def _import_preview(page, base, values):
    page.goto(f"{base}/teach/import?class_id={values['print_class_id']}")
    page.set_input_files("#file", files=[{"name": "pupils.csv", "mimeType": "text/csv",
                                         "buffer": b"First name,Last name,Year group\nAmira,Haddad,7\n"}])
    page.click("text=Preview the import")
    page.wait_for_selector("h1")


def _timed_out_form(page, base, values):
    """A form sent without its CSRF token (as after a very long pause): the calm "timed out" page (400)."""
    page.goto(f"{base}/login")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    page.fill("#username", "sam")
    page.fill("#password", "wrong")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _code_step(page, base, values):
    """A lead with two-factor on passes the password step: the code page follows (the last logged-out page)."""
    page.goto(f"{base}/login")
    page.fill("#username", CODE_LEAD[0])
    page.fill("#password", CODE_LEAD[1])
    page.click("button[type=submit]")
    page.wait_for_url("**/login/code")


def _code_step_wrong(page, base, values):
    page.fill("#code", "000000" if pyotp.TOTP(values["code_lead_secret"]).now() != "000000" else "111111")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")


def _erase_errors(page, base, values):
    page.goto(f"{base}/admin/pupils/{values['print_pupil_id']}/erase")
    page.click("button[type=submit].button-danger")
    page.wait_for_selector(".error-summary")


def _staff_quiz_missing_answers(page, base, values):
    page.goto(f"{base}/staff-training/modules/{STAFF_SLUG}/quiz")
    page.click("button:has-text('Check my answers')")
    page.wait_for_selector(".error-summary")


def _refresher_errors(page, base, values):
    page.goto(f"{base}/safeguarding/staff-training")
    page.fill("#refresher_months", "0")
    page.click("button:has-text('Save refresher period')")
    page.wait_for_selector(".error-message")


def _letter_errors(page, base, values):
    page.goto(f"{base}/parents/manage")
    page.fill("#letter", "x" * 6001)
    page.click("button:has-text('Save the letter')")
    page.wait_for_selector(".error-summary")


def _recovery_codes(page, base, values):
    """The lead sets up two-factor with a real code: the recovery codes, shown once (the lead's last page)."""
    page.goto(f"{base}/account/two-factor")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].button-primary")
    page.wait_for_selector(".recovery-codes")


# (role name, login or None, page types), in the order the checks run: the teacher's login cards come last
# because they give the seeded class's pupil a new password.
ROLES: list[tuple[str, tuple[str, str] | None, list[PageType]]] = [
    ("logged-out", None, [
        PageType("login", "/login"),
        PageType("login-errors", reach=_login_errors),
        PageType("help", "/help/"),
        PageType("not-found", "/no-such-page"),
        PageType("card-not-working", "/card?c=not-a-real-card"),
        PageType("sso-refused", "/login/sso/callback?state=none"),
        PageType("method-not-allowed", "/logout"),
        PageType("form-timed-out", reach=_timed_out_form),
        PageType("login-code", reach=_code_step),
        PageType("login-code-wrong", reach=_code_step_wrong),
        PageType("parents-page", "/parents/{parents_id}"),
        PageType("parents-sheet", "/parents/{parents_id}/sheets/online-blackmail"),
        PageType("parents-letter", "/parents/{parents_id}/letter"),
    ]),
    ("pupil", PUPIL, [
        PageType("my-lessons", "/lessons/"),
        PageType("knowledge-check", f"/lessons/{SLUG}/check"),
        PageType("reading-comfort-open", reach=_comfort_menu_open),
        PageType("lesson-page", f"/lessons/{SLUG}/page/1"),
        PageType("quiz", f"/lessons/{SLUG}/quiz"),
        PageType("quiz-missing-answers", reach=_quiz_missing_answers),
        PageType("quiz-result", reach=_quiz_result),
        PageType("help", "/help/"),
        PageType("request-to-talk", "/help/talk"),
        PageType("my-requests", "/help/requests"),
        PageType("request-sent", "/help/requests/{pupil_request_id}"),
        PageType("change-password", "/password"),
        PageType("not-for-pupils", "/teach/"),
    ]),
    ("dsl", DSL, [
        PageType("overview", "/safeguarding/"),
        PageType("pupils", "/safeguarding/pupils"),
        PageType("evidence-pack", "/safeguarding/summary"),
        PageType("what-pupils-learned", "/safeguarding/knowledge"),
        PageType("what-a-year-group-learned", "/safeguarding/knowledge?year_group=8"),
        PageType("requests-queue", "/safeguarding/requests"),
        PageType("request", "/safeguarding/requests/{pupil_request_id}"),
        PageType("request-for-the-record", "/safeguarding/requests/{pupil_request_id}/record?system=cpoms"),
        PageType("directory", "/safeguarding/directory"),
        PageType("directory-service", "/safeguarding/directory/{service_id}"),
        PageType("audit-log", "/audit/"),
        PageType("help", "/help/"),
        PageType("erasures-waiting", "/safeguarding/erasures"),
        PageType("two-factor-set-up", "/account/two-factor"),
        PageType("recovery-codes", reach=_recovery_codes),
        PageType("staff-training-records", "/safeguarding/staff-training"),
        PageType("staff-training-refresher-errors", reach=_refresher_errors),
        PageType("staff-module-for-leads", "/staff-training/modules/shared-nudes-incidents"),
        PageType("parents-manage", "/parents/manage"),
        PageType("parents-letter-errors", reach=_letter_errors),
    ]),
    ("admin", ADMIN, [
        PageType("staff", "/admin/"),
        PageType("new-staff", "/admin/staff/new"),
        PageType("staff-member", "/admin/staff/{teacher_id}"),
        PageType("settings", "/admin/settings"),
        PageType("sign-in-settings", "/admin/sign-in"),
        PageType("pupil-data", "/admin/pupils/{pupil_id}"),
        PageType("school-year", "/admin/year/"),
        PageType("audit-log", "/audit/"),
        PageType("pupils-data", "/admin/pupils"),
        PageType("pupil-data", "/admin/pupils/{pupil_id}"),
        PageType("pupil-data-page", "/admin/pupils/{pupil_id}/data"),
        PageType("erase-pupil", "/admin/pupils/{pupil_id}/erase"),
        PageType("erase-pupil-errors", reach=_erase_errors),
        PageType("pupil-waiting-for-erasure", "/admin/pupils/{print_pupil_id}"),
    ]),
    ("teacher", TEACHER, [
        PageType("classes", "/teach/"),
        PageType("class-grid", "/teach/classes/{class_id}"),
        PageType("class-insight", "/teach/classes/{class_id}/insight/" + SLUG),
        PageType("what-the-class-learned", "/teach/classes/{class_id}/knowledge"),
        PageType("item-analysis", f"/teach/library/{SLUG}/items"),
        PageType("pupil", "/teach/pupils/{pupil_id}"),
        PageType("new-pupil", "/teach/classes/{class_id}/pupils/new"),
        PageType("import", "/teach/import?class_id={print_class_id}"),
        PageType("import-preview", reach=_import_preview),
        PageType("assign", reach=_assigned),
        PageType("module-library", "/teach/library"),
        PageType("preview", f"/teach/library/{SLUG}"),
        PageType("staff-training", "/staff-training/"),
        PageType("staff-module", f"/staff-training/modules/{STAFF_SLUG}"),
        PageType("staff-quiz", f"/staff-training/modules/{STAFF_SLUG}/quiz"),
        PageType("staff-quiz-missing-answers", reach=_staff_quiz_missing_answers),
        PageType("login-cards", reach=_login_cards),
    ]),
]


def site_values(app) -> dict:
    """Ids the page paths need. Seeds what the demo school lacks: a request to talk and a class to print cards for."""
    with app.app_context():
        session = db.session
        sam = session.scalars(select(User).where(User.username == PUPIL[0])).one()
        teacher = session.scalars(select(User).where(User.username == TEACHER[0])).one()
        request = session.scalars(select(HelpRequest).where(HelpRequest.pupil_id == sam.id)).first()
        if request is None:
            request = ask_to_talk(session, sam, "Someone keeps messaging me and I do not like it.",
                                  Urgency.WHEN_YOU_CAN.value,
                                  "browser checks")
        print_class = session.scalars(select(SchoolClass).where(SchoolClass.name == PRINT_CLASS)).first()
        if print_class is None:
            print_class = SchoolClass(school_id=sam.school_id, name=PRINT_CLASS, year_group=7)
            print_class.teachers.append(teacher)
            print_class.pupils.append(User(school_id=sam.school_id, username="print.pupil", password_hash="!",
                                           role=Role.PUPIL, display_name="Priya Print", year_group=7))
            session.add(print_class)
        session.flush()
        print_pupil = print_class.pupils[0]
        # An erasure waiting for the lead, a notice on the lead's pages, and a lead with two-factor on.
        if print_pupil.erasure_requested_at is None:
            admin = session.scalars(select(User).where(User.username == ADMIN[0])).one()
            print_pupil.erasure_requested_at, print_pupil.erasure_requested_by_id = utcnow(), admin.id
            code_lead = User(school_id=sam.school_id, username=CODE_LEAD[0], password_hash=hash_password(CODE_LEAD[1]),
                             role=Role.SAFEGUARDING_LEAD, display_name="Ms Code Lead", totp_secret=pyotp.random_base32())
            session.add(code_lead)
            session.flush()
            if not session.scalars(select(StaffNotice)).first():
                tell_leads(session, sam.school_id, "dsl_created", admin, subject=code_lead)
        code_lead = session.scalars(select(User).where(User.username == CODE_LEAD[0])).one()
        parents_id = sam.school.parents_page_id
        session.commit()
        first_class = session.scalars(select(SchoolClass).where(SchoolClass.pupils.contains(sam))).first()
        assert SLUG in library().modules
        return {"pupil_id": sam.id, "teacher_id": teacher.id, "class_id": first_class.id,
                "print_class_id": print_class.id, "pupil_request_id": request.id, "service_id": 1,
                "print_pupil_id": print_pupil.id, "code_lead_secret": code_lead.totp_secret,
                "parents_id": parents_id}


def _setup_errors(page, base, values):
    page.goto(f"{base}/setup/")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")


# Reached on a Harbour with no school yet (the first page anyone sees after installing it).
SETUP_PAGES = [PageType("set-up", "/setup/"), PageType("set-up-errors", reach=_setup_errors)]


def all_pages() -> list[tuple[str, PageType]]:
    return [(role, page_type) for role, _, types in ROLES for page_type in types]
