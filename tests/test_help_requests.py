"""Pupils' requests to talk: asking, what the pupil sees, and who else can (only the school's leads)."""

import asyncio
import email
import email.policy
import re
import threading

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import AppendOnlyError, AuditEvent, HelpRequest, HelpRequestEvent, Role, User
from tests.conftest import post_form
from tests.factories import make_school, make_user, user_id

PUPIL = ("sam", "sunny-otter-42")
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _ask(client, auth, message="Someone online keeps messaging me", urgency="today", page="/help/"):
    auth.login_as("pupil")
    response = post_form(client, page, "/help/talk",
                         {"message": message, "urgency": urgency, "asked_from": "help page"})
    auth.logout()
    return response


def _only_request(app) -> HelpRequest:
    with app.app_context():
        request_ = db.session.scalars(select(HelpRequest)).one()
        db.session.expunge(request_)
        return request_


def test_pupil_asks_from_the_help_page_and_sees_a_calm_confirmation(demo, client, auth):
    auth.login_as("pupil")
    help_page = client.get("/help/").get_data(as_text=True)
    assert "Ask to talk" in help_page and 'action="/help/talk"' in help_page
    response = post_form(client, "/help/", "/help/talk",
                         {"message": "Someone online keeps messaging me", "urgency": "today", "asked_from": "help page"})
    assert response.status_code == 302
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your request was sent" in confirmation
    assert "Only your school's safeguarding leads can see your request" in confirmation
    assert "999" in confirmation and "Childline" in confirmation and "0800 1111" in confirmation
    mine = client.get("/help/requests").get_data(as_text=True)
    assert "New" in mine and "Today" in mine
    request_ = _only_request(demo)
    assert request_.message == "Someone online keeps messaging me" and request_.urgency == "today"
    assert request_.urgency_rank == 2 and request_.status == "new" and request_.asked_from == "help page"


def test_the_message_and_urgency_are_optional(demo, client, auth):
    response = _ask(client, auth, message="", urgency="")
    assert response.status_code == 302
    request_ = _only_request(demo)
    assert request_.message == "" and request_.urgency == "not_said"


def test_end_of_every_lesson_and_quiz_result_offers_the_form(demo, client, auth):
    auth.login_as("pupil")
    lesson_end = client.get("/lessons/people-online/page/5").get_data(as_text=True)
    pages = 5
    while 'action="/help/talk"' not in lesson_end and pages < 8:
        pages += 1
        lesson_end = client.get(f"/lessons/people-online/page/{pages}").get_data(as_text=True)
    assert 'action="/help/talk"' in lesson_end and "end of lesson: " in lesson_end
    first_page = client.get("/lessons/people-online/page/1").get_data(as_text=True)
    assert 'action="/help/talk"' not in first_page
    with demo.app_context():
        from course.models import QuizAttempt
        attempt = db.session.scalars(select(QuizAttempt).where(QuizAttempt.pupil_id == user_id(demo, "sam"))).first()
    if attempt is None:  # sam starts with nothing done: take the quiz once, all answers the first option
        quiz = client.get("/lessons/people-online/quiz").get_data(as_text=True)
        import re
        token = re.search(r'name="form_token" value="([^"]+)"', quiz).group(1)
        answers = {}
        for name, value in re.findall(r'name="(q-[^"]+)"[^>]*value="([^"]+)"', quiz):
            answers.setdefault(name, value)
        result = post_form(client, "/lessons/people-online/quiz", data={"form_token": token, **answers})
        assert result.status_code == 302, result.get_data(as_text=True)[:500]
        result_page = client.get(result.headers["Location"]).get_data(as_text=True)
    else:
        result_page = client.get(f"/lessons/people-online/attempts/{attempt.id}").get_data(as_text=True)
    assert 'action="/help/talk"' in result_page and "quiz result: " in result_page


