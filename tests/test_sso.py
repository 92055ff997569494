"""Signing in with a school Google or Microsoft account, against a real OpenID Connect provider
(tests/oidc_provider.py): the right domain or tenant gets in and lands on their start page; a wrong
domain, a wrong tenant, a replayed state, a bad nonce, an expired token and an unverified email are each
refused with a page saying so; an account Harbour does not know is never created or joined to anyone."""

import time
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest
from sqlalchemy import func, select

from course.domain import oidc
from course.extensions import db
from course.models import AuditEvent, School, SchoolSignIn, User
from tests.conftest import csrf_from
from tests.oidc_provider import (
    ENTRA_CLIENT,
    ENTRA_TENANT,
    GOOGLE_CLIENT,
    GOOGLE_DOMAIN,
    oidc_provider,  # noqa: F401  (the fixture)
    sign_in_at_provider,
)

PUPIL_ACCOUNT = f"asha.pupil@{GOOGLE_DOMAIN}"
TEACHER_ACCOUNT = f"ms.teacher@{GOOGLE_DOMAIN}"


@pytest.fixture
def sso(demo, oidc_provider, monkeypatch):  # noqa: F811
    """The demo school with Google and Microsoft sign-in pointing at the local provider; the demo pupil
    (sam) has the school account asha.pupil@..., the demo teacher ms.teacher@..."""
    discovery = f"{oidc_provider}/.well-known/openid-configuration"
    # oidc-provider knows no select_account prompt (Google and Microsoft do): none is sent here.
    demo.config.update(OIDC_GOOGLE_DISCOVERY_URL=discovery, OIDC_MICROSOFT_DISCOVERY_URL=discovery, OIDC_PROMPT="")
    monkeypatch.setenv("HARBOUR_OIDC_GOOGLE_CLIENT_SECRET", GOOGLE_CLIENT[1])
    monkeypatch.setenv("HARBOUR_OIDC_MICROSOFT_CLIENT_SECRET", ENTRA_CLIENT[1])
    with demo.app_context():
        school = db.session.scalars(select(School)).one()
        db.session.add_all([
            SchoolSignIn(school_id=school.id, provider="google", client_id=GOOGLE_CLIENT[0], allowed=GOOGLE_DOMAIN),
            SchoolSignIn(school_id=school.id, provider="microsoft", client_id=ENTRA_CLIENT[0], allowed=ENTRA_TENANT),
        ])
        db.session.scalars(select(User).where(User.username == "sam")).one().sso_name = PUPIL_ACCOUNT
        db.session.scalars(select(User).where(User.username == "teacher")).one().sso_name = TEACHER_ACCOUNT
        db.session.commit()
        demo.config["TEST_SCHOOL_ID"] = school.id
    return demo


