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
