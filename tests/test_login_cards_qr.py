"""QR login cards: the printed card's QR code signs that pupil in, once per scan (each scan gives one
session; the same tap sent again is refused); reissuing a card stops the old one; codes are stored as
sha256 only, throttled like logins, and never written to the request log."""

import hashlib
import re

import pytest
import segno
from sqlalchemy import select

from course.domain import login_cards
from course.extensions import db
from course.models import AuditEvent, User
from tests.conftest import csrf_from, post_form
from tests.factories import user_id

SCAN = re.compile(r'name="scan" value="([^"]+)"')


@pytest.fixture
def issued(monkeypatch):
    """Every card secret the app hands out, in order: the test reads what the QR code holds."""
    tokens: list[str] = []
    real = login_cards.issue

    def spy(pupils):
        out = real(pupils)
        tokens.extend(out.values())
        return out

    monkeypatch.setattr(login_cards, "issue", spy)
    return tokens


def new_card(client, app, auth, username="sam") -> tuple[str, str]:
    auth.login_as("teacher")
    pupil = user_id(app, username)
    page = post_form(client, f"/teach/pupils/{pupil}", f"/teach/pupils/{pupil}/card").get_data(as_text=True)
    auth.logout()
    return page, pupil


def scan(client, token: str):
    return client.get(f"/card?c={token}")


def tap(client, page_html: str):
    found = SCAN.search(page_html)
    assert found, page_html[:500]
    return client.post("/card", data={"csrf_token": csrf_from(client, "/login"), "scan": found.group(1)})


def whoami(client) -> str:
    return client.get("/").headers.get("Location", "")


def test_the_card_carries_a_qr_code_of_the_address_that_signs_that_pupil_in(demo, client, auth, issued):
    page, _ = new_card(client, demo, auth)
    token = issued[-1]
    expected = segno.make_qr(f"http://localhost/card?c={token}", error="m").svg_inline(
        scale=3, border=2, svgclass="card-qr", lineclass=None, title="QR code: scan it to log in")
    assert expected.split(">", 1)[1] in page  # the same QR code, byte for byte after the opening tag
    assert "Password</dt>" not in page  # a new card only: the password is left as it was
    assert len(token) >= 43  # 32 random bytes


def test_a_scan_signs_in_once_and_the_same_tap_again_is_refused(demo, client, auth, issued):
    new_card(client, demo, auth)
    token = issued[-1]
    start = scan(client, token)
    assert start.status_code == 200 and "Hello, Sam" in start.get_data(as_text=True)
    assert whoami(client) == "/login", "opening the address alone signs nobody in"
    html = start.get_data(as_text=True)
    assert tap(client, html).status_code == 302
    assert whoami(client) == "/lessons/"
    # The same request again (a replay, or a double tap after logging out): refused.
    auth.logout()
    replay = tap(client, html)
    assert replay.status_code == 403 and "already been used" in replay.get_data(as_text=True)
    assert whoami(client) == "/login"
    # Next lesson: a new scan of the same card works again.
    assert tap(client, scan(client, token).get_data(as_text=True)).status_code == 302
    assert whoami(client) == "/lessons/"


def test_a_reissued_card_stops_the_old_one_at_once(demo, client, auth, issued):
    new_card(client, demo, auth)
    old = issued[-1]
    old_scan = scan(client, old).get_data(as_text=True)
    new_card(client, demo, auth)
    new = issued[-1]
    assert old != new
    refused = scan(client, old)
    assert refused.status_code == 404 and "does not work" in refused.get_data(as_text=True)
    assert tap(client, old_scan).status_code == 403, "a tap from before the reissue is refused too"
    assert whoami(client) == "/login"
    assert tap(client, scan(client, new).get_data(as_text=True)).status_code == 302
    with demo.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "login_card_reissued"))
        assert len(list(actions)) == 2


def test_printing_class_cards_gives_every_card_a_qr_code(demo, client, auth, issued):
    from tests.factories import class_id

    auth.login_as("teacher")
    target = class_id(demo, "10B PSHE")
    page = post_form(client, f"/teach/classes/{target}", f"/teach/classes/{target}/cards",
                     {"which": "all"}).get_data(as_text=True)
    assert page.count('class="card-qr"') == page.count('class="login-card"') == 25 == len(issued)


def test_codes_are_stored_hashed_only(demo, client, auth, issued):
    _, pupil = new_card(client, demo, auth)
    with demo.app_context():
        sam = db.session.get(User, pupil)
        assert sam.card_token_hash == hashlib.sha256(issued[-1].encode()).hexdigest()
        assert issued[-1] not in {str(v) for v in vars(sam).values()}
    # A pupil's data export says when the card was issued, never its code or the code's hash.
    auth.login_as("admin")
    exported = client.get(f"/admin/pupils/{pupil}/data.json").get_data(as_text=True)
    assert "login_card_issued_at" in exported
    assert issued[-1] not in exported and hashlib.sha256(issued[-1].encode()).hexdigest() not in exported


def test_card_codes_are_throttled_like_logins(demo, client, auth, issued):
    new_card(client, demo, auth)
    demo.config["LOGIN_ADDRESS_LIMIT"] = 3
    for n in range(3):
        assert scan(client, f"guessed-code-{n}").status_code == 404
    # The address has used its tries: even a real card waits (a guesser learns nothing either way).
    blocked = scan(client, issued[-1])
    assert blocked.status_code == 429 and "paused" in blocked.get_data(as_text=True)


def test_bad_scans_are_a_page_not_a_traceback(demo, client):
    for data in ({}, {"scan": "junk"}, {"scan": "x" * 5000}):
        response = client.post("/card", data={"csrf_token": csrf_from(client, "/login"), **data})
        assert response.status_code == 400 and "does not work" in response.get_data(as_text=True)
    assert scan(client, "").status_code == 404


def test_the_request_log_never_holds_a_card_code(demo, client, auth, issued, caplog):
    new_card(client, demo, auth)
    with caplog.at_level("INFO", logger="harbour.request"):
        tap(client, scan(client, issued[-1]).get_data(as_text=True))
    assert caplog.records and all(issued[-1] not in r.getMessage() for r in caplog.records)


def test_a_card_login_never_used_again_still_idles_out(demo, client, auth, issued, monkeypatch):
    """The card's login response stamps the session as active, like a password login (course/auth/new_session.py)."""
    import time

    from course.web import security

    new_card(client, demo, auth)
    start = int(time.time())
    monkeypatch.setattr(security, "now_seconds", lambda: start)
    assert tap(client, scan(client, issued[-1]).get_data(as_text=True)).status_code == 302
    monkeypatch.setattr(security, "now_seconds", lambda: start + demo.config["PUPIL_SESSION_MINUTES"] * 60 + 1)
    assert whoami(client).startswith("/login")