@pytest.mark.parametrize("data, message", [
    ({"message": "x" * 1001, "urgency": "today"}, "under 1000 characters"),
    ({"message": "hello", "urgency": "tomorrow-ish"}, "Not a valid choice"),
])
def test_bad_input_changes_nothing_and_says_why(demo, client, auth, data, message):
    auth.login_as("pupil")
    response = post_form(client, "/help/talk", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalars(select(HelpRequest)).first() is None


def test_only_pupils_can_ask(demo, client, auth):
    auth.login_as("dsl")
    assert client.post("/help/talk", data={"message": "x"}).status_code in (400, 403)
    assert client.get("/help/talk").status_code == 403


def test_the_leads_queue_shows_it_unread_on_every_staff_page(demo, client, auth):
    _ask(client, auth)
    auth.login_as("dsl")
    overview = client.get("/safeguarding/").get_data(as_text=True)
    assert "Requests to talk (1 new)" in overview
    assert "Requests to talk (1 new)" in client.get("/teach/library").get_data(as_text=True)
    queue = client.get("/safeguarding/requests").get_data(as_text=True)
    assert "Sam Okafor" in queue and "Today" in queue
    request_ = _only_request(demo)
    page = client.get(f"/safeguarding/requests/{request_.id}").get_data(as_text=True)
    assert "Someone online keeps messaging me" in page
    assert "Requests to talk (1 new)" not in client.get("/safeguarding/").get_data(as_text=True)
    with demo.app_context():
        viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "help_request_viewed")).one()
        assert viewed.target_id == request_.id and "Rahman" in viewed.actor_label


def test_queue_is_most_urgent_then_newest_first(demo, client, auth):
    _ask(client, auth, message="first, when you can", urgency="when_you_can")
    _ask(client, auth, message="second, not said", urgency="not_said")
    _ask(client, auth, message="third, now", urgency="now")
    _ask(client, auth, message="fourth, when you can", urgency="when_you_can")
    auth.login_as("dsl")
    with demo.app_context():
        rows = db.session.scalars(select(HelpRequest)).all()
        by_message = {r.message: r.id for r in rows}
    queue = client.get("/safeguarding/requests").get_data(as_text=True)
    positions = [queue.index(f"/safeguarding/requests/{by_message[m]}\"") for m in
                 ("third, now", "fourth, when you can", "first, when you can", "second, not said")]
    assert positions == sorted(positions)


def test_chronology_records_notes_and_status_changes_with_who_and_when(demo, client, auth):
    _ask(client, auth)
    request_id = _only_request(demo).id
    auth.login_as("dsl")
    page = f"/safeguarding/requests/{request_id}"
    assert post_form(client, page, f"{page}/status", {"to_status": "in_progress"}).status_code == 302
    assert post_form(client, page, f"{page}/notes", {"body": "Spoke with Sam at break."}).status_code == 302
    assert post_form(client, page, f"{page}/status", {"to_status": "closed", "reason": "Parents informed."}).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Spoke with Sam at break." in html and "Parents informed." in html
    assert html.count("Ms Aisha Rahman") >= 3
    assert "status changed from new to in progress" in html
    with demo.app_context():
        events = db.session.scalars(select(HelpRequestEvent).order_by(HelpRequestEvent.id)).all()
        assert [(e.kind, e.to_status) for e in events] == [("status", "in_progress"), ("note", None), ("status", "closed")]
        assert all(e.author_name == "Ms Aisha Rahman" and e.created_at for e in events)
        assert db.session.get(HelpRequest, request_id).status == "closed"
    closed_queue = client.get("/safeguarding/requests?status=closed").get_data(as_text=True)
    assert f"/safeguarding/requests/{request_id}\"" in closed_queue
    auth.logout()
    auth.login_as("pupil")
    assert "Closed" in client.get("/help/requests").get_data(as_text=True)
    assert "Spoke with Sam" not in client.get(f"/help/requests/{request_id}").get_data(as_text=True)


