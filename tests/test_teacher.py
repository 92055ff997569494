"""Teachers: classes, pupils, assigning, the class grid, insight and export — and only their own classes."""

import csv
import html as html_module
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import Assignment, AuditEvent, Progress, Role, SchoolClass, User
from course.web.content import library
from tests.conftest import csrf_from, post_form
from tests.factories import class_id, count_queries, make_class, make_user, user_id


@pytest.fixture
def teacher(demo, auth):
    auth.login_as("teacher")
    return demo


def test_create_rename_and_archive_a_class(teacher, client):
    response = post_form(client, "/teach/", "/teach/classes", {"name": "9C PSHE", "year_group": "9"})
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "9C PSHE" in client.get("/teach/").get_data(as_text=True)
    post_form(client, f"/teach/classes/{new_id}", f"/teach/classes/{new_id}/rename", {"name": "9C Online safety", "year_group": "9"})
    assert "9C Online safety" in client.get(f"/teach/classes/{new_id}").get_data(as_text=True)
    post_form(client, f"/teach/classes/{new_id}", f"/teach/classes/{new_id}/archive", {"archive": "1"})
    assert f'href="/teach/classes/{new_id}"' not in client.get("/teach/").get_data(as_text=True)
    with teacher.app_context():
        assert db.session.get(SchoolClass, new_id).archived_at is not None
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "class_archived")).first()


def test_a_class_with_no_name_is_refused_with_a_message(teacher, client):
    response = post_form(client, "/teach/", "/teach/classes", {"name": ""})
    assert response.status_code == 422 and "Enter a name for the class." in response.get_data(as_text=True)


def test_a_class_can_have_a_second_teacher(teacher, client, auth):
    second = make_user(teacher, "ms-jones", display_name="Ms Jones")
    target = class_id(teacher, "8A PSHE")
    post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/teachers", {"teacher": second})
    auth.logout()
    auth.login("ms-jones", "a-long-test-password")
    assert "8A PSHE" in client.get("/teach/").get_data(as_text=True)
    assert client.get(f"/teach/classes/{target}").status_code == 200


def test_add_a_pupil_then_print_a_card_whose_password_works(teacher, client, auth, app):
    target = class_id(teacher, "8A PSHE")
    response = post_form(client, f"/teach/classes/{target}/pupils/new", data={
        "first_name": "Zoë", "last_name": "Ng", "year_group": "8", "username": ""})
    assert response.status_code == 302
    html = client.get(f"/teach/classes/{target}").get_data(as_text=True)
    assert "Zoë Ng" in html
    cards = post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/cards", {"which": "new"})
    page = cards.get_data(as_text=True)
    assert page.count('class="login-card"') == 1
    username = re.search(r"<dt>Username</dt><dd><code>([^<]+)</code>", page).group(1)
    password = re.search(r"<dt>Password</dt><dd><code>([^<]+)</code>", page).group(1)
    assert username == "zoe.ng" and re.fullmatch(r"[a-z]+-[a-z]+-\d\d", password)
    auth.logout()
    assert auth.login(username, password).headers["Location"] == "/"


def test_login_cards_for_a_whole_class_and_the_print_stylesheet(teacher, client):
    target = class_id(teacher, "10B PSHE")
    page = post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/cards", {"which": "all"}).get_data(as_text=True)
    assert page.count('class="login-card"') == 25
    assert 'media="print"' in page
    css = client.get("/static/print.css").get_data(as_text=True)
    assert "card-sheet" in css and "grid-template-columns: 1fr 1fr" in css and "repeat(4, 64mm)" in css


def test_reset_a_pupils_password_is_audited_and_ends_their_session(teacher, client, app):
    sam = user_id(teacher, "sam")
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login("sam", "sunny-otter-42")
    assert other.get("/lessons/").status_code == 200
    page = post_form(client, f"/teach/pupils/{sam}", f"/teach/pupils/{sam}/password").get_data(as_text=True)
    assert "Password</dt>" in page
    assert other.get("/lessons/").status_code == 302, "the pupil's old session must end"
    with teacher.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "password_reset",
                                                           AuditEvent.target_id == sam)).first()


def test_pupils_choose_a_password_at_first_login_only_if_the_school_says_so(teacher, client, auth):
    from course.models import School

    with teacher.app_context():
        db.session.scalars(select(School)).first().pupils_choose_password = True
        db.session.commit()
    sam = user_id(teacher, "sam")
    page = post_form(client, f"/teach/pupils/{sam}", f"/teach/pupils/{sam}/password").get_data(as_text=True)
    password = re.search(r"<dt>Password</dt><dd><code>([^<]+)</code>", page).group(1)
    auth.logout()
    assert auth.login("sam", password).headers["Location"] == "/password"
    # Until a new password is chosen, other pages lead back to the form (help stays open).
    assert client.get("/lessons/").headers["Location"] == "/password"
    assert client.get("/help/").status_code == 200
    response = post_form(client, "/password", data={"current_password": password, "new_password": "my own secret words",
                                                     "confirm": "my own secret words"})
    assert response.headers["Location"] == "/"
    assert client.get("/lessons/").status_code == 200


