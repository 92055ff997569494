"""An admin downloads everything held about a pupil, or erases it; only admins of the pupil's school."""

import json

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import (
    AttemptAnswer,
    AuditEvent,
    CheckPhase,
    HelpRequest,
    KnowledgeCheckAnswer,
    KnowledgeCheckAttempt,
    LeaverSummary,
    Module,
    Progress,
    QuizAttempt,
    RequestStatus,
    Role,
    User,
    class_pupil,
)
from tests.conftest import csrf_from
from tests.factories import make_school, make_user, user_id

pytestmark = pytest.mark.db

LOGINS = {"pupil": ("sam", "sunny-otter-42"), "teacher": ("teacher", "harbour-teacher-demo"),
          "dsl": ("dsl", "harbour-dsl-demo"), "admin": ("admin", "harbour-admin-demo")}


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _sam_did_a_quiz(app) -> int:
    """Sam (demo) completes a module and passes its quiz: an attempt with answers, and completed progress."""
    with app.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        module_id = db.session.scalars(select(Module.id).where(Module.slug == "people-online")).one()
        db.session.add(QuizAttempt(school_id=sam.school_id, pupil_id=sam.id, module_id=module_id, form_token="t-1",
                                   content_hash="x", score=100, correct_count=1, question_count=1, passed=True,
                                   answers=[AttemptAnswer(position=0, question_id="q1", option_ids=["a"], correct=True)]))
        progress = db.session.scalars(select(Progress).where(Progress.pupil_id == sam.id,
                                                             Progress.module_id == module_id)).first()
        if progress is None:
            progress = Progress(school_id=sam.school_id, pupil_id=sam.id, module_id=module_id, pages_seen=[])
            db.session.add(progress)
        progress.status = "completed"
        # Their "what do you think?" check, before and after.
        for phase in (CheckPhase.BEFORE, CheckPhase.AFTER):
            db.session.add(KnowledgeCheckAttempt(school_id=sam.school_id, pupil_id=sam.id, module_id=module_id,
                                                 phase=phase, answers=[KnowledgeCheckAnswer(check_id="c-profile",
                                                                                            option_id="not-sure")]))
        db.session.commit()
        return sam.id


def _paths(pupil_id: int) -> list[str]:
    return ["/admin/pupils", f"/admin/pupils/{pupil_id}", f"/admin/pupils/{pupil_id}/data",
            f"/admin/pupils/{pupil_id}/data.json", f"/admin/pupils/{pupil_id}/erase"]


def _erase(client, pupil_id: int, confirm: bool = True):
    data = {"csrf_token": csrf_from(client, "/admin/")}
    if confirm:
        data["confirm"] = "y"
    return client.post(f"/admin/pupils/{pupil_id}/erase", data=data)


@pytest.mark.parametrize("role", ["pupil", "teacher", "dsl"])
def test_only_admins_open_pupils_data(demo, client, auth, role):
    sam = user_id(demo, "sam")
    auth.login(*LOGINS[role])
    for path in _paths(sam):
        assert client.get(path).status_code == 403, path
    token = csrf_from(client, "/help/")
    assert client.post(f"/admin/pupils/{sam}/erase", data={"csrf_token": token, "confirm": "y"}).status_code == 403
    assert _count(demo, User, User.id == sam) == 1


def test_logged_out_is_sent_to_login(demo, client):
    sam = user_id(demo, "sam")
    for path in _paths(sam):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.post(f"/admin/pupils/{sam}/erase", data={"confirm": "y"}).status_code in (302, 400)
    assert _count(demo, User, User.id == sam) == 1


def test_an_admin_of_another_school_sees_nothing_of_this_school(demo, client, auth):
    sam = user_id(demo, "sam")
    other = make_school(demo)
    make_user(demo, "other-admin", Role.ADMIN, password="another-admin-password", school_id=other)
    make_user(demo, "other-pupil", Role.PUPIL, school_id=other, display_name="Zed Elsewhere")
    auth.login("other-admin", "another-admin-password", school_id=other)
    listing = client.get("/admin/pupils").get_data(as_text=True)
    assert "Zed Elsewhere" in listing and "Sam" not in listing
    for path in _paths(sam)[1:]:
        assert client.get(path).status_code == 404, path
    assert _erase(client, sam).status_code == 404
    assert _count(demo, User, User.id == sam) == 1
    assert _count(demo, AuditEvent, AuditEvent.action.in_(["data_exported", "pupil_erased"])) == 0


