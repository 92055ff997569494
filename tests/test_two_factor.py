"""Two-factor authentication for safeguarding leads, over HTTP with real TOTP codes (pyotp)."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, School, User
from tests.conftest import DEMO, csrf_from, post_form


def _secret_from(html: str) -> str:
    found = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)
    assert found, "the set-up page shows the secret as text"
    return found.group(1).replace(" ", "")


def _set_up(client) -> tuple[str, list[str]]:
    """The lead (logged in) sets up two-factor with a code from pyotp; returns the secret and recovery codes."""
    page = client.get("/account/two-factor")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and "<script" not in html.split("</header>")[-1]
    secret = _secret_from(html)
    response = client.post("/account/two-factor", data={"csrf_token": csrf_from(client, "/help/"),
                                                        "code": _not(pyotp.TOTP(secret).now())})
    assert response.status_code == 422 and "That code did not work" in response.get_data(as_text=True)
    response = client.post("/account/two-factor", data={"csrf_token": csrf_from(client, "/help/"),
                                                        "code": pyotp.TOTP(secret).now()})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "shown only now" in body
    return secret, re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{2})</code>", body)


def _not(code: str) -> str:
    """A 6-digit code that is certainly not `code`."""
    return "123456" if code != "123456" else "654321"


def _password_step(client, username="dsl", password=None):
    password = password or DEMO["dsl"][1]
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_from(client, "/login")})


def _code_step(client, code: str):
    return client.post("/login/code", data={"code": code, "csrf_token": csrf_from(client, "/login/code")})


def _next_code(secret: str) -> str:
    # The set-up used this time step's code; a code is never accepted twice, so log in with the next one.
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_a_lead_sets_up_two_factor_and_then_needs_a_code_after_the_password(demo, client, auth):
    auth.login_as("dsl")
    secret, codes = _set_up(client)
    assert len(codes) == 10
    with demo.app_context():
        lead = db.session.scalars(select(User).where(User.username == "dsl")).one()
        assert lead.totp_secret == secret and len(lead.totp_recovery_hashes) == 10
        assert not any(code in str(lead.totp_recovery_hashes) for code in codes), "stored hashed"
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "two_factor_set_up")).one()
    auth.logout()
    response = _password_step(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    # The right password alone opens nothing.
    assert client.get("/safeguarding/requests").status_code in (302, 401)
    wrong = _code_step(client, _not(_next_code(secret)))
    assert wrong.status_code == 422 and "That code did not work" in wrong.get_data(as_text=True)
    good = _code_step(client, _next_code(secret))
    assert good.status_code == 302
    assert client.get("/safeguarding/requests").status_code == 200


def test_a_code_is_accepted_once_and_a_recovery_code_once(demo, client, auth):
    auth.login_as("dsl")
    secret, codes = _set_up(client)
    auth.logout()
    _password_step(client)
    code = _next_code(secret)
    assert _code_step(client, code).status_code == 302
    auth.logout()
    _password_step(client)
    assert _code_step(client, code).status_code == 422, "a replayed code is refused"
    assert _code_step(client, codes[0].upper().replace("-", " ")).status_code == 302
    auth.logout()
    _password_step(client)
    assert _code_step(client, codes[0]).status_code == 422, "a recovery code works once"
    with demo.app_context():
        assert len(db.session.scalars(select(User).where(User.username == "dsl")).one().totp_recovery_hashes) == 9


def test_wrong_codes_are_throttled_like_passwords(demo, client, auth):
    auth.login_as("dsl")
    secret, _codes = _set_up(client)
    auth.logout()
    _password_step(client)
    limit = demo.config["LOGIN_USER_LIMIT"]
    wrong = _not(_next_code(secret))
    for _ in range(limit):
        assert _code_step(client, wrong).status_code == 422
    paused = _code_step(client, _next_code(secret))
    assert paused.status_code == 429 and "paused" in paused.get_data(as_text=True)
    assert client.get("/safeguarding/requests").status_code in (302, 401)


def test_the_code_step_times_out_and_cannot_be_skipped(demo, client, auth, monkeypatch):
    auth.login_as("dsl")
    secret, _codes = _set_up(client)
    auth.logout()
    assert client.get("/login/code").status_code == 302, "no code step without the password step"
    _password_step(client)
    token = csrf_from(client, "/login/code")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 301)
    late = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(real() + 30), "csrf_token": token})
    assert late.status_code == 302 and late.headers["Location"].endswith("/login")


def test_the_school_setting_requires_set_up_before_anything_else(demo, client, auth):
    auth.login_as("admin")
    settings = {"name": "Harbour Demo School", "region": "uk", "dsl_two_factor_required": "y",
                "safeguarding_contact": "Ms Rahman, our safeguarding lead, in Student Support (room 12)"}
    assert post_form(client, "/admin/settings", data=settings).status_code == 302
    auth.logout()
    auth.login_as("dsl")
    for page in ("/safeguarding/", "/safeguarding/requests", "/audit/"):
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor"), page
    assert "Your school asks safeguarding leads" in client.get("/account/two-factor").get_data(as_text=True)
    _set_up(client)
    assert client.get("/safeguarding/requests").status_code == 200
    # Teachers and admins are not asked.
    auth.logout()
    auth.login_as("teacher")
    assert client.get("/teach/").status_code == 200


def test_a_new_school_requires_two_factor_and_the_demo_school_does_not(app, runner):
    args = ["setup", "--name", "Hill School", "--region", "ie", "--contact", "Ms Byrne, room 4",
            "--admin-name", "Ann Byrne", "--admin-username", "abyrne"]
    assert runner.invoke(args=args, input="a long admin password\na long admin password\n").exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(School)).one().dsl_two_factor_required


def test_the_demo_school_leaves_two_factor_off_so_its_published_logins_work(demo):
    with demo.app_context():
        assert not db.session.scalars(select(School)).one().dsl_two_factor_required


@pytest.mark.parametrize("role", ["teacher", "admin", "pupil"])
def test_only_leads_set_up_two_factor(demo, client, auth, role):
    auth.login_as(role)
    assert client.get("/account/two-factor").status_code == 404


def _step_code(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * 30)


@pytest.mark.parametrize("offset,last_used,accepted", [
    (0, None, True), (-1, None, True), (1, None, True),   # this step, and one either side (clock drift)
    (-2, None, False), (2, None, False),                   # further away
    (0, 0, False), (-1, 0, False), (1, 0, True),           # a step already used, or older, never again
], ids=lambda v: str(v))
def test_which_codes_are_accepted(offset, last_used, accepted):
    from course.domain.two_factor import check_code

    secret, now_step = pyotp.random_base32(), 60_000_000
    code = _step_code(secret, now_step + offset)
    last = None if last_used is None else now_step + last_used
    result = check_code(secret, code, last, now=now_step * 30 + 5)
    assert (result is not None) == accepted
    if accepted:
        assert result == now_step + offset


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", "", "12 34 5x"])
def test_malformed_codes_are_refused_without_a_comparison(typed):
    from course.domain.two_factor import check_code

    assert check_code(pyotp.random_base32(), typed, None) is None


def test_a_code_typed_with_spaces_counts():
    from course.domain.two_factor import check_code

    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).now()
    assert check_code(secret, f" {code[:3]} {code[3:]} ", None) is not None


def test_the_operator_removes_a_lost_second_factor_and_the_other_leads_are_told(demo, client, auth, runner):
    from course.models import Role, StaffNotice
    from tests.factories import make_user

    make_user(demo, "deputy.dsl", Role.SAFEGUARDING_LEAD, display_name="Deputy Lead")
    auth.login_as("dsl")
    _set_up(client)
    assert runner.invoke(args=["two-factor-off", "nobody"]).exit_code == 1
    result = runner.invoke(args=["two-factor-off", "dsl"])
    assert result.exit_code == 0 and "removed" in result.output, result.output
    with demo.app_context():
        lead = db.session.scalars(select(User).where(User.username == "dsl")).one()
        assert lead.totp_secret is None and lead.totp_recovery_hashes is None
        notices = db.session.scalars(select(StaffNotice).where(StaffNotice.kind == "two_factor_removed")).all()
        assert [n.recipient_id for n in notices] != [] and lead.id not in [n.recipient_id for n in notices]
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "two_factor_removed")).one()
    # Their old session ended; the password alone logs in again (the school does not require two-factor).
    assert client.get("/safeguarding/requests").status_code == 302
    assert _password_step(client).headers["Location"].endswith("/")
    assert "nothing was changed" in runner.invoke(args=["two-factor-off", "dsl"]).output.lower()
