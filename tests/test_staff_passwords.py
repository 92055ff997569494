"""Staff passwords: at least 12 characters and not on the shipped list of common passwords, wherever
staff choose one (first set-up, an admin adding or resetting staff, changing one's own)."""

import pytest

from course.domain.passwords import common_passwords, staff_password_problem
from tests.conftest import post_form

COMMON_BUT_LONG = "q1w2e3r4t5y6"  # 12 characters, and on the list


def test_the_shipped_list_is_the_twenty_thousand_common_passwords():
    words = common_passwords()
    assert len(words) > 19000
    assert {"123456", "password", "qwerty", COMMON_BUT_LONG} <= words


@pytest.mark.parametrize(("password", "problem"), [
    ("short", "at least 12 characters"),
    ("elevenchars", "at least 12 characters"),
    (COMMON_BUT_LONG, "often choose"),
    (COMMON_BUT_LONG.upper(), "often choose"),
    ("  1qaz2wsx3edc ", "often choose"),
    ("otter lantern gravel", None),
])
def test_staff_password_problem(password, problem):
    found = staff_password_problem(password)
    assert (found is None) if problem is None else (problem in found)


def test_a_teacher_cannot_change_to_a_common_password(demo, client, auth):
    auth.login_as("teacher")
    data = {"current_password": "harbour-teacher-demo", "new_password": COMMON_BUT_LONG, "confirm": COMMON_BUT_LONG}
    response = post_form(client, "/password", data=data)
    assert response.status_code == 200
    assert "often choose" in response.get_data(as_text=True)
    auth.logout()
    assert auth.login_as("teacher").status_code == 302


def test_a_pupil_keeps_the_simpler_rule(demo, client, auth):
    auth.login_as("pupil")
    data = {"current_password": "sunny-otter-42", "new_password": "blue-fox-77", "confirm": "blue-fox-77"}
    assert post_form(client, "/password", data=data).status_code == 302


def test_an_admin_cannot_give_new_staff_a_common_password(demo, client, auth):
    auth.login_as("admin")
    data = {"display_name": "New Teacher", "username": "new.teacher", "role": "teacher", "password": COMMON_BUT_LONG}
    response = post_form(client, "/admin/staff/new", data=data)
    assert response.status_code == 422
    assert "often choose" in response.get_data(as_text=True)


def test_first_set_up_refuses_a_common_admin_password(app):
    from course.domain.schools import NewSchool, problems_with
    from course.extensions import db
    from course.web.content import library

    with app.app_context():
        new = NewSchool(name="Alder Primary", region="uk", safeguarding_contact="Ms Lee, room 4", admin_name="Ms Lee",
                        admin_username="ms.lee", admin_password=COMMON_BUT_LONG)
        problems = problems_with(db.session, library(), new)
    assert list(problems) == ["admin_password"]
    assert "often choose" in problems["admin_password"]


def test_production_hashes_use_real_argon2id_parameters():
    """The suite hashes cheaply (tests/conftest.py); a fresh interpreter, as production runs, does not."""
    import subprocess
    import sys

    script = "from course.domain.passwords import hash_password, verify_password as v; h = hash_password('x'); " \
             "print(h); print(v(h, 'x'))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert out[0].startswith("$argon2id$v=19$m=65536,t=3,p=4$"), out[0]
    assert out[1] == "True"


def test_a_cheap_test_hash_is_still_argon2id_and_verifies():
    from course.domain.passwords import hash_password, verify_password

    cheap = hash_password("a long test password")
    assert cheap.startswith("$argon2id$") and verify_password(cheap, "a long test password")
    assert not verify_password(cheap, "another password")
