"""Sessions (cookie flags, inactivity expiry, server-side logout, rotation on login and password change),
security headers on every response, no inline script or style, and no open redirect through `next`."""

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from course import create_app
from course.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import csrf_from, post_form

TEMPLATES = Path(__file__).resolve().parent.parent / "course" / "templates"


def _set_cookie(response) -> str:
    return "; ".join(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_httponly_samesite_lax_and_secure_outside_development(app_config, monkeypatch):
    for dev, secure in (("", True), ("1", False)):
        monkeypatch.setenv("HARBOUR_DEV", dev)
        monkeypatch.delenv("HARBOUR_INSECURE_COOKIES", raising=False)
        app = create_app(app_config)
        # The set-up page (no school yet) has a form, whose CSRF token goes into the session cookie.
        cookie = _set_cookie(app.test_client().get("/setup/"))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure, (dev, cookie)


def _age_session(client, minutes: int) -> None:
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - minutes * 60


@pytest.mark.parametrize(("username", "password", "idle", "still_in"), [
    ("teacher", "harbour-teacher-demo", 25, True),
    ("teacher", "harbour-teacher-demo", 31, False),
    ("sam", "sunny-otter-42", 45, True),
    ("sam", "sunny-otter-42", 61, False),
])
def test_sessions_end_after_inactivity_sooner_for_staff(demo, client, auth, username, password, idle, still_in):
    auth.login(username, password)
    _age_session(client, idle)
    response = client.get("/help/requests" if username == "sam" else "/teach/")
    if still_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response.headers["Location"].endswith("/login")
        assert "logged out because the page was left" in client.get("/login").get_data(as_text=True)


def test_login_starts_a_new_session(demo, client, auth):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.get_cookie("session").value
    auth.login_as("pupil")
    with client.session_transaction() as session:
        assert "planted" not in session
    assert client.get_cookie("session").value != before


def test_password_change_ends_other_sessions_and_rotates_this_one(demo, app, client, auth):
    auth.login_as("teacher")
    other_device = app.test_client()
    other_device.set_cookie("session", client.get_cookie("session").value)
    assert other_device.get("/teach/").status_code == 200
    before = client.get_cookie("session").value
    new = "otter lantern gravel"
    response = post_form(client, "/password", data={"current_password": "harbour-teacher-demo",
                                                    "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get_cookie("session").value != before
    assert client.get("/teach/").status_code == 200, "the person who changed it stays logged in"
    assert other_device.get("/teach/").status_code == 302, "every other session ends"


def test_logout_ends_the_session_on_the_server(demo, app, client, auth):
    auth.login_as("dsl")
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    auth.logout()
    assert copied.get("/safeguarding/").status_code == 302


@pytest.mark.parametrize("path", ["/login", "/help/", "/health", "/static/harbour.css", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"


def test_hsts_outside_local_development_only(app_config):
    served = create_app({**app_config, "TESTING": False, "HARBOUR_DEV": False}).test_client().get("/login")
    assert served.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    local = create_app({**app_config, "TESTING": False, "HARBOUR_DEV": True}).test_client().get("/login")
    assert "Strict-Transport-Security" not in local.headers


_INLINE = [re.compile(p, re.IGNORECASE) for p in (
    r"<script(?![^>]*\bsrc=)[^>]*>",  # a script element with its code inline
    r"<style\b",
    r"\sstyle\s*=",
    r"\son[a-z]+\s*=\s*[\"']",  # onclick= and friends
    r"javascript:",
)]


def test_templates_have_no_inline_script_or_style():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            found += [f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()}" for p in _INLINE if p.search(line)]
    assert found == []


HOSTILE_NEXT = ["https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
                "http:evil.example", "javascript:alert(1)", " //evil.example", "/\t/evil.example",
                "%2F%2Fevil.example", "https:/evil.example", "/%0d%0aLocation:%20https://evil.example",
                "evil.example", "//evil.example@harbour.test/", "ftp://evil.example"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_never_leads_off_the_site(demo, client, target):
    from urllib.parse import quote

    response = client.post(f"/login?next={quote(target, safe='')}", data={
        "username": "sam", "password": "sunny-otter-42", "csrf_token": csrf_from(client, "/login")})
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert response.status_code == 302
    # Only a path on this site: no scheme, no host, nothing a browser could read as one.
    assert not parts.scheme and not parts.netloc
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location