def test_bad_notes_and_statuses_change_nothing(demo, client, auth):
    _ask(client, auth)
    request_id = _only_request(demo).id
    auth.login_as("dsl")
    page = f"/safeguarding/requests/{request_id}"
    for action, data, message in [("notes", {"body": "  "}, "Write the note"),
                                  ("notes", {"body": "x" * 4001}, "under 4000"),
                                  ("status", {"to_status": "new"}, "already new"),
                                  ("status", {"to_status": "deleted"}, "Not a valid choice")]:
        response = post_form(client, page, f"{page}/{action}", data)
        assert response.status_code == 422 and message in response.get_data(as_text=True), action
    with demo.app_context():
        assert db.session.scalars(select(HelpRequestEvent)).first() is None
        assert db.session.get(HelpRequest, request_id).status == "new"


def test_chronology_and_audit_events_cannot_be_changed_or_deleted(demo, client, auth):
    _ask(client, auth)
    request_id = _only_request(demo).id
    auth.login_as("dsl")
    page = f"/safeguarding/requests/{request_id}"
    post_form(client, page, f"{page}/notes", {"body": "Original note"})
    assert client.post(f"{page}/notes/1", data={"body": "changed"}).status_code in (404, 405)
    with demo.app_context():
        note = db.session.scalars(select(HelpRequestEvent)).one()
        note.body = "rewritten"
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        event = db.session.scalars(select(AuditEvent)).first()
        db.session.delete(event)
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalars(select(HelpRequestEvent)).one().body == "Original note"


@pytest.mark.parametrize("who", ["teacher", "admin", "other_dsl", "other_pupil"])
def test_no_one_but_the_schools_leads_sees_a_request(demo, client, auth, who):
    _ask(client, auth)
    request_id = _only_request(demo).id
    if who == "teacher":
        auth.login_as("teacher")
    elif who == "admin":
        auth.login_as("admin")
    elif who == "other_dsl":
        other = make_school(demo)
        make_user(demo, "otherdsl", Role.SAFEGUARDING_LEAD, school_id=other)
        auth.login("otherdsl", "a-long-test-password", school_id=other)
    else:
        make_user(demo, "pupil2", Role.PUPIL, year_group=8)
        auth.login("pupil2", "a-long-test-password")
    for url in ("/safeguarding/requests", f"/safeguarding/requests/{request_id}"):
        response = client.get(url)
        # Another school's lead has a queue of their own (empty); everyone else is refused.
        allowed = (200,) if who == "other_dsl" and url.endswith("requests") else (403, 404)
        assert response.status_code in allowed, (who, url)
        assert "Someone online keeps messaging me" not in response.get_data(as_text=True)
    assert client.get(f"/help/requests/{request_id}").status_code in (403, 404)
    if who == "other_dsl":
        queue = client.get("/safeguarding/requests").get_data(as_text=True)
        assert "Sam Okafor" not in queue and "(1 new)" not in queue