def test_export_holds_everything_but_the_password_and_is_audited(demo, client, auth):
    sam = _sam_did_a_quiz(demo)
    auth.login_as("admin")
    assert "Sam" in client.get("/admin/pupils").get_data(as_text=True)
    response = client.get(f"/admin/pupils/{sam}/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["pupil"]["username"] == "sam" and data["pupil"]["id"] == sam
    with demo.app_context():
        password_hash = db.session.get(User, sam).password_hash
    assert password_hash not in response.get_data(as_text=True) and "argon2" not in response.get_data(as_text=True)
    assert len(data["quiz_attempts"]) == _count(demo, QuizAttempt, QuizAttempt.pupil_id == sam) > 0
    assert all(a["answers"] for a in data["quiz_attempts"])
    assert len(data["progress"]) == _count(demo, Progress, Progress.pupil_id == sam)
    assert [(c["phase"], c["answers"]) for c in data["knowledge_checks"]] == [
        (phase, [{"question": "c-profile", "chosen": "not-sure"}]) for phase in ("before", "after")]
    assert len(data["classes"]) == _count(demo, class_pupil, class_pupil.c.pupil_id == sam) > 0
    page = client.get(f"/admin/pupils/{sam}/data")
    assert page.status_code == 200 and "Everything we hold about" in page.get_data(as_text=True)
    admin = user_id(demo, "admin")
    with demo.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "data_exported")).all()
        assert [(e.target_id, e.actor_id) for e in events] == [(sam, admin)] * 2


def test_erasure_needs_the_confirm_box_and_changes_nothing_without_it(demo, client, auth):
    sam = user_id(demo, "sam")
    auth.login_as("admin")
    assert "Yes, erase this pupil" in client.get(f"/admin/pupils/{sam}/erase").get_data(as_text=True)
    response = _erase(client, sam, confirm=False)
    assert response.status_code == 422 and "Tick the box" in response.get_data(as_text=True)
    assert _count(demo, User, User.id == sam) == 1
    assert _count(demo, AuditEvent, AuditEvent.action == "pupil_erased") == 0


def _lead_confirms(client, auth, pupil_id: int, decision: str = "erase", confirm: bool = True):
    auth.logout()
    auth.login_as("dsl")
    data = {"csrf_token": csrf_from(client, "/safeguarding/erasures"), "decision": decision}
    if confirm:
        data[f"p{pupil_id}-confirm"] = "y"
    return client.post(f"/safeguarding/erasures/{pupil_id}", data=data)


