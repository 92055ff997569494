"""Login throttling: per username (few tries) and per address (many), in the database or in Redis."""

import os
import re

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import LoginFailure, Role, User
from tests.conftest import REDIS_TEST_URL
from tests.factories import make_school, make_user

PASSWORD = "a-long-test-password"


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis is not reachable at 127.0.0.1:6379 (db 1): the Redis store is tested in CI")
    client.flushdb()
    return client


@pytest.fixture(params=["database", "redis"])
def store_config(request, app_config):
    if request.param == "redis":
        client = _redis_or_skip()
        request.addfinalizer(client.flushdb)
        return {**app_config, "REDIS_URL": REDIS_TEST_URL}
    return {**app_config, "REDIS_URL": None}


@pytest.fixture
def throttled(store_config):
    from course import create_app

    app = create_app({**store_config, "WTF_CSRF_ENABLED": False, "LOGIN_USER_LIMIT": 3, "LOGIN_ADDRESS_LIMIT": 10})
    school = make_school(app, "Alder Primary")
    make_user(app, "ms.jones", Role.TEACHER, PASSWORD, school_id=school)
    make_user(app, "sam", Role.PUPIL, PASSWORD, school_id=school)
    yield app, school
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _login(client, school, username, password, address="198.51.100.7"):
    return client.post("/login", data={"school": school, "username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_a_username_is_paused_after_its_tries_even_with_the_right_password(throttled):
    app, school = throttled
    client = app.test_client()
    for _ in range(3):
        assert _login(client, school, "ms.jones", "wrong guess").status_code == 200
    paused = _login(client, school, "ms.jones", PASSWORD)
    assert paused.status_code == 429
    assert "too many tries to log in with that username" in paused.get_data(as_text=True)
    # Another account from the same address is not affected.
    assert _login(client, school, "sam", PASSWORD).status_code == 302


def test_a_username_that_does_not_exist_is_paused_the_same_way(throttled):
    # The same answer for a real and a made-up username: the pause tells a guesser nothing.
    app, school = throttled
    client = app.test_client()
    answers = []
    for username in ("ms.jones", "nobody.here"):
        for _ in range(3):
            _login(client, school, username, "wrong guess")
        response = _login(client, school, username, "wrong guess")
        answers.append((response.status_code, response.get_data(as_text=True).replace(username, "")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


def test_a_good_login_clears_the_usernames_count(throttled):
    app, school = throttled
    client = app.test_client()
    for _ in range(2):
        _login(client, school, "ms.jones", "wrong guess")
    assert _login(client, school, "ms.jones", PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(2):
        _login(client, school, "ms.jones", "wrong guess")
    assert _login(client, school, "ms.jones", PASSWORD).status_code == 302


def test_an_address_is_paused_only_after_many_more_failures(throttled):
    app, school = throttled
    client = app.test_client()
    # Ten different mistyped usernames from one school's address: the tenth still gets a normal answer.
    for n in range(10):
        assert _login(client, school, f"pupil{n}", "wrong guess").status_code == 200
    assert _login(client, school, "sam", PASSWORD).status_code == 429
    # Another address (another school) is not affected.
    assert _login(client, school, "sam", PASSWORD, address="203.0.113.9").status_code == 302


def test_the_store_holds_counts_under_keys_that_name_no_username_or_address(store_config):
    from course import create_app

    app = create_app({**store_config, "WTF_CSRF_ENABLED": False})
    school = make_school(app, "Alder Primary")
    _login(app.test_client(), school, "ms.jones", "wrong guess")
    with app.app_context():
        rows = db.session.scalars(select(LoginFailure.key)).all()
        db.session.remove()
        db.engine.dispose()
    if store_config["REDIS_URL"]:
        import redis

        keys = [k.decode() for k in redis.Redis.from_url(REDIS_TEST_URL).keys("harbour:login:*")]
        assert rows == []  # the counts are in Redis, where every worker and every host sees them
    else:
        keys = rows
    assert len(keys) == 2
    assert not [k for k in keys if "ms.jones" in k or "198.51" in k]


def test_a_school_of_pupils_behind_one_address_is_not_locked_out_by_the_default_limits(app_config):
    from course import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": False, "REDIS_URL": None})
    school = make_school(app, "Alder Primary")
    make_user(app, "sam", Role.PUPIL, PASSWORD, school_id=school)
    client = app.test_client()
    # Thirty pupils each mistyping their password four times in a lesson: 120 failures from one address.
    for pupil in range(30):
        for _ in range(4):
            _login(client, school, f"pupil{pupil}", "wrong guess")
    assert _login(client, school, "sam", PASSWORD).status_code == 302
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_teacher_giving_a_new_password_lifts_the_pause(throttled):
    from course.models import SchoolClass

    app, school = throttled
    teacher_id = make_user(app, "mr.khan", Role.TEACHER, PASSWORD, school_id=school)
    with app.app_context():
        sam = db.session.scalars(select(User).where(User.username == "sam")).one()
        klass = SchoolClass(school_id=school, name="7K")
        klass.teachers.append(db.session.get(User, teacher_id))
        klass.pupils.append(sam)
        db.session.add(klass)
        db.session.commit()
        sam_id = sam.id
    pupil = app.test_client()
    for _ in range(3):
        _login(pupil, school, "sam", "wrong guess")
    assert _login(pupil, school, "sam", PASSWORD).status_code == 429
    teacher = app.test_client()
    assert _login(teacher, school, "mr.khan", PASSWORD).status_code == 302
    card = teacher.post(f"/teach/pupils/{sam_id}/password").get_data(as_text=True)
    new_password = re.search(r"\b[a-z]+-[a-z]+-\d\d\b", card).group(0)
    assert _login(pupil, school, "sam", new_password).status_code == 302


def test_a_pause_ends_when_its_window_does(throttled, monkeypatch):
    from datetime import timedelta

    from course.models import utcnow
    from course.web import login_throttle

    app, school = throttled
    start = utcnow()
    monkeypatch.setattr(login_throttle, "clock", lambda: start)
    client = app.test_client()
    for _ in range(3):
        _login(client, school, "ms.jones", "wrong guess")
    assert _login(client, school, "ms.jones", PASSWORD).status_code == 429
    monkeypatch.setattr(login_throttle, "clock", lambda: start + timedelta(minutes=14, seconds=59))
    assert _login(client, school, "ms.jones", PASSWORD).status_code == 429  # still inside the 15 minutes
    monkeypatch.setattr(login_throttle, "clock", lambda: start + timedelta(minutes=15, seconds=1))
    assert _login(client, school, "ms.jones", PASSWORD).status_code == 302


def test_a_good_login_leaves_the_address_count_alone(throttled):
    # Address limit 10: nine failures, then good logins, then one more failure is still answered.
    app, school = throttled
    client = app.test_client()
    for n in range(9):
        assert _login(client, school, f"pupil{n}", "wrong guess").status_code == 200
    for _ in range(4):
        assert _login(client, school, "sam", PASSWORD).status_code == 302
        client.post("/logout")
    assert _login(client, school, "pupil9", "wrong guess").status_code == 200  # the tenth failure
    assert _login(client, school, "sam", PASSWORD).status_code == 429  # now the address is paused


def test_a_paused_usernames_retries_do_not_use_up_the_address(throttled):
    app, school = throttled
    client = app.test_client()
    for _ in range(3):
        _login(client, school, "ms.jones", "wrong guess")
    for _ in range(20):  # refused without a check: they are not failures of the address
        assert _login(client, school, "ms.jones", "wrong guess").status_code == 429
    assert _login(client, school, "sam", PASSWORD).status_code == 302


# Through real gunicorn workers: parallel wrong passwords for one username, the right one among them.

RACE_LIMIT = 5
RACE_REQUESTS = 30


def _race_server(database_url: str, content_root, redis_url: str | None):
    from tests.gunicorn_servers import BIN, start_gunicorn

    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARBOUR_", "FLASK_", "REDIS_URL"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="race-test-secret-key-" + "x" * 20, HARBOUR_INSECURE_COOKIES="1",
               HARBOUR_CONTENT_ROOT=str(content_root), HARBOUR_LOGIN_USER_LIMIT=str(RACE_LIMIT),
               PATH=f"{BIN}:{env['PATH']}")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return start_gunicorn(["-w", "4", "-b", "127.0.0.1:0", "--timeout", "60"], env)


def test_parallel_guesses_get_at_most_the_limit_checked(store_config, content_root):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from argon2 import PasswordHasher

    from course import create_app
    from course.domain.passwords import PRODUCTION_HASHING
    from tests.test_concurrency import CSRF, Browser

    app = create_app(store_config)
    school = make_school(app, "Alder Primary")
    teacher_id = make_user(app, "ms.jones", Role.TEACHER, PASSWORD, school_id=school)
    with app.app_context():
        # The production cost: each check takes as long as on a real server, the window a race needs.
        db.session.get(User, teacher_id).password_hash = PasswordHasher(**PRODUCTION_HASHING).hash(PASSWORD)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    server, port = _race_server(store_config["SQLALCHEMY_DATABASE_URI"], content_root, store_config["REDIS_URL"])
    try:
        def burst(passwords: list[str]) -> list[tuple[int, str]]:
            browsers = []
            for _ in passwords:
                browser = Browser(port)
                status, _, html = browser.get("/login")
                assert status == 200
                browsers.append((browser, CSRF.search(html).group(1)))
            start = Barrier(len(passwords))

            def attempt(n):
                browser, token = browsers[n]
                start.wait()
                status, _, html = browser.post("/login", {"school": school, "username": "ms.jones",
                                                          "csrf_token": token, "password": passwords[n]})
                return status, html

            with ThreadPoolExecutor(len(passwords)) as pool:
                return list(pool.map(attempt, range(len(passwords))))

        answers = burst([f"guess-{n}" for n in range(RACE_REQUESTS)])
        checked = [s for s, html in answers if "do not match" in html]
        assert len(checked) <= RACE_LIMIT, [s for s, _ in answers]
        assert [s for s, _ in answers].count(429) == RACE_REQUESTS - len(checked)
        # Once paused, the right password inside a burst of guesses does not log in.
        answers = burst([PASSWORD if n == 5 else f"more-{n}" for n in range(10)])
        assert [s for s, _ in answers] == [429] * 10
    finally:
        server.terminate()
        server.wait(timeout=30)


class _CountingHasher:
    """Wraps the argon2 hasher and counts verifications: the work a failed login does, without timing it."""

    def __init__(self, hasher):
        self.hasher, self.verifications = hasher, 0

    def verify(self, password_hash, password):
        self.verifications += 1
        return self.hasher.verify(password_hash, password)

    def __getattr__(self, name):
        return getattr(self.hasher, name)


def test_known_unknown_and_paused_usernames_do_the_same_password_work(throttled, monkeypatch):
    from course.domain import passwords

    app, school = throttled
    client = app.test_client()
    for _ in range(3):
        _login(client, school, "sam", "wrong guess")  # sam is now paused
    work = {}
    for case, username in (("known", "ms.jones"), ("unknown", "nobody.here"), ("paused", "sam")):
        counting = _CountingHasher(passwords._hasher)
        monkeypatch.setattr(passwords, "_hasher", counting)
        _login(client, school, username, "wrong guess")
        work[case] = counting.verifications
    assert work == {"known": 1, "unknown": 1, "paused": 1}
