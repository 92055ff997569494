"""OpenID Connect sign-in with Google or Microsoft Entra ID (Authlib): the authorization request, the
code exchange, and every check an ID token must pass before Harbour believes who it names.

Checked always: the signature (the provider's published keys), issuer, audience (and `azp`), expiry and
issue time, the nonce Harbour sent (so a token minted for another sign-in is refused), and `at_hash`.
Then per provider: Google's `hd` claim must be one of the school's domains (the `hd` request parameter
only picks the account chooser's domain: a token for a personal account answers it just as well) and
`email_verified` must be true; Microsoft's `tid` must be one of the school's tenant ids, the issuer must
be that tenant's, and `email_verified`, where a token carries it, must be true. The state is checked by
the caller (course/auth/sso.py), which also spends it once.
"""

import hashlib
import time
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

PROVIDERS = ("google", "microsoft")
PROVIDER_LABELS = {"google": "Google", "microsoft": "Microsoft"}
# The discovery documents' addresses are settings (course/config.py, HARBOUR_OIDC_<PROVIDER>_DISCOVERY_URL:
# Google's, and Microsoft's "organizations" document, which serves every work or school tenant and names
# the issuer with {tenantid}, filled in from the token's `tid`).
SCOPE = "openid email profile"
HTTP_TIMEOUT = 10
# Clocks differ a little between Harbour and the provider; a token is allowed this many seconds.
LEEWAY_SECONDS = 60


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in. `reason` is a key of REFUSALS, `detail` for the log."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# What the person is told, calmly, for each refusal (course/templates/auth/sso_refused.html).
REFUSALS = {
    "wrong_domain": "That account is not one of your school's accounts. Sign in with the account your school gave you.",
    "wrong_tenant": "That Microsoft account belongs to another organisation, not your school. Sign in with the "
                    "account your school gave you.",
    "unverified_email": "Your account's email address has not been confirmed yet, so Harbour cannot be sure it is "
                        "yours. Ask your school's IT team.",
    "replayed": "This sign-in link has already been used, or it is too old. Start again from the login page.",
    "bad_token": "Your school account's answer could not be checked, so you have not been signed in. Start again "
                 "from the login page.",
    "expired": "That sign-in took too long and has run out. Start again from the login page.",
    "cancelled": "Signing in was cancelled. You can start again, or use your Harbour username and password.",
    "not_set_up": "Signing in with that kind of account is not set up for this school. Use your Harbour username "
                  "and password, or ask your school's Harbour admin.",
    "provider_unreachable": "Your school account's sign-in service did not answer. Try again in a minute, or use "
                            "your Harbour username and password.",
}


@dataclass(frozen=True)
class Client:
    """What Harbour needs to talk to one school's provider."""

    provider: str
    client_id: str
    client_secret: str
    discovery_url: str
    allowed: tuple[str, ...]


@dataclass(frozen=True)
class Identity:
    """Who the provider vouched for, after every check passed."""

    provider: str
    subject: str  # "<provider> <issuer> <sub>": stable, and unique across providers and tenants
    account_name: str  # the email or UPN, lower case, matched against users' sso_name
    display_name: str


def _now() -> float:
    return time.time()


_metadata_cache: dict[str, tuple[float, dict]] = {}