def start(client, app, provider: str):
    response = client.post("/login/sso", data={"csrf_token": csrf_from(client, "/login"), "provider": provider,
                                               "school": app.config["TEST_SCHOOL_ID"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def callback_path(url: str) -> str:
    parts = urlparse(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, app, provider: str, account: str):
    authorize = start(client, app, provider)
    return client.get(callback_path(sign_in_at_provider(authorize, account)))


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def whoami(client) -> str:
    return client.get("/", follow_redirects=False).headers.get("Location", "")


def test_login_page_offers_both_providers(sso, client):
    page = client.get("/login").get_data(as_text=True)
    assert "Continue with Google" in page and "Continue with Microsoft" in page


def test_the_authorization_request_carries_state_nonce_and_pkce(sso, client):
    query = parse_qs(urlparse(start(client, sso, "google")).query)
    assert query["client_id"] == [GOOGLE_CLIENT[0]]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 40 and len(query["nonce"][0]) >= 40
    assert query["hd"] == [GOOGLE_DOMAIN]  # a hint only; the tests below prove the claim is what counts


def test_google_pupil_of_the_right_domain_signs_in_and_lands_on_their_lessons(sso, client):
    response = sign_in(client, sso, "google", "pupil-google")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert whoami(client) == "/lessons/"
    assert "sso_linked" in audit_actions(sso)
    with sso.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        assert sam.sso_subject.startswith("google http://127.0.0.1:") and sam.sso_subject.endswith(" pupil-google")
    # The second time, the link is used (no second link event).
    client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})
    assert sign_in(client, sso, "google", "pupil-google").status_code == 302
    assert whoami(client) == "/lessons/"
    assert audit_actions(sso).count("sso_linked") == 1


def test_no_database_transaction_is_open_while_the_provider_is_asked(sso, client, monkeypatch):
    # On SQLite the callback takes the write lock: holding it through the provider's answer would queue
    # every other writer behind a network round trip.
    seen = []
    real = oidc.exchange_code

    def watched(*args, **kwargs):
        seen.append(db.session().in_transaction())
        return real(*args, **kwargs)

    monkeypatch.setattr(oidc, "exchange_code", watched)
    assert sign_in(client, sso, "google", "pupil-google").status_code == 302
    assert seen == [False]


def test_google_teacher_lands_on_their_classes(sso, client):
    assert sign_in(client, sso, "google", "teacher-google").status_code == 302
    assert whoami(client) == "/teach/"


def test_microsoft_pupil_of_the_right_tenant_signs_in(sso, client):
    response = sign_in(client, sso, "microsoft", "pupil-entra")
    assert response.status_code == 302
    assert whoami(client) == "/lessons/"


def refused(response, words: str):
    body = response.get_data(as_text=True)
    assert response.status_code == 403, body[:500]
    assert "You have not been signed in" in body and words in body
    return body


def test_wrong_google_domain_is_refused_even_with_the_hd_parameter_sent(sso, client):
    # Harbour sent hd=harbour-school.example; the provider vouches for another domain's account all the same.
    refused(sign_in(client, sso, "google", "other-domain"), "not one of your school")
    assert whoami(client) == "/login"
    assert "sso_refused" in audit_actions(sso)


def test_google_account_without_hd_is_refused(sso, client):
    refused(sign_in(client, sso, "google", "gmail-no-hd"), "not one of your school")


def test_wrong_microsoft_tenant_is_refused(sso, client):
    # Same UPN as the pupil's, but another organisation's tenant.
    refused(sign_in(client, sso, "microsoft", "other-tenant"), "belongs to another organisation")
    assert whoami(client) == "/login"


def test_unverified_email_is_refused(sso, client):
    refused(sign_in(client, sso, "google", "unverified"), "has not been confirmed")
    assert whoami(client) == "/login"


def test_replayed_state_is_refused_even_with_the_old_cookie(sso, client):
    authorize = start(client, sso, "google")
    back = callback_path(sign_in_at_provider(authorize, "pupil-google"))
    # A second code for the same state and nonce (the same authorization request, sent again).
    second = callback_path(sign_in_at_provider(authorize, "pupil-google"))
    cookie_before = client.get_cookie("session").value
    assert client.get(back).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})
    # The cookie that still held the state, with a fresh, unused code: the state is spent in the database.
    client.set_cookie("session", cookie_before)
    refused(client.get(second), "already been used")
    assert whoami(client) == "/login"
    # The first callback again: refused too (and the provider would refuse the used code anyway).
    client.set_cookie("session", cookie_before)
    refused(client.get(back), "already been used")
    # And a state Harbour never issued.
    refused(client.get("/login/sso/callback?code=x&state=made-up"), "already been used")


def test_bad_nonce_is_refused(sso, client):
    # The provider signs a token carrying the nonce it was given; Harbour expects the one it sent.
    parts = urlparse(start(client, sso, "google"))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["nonce"] = "a-nonce-from-someone-elses-sign-in-0123456789"
    tampered = urlunparse(parts._replace(query=urlencode(query)))
    refused(client.get(callback_path(sign_in_at_provider(tampered, "pupil-google"))), "could not be checked")
    assert whoami(client) == "/login"


