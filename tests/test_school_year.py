"""The school year: rollover (preview, then all or nothing, audited) and leavers' data retention."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, update

from course.domain import school_year
from course.domain.school_year import deletion_date, school_year_of
from course.extensions import db
from course.models import AuditEvent, HelpRequest, LeaverSummary, Progress, Role, School, SchoolClass, User
from tests.conftest import csrf_from, post_form


def _year_groups(app) -> dict[str, tuple[int | None, bool]]:
    with app.app_context():
        rows = db.session.execute(select(User.username, User.year_group, User.left_at)
                                  .where(User.role == Role.PUPIL)).all()
        return {name: (year, left is not None) for name, year, left in rows}


def _archived(app) -> list[bool]:
    with app.app_context():
        return [c.archived_at is not None for c in db.session.scalars(select(SchoolClass))]


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _final_year(app, year: int) -> None:
    with app.app_context():
        db.session.execute(update(School).values(final_year_group=year))
        db.session.commit()


def test_preview_shows_what_would_change_and_changes_nothing(demo, client, auth):
    _final_year(demo, 10)
    before = _year_groups(demo)
    auth.login_as("admin")
    page = client.get("/admin/year/").get_data(as_text=True)
    assert "<h1>School year</h1>" in page
    assert "<th scope=\"row\">Year 8</th><td>25</td><td>Year 9</td>" in page
    assert "<th scope=\"row\">Year 10</th><td>25</td><td>Leavers</td>" in page
    assert "2 classes to archive: 10B PSHE, 8A PSHE" in page
    assert _year_groups(demo) == before and not any(_archived(demo))


def test_rollover_needs_the_confirmation_box(demo, client, auth):
    before = _year_groups(demo)
    auth.login_as("admin")
    response = post_form(client, "/admin/year/", "/admin/year/rollover")
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.get_data(as_text=True)
    assert _year_groups(demo) == before


def _fingerprint(client) -> str:
    import re

    page = client.get("/admin/year/").get_data(as_text=True)
    return re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page).group(1)


def test_rollover_moves_up_marks_leavers_archives_classes_once(demo, client, auth):
    _final_year(demo, 10)
    auth.login_as("admin")
    form = {"fingerprint": _fingerprint(client), "confirm": "y", "csrf_token": csrf_from(client, "/admin/year/")}
    response = client.post("/admin/year/rollover", data=form, follow_redirects=True)
    assert "25 pupils moved up a year group, 25 marked as leavers, 2 classes archived" in response.text
    after = _year_groups(demo)
    assert after["sam"] == (9, False)
    leavers = [name for name, (_year, left) in after.items() if left]
    assert len(leavers) == 25 and all(after[name][0] == 10 for name in leavers)
    assert all(_archived(demo))
    assert _actions(demo)[-1] == "year_rollover"
    with demo.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "year_rollover")).one()
        assert event.actor_label == "Mrs Helen Clarke (Admin)" and "25 marked as leavers" in event.detail
    # The same form again (a double click, the back button): nothing moves twice.
    replay = client.post("/admin/year/rollover", data=form, follow_redirects=True)
    assert "Nothing was changed" in replay.text
    assert _year_groups(demo) == after and _actions(demo).count("year_rollover") == 1
    # Leavers can no longer log in.
    client.post("/logout", data={"csrf_token": csrf_from(client, "/help/")})
    with demo.app_context():
        leaver = db.session.scalars(select(User.username).where(User.left_at.is_not(None))).first()
    assert "do not match" in auth.login(leaver, "anything", follow=True).text


def test_rollover_is_all_or_nothing(demo, runner, monkeypatch):
    before, archived = _year_groups(demo), _archived(demo)

    def failing_record(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(school_year.audit, "record", failing_record)
    result = runner.invoke(args=["year", "rollover", "--yes"])
    assert isinstance(result.exception, RuntimeError)
    assert _year_groups(demo) == before and _archived(demo) == archived
    with demo.app_context():
        assert db.session.scalars(select(School.year_rolled_over_at)).one() is None


def test_flask_year_rollover_previews_and_asks(demo, runner):
    before = _year_groups(demo)
    declined = runner.invoke(args=["year", "rollover"], input="n\n")
    assert "Year 8: 25 pupils move up to Year 9" in declined.output and "Nothing changed." in declined.output
    assert _year_groups(demo) == before
    done = runner.invoke(args=["year", "rollover"], input="y\n")
    assert done.exit_code == 0 and "Done: 50 pupils moved up" in done.output
    assert _year_groups(demo)["sam"] == (9, False)


def test_school_year_settings_reject_bad_input_and_save_good(demo, client, auth):
    auth.login_as("admin")
    bad = post_form(client, "/admin/year/", "/admin/year/settings",
                    {"final_year_group": "twelve", "retention": "days", "retention_days": ""})
    assert bad.status_code == 400 and 'id="final_year_group-error"' in bad.text
    assert "Enter how many days" in bad.text
    with demo.app_context():
        assert db.session.scalars(select(School.final_year_group)).one() == 13
    good = post_form(client, "/admin/year/", "/admin/year/settings",
                     {"final_year_group": "11", "retention": "days", "retention_days": "90"}, follow_redirects=True)
    assert "School year settings saved." in good.text and "for 90 days after they leave" in good.text
    with demo.app_context():
        school = db.session.scalars(select(School)).one()
        assert (school.final_year_group, school.leaver_retention_days) == (11, 90)
    assert _actions(demo)[-1] == "school_year_settings_changed"


def test_the_school_year_page_is_for_admins_only(demo, client, auth):
    auth.login_as("teacher")
    assert client.get("/admin/year/").status_code == 403
    assert post_form(client, "/teach/", "/admin/year/retention").status_code == 403


@pytest.mark.parametrize(("left", "days", "deleted_from"), [
    (datetime(2026, 7, 20), None, date(2027, 1, 1)),     # summer term: kept to the end of autumn
    (datetime(2026, 9, 2), None, date(2027, 1, 1)),      # a September rollover closes the summer term
    (datetime(2026, 11, 5), None, date(2027, 5, 1)),     # autumn: kept to the end of spring (30 April)
    (datetime(2027, 2, 1), None, date(2027, 9, 1)),      # spring: kept to the end of summer
    (datetime(2026, 7, 20), 30, date(2026, 8, 19)),
])
def test_deletion_dates_follow_the_approximate_terms(left, days, deleted_from):
    assert deletion_date(left, days) == deleted_from


def test_school_year_names():
    assert school_year_of(date(2026, 8, 31)) == "2025-26" and school_year_of(date(2026, 9, 1)) == "2026-27"


def _leave(app, usernames: list[str], when: datetime) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.username.in_(usernames)).values(left_at=when))
        db.session.commit()


def test_retention_deletes_due_leavers_keeps_counts_and_is_audited(demo, runner):
    with demo.app_context():
        pupils = list(db.session.scalars(select(User).where(User.role == Role.PUPIL, User.year_group == 10)
                                         .order_by(User.id)))
        names = [p.username for p in pupils]
        completed = db.session.scalar(select(func.count()).select_from(Progress).where(
            Progress.pupil_id.in_([p.id for p in pupils[:20]]), Progress.status == "completed"))
        # One due leaver asked for help: the safeguarding lead's record is kept.
        db.session.add(HelpRequest(school_id=pupils[20].school_id, pupil_id=pupils[20].id, message="x"))
        db.session.commit()
    _leave(demo, names[:21], datetime(2025, 7, 18))   # due: kept to 31 December 2025
    _leave(demo, names[21:], datetime.now())           # not yet due

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert "would delete the data of 20 leavers" in dry.output
    assert _actions(demo).count("leaver_data_deleted") == 0

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "deleted the data of 20 leavers: 20 from Year 10 (2024-25)" in result.output
    assert "kept 1 leavers whose help requests" in result.output
    with demo.app_context():
        remaining = set(db.session.scalars(select(User.username).where(User.username.in_(names))))
        assert remaining == set(names[20:])
        summary = db.session.scalars(select(LeaverSummary)).one()
        assert (summary.school_year, summary.year_group, summary.pupil_count) == ("2024-25", 10, 20)
        assert summary.modules_completed == completed
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "leaver_data_deleted")).one()
        assert "20 leavers" in event.detail and "Okafor" not in event.detail
    again = runner.invoke(args=["retention", "run"])
    assert "no leavers' data due for deletion" in again.output
    assert _actions(demo).count("leaver_data_deleted") == 2  # the kept leaver is reported each run


def test_retention_is_all_or_nothing(demo, runner, monkeypatch):
    with demo.app_context():
        names = list(db.session.scalars(select(User.username).where(User.year_group == 10)))
    _leave(demo, names, datetime(2025, 7, 18))

    def failing_record(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(school_year.audit, "record", failing_record)
    result = runner.invoke(args=["retention", "run"])
    assert isinstance(result.exception, RuntimeError)
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.username.in_(names))) == 25
        assert db.session.scalar(select(func.count()).select_from(LeaverSummary)) == 0


def test_admin_deletes_due_leavers_from_the_page(demo, client, auth):
    with demo.app_context():
        names = list(db.session.scalars(select(User.username).where(User.year_group == 10)))
    _leave(demo, names, datetime(2025, 7, 18))
    auth.login_as("admin")
    page = client.get("/admin/year/").text
    assert "Due for deletion now: the data of 25 leavers" in page
    done = post_form(client, "/admin/year/", "/admin/year/retention", follow_redirects=True)
    assert "deleted the data of 25 leavers" in done.text
    assert "<td>2024-25</td><td>10</td><td>25</td>" in done.text
