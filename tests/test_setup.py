"""First set-up: the set-up page and `flask setup` appear only while no school exists, and only once."""

from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, HelpService, Role, School, User
from tests.conftest import csrf_from

DETAILS = {"name": "Riverside Academy", "region": "uk",
           "safeguarding_contact": "Mr Patel, our safeguarding lead, in the library office",
           "admin_name": "Jo Bloggs", "admin_username": "jbloggs",
           "admin_password": "four words to remember", "confirm": "four words to remember"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_every_page_leads_to_setup_while_no_school_exists(client):
    for path in ("/", "/login", "/teach/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/setup/"), path
    page = client.get("/setup/").get_data(as_text=True)
    assert "<h1>Set up Harbour</h1>" in page and 'name="safeguarding_contact"' in page
    assert client.get("/health").status_code == 200
    assert client.get("/help/").status_code == 200


def test_setup_creates_the_school_its_directory_and_admin_then_is_gone(app, client):
    response = client.post("/setup/", data={**DETAILS, "csrf_token": csrf_from(client, "/setup/")})
    assert response.status_code == 302
    admin_home = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Riverside Academy" in admin_home and "Jo Bloggs" in admin_home  # logged in as the admin
    with app.app_context():
        school = db.session.scalars(select(School)).one()
        assert school.safeguarding_contact.startswith("Mr Patel")
        admin = db.session.scalars(select(User)).one()
        assert (admin.username, admin.role) == ("jbloggs", Role.ADMIN)
        assert db.session.scalar(select(func.count()).select_from(HelpService)) > 0
        assert db.session.scalars(select(AuditEvent.action)).all() == ["school_set_up"]
    assert client.get("/setup/").status_code == 404


def test_a_replayed_setup_form_changes_nothing(app, client):
    token = csrf_from(client, "/setup/")
    other = app.test_client()  # someone else, with the set-up page open in another browser
    other_token = csrf_from(other, "/setup/")
    assert client.post("/setup/", data={**DETAILS, "csrf_token": token}).status_code == 302
    again = client.post("/setup/", data={**DETAILS, "name": "Another School", "admin_username": "intruder",
                                         "csrf_token": token})
    assert again.status_code == 404
    late = other.post("/setup/", data={**DETAILS, "name": "Third", "csrf_token": other_token})
    assert late.status_code == 404
    assert _count(app, School) == 1 and _count(app, User) == 1


def test_setup_errors_are_tied_to_fields_and_nothing_is_saved(app, client):
    data = {**DETAILS, "name": "", "admin_password": "short", "confirm": "short", "region": "zz",
            "csrf_token": csrf_from(client, "/setup/")}
    response = client.post("/setup/", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error"' in html and "Enter the school&#39;s name." in html
    assert _count(app, School) == 0 and _count(app, User) == 0
    data = {**DETAILS, "admin_password": "short", "confirm": "short", "region": "zz",
            "csrf_token": csrf_from(client, "/setup/")}
    html = client.post("/setup/", data=data).get_data(as_text=True)
    assert 'id="admin_password-error"' in html and "at least 12 characters" in html
    assert 'id="region-error"' in html
    assert _count(app, School) == 0


def test_setup_page_is_gone_in_demo_mode_and_once_a_school_exists(demo, client):
    assert client.get("/setup/").status_code == 404
    assert client.get("/login").status_code == 200


def test_flask_setup_from_the_command_line_once(app, runner):
    args = ["setup", "--name", "Hill School", "--region", "ie", "--contact", "Ms Byrne, room 4",
            "--admin-name", "Ann Byrne", "--admin-username", "abyrne"]
    result = runner.invoke(args=args, input="a long admin password\na long admin password\n")
    assert result.exit_code == 0, result.output
    assert "Hill School is set up" in result.output
    with app.app_context():
        assert db.session.scalars(select(School.region)).one() == "ie"
        assert db.session.scalars(select(User.username)).one() == "abyrne"
    again = runner.invoke(args=args, input="a long admin password\na long admin password\n")
    assert again.exit_code == 1 and "already set up" in again.output
    assert _count(app, School) == 1


def test_flask_setup_refuses_bad_details_and_saves_nothing(app, runner):
    result = runner.invoke(args=["setup", "--name", "Hill School", "--region", "xx", "--contact", "Ms Byrne",
                                 "--admin-name", "Ann", "--admin-username", "ann byrne!",
                                 "--admin-password", "short"])
    assert result.exit_code == 1
    assert "Choose a region" in result.output and "at least 12 characters" in result.output
    assert "Use 2 to 40 lower-case letters" in result.output
    assert _count(app, School) == 0


def test_flask_school_create_adds_a_separate_school(demo, runner, client, auth):
    result = runner.invoke(args=["school", "create", "--name", "Second Academy", "--region", "uk",
                                 "--contact", "Mrs Jones", "--admin-name", "Sue Jones", "--admin-username", "admin",
                                 "--admin-password", "another long password"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["school", "list"]).output
    assert "Harbour Demo School" in listing and "Second Academy" in listing
    duplicate = runner.invoke(args=["school", "create", "--name", "second academy", "--region", "uk",
                                    "--contact", "x", "--admin-name", "x", "--admin-username", "x",
                                    "--admin-password", "another long password"])
    assert duplicate.exit_code == 1 and "already set up" in duplicate.output
    with demo.app_context():
        second = db.session.scalars(select(School).where(School.name == "Second Academy")).one()
    # The new admin sees only their own school: no demo pupils.
    auth.login("admin", "another long password", school_id=second.id)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Second Academy" in page and "Mrs Helen Clarke" not in page and "0 pupils" in page
