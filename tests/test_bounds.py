"""Input the probe sent that gave 500s: huge ids, far dates, unknown query keys, names outside Latin-1,
NUL characters and names longer than their columns. Each is now a message and nothing changed."""

from datetime import date
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from course.domain.pupil_import import read_pupil_csv
from course.extensions import db
from course.models import Role, SchoolClass, User
from course.web.bounds import MAX_ID
from course.web.csv_export import content_disposition
from tests.conftest import csrf_from
from tests.factories import class_id

HUGE = 2**63


def _int_routes(app):
    """Every route with an <int:...> part, with a URL in which each id is `value`, and its methods."""
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items() if converter.regex == r"\d+"]
        if names:
            path = rule.rule
            for name in names:
                path = path.replace(f"<int:{name}>", "{value}")
            yield rule.endpoint, path, sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_there_are_int_routes_to_check(app):
    assert len(list(_int_routes(app))) >= 8


@pytest.mark.parametrize("role", ["teacher", "dsl", "admin"])
def test_huge_ids_in_every_int_route_are_404(demo, client, auth, role):
    auth.login_as(role)
    token = csrf_from(client, "/help/")
    for endpoint, path, methods in _int_routes(demo):
        for method in methods:
            for value in (HUGE, 10**30):
                response = client.open(path.format(value=value), method=method, data={"csrf_token": token})
                # 405 when another rule shares the path with another method (Werkzeug checks that first).
                assert response.status_code in (404, 405), (endpoint, method, value, response.status_code)
            # The largest id the database holds is a plain "not found" (or a page), never a 500.
            response = client.open(path.format(value=MAX_ID), method=method, data={"csrf_token": token})
            assert response.status_code < 500, (endpoint, method, response.status_code)


def test_a_huge_record_number_in_the_audit_filter_is_422_with_a_message(demo, client, auth):
    auth.login_as("admin")
    response = client.get(f"/audit/?target_type=user&target_id={HUGE}")
    assert response.status_code == 422
    assert "Use a record number from 1." in response.get_data(as_text=True)
    largest = client.get(f"/audit/?target_id={MAX_ID}")
    assert largest.status_code == 200, largest.get_data(as_text=True)[:2000]
    assert "No events match" in largest.get_data(as_text=True)


FAR_DATES = ["9999-12-31", "0001-01-01", "1999-12-31", "2200-01-01"]
FILTERED_PAGES = ["/safeguarding/", "/safeguarding/summary", "/safeguarding/coverage.csv", "/safeguarding/pupils"]


@pytest.mark.parametrize("day", FAR_DATES)
def test_far_dates_in_the_overview_summary_and_csv_are_422_with_a_message(demo, client, auth, day):
    auth.login_as("dsl")
    for page in FILTERED_PAGES:
        for key in ("date_from", "date_to"):
            response = client.get(f"{page}?{key}={day}")
            expected = 404 if page.endswith("/pupils") else 422
            assert response.status_code == expected, (page, key, response.status_code)
            if expected == 422:
                assert "Use a date between 2000 and 2199." in response.get_data(as_text=True)


@pytest.mark.parametrize("day", FAR_DATES)
def test_far_dates_in_the_audit_filter_are_422_with_a_message(demo, client, auth, day):
    auth.login_as("admin")
    for key in ("date_from", "date_to"):
        response = client.get(f"/audit/?{key}={day}")
        assert response.status_code == 422
        assert "Use a date between 2000 and 2199." in response.get_data(as_text=True)


def test_the_edges_of_the_date_range_work(demo, client, auth):
    auth.login_as("dsl")
    for page in FILTERED_PAGES[:3]:
        assert client.get(f"{page}?date_from=2000-01-01&date_to=2199-12-31").status_code == 200, page


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates())
def test_any_date_is_a_page_or_a_message_never_a_500(demo, client, auth, day):
    if client.get("/login").status_code == 200:  # Hypothesis runs the body many times on one client
        auth.login_as("dsl")
    for page in FILTERED_PAGES[:3]:
        assert client.get(f"{page}?date_to={day.isoformat()}").status_code in (200, 422)


@pytest.mark.parametrize("query", ["state=overdue", "_external=1", "_anchor=x", "_method=POST", "_scheme=ftp",
                                   "endpoint=x", "values=1", "unknown=1&other=2"])
def test_unknown_query_keys_on_the_overview_are_ignored(demo, client, auth, query):
    auth.login_as("dsl")
    plain = client.get("/safeguarding/").get_data(as_text=True)
    response = client.get(f"/safeguarding/?{query}")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == plain, "an unknown key travelled on into links"
    assert client.get(f"/safeguarding/pupils?state=overdue&{query}").status_code in (200, 404)