def test_assign_to_chosen_pupils_only(teacher, client, auth):
    target = class_id(teacher, "8A PSHE")
    sam = user_id(teacher, "sam")
    post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/assign",
              {"modules": ["account-control"], "pupils": [sam], "answers_shown": "after_attempt"})
    grid = client.get(f"/teach/classes/{target}").get_data(as_text=True)
    assert grid.count('data-state="not_set"') == 24
    auth.logout()
    auth.login_as("pupil")
    assert client.get("/lessons/account-control/page/1").status_code == 200


def test_change_due_date_and_remove_an_assignment_keeping_progress(teacher, client, auth):
    target = class_id(teacher, "8A PSHE")
    with teacher.app_context():
        assignment = db.session.scalars(select(Assignment).where(Assignment.class_id == target)).first()
        module_id, assignment_id = assignment.module_id, assignment.id
        progress_before = len(db.session.scalars(select(Progress).where(Progress.module_id == module_id)).all())
    new_due = date.today() + timedelta(days=30)
    post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/assignments/{assignment_id}/due",
              {"due_date": new_due.isoformat()})
    with teacher.app_context():
        assert db.session.get(Assignment, assignment_id).due_date == new_due
    post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/assignments/{assignment_id}/remove")
    with teacher.app_context():
        assert db.session.get(Assignment, assignment_id) is None
        assert len(db.session.scalars(select(Progress).where(Progress.module_id == module_id)).all()) == progress_before


def test_answers_after_the_due_date_are_held_back_until_then(teacher, client, auth):
    target = class_id(teacher, "8A PSHE")
    post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/assign", {
        "modules": ["account-control"], "due_date": (date.today() + timedelta(days=3)).isoformat(),
        "answers_shown": "after_due_date"})
    auth.logout()
    auth.login_as("pupil")
    with teacher.app_context():
        quiz = library().get("account-control").quiz
    html = client.get("/lessons/account-control/quiz").get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    result = client.post("/lessons/account-control/quiz", follow_redirects=True, data={
        "csrf_token": csrf_from(client, "/lessons/account-control/quiz"), "form_token": token,
        **{f"q-{q.id}": sorted(q.correct_ids) for q in quiz.questions}}).get_data(as_text=True)
    assert "You got" in result and "after the due date" in result
    assert "Your answers" not in result and quiz.questions[0].options[0].feedback[:25] not in result


def test_module_library_preview_shows_teacher_notes_and_marked_answers(teacher, client):
    html = client.get("/teach/library").get_data(as_text=True)
    assert "Ages 8-11" in html and "Learning objectives" in html
    preview = client.get("/teach/library/people-online").get_data(as_text=True)
    assert "Teacher notes" in preview and "Correct answer" in preview
    assert "{{" not in preview


def test_the_grid_shows_status_with_text_and_icon_overdue_and_sorts(teacher, client):
    target = class_id(teacher, "8A PSHE")
    html = client.get(f"/teach/classes/{target}").get_data(as_text=True)
    assert "Overdue" in html and "Completed" in html and 'class="status-icon"' in html
    names = re.findall(r'<th scope="row"><a href="/teach/pupils/\d+">([^<]+)</a>', html)
    assert names == sorted(names)
    by_completion = client.get(f"/teach/classes/{target}?sort=completion").get_data(as_text=True)
    rows = re.findall(r'<th scope="row"><a[^>]*>[^<]+</a></th>.*?<td>(\d+) of \d+</td></tr>', by_completion, re.S)
    assert [int(n) for n in rows] == sorted(int(n) for n in rows)


def test_pupil_page_shows_each_attempt_with_answers_and_time(teacher, client):
    with teacher.app_context():
        pupil = db.session.scalars(select(User).join(Progress, Progress.pupil_id == User.id)
                                   .where(Progress.status == "completed")).first()
    html = client.get(f"/teach/pupils/{pupil.id}").get_data(as_text=True)
    assert pupil.display_name in html and "Quiz attempts" in html and "took " in html and "chose" in html


def test_question_insight_shows_percent_and_most_common_wrong_answer(teacher, client):
    target = class_id(teacher, "8A PSHE")
    html = client.get(f"/teach/classes/{target}/insight/people-online").get_data(as_text=True)
    assert "Percent correct per question" in html
    assert re.search(r"<td>\d+%</td>", html) and "×)" in html


def test_the_export_holds_exactly_what_the_grid_shows(teacher, client):
    target = class_id(teacher, "8A PSHE")
    html = client.get(f"/teach/classes/{target}").get_data(as_text=True)
    table = html[html.index("<table class=\"grid\">"):html.index("</table>")]
    page_rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        text = [" ".join(html_module.unescape(re.sub(r"<[^>]+>|[✓○◐!]", " ", c)).split()) for c in cells]
        page_rows.append([re.sub(r"Due \d+ \w+$", "", t).strip() for t in text])
    response = client.get(f"/teach/classes/{target}/export.csv")
    assert response.mimetype == "text/csv"
    exported = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert exported == page_rows


