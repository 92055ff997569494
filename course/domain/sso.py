"""Signing in with a school Google or Microsoft account: each school's set-up, where its client secret
is kept, matching a proven account to exactly one Harbour person, and spending one-time nonces.

The client secret is never in the database (so never in a backup) and never shown again after it is
saved: it is read from HARBOUR_OIDC_<PROVIDER>_CLIENT_SECRET in the environment when that is set (one
client for every school of an installation), else from the instance folder's
`oidc/<school id>-<provider>.secret`, written with mode 0600 by the admin's form.
"""

import hashlib
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import School, SchoolSignIn, UsedNonce, User, utcnow
from . import audit
from .oidc import PROVIDERS, Client, Identity

# A nonce is spent for this long; anything older is refused anyway (state and card scans expire sooner).
NONCE_MEMORY = timedelta(days=1)
SECRET_ENV = "HARBOUR_OIDC_{}_CLIENT_SECRET"  # noqa: S105 (the name of a variable, not a secret)


def secret_path(instance_path: str | Path, school_id: int, provider: str) -> Path:
    return Path(instance_path) / "oidc" / f"{school_id}-{provider}.secret"


def secret_from_environment(provider: str) -> str | None:
    return os.environ.get(SECRET_ENV.format(provider.upper())) or None


def read_secret(instance_path: str | Path, school_id: int, provider: str) -> str | None:
    from_env = secret_from_environment(provider)
    if from_env:
        return from_env
    try:
        return secret_path(instance_path, school_id, provider).read_text().strip() or None
    except OSError:
        return None


def write_secret(instance_path: str | Path, school_id: int, provider: str, secret: str) -> None:
    path = secret_path(instance_path, school_id, provider)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret.strip())
    os.replace(temporary, path)


def settings_for(session: Session, school_id: int) -> dict[str, SchoolSignIn]:
    rows = session.scalars(select(SchoolSignIn).where(SchoolSignIn.school_id == school_id))
    return {row.provider: row for row in rows}


def enabled_providers(session: Session, school_ids: list[int]) -> dict[int, list[str]]:
    """For the login page: which providers each school offers."""
    out: dict[int, list[str]] = {}
    if not school_ids:
        return out
    rows = session.scalars(select(SchoolSignIn).where(SchoolSignIn.school_id.in_(school_ids),
                                                      SchoolSignIn.enabled).order_by(SchoolSignIn.provider))
    for row in rows:
        out.setdefault(row.school_id, []).append(row.provider)
    return out


def parse_allowed(provider: str, text: str) -> tuple[list[str], str | None]:
    """The domains (Google) or tenant ids (Microsoft) an admin typed, one a line or comma-separated;
    with the first problem found, or None."""
    values = [v.strip().lower() for v in text.replace(",", "\n").splitlines() if v.strip()]
    if not values:
        return [], ("Enter at least one domain, such as school.example.org." if provider == "google"
                    else "Enter at least one tenant id (Entra ID, Overview, Tenant ID).")
    for value in values:
        if provider == "google":
            if "@" in value or "/" in value or "." not in value or len(value) > 253 or " " in value:
                return [], f"“{value}” is not a domain. Enter the part after @, such as school.example.org."
        else:
            parts = value.split("-")
            if [len(p) for p in parts] != [8, 4, 4, 4, 12] or any(c not in "0123456789abcdef-" for c in value):
                return [], (f"“{value}” is not a tenant id. It looks like 1a2b3c4d-0000-1111-2222-333344445555 "
                            "(Entra ID, Overview, Tenant ID).")
    return sorted(set(values)), None


def save_settings(session: Session, actor: User, provider: str, client_id: str, allowed: list[str],
                  enabled: bool, secret_saved: bool) -> SchoolSignIn:
    row = session.get(SchoolSignIn, (actor.school_id, provider))
    if row is None:
        row = SchoolSignIn(school_id=actor.school_id, provider=provider, client_id=client_id)
        session.add(row)
    row.client_id = client_id
    row.allowed = "\n".join(allowed)
    row.enabled = enabled
    row.updated_at = utcnow()
    if secret_saved:
        row.secret_saved_at = utcnow()
    audit.record(session, actor, "sso_settings_changed", target_type="school", target_id=actor.school_id,
                 detail=f"{provider}: {'on' if enabled else 'off'}, {len(allowed)} allowed"
                        f"{', new client secret' if secret_saved else ''}")
    return row


