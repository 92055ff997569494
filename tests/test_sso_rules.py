"""The school-account rules as a table: which proven claims are a school's own account (course/domain/oidc.py)
and which domains and tenant ids an admin may type (course/domain/sso.py). No provider needed."""

import pytest

from course.domain.oidc import Client, SignInRefused, expected_issuer, identity_from_claims
from course.domain.sso import parse_allowed

TENANT = "11111111-2222-3333-4444-555555555555"
GOOGLE = Client("google", "id", "secret", "https://example/discovery", ("school.example.org",))
MICROSOFT = Client("microsoft", "id", "secret", "https://example/discovery", (TENANT,))
BASE = {"iss": "https://issuer.example", "sub": "123"}


@pytest.mark.parametrize("client, claims, outcome", [
    (GOOGLE, {"hd": "school.example.org", "email": "A.Pupil@school.example.org", "email_verified": True},
     "a.pupil@school.example.org"),
    (GOOGLE, {"hd": "SCHOOL.example.org", "email": "a@school.example.org", "email_verified": True}, "a@school.example.org"),
    (GOOGLE, {"hd": "other.example.org", "email": "a@other.example.org", "email_verified": True}, "wrong_domain"),
    (GOOGLE, {"email": "a@school.example.org", "email_verified": True}, "wrong_domain"),  # no hd: personal account
    (GOOGLE, {"hd": "school.example.org", "email": "a@gmail.com", "email_verified": True}, "wrong_domain"),
    (GOOGLE, {"hd": "school.example.org", "email": "a@school.example.org", "email_verified": False}, "unverified_email"),
    (GOOGLE, {"hd": "school.example.org", "email": "a@school.example.org"}, "unverified_email"),
    (GOOGLE, {"hd": "school.example.org", "email": "a@school.example.org", "email_verified": "true"}, "unverified_email"),
    (MICROSOFT, {"tid": TENANT, "preferred_username": "A.Pupil@school.example.org"}, "a.pupil@school.example.org"),
    (MICROSOFT, {"tid": TENANT, "upn": "b@school.example.org"}, "b@school.example.org"),
    (MICROSOFT, {"tid": "99999999-2222-3333-4444-555555555555", "preferred_username": "a@school.example.org"},
     "wrong_tenant"),
    (MICROSOFT, {"preferred_username": "a@school.example.org"}, "wrong_tenant"),
    (MICROSOFT, {"tid": TENANT, "preferred_username": "a@school.example.org", "email_verified": False},
     "unverified_email"),
    (MICROSOFT, {"tid": TENANT}, "bad_token"),  # no account name to match
])
def test_school_account_claims(client, claims, outcome):
    try:
        identity = identity_from_claims(client, {**BASE, **claims})
    except SignInRefused as refusal:
        assert refusal.reason == outcome
    else:
        assert identity.account_name == outcome
        assert identity.subject == f"{client.provider} https://issuer.example 123"


def test_microsoft_issuer_is_the_tokens_own_tenant():
    template = "https://login.microsoftonline.com/{tenantid}/v2.0"
    assert expected_issuer("microsoft", template, {"tid": TENANT}) == f"https://login.microsoftonline.com/{TENANT}/v2.0"
    assert expected_issuer("google", "https://accounts.google.com", {"tid": TENANT}) == "https://accounts.google.com"


@pytest.mark.parametrize("provider, text, values, problem", [
    ("google", "School.example.org\n\nother.example.org, school.example.org", ["other.example.org", "school.example.org"], None),
    ("google", "", [], "Enter at least one domain"),
    ("google", "a@school.example.org", [], "is not a domain"),
    ("google", "localhost", [], "is not a domain"),
    ("microsoft", TENANT.upper(), [TENANT], None),
    ("microsoft", "contoso.onmicrosoft.com", [], "is not a tenant id"),
    ("microsoft", "", [], "Enter at least one tenant id"),
])
def test_allowed_domains_and_tenants(provider, text, values, problem):
    parsed, message = parse_allowed(provider, text)
    assert parsed == values
    assert (message is None) if problem is None else (problem in message)