def test_teachers_see_no_trace_of_requests(demo, client, auth):
    _ask(client, auth)
    auth.login_as("teacher")
    for url in ("/teach/", f"/teach/pupils/{user_id(demo, 'sam')}", "/help/"):
        html = client.get(url).get_data(as_text=True)
        assert "Requests to talk" not in html and "keeps messaging" not in html and "asked to talk" not in html


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A local SMTP server (aiosmtpd) on a port the OS chooses."""
    from aiosmtpd.smtp import SMTP

    inbox = _Inbox()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    servers = []

    def serve():
        # The server gets its own thread and loop: a browser test may leave an
        # event loop running in the main thread, and asyncio allows one per thread.
        asyncio.set_event_loop(loop)
        servers.append(loop.run_until_complete(loop.create_server(lambda: SMTP(inbox), "127.0.0.1", 0)))
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(timeout=10), "the test SMTP server did not start"
    inbox.port = servers[0].sockets[0].getsockname()[1]
    yield inbox
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    servers[0].close()
    loop.close()


def _body(envelope) -> str:
    """The email as the lead reads it: headers, and the body decoded (quoted-printable wraps long lines)."""
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    return str(message["Subject"]) + "\n" + message.get_body().get_content()


def _set_email(app, username, email):
    with app.app_context():
        db.session.scalars(select(User).where(User.username == username)).one().email = email
        db.session.commit()


def test_leads_get_an_email_with_no_pupil_details(demo, client, auth, smtp_server):
    demo.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_FROM="harbour@school.test")
    _set_email(demo, "dsl", "dsl@school.test")
    _set_email(demo, "teacher", "teacher@school.test")
    _ask(client, auth, message="Someone online keeps messaging me")
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["dsl@school.test"]
    body = _body(envelope)
    assert "a new request to talk is waiting" in body and "/safeguarding/requests" in body
    assert "Sam" not in body and "Okafor" not in body and "keeps messaging" not in body


def test_without_smtp_or_with_smtp_down_the_request_is_still_saved(demo, client, auth, smtp_server):
    _set_email(demo, "dsl", "dsl@school.test")
    assert _ask(client, auth).status_code == 302
    demo.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1)  # nothing listens there
    assert _ask(client, auth).status_code == 302
    with demo.app_context():
        assert len(db.session.scalars(select(HelpRequest)).all()) == 2
    assert smtp_server.messages == []


SITE = "https://harbour.school.test"


def _ask_with_forged_host(app, client, auth, forged: dict):
    """A pupil's request to talk, posted with a forged Host or X-Forwarded-Host header."""
    auth.login_as("pupil")
    token = CSRF_FIELD.search(client.get("/help/talk").get_data(as_text=True)).group(1)
    # The browser's cookie, sent to the forged host as an attacker's script would.
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    return client.post("/help/talk", headers=forged, data={"csrf_token": token, "message": "", "urgency": "today",
                                                           "asked_from": "help page"})


@pytest.fixture
def site_config(demo, smtp_server):
    demo.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SITE_URL=SITE)
    _set_email(demo, "dsl", "dsl@school.test")
    return demo


def test_a_forged_host_is_refused_when_trusted_hosts_are_set(site_config, client, auth, smtp_server):
    site_config.config["TRUSTED_HOSTS"] = ["harbour.school.test", "localhost"]
    response = _ask_with_forged_host(site_config, client, auth, {"Host": "evil.example"})
    assert response.status_code == 400
    assert smtp_server.messages == []
    with site_config.app_context():
        assert db.session.scalars(select(HelpRequest)).all() == []


def test_the_email_link_never_comes_from_the_host_header(site_config, client, auth, smtp_server):
    # Even with no host check, the link is built from HARBOUR_SITE_URL: a forged Host is ignored.
    response = _ask_with_forged_host(site_config, client, auth, {"Host": "evil.example"})
    assert response.status_code == 302
    body = _body(smtp_server.messages[0])
    assert "evil.example" not in body
    assert f"{SITE}/safeguarding/requests" in body


@pytest.mark.parametrize("trusted", [None, ["harbour.school.test", "localhost"]])
def test_a_forged_forwarded_host_behind_a_proxy_never_reaches_the_email(app_config, demo, auth, smtp_server,
                                                                        trusted):
    from course import create_app

    proxied = create_app({**app_config, "HARBOUR_PROXIES": 1, "SITE_URL": SITE, "TRUSTED_HOSTS": trusted,
                          "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port})
    _set_email(proxied, "dsl", "dsl@school.test")
    client = proxied.test_client()
    from tests.conftest import AuthActions

    response = _ask_with_forged_host(proxied, client, AuthActions(client), {"X-Forwarded-Host": "evil.example"})
    # Refused (400) when hosts are listed; otherwise saved, with the link on the configured address.
    assert response.status_code == (302 if trusted is None else 400)
    for envelope in smtp_server.messages:
        body = _body(envelope)
        assert "evil.example" not in body and f"{SITE}/safeguarding/requests" in body
    assert len(smtp_server.messages) == (1 if trusted is None else 0)
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()
