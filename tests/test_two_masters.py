"""Two Harbour processes (two separate gunicorn masters, deploy/gunicorn.conf.py) on one PostgreSQL, with
Redis as the shared login-throttle store: progress saved through one is seen through the other at once,
and failed logins through both count together.

Runs in .ci/run's PostgreSQL pass (HARBOUR_TEST_DATABASE_URL=postgresql...); skipped on SQLite, where
two servers on one file is not a way Harbour is deployed. Redis db 1 at 127.0.0.1:6379 (REDIS_TEST_URL
to change); skipped with a message when Redis is unreachable, except under CI=true.
"""

import http.cookiejar
import os
import re
import secrets
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import Assignment, Module, Role
from tests.conftest import ON_POSTGRES, REDIS_TEST_URL
from tests.factories import make_class, make_school, make_user
from tests.gunicorn_servers import BIN, NoRedirect, start_gunicorn

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="two servers share one PostgreSQL: run with "
                                "HARBOUR_TEST_DATABASE_URL=postgresql+psycopg://... (CI's PostgreSQL pass does)")

PASSWORD = "a-long-test-password"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """One person's cookies, sent to whichever server a request goes to."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect)

    def open(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=15) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def post_form(self, page_url: str, action_url: str, fields: dict) -> tuple[int, str, str]:
        _, _, page = self.open(page_url)
        return self.open(action_url, {"csrf_token": _CSRF.search(page).group(1), **fields})


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is needed under CI and cannot be reached at {REDIS_TEST_URL}: {error}")
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}: the shared throttle store needs it")
    client.flushdb()
    yield client
    client.flushdb()


def _start(env: dict) -> tuple[subprocess.Popen, str]:
    server, port = start_gunicorn(["-c", "deploy/gunicorn.conf.py"], env, timeout=90)
    return server, f"http://127.0.0.1:{port}"


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def test_two_gunicorn_masters_share_progress_and_login_throttling(app, database_url, redis_db):
    school = make_school(app, "Alder Primary")
    teacher = make_user(app, "ms.lee", Role.TEACHER, PASSWORD, school_id=school)
    pupil = make_user(app, "sam", Role.PUPIL, PASSWORD, school_id=school, year_group=7)
    make_user(app, "kit", Role.PUPIL, PASSWORD, school_id=school, year_group=7)
    klass = make_class(app, "7A", teacher, [pupil], year_group=7)
    with app.app_context():
        module = db.session.scalars(select(Module).order_by(Module.id)).first()
        slug = module.slug
        db.session.add(Assignment(school_id=school, class_id=klass, module_id=module.id, set_by_id=teacher))
        db.session.commit()
        db.engine.dispose()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARBOUR_", "FLASK_")) and k != "SECRET_KEY"}
    env.update(DATABASE_URL=database_url, REDIS_URL=REDIS_TEST_URL, SECRET_KEY=secrets.token_hex(32),
               HARBOUR_INSECURE_COOKIES="1", HARBOUR_BIND="127.0.0.1:0", HARBOUR_WORKERS="2",
               PATH=f"{BIN}:{env['PATH']}")
    servers = []
    try:
        for _ in range(2):
            servers.append(_start(env))
        (_, one), (_, two) = servers
        for base in (one, two):
            _wait_ready(base)

        # Sam logs in and reads page 1 through server one ...
        sam = Browser()
        status, _, _ = sam.post_form(f"{one}/login", f"{one}/login", {"username": "sam", "password": PASSWORD})
        assert status == 302
        # (A new pupil meets the "what do you think?" check first; Sam skips it on server two.)
        assert sam.open(f"{two}/lessons/{slug}/")[1].endswith(f"/lessons/{slug}/check")
        status, _, _ = sam.post_form(f"{two}/lessons/{slug}/check", f"{two}/lessons/{slug}/check", {"skip": "1"})
        assert status == 302
        assert sam.open(f"{one}/lessons/{slug}/")[1].endswith(f"/lessons/{slug}/page/1")
        status, _, _ = sam.post_form(f"{one}/lessons/{slug}/page/1", f"{one}/lessons/{slug}/page/1", {})
        assert status == 302
        # ... and server two, asked straight after, already sends Sam on to page 2.
        assert sam.open(f"{two}/lessons/{slug}/")[1].endswith(f"/lessons/{slug}/page/2")

        # Failed logins for one username, spread over both servers, count together: five in all pause it.
        guesser = Browser()
        for base in (one, two, one, two, one):
            status, _, page = guesser.post_form(f"{base}/login", f"{base}/login",
                                                {"username": "kit", "password": "wrong guess"})
            assert status == 200 and "do not match" in page
        for base in (one, two):
            status, _, page = guesser.post_form(f"{base}/login", f"{base}/login",
                                                {"username": "kit", "password": PASSWORD})
            assert status == 429 and "too many tries" in page
        assert redis_db.keys("harbour:login:*"), "the counts are in Redis"
    finally:
        for server, _ in servers:
            server.terminate()
        for server, _ in servers:
            server.wait(timeout=30)
