"""Login throttling: tries counted per username and per address, in a store every worker shares.

A username gets few tries (LOGIN_USER_LIMIT in LOGIN_WINDOW_MINUTES, default 5 in 15), an address many
(LOGIN_ADDRESS_LIMIT, default 200): a whole school logs in from one public address, so an address is
only ever stopped when it guesses at a scale no class of typing children reaches. The counts live in
Redis when REDIS_URL is set (and the database if Redis cannot be reached), in the database otherwise.
Keys are keyed hashes, so neither store holds a username or an address.

A try is reserved before the password is checked, in one atomic step per key (an upsert ... RETURNING
on the database, one Lua script on Redis), so thirty parallel guesses cannot all read "4 so far" and all
be checked: each gets its own number, and those past the limit are refused without a check (their
reservation is given back, so a paused username's retries do not use up the address's count). After
the check, a failure keeps its reservation; a good login clears the username's count and gives back its
address reservation, so only failures count against the address.
"""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import LoginFailure, utcnow

log = logging.getLogger(__name__)


def clock() -> datetime:
    """Now, naive UTC. Tests move it (monkeypatch) to see a window end."""
    return utcnow()


@dataclass(frozen=True)
class Keys:
    username: str
    address: str


@dataclass(frozen=True)
class Reservation:
    keys: Keys
    blocked: bool


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
    """Fixed windows in the login_failure table: one row per key, started by its first try."""

    def __init__(self, session: Session):
        self.session = session

    def take(self, key: str, window: timedelta, now: datetime) -> int:
        """Count one more try and return the count, in one statement: the row is locked while it runs."""
        table = LoginFailure.__table__
        insert = postgresql.insert if self.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        current = table.c.window_start > now - window  # the existing row's window has not ended
        statement = insert(table).values(key=key, window_start=now, count=1)
        statement = statement.on_conflict_do_update(index_elements=[table.c.key], set_={
            "count": case((current, table.c.count + 1), else_=1),
            "window_start": case((current, table.c.window_start), else_=literal(now, table.c.window_start.type)),
        }).returning(table.c.count)
        return self.session.execute(statement).scalar_one()

    def give_back(self, key: str, window: timedelta, now: datetime) -> None:
        self.session.execute(update(LoginFailure).where(LoginFailure.key == key, LoginFailure.count > 0,
                                                        LoginFailure.window_start > now - window)
                             .values(count=LoginFailure.count - 1))

    def clear(self, key: str) -> None:
        self.session.execute(delete(LoginFailure).where(LoginFailure.key == key))


# One script runs atomically in Redis: start a new window if there is none or it has ended, else count in it.
_TAKE = """
local start = tonumber(redis.call('HGET', KEYS[1], 'start'))
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
if start == nil or start <= now - window then
  redis.call('HSET', KEYS[1], 'start', now, 'count', 1)
  redis.call('EXPIRE', KEYS[1], window)
  return 1
end
return redis.call('HINCRBY', KEYS[1], 'count', 1)
"""
_GIVE_BACK = """
local count = tonumber(redis.call('HGET', KEYS[1], 'count'))
if count ~= nil and count > 0 then redis.call('HINCRBY', KEYS[1], 'count', -1) end
return 0
"""


class RedisStore:
    """The same fixed windows in Redis: a hash (start, count) per key that expires with its window."""

    def __init__(self, client):
        self.client = client

    @staticmethod
    def _name(key: str) -> str:
        return f"harbour:login:{key}"

    def take(self, key: str, window: timedelta, now: datetime) -> int:
        # register_script: sent by its SHA (EVALSHA), the text only when Redis has not seen it yet.
        take = self.client.register_script(_TAKE)
        return int(take(keys=[self._name(key)],
                        args=[int(now.replace(tzinfo=UTC).timestamp()), int(window.total_seconds())]))

    def give_back(self, key: str, window: timedelta, now: datetime) -> None:
        self.client.register_script(_GIVE_BACK)(keys=[self._name(key)])

    def clear(self, key: str) -> None:
        self.client.delete(self._name(key))


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


def reserve(keys: Keys, now: datetime | None = None) -> Reservation:
    """Take one try for the username and one for the address, before any password is checked, and commit
    so every other worker counts it. Blocked when either is past its limit; a blocked try is given back."""
    window, user_limit, address_limit = _settings()
    now = now or clock()

    def take(store):
        user_count = store.take(keys.username, window, now)
        address_count = store.take(keys.address, window, now)
        blocked = user_count > user_limit or address_count > address_limit
        if blocked:
            store.give_back(keys.username, window, now)
            store.give_back(keys.address, window, now)
        return blocked

    blocked = _run(take)
    db.session.commit()
    return Reservation(keys=keys, blocked=blocked)


def record_success(reservation: Reservation, now: datetime | None = None) -> None:
    """A good login clears the username's count and gives back its try at the address (other people
    share the address, so its count is never cleared, only this try returned)."""
    window, _, _ = _settings()
    now = now or clock()

    def settle(store):
        store.clear(reservation.keys.username)
        store.give_back(reservation.keys.address, window, now)

    _run(settle)
    db.session.commit()


def clear_for(school_id: int, username: str) -> None:
    """A teacher or admin gave this person a new password: they may log in straight away."""
    key = keys_for(school_id, username, None).username
    _run(lambda store: store.clear(key))