def test_erasure_removes_personal_data_keeps_counts_and_the_audit_log(demo, client, auth):
    sam = _sam_did_a_quiz(demo)
    auth.login_as("admin")
    client.get(f"/admin/pupils/{sam}/data.json")  # an audit event before the erasure
    audit_before = _count(demo, AuditEvent)
    answers_before = _count(demo, KnowledgeCheckAnswer)
    with demo.app_context():
        attempt_ids = db.session.scalars(select(QuizAttempt.id).where(QuizAttempt.pupil_id == sam)).all()
        completed = db.session.scalar(select(func.count()).select_from(Progress).where(
            Progress.pupil_id == sam, Progress.status == "completed"))
    response = _erase(client, sam)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/pupils/{sam}")
    assert "waiting for a safeguarding lead" in client.get(f"/admin/pupils/{sam}").get_data(as_text=True)
    assert _count(demo, User, User.id == sam) == 1, "nothing is erased before a lead confirms"
    auth.logout()
    auth.login_as("dsl")
    assert "1 erasure waiting for you" in client.get("/safeguarding/requests").get_data(as_text=True)
    response = _lead_confirms(client, auth, sam)
    assert response.status_code == 302
    assert "personal data was erased" in client.get("/safeguarding/erasures").get_data(as_text=True)
    assert _count(demo, User, User.id == sam) == 0
    assert _count(demo, User, User.username == "sam") == 0
    assert _count(demo, Progress, Progress.pupil_id == sam) == 0
    assert _count(demo, QuizAttempt, QuizAttempt.pupil_id == sam) == 0
    assert _count(demo, AttemptAnswer, AttemptAnswer.attempt_id.in_(attempt_ids)) == 0
    assert _count(demo, class_pupil, class_pupil.c.pupil_id == sam) == 0
    assert _count(demo, KnowledgeCheckAttempt, KnowledgeCheckAttempt.pupil_id == sam) == 0
    assert _count(demo, KnowledgeCheckAnswer) == answers_before - 2
    assert _count(demo, AuditEvent) == audit_before + 2  # asked for, then erased
    with demo.app_context():
        kept = db.session.scalars(select(LeaverSummary).where(LeaverSummary.reason == "erased")).one()
        assert (kept.pupil_count, kept.modules_completed, kept.quizzes_passed) == (1, completed, 1)
        assert completed >= 1
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pupil_erased")).one()
        assert event.target_id == sam and "Sam" not in event.detail
    # Sam cannot log in any more, and the pupil's pages are gone.
    auth.logout()
    auth.login_as("admin")
    assert client.get(f"/admin/pupils/{sam}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})
    login = client.post("/login", data={"username": "sam", "password": "sunny-otter-42",
                                        "csrf_token": csrf_from(client, "/login")})
    assert login.status_code != 302


def _asked_to_talk(app, pupil_id: int, status=RequestStatus.NEW) -> None:
    with app.app_context():
        pupil = db.session.get(User, pupil_id)
        db.session.add(HelpRequest(school_id=pupil.school_id, pupil_id=pupil_id, message="please", status=status))
        db.session.commit()


def _neutral(html: str, pupil_id: int, name: str, username: str) -> str:
    import re

    html = re.sub(rf"\b{re.escape(username)}\b", "USERNAME", html.replace(name, "NAME"))
    html = re.sub(rf"/{pupil_id}\b", "/ID", html)
    return re.sub(r'value="[^"]*"', 'value=""', html)


@pytest.mark.parametrize("status", [RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.CLOSED])
def test_an_admin_cannot_tell_who_asked_to_talk_from_the_erase_pages(demo, client, auth, status):
    """The oracle: the pupil and erase pages, and asking for the erasure, read the same for every pupil."""
    sam = _sam_did_a_quiz(demo)
    other = make_user(demo, "quiet.one", Role.PUPIL, display_name="Quiet One", year_group=8)
    _asked_to_talk(demo, sam, status)
    auth.login_as("admin")
    for page in ("/admin/pupils/{}", "/admin/pupils/{}/erase"):
        asked = client.get(page.format(sam)).get_data(as_text=True)
        not_asked = client.get(page.format(other)).get_data(as_text=True)
        assert _neutral(asked, sam, "Sam Okafor", "sam") == _neutral(not_asked, other, "Quiet One", "quiet.one"), page
        assert "holds records" not in asked
    after = []
    for pupil in (sam, other):
        assert _erase(client, pupil).status_code == 302
        after.append(client.get(f"/admin/pupils/{pupil}").get_data(as_text=True))
    assert _neutral(after[0], sam, "Sam Okafor", "sam") == _neutral(after[1], other, "Quiet One", "quiet.one")
    assert _count(demo, User, User.id.in_([sam, other])) == 2


def test_the_lead_sees_who_asked_to_talk_and_confirms_keeping_the_requests(demo, client, auth):
    sam = _sam_did_a_quiz(demo)
    _asked_to_talk(demo, sam)
    auth.login_as("admin")
    _erase(client, sam)
    auth.logout()
    auth.login_as("dsl")
    page = client.get("/safeguarding/erasures").get_data(as_text=True)
    assert "Sam Okafor" in page and "Asked to talk 1 time" in page
    refused = _lead_confirms(client, auth, sam, confirm=False)
    assert refused.status_code == 422 and "Tick the box" in refused.get_data(as_text=True)
    assert _count(demo, User, User.id == sam) == 1
    assert _lead_confirms(client, auth, sam).status_code == 302
    assert _count(demo, User, User.id == sam) == 0
    assert _count(demo, HelpRequest) == 1, "the request to talk is a safeguarding record: it stays"
    admin, dsl = user_id(demo, "admin"), user_id(demo, "dsl")
    with demo.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pupil_erased")).one()
        assert event.actor_id == dsl and f"asked for by account #{admin}" in event.detail


def test_the_lead_declines_and_nothing_is_erased(demo, client, auth):
    sam = user_id(demo, "sam")
    auth.login_as("admin")
    _erase(client, sam)
    assert _lead_confirms(client, auth, sam, decision="decline", confirm=False).status_code == 302
    assert _count(demo, User, User.id == sam) == 1
    assert "No erasures are waiting" in client.get("/safeguarding/erasures").get_data(as_text=True)
    assert _count(demo, AuditEvent, AuditEvent.action == "erasure_declined") == 1
    # Only a pupil waiting for erasure can be erased there.
    assert _lead_confirms(client, auth, sam).status_code == 404


def test_an_admins_export_never_shows_a_request_to_talk(demo, client, auth):
    sam = _sam_did_a_quiz(demo)
    with demo.app_context():
        pupil = db.session.get(User, sam)
        db.session.add(HelpRequest(school_id=pupil.school_id, pupil_id=sam, message="Someone keeps asking me",
                                   status=RequestStatus.NEW))
        db.session.commit()
    auth.login_as("admin")
    for url in (f"/admin/pupils/{sam}", f"/admin/pupils/{sam}/data", f"/admin/pupils/{sam}/data.json",
                f"/admin/pupils/{sam}/erase"):
        body = client.get(url).get_data(as_text=True)
        assert "Someone keeps asking me" not in body and "urgency" not in body.lower(), url
    assert "safeguarding leads" in client.get(f"/admin/pupils/{sam}/data").get_data(as_text=True)