def metadata(discovery_url: str) -> dict:
    """The provider's discovery document, kept for an hour."""
    cached = _metadata_cache.get(discovery_url)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        response = requests.get(discovery_url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused("provider_unreachable", f"discovery: {type(error).__name__}") from error
    _metadata_cache[discovery_url] = (time.monotonic() + 3600, document)
    return document


def authorization_url(client: Client, redirect_uri: str, state: str, nonce: str, code_verifier: str,
                      prompt: str = "select_account") -> str:
    meta = metadata(client.discovery_url)
    session = OAuth2Session(client.client_id, redirect_uri=redirect_uri, scope=SCOPE,
                            code_challenge_method="S256")
    extra = {"nonce": nonce}
    # Shared school devices: always ask which account, so nobody walks into the last pupil's Google
    # session (Google and Microsoft both offer select_account; HARBOUR_OIDC_PROMPT can change it).
    if prompt:
        extra["prompt"] = prompt
    if client.provider == "google" and len(client.allowed) == 1:
        # A hint for Google's account chooser only: the `hd` claim in the token is what is checked.
        extra["hd"] = client.allowed[0]
    url, _ = session.create_authorization_url(meta["authorization_endpoint"], state=state,
                                              code_verifier=code_verifier, **extra)
    return url


def exchange_code(client: Client, redirect_uri: str, code: str, code_verifier: str) -> dict:
    meta = metadata(client.discovery_url)
    session = OAuth2Session(client.client_id, client.client_secret, redirect_uri=redirect_uri, scope=SCOPE)
    try:
        return dict(session.fetch_token(meta["token_endpoint"], code=code, code_verifier=code_verifier,
                                        grant_type="authorization_code", timeout=HTTP_TIMEOUT))
    except (OAuth2Error, OAuthError) as error:
        # invalid_grant: the code was used already, or has expired.
        raise SignInRefused("replayed" if error.error == "invalid_grant" else "bad_token",
                            f"token endpoint: {error.error}") from error
    except requests.RequestException as error:
        raise SignInRefused("provider_unreachable", f"token endpoint: {type(error).__name__}") from error


def _keys(meta: dict) -> KeySet:
    try:
        response = requests.get(meta["jwks_uri"], timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return KeySet.import_key_set(response.json())
    except (requests.RequestException, ValueError, KeyError) as error:
        raise SignInRefused("provider_unreachable", f"jwks: {type(error).__name__}") from error


def expected_issuer(provider: str, meta_issuer: str, claims: dict) -> str:
    """Microsoft's multi-tenant documents name the issuer with {tenantid}: the token's own tenant."""
    if provider == "microsoft" and "{tenantid}" in meta_issuer:
        return meta_issuer.replace("{tenantid}", str(claims.get("tid", "")))
    return meta_issuer


def validate_id_token(client: Client, token: dict, nonce: str) -> dict:
    """The ID token's claims when signature, issuer, audience, times, nonce and at_hash all hold."""
    meta = metadata(client.discovery_url)
    raw = token.get("id_token")
    if not raw:
        raise SignInRefused("bad_token", "no id_token")
    algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    registry = JWSRegistry(algorithms=[a for a in algorithms if a != "none"], strict_check_header=False)
    try:
        decoded = jwt.decode(raw, _keys(meta), registry=registry)
    except (JoseError, ValueError) as error:
        raise SignInRefused("bad_token", f"signature: {type(error).__name__}") from error
    claims = dict(decoded.claims)
    options = {"iss": {"essential": True, "values": [expected_issuer(client.provider, meta["issuer"], claims)]},
               # Authlib checks `azp` but not the audience itself: the token must be for this school's client.
               "aud": {"essential": True, "value": client.client_id}}
    params = {"nonce": nonce, "client_id": client.client_id}
    if token.get("access_token"):
        params["access_token"] = token["access_token"]
    checked = CodeIDToken(claims, decoded.header, options, params)
    try:
        checked.validate(now=int(_now()), leeway=LEEWAY_SECONDS)
    except ExpiredTokenError as error:
        raise SignInRefused("expired", "id_token expired") from error
    except ClaimError as error:
        raise SignInRefused("bad_token", f"claim {error.claim} refused") from error
    except JoseError as error:
        raise SignInRefused("bad_token", f"claims: {error.error}") from error
    if claims.get("nonce") != nonce:  # CodeIDToken checks it; said twice because it matters most
        raise SignInRefused("bad_token", "nonce does not match")
    return claims


def identity_from_claims(client: Client, claims: dict) -> Identity:
    """The school-account checks, after the token itself is proven: Google's hd, Microsoft's tid."""
    allowed = {value.lower() for value in client.allowed}
    if client.provider == "google":
        hd = str(claims.get("hd") or "").lower()
        if not hd or hd not in allowed:
            raise SignInRefused("wrong_domain", f"hd {'missing' if not hd else 'not allowed'}")
        if claims.get("email_verified") is not True:
            raise SignInRefused("unverified_email", "email_verified is not true")
        name = str(claims.get("email") or "").lower()
        if not name.endswith("@" + hd):
            raise SignInRefused("wrong_domain", "email outside hd")
    elif client.provider == "microsoft":
        tid = str(claims.get("tid") or "").lower()
        if not tid or tid not in allowed:
            raise SignInRefused("wrong_tenant", f"tid {'missing' if not tid else 'not allowed'}")
        if "email_verified" in claims and claims["email_verified"] is not True:
            raise SignInRefused("unverified_email", "email_verified is false")
        # The UPN is what a school's MIS and Entra ID share; Entra's `email` claim is not verified.
        name = str(claims.get("preferred_username") or claims.get("upn") or "").lower()
    else:
        raise SignInRefused("not_set_up", f"unknown provider {client.provider}")
    if not name or not claims.get("sub"):
        raise SignInRefused("bad_token", "no account name or subject")
    return Identity(provider=client.provider, subject=f"{client.provider} {claims['iss']} {claims['sub']}",
                    account_name=name, display_name=str(claims.get("name") or ""))


def nonce_digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