def test_the_export_is_safe_against_formula_injection(teacher, client):
    target = class_id(teacher, "8A PSHE")
    sam = user_id(teacher, "sam")
    with teacher.app_context():
        db.session.get(User, sam).display_name = "=HYPERLINK(\"http://x\")"
        db.session.commit()
    text = client.get(f"/teach/classes/{target}/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text


def test_a_teacher_sees_only_their_own_classes_and_pupils(teacher, client, auth):
    other_teacher = make_user(teacher, "mr-other")
    stranger = make_user(teacher, "stranger-pupil", role=Role.PUPIL, year_group=8)
    other_class = make_class(teacher, "Other class", other_teacher, [stranger])
    for path in (f"/teach/classes/{other_class}", f"/teach/classes/{other_class}/export.csv",
                 f"/teach/classes/{other_class}/insight/people-online", f"/teach/pupils/{stranger}",
                 f"/teach/classes/{other_class}/pupils/new"):
        assert client.get(path).status_code == 404, path
    for path, data in ((f"/teach/classes/{other_class}/assign", {"modules": ["people-online"]}),
                       (f"/teach/classes/{other_class}/cards", {"which": "all"}),
                       (f"/teach/classes/{other_class}/archive", {"archive": "1"}),
                       (f"/teach/pupils/{stranger}/password", {})):
        assert post_form(client, "/teach/", path, data).status_code == 404, path
    assert "Other class" not in client.get("/teach/").get_data(as_text=True)


def _grow_class(app, target: int, count: int) -> None:
    with app.app_context():
        school_class = db.session.get(SchoolClass, target)
        start = len(school_class.pupils)
        for n in range(start, start + count):
            school_class.pupils.append(User(school_id=school_class.school_id, username=f"grow{target}-{n}",
                                            password_hash="!", role=Role.PUPIL, display_name=f"Grow {n}", year_group=8))
        db.session.commit()


@pytest.mark.parametrize("page", ["grid", "insight", "pupil", "export"])
def test_query_count_does_not_grow_with_the_class(teacher, client, page):
    small = make_class(teacher, "Small", user_id(teacher, "teacher"))
    _grow_class(teacher, small, 5)
    with teacher.app_context():
        for slug in ("people-online", "where-to-go-for-help"):
            from course.web.content import module_ids

            db.session.add(Assignment(school_id=1, class_id=small, module_id=module_ids()[slug]))
        db.session.commit()
    sam = user_id(teacher, "sam")
    paths = {"grid": f"/teach/classes/{small}", "insight": f"/teach/classes/{small}/insight/people-online",
             "pupil": f"/teach/pupils/{sam}", "export": f"/teach/classes/{small}/export.csv"}
    client.get(paths[page])
    with count_queries(teacher) as at_five:
        assert client.get(paths[page]).status_code == 200
    _grow_class(teacher, small, 55)
    with count_queries(teacher) as at_sixty:
        assert client.get(paths[page]).status_code == 200
    assert at_five["n"] == at_sixty["n"]


def _module_marked_teach_in_class_first(app):
    """A module the library marks teach-in-class-first (the real course marks three; a test marks one if not)."""
    with app.app_context():
        marked = [m for m in library().ordered() if m.teach_in_class_first]
        if not marked:
            library().get("account-control").teach_in_class_first = True
            marked = [library().get("account-control")]
        return marked[0]


def test_a_teach_in_class_first_module_set_as_independent_work_needs_confirming(teacher, client):
    module = _module_marked_teach_in_class_first(teacher)
    target = class_id(teacher, "8A PSHE")
    library_page = client.get("/teach/library").get_data(as_text=True)
    assert "Teach in class first." in library_page
    assert "Teach in class first." in client.get(f"/teach/library/{module.slug}").get_data(as_text=True)
    assert "teach in class first)" in client.get(f"/teach/classes/{target}").get_data(as_text=True)

    with teacher.app_context():
        before = db.session.scalar(select(func.count()).select_from(Assignment))
    refused = post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/assign", {
        "modules": [module.slug], "answers_shown": "after_attempt", "delivery": "independent"})
    assert refused.status_code == 422
    assert "Tell your safeguarding lead before you teach it." in refused.get_data(as_text=True)
    with teacher.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == before

    in_class = post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/assign", {
        "modules": [module.slug], "answers_shown": "after_attempt", "delivery": "in_class"})
    assert in_class.status_code == 302
    confirmed = post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/assign", {
        "modules": [module.slug], "answers_shown": "after_attempt", "delivery": "independent",
        "confirm_independent": "y"})
    assert confirmed.status_code == 302
    with teacher.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "sensitive_module_set_independent")).one()
        assert event.detail == module.title
