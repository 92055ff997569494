"""Login throttling: failed logins counted per username and per address, in a store every worker shares.

A username gets few tries (LOGIN_USER_LIMIT in LOGIN_WINDOW_MINUTES, default 5 in 15), an address many
(LOGIN_ADDRESS_LIMIT, default 200): a whole school logs in from one public address, so an address is
only ever stopped when it guesses at a scale no class of typing children reaches. The counts live in
Redis when REDIS_URL is set (and the database if Redis cannot be reached), in the database otherwise.
Keys are keyed hashes, so neither store holds a username or an address.
"""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import LoginFailure, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Keys:
    username: str
    address: str


def _digest(kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return f"{kind}:" + hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:40]


def keys_for(school_id: int | None, username: str, address: str | None) -> Keys:
    return Keys(username=_digest("user", f"{school_id}:{username.strip().lower()}"),
                address=_digest("addr", address or "unknown"))


def keys_for_card(token: str, address: str | None) -> Keys:
    """A QR card's code counts like a username (its own few tries) and against the address like any
    login: guessing codes, each one new, runs into the address's limit."""
    return Keys(username=_digest("card", token), address=_digest("addr", address or "unknown"))


class DatabaseStore:
    """Fixed windows in the login_failure table: one row per key."""

    def __init__(self, session: Session):
        self.session = session

    def count(self, key: str, window: timedelta, now: datetime) -> int:
        count = self.session.scalar(select(LoginFailure.count).where(LoginFailure.key == key,
                                                                     LoginFailure.window_start > now - window))
        return count or 0

    def add(self, key: str, window: timedelta, now: datetime) -> None:
        # An UPDATE inside the window is atomic on every database; a new window replaces the old row.
        bumped = self.session.execute(
            update(LoginFailure).where(LoginFailure.key == key, LoginFailure.window_start > now - window)
            .values(count=LoginFailure.count + 1)).rowcount
        if bumped:
            return
        self.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
        try:
            with self.session.begin_nested():
                self.session.add(LoginFailure(key=key, window_start=now, count=1))
        except IntegrityError:
            # Another worker started the window at the same moment: count in theirs.
            self.session.execute(update(LoginFailure).where(LoginFailure.key == key)
                                 .values(count=LoginFailure.count + 1))

    def clear(self, key: str) -> None:
        self.session.execute(delete(LoginFailure).where(LoginFailure.key == key))


class RedisStore:
    """Fixed windows in Redis: INCR on a key that expires with its window."""

    def __init__(self, client):
        self.client = client

    def count(self, key: str, window: timedelta, now: datetime) -> int:
        value = self.client.get(f"harbour:login:{key}")
        return int(value) if value is not None else 0

    def add(self, key: str, window: timedelta, now: datetime) -> None:
        name = f"harbour:login:{key}"
        pipe = self.client.pipeline()
        pipe.set(name, 0, ex=int(window.total_seconds()), nx=True)
        pipe.incr(name)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(f"harbour:login:{key}")


def _redis_client(app: Flask):
    if "harbour.redis" not in app.extensions:
        import redis

        app.extensions["harbour.redis"] = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=2,
                                                              socket_connect_timeout=2)
    return app.extensions["harbour.redis"]


def _run(action):
    """Run against Redis when it is configured, falling back to the database if Redis does not answer."""
    database = DatabaseStore(db.session)
    if current_app.config.get("REDIS_URL"):
        import redis

        try:
            return action(RedisStore(_redis_client(current_app)))
        except redis.RedisError as error:
            log.warning("Redis did not answer (%s): login throttling uses the database.", type(error).__name__)
    return action(database)


def _settings() -> tuple[timedelta, int, int]:
    config = current_app.config
    # Defaults live in course/config.py (HARBOUR_LOGIN_*), not here.
    return (timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]), config["LOGIN_USER_LIMIT"],
            config["LOGIN_ADDRESS_LIMIT"])


def is_blocked(keys: Keys) -> bool:
    """True when the username or the address has used up its tries in this window."""
    window, user_limit, address_limit = _settings()
    now = utcnow()
    return _run(lambda store: store.count(keys.username, window, now) >= user_limit
                or store.count(keys.address, window, now) >= address_limit)


def record_failure(keys: Keys) -> None:
    window, _, _ = _settings()
    now = utcnow()

    def add(store):
        store.add(keys.username, window, now)
        store.add(keys.address, window, now)

    _run(add)
    db.session.commit()


def record_success(keys: Keys) -> None:
    """A good login clears the username's count (never the address's: other people share it)."""
    _run(lambda store: store.clear(keys.username))
    db.session.commit()


def clear_for(school_id: int, username: str) -> None:
    """A teacher or admin gave this person a new password: they may log in straight away."""
    key = keys_for(school_id, username, None).username
    _run(lambda store: store.clear(key))