def test_expired_token_is_refused(sso, client, monkeypatch):
    # The provider's ID tokens live 600 seconds; Harbour's clock is moved an hour on (no waiting).
    monkeypatch.setattr(oidc, "_now", lambda: time.time() + 3600)
    refused(sign_in(client, sso, "google", "pupil-google"), "run out")
    assert whoami(client) == "/login"


def test_client_the_provider_refuses_is_a_page_not_a_traceback(sso, client):
    # The school's client id and secret do not belong together: the provider refuses the code exchange.
    with sso.app_context():
        db.session.get(SchoolSignIn, (sso.config["TEST_SCHOOL_ID"], "google")).client_id = "entra-like"
        db.session.commit()
    response = sign_in(client, sso, "google", "pupil-google")
    refused(response, "could not be checked")
    assert whoami(client) == "/login"


def test_a_genuine_token_for_another_client_is_refused_by_its_audience(sso, client, monkeypatch):
    # A real token from the provider, minted for the Entra-like client, offered as if for the Google-like one.
    captured = {}
    real = oidc.validate_id_token

    def capture(client_, token, nonce):
        captured.update(client=client_, token=token, nonce=nonce)
        return real(client_, token, nonce)

    monkeypatch.setattr(oidc, "validate_id_token", capture)
    assert sign_in(client, sso, "microsoft", "pupil-entra").status_code == 302
    other = oidc.Client("google", GOOGLE_CLIENT[0], GOOGLE_CLIENT[1], captured["client"].discovery_url,
                        (GOOGLE_DOMAIN,))
    with pytest.raises(oidc.SignInRefused) as refusal:
        real(other, captured["token"], captured["nonce"])
    assert refusal.value.reason == "bad_token" and "aud" in refusal.value.detail


def test_unknown_account_sees_who_to_ask_and_nothing_is_created(sso, client, caplog):
    with sso.app_context():
        before = db.session.scalar(select(func.count()).select_from(User))
    with caplog.at_level("INFO"):
        response = sign_in(client, sso, "google", "stranger-google")
    assert caplog.records and not [r for r in caplog.records if "nobody.here" in r.getMessage()], \
        "logs hold reasons and ids, never the account's email"
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "does not know this account yet" in body and "ask your teacher" in body
    assert f"nobody.here@{GOOGLE_DOMAIN}" in body
    with sso.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert "sso_match_failed" in audit_actions(sso)
    assert whoami(client) == "/login"


def test_a_person_already_linked_is_never_joined_to_a_second_account(sso, client):
    # Sam is linked to the Google account; the Microsoft account with the same UPN must not join him too.
    assert sign_in(client, sso, "google", "pupil-google").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})
    response = sign_in(client, sso, "microsoft", "pupil-entra")
    assert response.status_code == 403 and "already linked" in response.get_data(as_text=True)
    assert whoami(client) == "/login"


def test_switched_off_provider_is_refused_at_the_start(sso, client):
    with sso.app_context():
        db.session.get(SchoolSignIn, (sso.config["TEST_SCHOOL_ID"], "microsoft")).enabled = False
        db.session.commit()
    assert "Continue with Microsoft" not in client.get("/login").get_data(as_text=True)
    response = client.post("/login/sso", data={"csrf_token": csrf_from(client, "/login"), "provider": "microsoft",
                                               "school": sso.config["TEST_SCHOOL_ID"]})
    assert response.status_code == 400 and "not set up" in response.get_data(as_text=True)


def test_cancelled_at_the_provider_is_a_calm_page(sso, client):
    query = parse_qs(urlparse(start(client, sso, "google")).query)
    response = client.get(f"/login/sso/callback?error=access_denied&state={query['state'][0]}")
    assert response.status_code == 403 and "cancelled" in response.get_data(as_text=True)