def client_for(session: Session, instance_path: str | Path, school_id: int, provider: str,
               discovery_url: str) -> Client | None:
    """The school's client, or None when it is not set up, switched off, or has no secret."""
    if provider not in PROVIDERS:
        return None
    row = session.get(SchoolSignIn, (school_id, provider))
    if row is None or not row.enabled or not row.client_id or not row.allowed_values:
        return None
    secret = read_secret(instance_path, school_id, provider)
    if not secret:
        return None
    return Client(provider=provider, client_id=row.client_id, client_secret=secret, discovery_url=discovery_url,
                  allowed=tuple(row.allowed_values))


def spend_nonce(session: Session, value: str) -> bool:
    """True the first time a one-time value is spent; False for every later try (a replay)."""
    digest = hashlib.sha256(value.encode()).hexdigest()
    session.execute(delete(UsedNonce).where(UsedNonce.used_at < utcnow() - NONCE_MEMORY))
    try:
        with session.begin_nested():
            session.add(UsedNonce(nonce_hash=digest))
    except IntegrityError:
        return False
    return True


def normalise_account_name(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def account_name_problem(session: Session, school_id: int, value: str | None, user_id: int | None) -> str | None:
    """Why this email or UPN cannot be someone's school account (None if it can)."""
    if value is None:
        return None
    if len(value) > 254 or "@" not in value or " " in value:
        return "Enter the school account as an email address or UPN, such as a.pupil@school.example.org."
    taken = session.scalar(select(User.id).where(User.school_id == school_id, User.sso_name == value,
                                                 User.id != (user_id or 0)))
    if taken:
        return "Another person in this school already has that school account. One account names one person."
    return None


@dataclass(frozen=True)
class Match:
    user: User | None
    reason: str  # "linked", "first_link", or why nobody matched: "no_match", "inactive", "other_account"


def match(session: Session, school: School, identity: Identity) -> Match:
    """The one Harbour person this proven account is, in this school; never a new account, never two people.

    Already linked: that person. Else the one person whose school account (sso_name) is this email or
    UPN, and who has no other provider account linked: linked now, once. Anything else matches nobody.
    """
    linked = session.scalar(select(User).where(User.sso_subject == identity.subject))
    if linked is not None:
        if linked.school_id != school.id:
            return Match(None, "no_match")
        return Match(linked, "linked") if linked.is_active else Match(None, "inactive")
    candidates = list(session.scalars(select(User).where(User.school_id == school.id,
                                                         func.lower(User.sso_name) == identity.account_name)))
    if len(candidates) != 1:
        return Match(None, "no_match")
    user = candidates[0]
    if not user.is_active:
        return Match(None, "inactive")
    if user.sso_subject is not None:
        # This person is already linked to a different account: a second one would join two people.
        return Match(None, "other_account")
    user.sso_subject = identity.subject
    user.sso_linked_at = utcnow()
    audit.record(session, None, "sso_linked", school_id=school.id, target_type="user", target_id=user.id,
                 detail=f"{identity.provider}, matched by school account")
    return Match(user, "first_link")


def unlink(session: Session, actor: User, user: User) -> bool:
    if user.sso_subject is None:
        return False
    provider = user.sso_subject.split(" ", 1)[0]
    user.sso_subject = None
    user.sso_linked_at = None
    audit.record(session, actor, "sso_unlinked", target_type="user", target_id=user.id, detail=provider)
    return True


def set_account_name(session: Session, actor: User, user: User, value: str | None) -> bool:
    """An admin names (or clears) the school account a person signs in with. Changing it unlinks the old one."""
    if value == user.sso_name:
        return False
    user.sso_name = value
    if user.sso_subject is not None:
        unlink(session, actor, user)
    audit.record(session, actor, "sso_account_set", target_type="user", target_id=user.id,
                 detail="set" if value else "cleared")
    return True
