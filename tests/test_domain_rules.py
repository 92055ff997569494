"""The rules in course/domain tested directly, table by table: no HTTP, no Flask request."""

from datetime import date, datetime

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from course.domain import accounts, directory, progress, pupil_import, roster, school_year
from course.domain.coverage import ages_of_year_group, suits_year_group
from course.domain.passwords import child_friendly_password, staff_password_problem
from course.domain.schools import NewSchool, problems_with
from course.models import Module, School, Status


@pytest.mark.parametrize("pages_seen, page_count, quiz_passed, completed", [
    ([0, 1, 2], 3, True, True),
    ([0, 2], 3, True, False),        # a page missed
    ([0, 1, 2], 3, False, False),    # quiz not passed
    ([2, 1, 0, 1], 3, True, True),   # order and repeats do not matter
    ([], 0, True, True),
])
def test_when_a_module_counts_as_completed(pages_seen, page_count, quiz_passed, completed):
    assert progress.is_completed(pages_seen, page_count, quiz_passed) is completed


@pytest.mark.parametrize("status, due, today, state", [
    (Status.IN_PROGRESS, date(2026, 5, 1), date(2026, 5, 1), "in_progress"),   # the due day itself is not late
    (Status.IN_PROGRESS, date(2026, 5, 1), date(2026, 5, 2), "overdue"),
    (Status.NOT_STARTED, date(2026, 5, 1), date(2026, 5, 2), "overdue"),
    (Status.COMPLETED, date(2026, 5, 1), date(2026, 9, 1), "completed"),        # done late is still done
    (Status.NOT_STARTED, None, date(2030, 1, 1), "not_started"),                # no due date, never overdue
])
def test_the_state_a_teacher_sees(status, due, today, state):
    assert progress.cell_state(status, due, today) == state
    assert progress.STATE_LABELS[state]


@pytest.mark.parametrize("username, ok", [
    ("sam", True), ("sian.ob", True), ("a1", True), ("x" * 40, True),
    ("x" * 41, False), ("a", False), ("Sam", False), ("-sam", False), ("sam okafor", False), ("siân", False), ("", False),
])
def test_one_username_rule_for_pupils_and_staff(username, ok):
    assert (accounts.username_problem(username) is None) is ok


def _session_with_school(tmp_path, name="Hill School"):
    from course.extensions import db

    engine = create_engine(f"sqlite:///{tmp_path / 'rules.sqlite'}")
    db.metadata.create_all(engine)
    session = Session(engine)
    session.add(School(name=name, region="uk", safeguarding_contact="Ms Byrne"))
    session.commit()
    return session


@pytest.mark.parametrize("other_name, taken", [("Hill School", True), ("HILL school", True), (" hill school ", True),
                                               ("Hill Academy", False)])
def test_a_school_name_clashes_whatever_its_capitals(tmp_path, other_name, taken):
    session = _session_with_school(tmp_path)
    assert accounts.school_name_taken(session, other_name) is taken
    own_id = session.query(School.id).scalar()
    assert accounts.school_name_taken(session, other_name, except_school_id=own_id) is False


class _Regions:
    regions = {"uk": object(), "ie": object()}


@pytest.mark.parametrize("change, field", [
    ({"admin_username": "ann byrne!"}, "admin_username"),
    ({"admin_username": "a" * 41}, "admin_username"),
    ({"admin_username": "Ann.Byrne"}, None),              # lower-cased before the rule, as it is stored
    ({"safeguarding_contact": "x" * accounts.SAFEGUARDING_CONTACT_LIMIT}, None),
    ({"safeguarding_contact": "x" * (accounts.SAFEGUARDING_CONTACT_LIMIT + 1)}, "safeguarding_contact"),
    ({"name": "HILL SCHOOL"}, "name"),
    ({"region": "mars"}, "region"),
])
def test_setting_up_a_school_uses_the_same_rules_as_the_admin_forms(tmp_path, change, field):
    session = _session_with_school(tmp_path)
    details = {"name": "Valley School", "region": "uk", "safeguarding_contact": "Mr Cole in room 4",
               "admin_name": "Ann Byrne", "admin_username": "ann.byrne", "admin_password": "a long test password",
               **change}
    problems = problems_with(session, _Regions(), NewSchool(**details))
    assert set(problems) == ({field} if field else set()), problems


@pytest.mark.parametrize("last_checked, today, stale", [
    (date(2025, 12, 1), date(2026, 12, 1), False),   # exactly 365 days
    (date(2025, 11, 30), date(2026, 12, 1), True),
    (date(2026, 11, 1), date(2026, 12, 1), False),
])
def test_a_help_directory_entry_needs_checking_after_twelve_months(last_checked, today, stale):
    assert directory.needs_checking(last_checked, today) is stale


@pytest.mark.parametrize("day, year", [(date(2026, 9, 1), "2026-27"), (date(2026, 8, 31), "2025-26"),
                                       (date(1999, 12, 31), "1999-00")])
def test_the_school_year_starts_in_september(day, year):
    assert school_year.school_year_of(day) == year


@pytest.mark.parametrize("left, days, first_deletion_day", [
    (datetime(2026, 10, 15), None, date(2027, 5, 1)),   # autumn leaver: after the spring term
    (datetime(2026, 2, 1), None, date(2026, 9, 1)),     # spring leaver: after the summer term
    (datetime(2026, 6, 1), None, date(2027, 1, 1)),     # summer leaver: after the autumn term
    (datetime(2026, 9, 2), None, date(2027, 1, 1)),     # marked at a September rollover: left on 31 August
    (datetime(2026, 6, 1), 30, date(2026, 7, 1)),
])
def test_when_a_leavers_data_may_be_deleted(left, days, first_deletion_day):
    assert school_year.deletion_date(left, days) == first_deletion_day


@pytest.mark.parametrize("year_group, band, suits", [(4, "8-11", True), (7, "11-14", True), (7, "14-17", False),
                                                     (10, "14-17", True), (13, "8-11", False)])
def test_which_modules_suit_a_year_group(year_group, band, suits):
    assert ages_of_year_group(7) == (11, 12)
    assert suits_year_group(Module(slug="m", title="M", age_band=band), year_group) is suits


@pytest.mark.parametrize("value, year", [("Year 8", 8), ("8", 8), ("Yr 10", 10), ("year 3", 3), ("Year 2", None),
                                         ("Year 14", None), ("eight", None), ("", None)])
def test_year_groups_from_an_mis_export(value, year):
    assert pupil_import.parse_year(value) == year


@pytest.mark.parametrize("first, last, base", [("Siân", "O'Brien", "sian.ob"), ("Zoë", "", "zoe"),
                                               ("李", "Chen", "pupil.ch"), ("Maximilian-Alexander", "Li", "maximilianal.li")])
def test_usernames_made_from_names_are_typable_and_valid(first, last, base):
    made = pupil_import.username_base(first, last)
    assert made == base
    assert accounts.username_problem(made) is None


def test_usernames_taken_get_a_number():
    taken = {"sam.ok", "sam.ok2"}
    assert roster.unique_username("sam.ok", taken) == "sam.ok3"
    assert "sam.ok3" in taken


def test_first_passwords_are_two_words_and_a_number():
    for _ in range(50):
        first, second, number = child_friendly_password().split("-")
        assert first.isalpha() and second.isalpha() and 10 <= int(number) <= 99


@pytest.mark.parametrize("password, ok", [("short", False), ("password1234", False), ("a harbour lighthouse", True)])
def test_staff_passwords(password, ok):
    assert (staff_password_problem(password) is None) is ok