@pytest.mark.parametrize("name", ["Blwyddyn 8 ŵ", "Τμήμα Α", "数学"])
def test_the_class_csv_export_works_for_a_name_outside_latin_1(demo, client, auth, name):
    with demo.app_context():
        db.session.get(SchoolClass, class_id(demo, "8A PSHE")).name = name
        db.session.commit()
    auth.login_as("teacher")
    response = client.get(f"/teach/classes/{class_id(demo, name)}/export.csv")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")
    assert "filename*=UTF-8''" in disposition
    assert 'filename="' in disposition and disposition.split('"')[1].isascii()


def test_content_disposition_keeps_plain_names_plain():
    assert content_disposition("coverage-2026-01-01.csv") == 'attachment; filename="coverage-2026-01-01.csv"'
    assert content_disposition("Τάξη-progress.csv").startswith('attachment; filename="progress.csv"; filename*=')


def _pupils(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.PUPIL))


def _upload(client, data: bytes):
    return client.post("/teach/import", data={"csrf_token": csrf_from(client, "/teach/import"), "target": 0,
                                              "file": (BytesIO(data), "pupils.csv")},
                       content_type="multipart/form-data")


HEADER = "First name,Last name,Year group,Class,Admission number\n"
FILLER = "".join(f"Pupil{n},Test,8,8A PSHE,A{n:05}\n" for n in range(200))  # past the first 4 KB


@pytest.mark.parametrize("bad_row, message", [
    ("Nul,Byte,8,8A\x00PSHE,X1\n", "cannot be stored (a NUL character)"),
    ("Nul,Byte,8,8A PSHE,X\x001\n", "cannot be stored (a NUL character)"),
    ("Long,Number,8,8A PSHE," + "9" * 41 + "\n", "admission number is longer than 40 characters"),
    ("Bell,Class,8,8A\x07PSHE,X2\n", "The class name holds a character that cannot be stored"),
    ("Bell,Number,8,8A PSHE,X\x073\n", "The admission number holds a character that cannot be stored"),
    ("A" * 60 + "," + "B" * 60 + ",8,8A PSHE,X4\n", "The last name is not a name"),
])
def test_bad_cells_past_the_first_4_kb_are_refused_with_a_message(demo, client, auth, bad_row, message):
    auth.login_as("teacher")
    data = (HEADER + FILLER + bad_row).encode()
    assert len(data) > 4096 and data.index(bad_row[:4].encode()) > 4096
    before = _pupils(demo)
    response = _upload(client, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _pupils(demo) == before


def test_the_nul_message_names_the_line():
    problems = [str(p) for p in read_pupil_csv((HEADER + FILLER + "Nul,Byte,8,8A\x00,X\n").encode()).problems]
    assert problems == [f"Row {len(FILLER.splitlines()) + 2}: This line holds a character that cannot be stored "
                        "(a NUL character). Remove it, or export the list from your MIS again."]


def test_a_name_of_60_and_59_characters_fits_the_display_name_column(demo, client, auth):
    auth.login_as("teacher")
    target = class_id(demo, "8A PSHE")
    page = f"/teach/classes/{target}/pupils/new"
    too_long = client.post(page, data={"csrf_token": csrf_from(client, page), "first_name": "A" * 60,
                                       "last_name": "B" * 60, "year_group": 8})
    assert too_long.status_code == 422
    assert "59" in too_long.get_data(as_text=True)
    fits = client.post(page, data={"csrf_token": csrf_from(client, page), "first_name": "A" * 60,
                                   "last_name": "B" * 59, "year_group": 8})
    assert fits.status_code == 302
    with demo.app_context():
        assert db.session.scalars(select(User.display_name).where(User.display_name.startswith("AAAA"))).one() == \
            "A" * 60 + " " + "B" * 59


def test_form_limits_match_the_columns(app):
    """Every length limit in a form or the import is at most its column's size."""
    from course.domain import accounts
    from course.models import SchoolClass as Class

    assert accounts.FIRST_NAME_LIMIT + 1 + accounts.LAST_NAME_LIMIT <= User.__table__.c.display_name.type.length
    assert accounts.ADMISSION_NUMBER_LIMIT <= User.__table__.c.mis_id.type.length
    assert accounts.CLASS_NAME_LIMIT <= Class.__table__.c.name.type.length


def test_a_nul_in_a_class_name_form_is_refused_with_a_message(demo, client, auth):
    auth.login_as("teacher")
    token = csrf_from(client, "/teach/classes/new")
    response = client.post("/teach/classes/new", data={"csrf_token": token, "name": "8\x00B"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(SchoolClass).where(SchoolClass.name.contains("8"))) \
            == db.session.scalar(select(func.count()).select_from(SchoolClass).where(SchoolClass.name.contains("8")))
    assert date.today()
