"""Every page type of Harbour, per role, for the browser checks (axe-core, overflow at 360 px, screenshots).

A page type is reached either by a plain GET of `path` (filled in from `site_values`) or, for pages that only
exist after a form is posted (a quiz result, login cards, a saved assignment), by `reach(page, base, values)`.
The setup page is not listed: with the demo school loaded it is not reachable (it sends you to log in).
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from course.domain.help_requests import ask_to_talk
from course.extensions import db
from course.models import HelpRequest, Role, SchoolClass, Urgency, User
from course.web.content import library

PUPIL = ("sam", "sunny-otter-42")
TEACHER = ("teacher", "harbour-teacher-demo")
DSL = ("dsl", "harbour-dsl-demo")
ADMIN = ("admin", "harbour-admin-demo")
SLUG = "people-online"
PRINT_CLASS = "Cards to print"


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
    ]),
    ("pupil", PUPIL, [
        PageType("my-lessons", "/lessons/"),
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
    ]),
    ("dsl", DSL, [
        PageType("overview", "/safeguarding/"),
        PageType("pupils", "/safeguarding/pupils"),
        PageType("governors-summary", "/safeguarding/summary"),
        PageType("requests-queue", "/safeguarding/requests"),
        PageType("request", "/safeguarding/requests/{pupil_request_id}"),
        PageType("request-for-the-record", "/safeguarding/requests/{pupil_request_id}/record?system=cpoms"),
        PageType("directory", "/safeguarding/directory"),
        PageType("directory-service", "/safeguarding/directory/{service_id}"),
        PageType("audit-log", "/audit/"),
        PageType("help", "/help/"),
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
    ]),
    ("teacher", TEACHER, [
        PageType("classes", "/teach/"),
        PageType("class-grid", "/teach/classes/{class_id}"),
        PageType("class-insight", "/teach/classes/{class_id}/insight/" + SLUG),
        PageType("pupil", "/teach/pupils/{pupil_id}"),
        PageType("new-pupil", "/teach/classes/{class_id}/pupils/new"),
        PageType("import", "/teach/import?class_id={print_class_id}"),
        PageType("import-preview", reach=_import_preview),
        PageType("assign", reach=_assigned),
        PageType("module-library", "/teach/library"),
        PageType("preview", f"/teach/library/{SLUG}"),
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
        session.commit()
        first_class = session.scalars(select(SchoolClass).where(SchoolClass.pupils.contains(sam))).first()
        assert SLUG in library().modules
        return {"pupil_id": sam.id, "teacher_id": teacher.id, "class_id": first_class.id,
                "print_class_id": print_class.id, "pupil_request_id": request.id, "service_id": 1}


def all_pages() -> list[tuple[str, PageType]]:
    return [(role, page_type) for role, _, types in ROLES for page_type in types]
