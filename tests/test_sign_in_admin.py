"""An admin sets up Google or Microsoft sign-in (the client secret kept on the server, never shown again)
and names, links and unlinks each person's school account; every change is audited."""

import stat

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, SchoolSignIn, User
from tests.conftest import csrf_from, post_form
from tests.factories import user_id

SECRET = "s3cret-value-from-the-google-console"


@pytest.fixture
def admin(demo, auth, tmp_path, monkeypatch):
    monkeypatch.delenv("HARBOUR_OIDC_GOOGLE_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("HARBOUR_OIDC_MICROSOFT_CLIENT_SECRET", raising=False)
    demo.instance_path = str(tmp_path / "instance")
    auth.login_as("admin")
    return demo


def save(client, **fields):
    data = {"provider": "google", "client_id": "123.apps.example", "client_secret": SECRET,
            "allowed": "school.example.org", "enabled": "on", **fields}
    return post_form(client, "/admin/sign-in", data=data)


def actions(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_saving_google_sign_in_keeps_the_secret_on_the_server_only(admin, client, tmp_path):
    response = save(client)
    assert response.status_code == 302
    page = client.get("/admin/sign-in").get_data(as_text=True)
    assert SECRET not in page and "A client secret is saved" in page
    secret_files = list((tmp_path / "instance" / "oidc").iterdir())
    assert len(secret_files) == 1 and secret_files[0].read_text() == SECRET
    assert stat.S_IMODE(secret_files[0].stat().st_mode) == 0o600
    with admin.app_context():
        row = db.session.scalars(select(SchoolSignIn)).one()
        assert (row.client_id, row.allowed_values, row.enabled) == ("123.apps.example", ["school.example.org"], True)
        assert SECRET not in repr(vars(row))
    assert actions(admin, "sso_settings_changed")
    # Logged out, the login page offers it.
    client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})
    assert "Continue with Google" in client.get("/login").get_data(as_text=True)


def test_an_empty_secret_keeps_the_saved_one(admin, client, tmp_path):
    save(client)
    assert save(client, client_secret="", allowed="school.example.org\nother.example.org").status_code == 302
    assert (next((tmp_path / "instance" / "oidc").iterdir())).read_text() == SECRET
    with admin.app_context():
        assert db.session.scalars(select(SchoolSignIn)).one().allowed_values == ["other.example.org",
                                                                                   "school.example.org"]


@pytest.mark.parametrize("fields, message", [
    ({"client_id": ""}, "Enter the client id"),
    ({"allowed": "@school.example.org"}, "is not a domain"),
    ({"allowed": ""}, "Enter at least one domain"),
    ({"client_secret": ""}, "Enter the client secret"),
    ({"provider": "microsoft", "allowed": "not-a-tenant"}, "is not a tenant id"),
])
def test_bad_settings_are_refused_with_a_message_and_nothing_saved(admin, client, tmp_path, fields, message):
    response = save(client, **fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with admin.app_context():
        assert db.session.scalars(select(SchoolSignIn)).first() is None
    assert not (tmp_path / "instance" / "oidc").exists()


def test_an_unknown_provider_is_refused(admin, client):
    response = save(client, provider="myspace")
    assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)


def test_an_admin_names_links_and_unlinks_a_school_account(admin, client):
    sam = user_id(admin, "sam")
    assert post_form(client, f"/admin/pupils/{sam}", f"/admin/people/{sam}/school-account",
                     {"sso_name": " Sam.O@School.example.org "}).status_code == 302
    with admin.app_context():
        pupil = db.session.get(User, sam)
        assert pupil.sso_name == "sam.o@school.example.org"
        pupil.sso_subject = "google https://accounts.google.com 1234"  # as a first sign-in leaves it
        db.session.commit()
    assert "Linked to a Google account" in client.get(f"/admin/pupils/{sam}").get_data(as_text=True)
    # The same account for a second person is refused: one account names one person.
    teacher = user_id(admin, "teacher")
    response = post_form(client, f"/admin/staff/{teacher}", f"/admin/people/{teacher}/school-account",
                         {"sso_name": "sam.o@school.example.org"}, follow_redirects=True)
    assert "already has that school account" in response.get_data(as_text=True)
    with admin.app_context():
        assert db.session.get(User, teacher).sso_name is None
    assert post_form(client, f"/admin/pupils/{sam}", f"/admin/people/{sam}/school-account/unlink").status_code == 302
    with admin.app_context():
        assert db.session.get(User, sam).sso_subject is None
    assert actions(admin, "sso_account_set") and actions(admin, "sso_unlinked")
    audit_page = client.get("/audit/").get_data(as_text=True)
    assert "Unlinked a school account" in audit_page and "Set a person&#39;s school account" in audit_page
