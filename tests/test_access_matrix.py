"""The access matrix: every route x every method x every role x every scope, against ONE table.

Roles: logged out, pupil, teacher, safeguarding lead, admin, all in school A. Scopes say which
record's id goes into the URL and the form body:
  own           the viewer's own record (their class, their request, their attempt; an admin's own account)
  same_class    another pupil in the viewer's class (for classes: the same class, another assignment)
  other_class   a pupil or class in the same school the viewer does not teach
  other_school  the same kind of record in school B
Form bodies carry the scope's ids too ("pupils", "teacher", "target"), so an id smuggled into a form
is tried as well as one swapped in the URL, and every form of the viewer's own record is posted once
more with school B's ids in its body. After every role, no link may join two schools and school B must
be as it was, and no page a school-A viewer saw may show school B's people or anyone's request to talk
but the viewer's own.

Each cell of the table is a status code: one code for all four scopes, or four codes in the scope
order above. A route without a row fails the test with a paste-ready row.
"""

import shutil

import pytest
from sqlalchemy import select, text

from course import create_app
from course.config import PROJECT_ROOT
from course.extensions import db
from course.models import Role, SchoolClass, User
from course.web.content import sync_modules_if_ready
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL, _empty_postgres
from tests.two_schools import PASSWORD, build_two_schools

ROLES = ("anon", "pupil", "teacher", "dsl", "admin", "trust")
SCOPES = ("own", "same_class", "other_class", "other_school")

# (method, rule): anon | pupil | teacher | dsl | admin | trust (the trust admin, whose home school is A). 302 for a logged-out visitor is the way to the login page;
# 422/400 an empty or smuggled form refused with a message; 404 a record outside the viewer's scope.
# /parents/<parents_id>... are public on purpose (each school's parents' page, found by its unguessable id, shows no
# pupil), so every role and scope is 200; editing the letter there is for a school's admin or lead.
MATRIX: dict[tuple[str, str], str] = {
    ('GET', '/safeguarding/knowledge'):                                             '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/safeguarding/summary.pdf'):                                           '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/teach/classes/<int:class_id>/insight/<slug>/answers.csv'):            '302 | 403 | 200 200 404 404 | 200 200 200 404 | 200 200 200 404 | 403',
    ('GET', '/teach/classes/<int:class_id>/knowledge'):                             '302 | 403 | 200 200 404 404 | 200 200 200 404 | 200 200 200 404 | 403',
    ('GET', '/teach/library/<slug>/items'):                                         '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/'):                                                                   '302 | 302 | 302 | 302 | 302 | 302',
    ('GET', '/account/two-factor'):                                                 '302 | 404 | 404 | 200 | 404 | 404',
    ('POST', '/account/two-factor'):                                                '302 | 404 | 404 | 422 | 404 | 404',
    ('GET', '/admin/'):                                                             '302 | 403 | 403 | 403 | 200 | 403',
    ('POST', '/admin/people/<int:user_id>/school-account'):                         '302 | 403 | 403 | 403 | 302 302 302 404 | 403',
    ('POST', '/admin/people/<int:user_id>/school-account/unlink'):                  '302 | 403 | 403 | 403 | 302 302 302 404 | 403',
    ('GET', '/admin/pupils'):                                                       '302 | 403 | 403 | 403 | 200 | 403',
    ('GET', '/admin/pupils/<int:pupil_id>'):                                        '302 | 403 | 403 | 403 | 200 200 200 404 | 403',
    ('GET', '/admin/pupils/<int:pupil_id>/data'):                                   '302 | 403 | 403 | 403 | 200 200 200 404 | 403',
    ('GET', '/admin/pupils/<int:pupil_id>/data.json'):                              '302 | 403 | 403 | 403 | 200 200 200 404 | 403',
    ('GET', '/admin/pupils/<int:pupil_id>/erase'):                                  '302 | 403 | 403 | 403 | 200 200 200 404 | 403',
    ('POST', '/admin/pupils/<int:pupil_id>/erase'):                                 '302 | 403 | 403 | 403 | 422 422 422 404 | 403',
    ('GET', '/admin/settings'):                                                     '302 | 403 | 403 | 403 | 200 | 403',
    ('POST', '/admin/settings'):                                                    '302 | 403 | 403 | 403 | 302 | 403',
    ('GET', '/admin/sign-in'):                                                      '302 | 403 | 403 | 403 | 200 | 403',
    ('POST', '/admin/sign-in'):                                                     '302 | 403 | 403 | 403 | 400 | 403',
    ('GET', '/admin/staff/<int:user_id>'):                                          '302 | 403 | 403 | 403 | 200 200 200 404 | 403',
    ('POST', '/admin/staff/<int:user_id>'):                                         '302 | 403 | 403 | 403 | 422 422 422 404 | 403',
    ('POST', '/admin/staff/<int:user_id>/delete'):                                  '302 | 403 | 403 | 403 | 422 422 422 404 | 403',
    ('POST', '/admin/staff/<int:user_id>/password'):                                '302 | 403 | 403 | 403 | 422 422 422 404 | 403',
    ('GET', '/admin/staff/new'):                                                    '302 | 403 | 403 | 403 | 200 | 403',
    ('POST', '/admin/staff/new'):                                                   '302 | 403 | 403 | 403 | 422 | 403',
    ('GET', '/admin/year/'):                                                        '302 | 403 | 403 | 403 | 200 | 403',
    ('POST', '/admin/year/retention'):                                              '302 | 403 | 403 | 403 | 302 | 403',
    ('POST', '/admin/year/rollover'):                                               '302 | 403 | 403 | 403 | 400 | 403',
    ('POST', '/admin/year/settings'):                                               '302 | 403 | 403 | 403 | 400 | 403',
    ('GET', '/audit/'):                                                             '302 | 403 | 403 | 200 | 200 | 403',
    ('GET', '/card'):                                                               '404 | 404 | 404 | 404 | 404 | 404',
    ('POST', '/card'):                                                              '400 | 400 | 400 | 400 | 400 | 400',
    ('GET', '/exit'):                                                               '303 | 303 | 303 | 303 | 303 | 303',
    ('GET', '/health'):                                                             '200 | 200 | 200 | 200 | 200 | 200',
    ('GET', '/help/'):                                                              '200 | 200 | 200 | 200 | 200 | 200',
    ('GET', '/help/requests'):                                                      '302 | 200 | 403 | 403 | 403 | 403',
    ('GET', '/help/requests/<int:request_id>'):                                     '302 | 200 404 404 404 | 403 | 403 | 403 | 403',
    ('GET', '/help/talk'):                                                          '302 | 200 | 403 | 403 | 403 | 403',
    ('POST', '/help/talk'):                                                         '302 | 302 | 403 | 403 | 403 | 403',
    ('GET', '/lessons/'):                                                           '302 | 200 | 403 | 403 | 403 | 403',
    ('GET', '/lessons/<slug>/'):                                                    '302 | 302 | 403 | 403 | 403 | 403',
    ('GET', '/lessons/<slug>/attempts/<int:attempt_id>'):                           '302 | 200 404 404 404 | 403 | 403 | 403 | 403',
    ('GET', '/lessons/<slug>/check'):                                               '302 | 200 | 403 | 403 | 403 | 403',
    ('POST', '/lessons/<slug>/check'):                                              '302 | 302 | 403 | 403 | 403 | 403',
    ('GET', '/lessons/<slug>/page/<int:number>'):                                   '302 | 200 | 403 | 403 | 403 | 403',
    ('POST', '/lessons/<slug>/page/<int:number>'):                                  '302 | 302 | 403 | 403 | 403 | 403',
    ('GET', '/lessons/<slug>/quiz'):                                                '302 | 200 | 403 | 403 | 403 | 403',
    ('POST', '/lessons/<slug>/quiz'):                                               '302 | 400 | 403 | 403 | 403 | 403',
    ('POST', '/lessons/comfort'):                                                   '302 | 302 | 403 | 403 | 403 | 403',
    ('GET', '/login'):                                                              '200 | 302 | 302 | 302 | 302 | 302',
    ('POST', '/login'):                                                             '200 | 302 | 302 | 302 | 302 | 302',
    ('GET', '/login/code'):                                                         '302 | 302 | 302 | 302 | 302 | 302',
    ('POST', '/login/code'):                                                        '302 | 302 | 302 | 302 | 302 | 302',
    ('POST', '/login/sso'):                                                         '400 | 400 | 400 | 400 | 400 | 400',
    ('GET', '/login/sso/callback'):                                                 '403 | 403 | 403 | 403 | 403 | 403',
    ('POST', '/logout'):                                                            '302 | 302 | 302 | 302 | 302 | 302',
    ('GET', '/parents/<parents_id>'):                                               '200 | 200 | 200 | 200 | 200 | 200',
    ('GET', '/parents/<parents_id>/letter'):                                        '200 | 200 | 200 | 200 | 200 | 200',
    ('GET', '/parents/<parents_id>/sheets/<slug>'):                                 '200 | 200 | 200 | 200 | 200 | 200',
    ('GET', '/parents/<parents_id>/sheets/<slug>.pdf'):                             '200 | 200 | 200 | 200 | 200 | 200',
    ('GET', '/parents/manage'):                                                     '302 | 403 | 403 | 200 | 200 | 403',
    ('POST', '/parents/manage/letter'):                                             '302 | 403 | 403 | 422 | 422 | 403',
    ('GET', '/password'):                                                           '302 | 200 | 200 | 200 | 200 | 200',
    ('POST', '/password'):                                                          '302 | 200 | 200 | 200 | 200 | 200',
    ('GET', '/safeguarding/'):                                                      '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/safeguarding/coverage.csv'):                                          '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/safeguarding/directory'):                                             '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/safeguarding/directory/<int:service_id>'):                            '302 | 403 | 403 | 200 200 200 404 | 403 | 403',
    ('POST', '/safeguarding/directory/<int:service_id>'):                           '302 | 403 | 403 | 302 302 302 404 | 403 | 403',
    ('GET', '/safeguarding/erasures'):                                              '302 | 403 | 403 | 200 | 403 | 403',
    ('POST', '/safeguarding/erasures/<int:pupil_id>'):                              '302 | 403 | 403 | 422 422 422 404 | 403 | 403',
    ('POST', '/safeguarding/notices/<int:notice_id>/dismiss'):                      '302 | 403 | 403 | 302 302 404 404 | 403 | 403',
    ('GET', '/safeguarding/pupils'):                                                '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/safeguarding/requests'):                                              '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/safeguarding/requests/<int:request_id>'):                             '302 | 403 | 403 | 200 200 200 404 | 403 | 403',
    ('POST', '/safeguarding/requests/<int:request_id>/notes'):                      '302 | 403 | 403 | 422 422 422 404 | 403 | 403',
    ('GET', '/safeguarding/requests/<int:request_id>/record'):                      '302 | 403 | 403 | 200 200 200 404 | 403 | 403',
    ('POST', '/safeguarding/requests/<int:request_id>/record'):                     '302 | 403 | 403 | 422 422 422 404 | 403 | 403',
    ('GET', '/safeguarding/requests/<int:request_id>/record.pdf'):                  '302 | 403 | 403 | 200 200 200 404 | 403 | 403',
    ('POST', '/safeguarding/requests/<int:request_id>/status'):                     '302 | 403 | 403 | 422 422 422 404 | 403 | 403',
    ('GET', '/safeguarding/staff-training'):                                        '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/safeguarding/staff-training.csv'):                                    '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/safeguarding/staff-training/<int:user_id>/certificate.pdf'):          '302 | 403 | 403 | 200 200 200 404 | 403 | 403',
    ('GET', '/safeguarding/summary'):                                               '302 | 403 | 403 | 200 | 403 | 403',
    ('GET', '/setup/'):                                                             '404 | 404 | 404 | 404 | 404 | 404',
    ('POST', '/setup/'):                                                            '404 | 404 | 404 | 404 | 404 | 404',
    ('GET', '/staff-training/'):                                                    '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/staff-training/certificate.pdf'):                                     '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/staff-training/modules/<staff_slug>'):                                '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/staff-training/modules/<staff_slug>/quiz'):                           '302 | 403 | 200 | 200 | 200 | 403',
    ('POST', '/staff-training/modules/<staff_slug>/quiz'):                          '302 | 403 | 422 | 422 | 422 | 403',
    ('POST', '/staff-training/refresher'):                                          '302 | 403 | 403 | 422 | 422 | 403',
    ('GET', '/teach/'):                                                             '302 | 403 | 200 | 200 | 200 | 403',
    ('POST', '/teach/classes'):                                                     '302 | 403 | 422 | 422 | 422 | 403',
    ('GET', '/teach/classes/<int:class_id>'):                                       '302 | 403 | 200 200 404 404 | 200 200 200 404 | 200 200 200 404 | 403',
    ('POST', '/teach/classes/<int:class_id>/archive'):                              '302 | 403 | 302 302 404 404 | 302 302 302 404 | 302 302 302 404 | 403',
    ('POST', '/teach/classes/<int:class_id>/assign'):                               '302 | 403 | 302 302 404 404 | 302 302 302 404 | 302 302 302 404 | 403',
    ('POST', '/teach/classes/<int:class_id>/assignments/<int:assignment_id>/due'):  '302 | 403 | 302 302 404 404 | 302 302 302 404 | 302 302 302 404 | 403',
    ('POST', '/teach/classes/<int:class_id>/assignments/<int:assignment_id>/remove'): '302 | 403 | 302 302 404 404 | 302 302 302 404 | 302 302 302 404 | 403',
    ('POST', '/teach/classes/<int:class_id>/cards'):                                '302 | 403 | 302 302 404 404 | 302 302 302 404 | 403 403 403 404 | 403',
    ('GET', '/teach/classes/<int:class_id>/export.csv'):                            '302 | 403 | 200 200 404 404 | 200 200 200 404 | 200 200 200 404 | 403',
    ('GET', '/teach/classes/<int:class_id>/insight/<slug>'):                        '302 | 403 | 200 200 404 404 | 200 200 200 404 | 200 200 200 404 | 403',
    ('GET', '/teach/classes/<int:class_id>/pupils/new'):                            '302 | 403 | 200 200 404 404 | 200 200 200 404 | 200 200 200 404 | 403',
    ('POST', '/teach/classes/<int:class_id>/pupils/new'):                           '302 | 403 | 422 422 404 404 | 422 422 422 404 | 422 422 422 404 | 403',
    ('POST', '/teach/classes/<int:class_id>/rename'):                               '302 | 403 | 422 422 404 404 | 422 422 422 404 | 422 422 422 404 | 403',
    ('POST', '/teach/classes/<int:class_id>/teachers'):                             '302 | 403 | 302 302 404 404 | 302 302 302 404 | 302 302 302 404 | 403',
    ('GET', '/teach/import'):                                                       '302 | 403 | 200 | 200 | 200 | 403',
    ('POST', '/teach/import'):                                                      '302 | 403 | 422 | 422 | 422 | 403',
    ('POST', '/teach/import/confirm'):                                              '302 | 403 | 302 | 302 | 302 | 403',
    ('GET', '/teach/library'):                                                      '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/teach/library/<slug>'):                                               '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/teach/library/<slug>/quiz-qti.zip'):                                  '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/teach/library/<slug>/quiz.gift'):                                     '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/teach/library/<slug>/scorm.zip'):                                     '302 | 403 | 200 | 200 | 200 | 403',
    ('GET', '/teach/pupils/<int:pupil_id>'):                                        '302 | 403 | 200 200 404 404 | 200 200 200 404 | 200 200 200 404 | 403',
    ('POST', '/teach/pupils/<int:pupil_id>/card'):                                  '302 | 403 | 200 200 404 404 | 200 200 200 404 | 403 403 403 404 | 403',
    ('POST', '/teach/pupils/<int:pupil_id>/password'):                              '302 | 403 | 200 200 404 404 | 200 200 200 404 | 403 403 403 404 | 403',
    ('GET', '/trust/'):                                                             '302 | 403 | 403 | 403 | 403 | 200',
    ('GET', '/trust/schools/<int:school_id>/summary'):                              '302 | 403 | 403 | 403 | 403 | 200',
}

# Routes whose allowed requests change things: run after the rest, in each role.
_LAST = ("teacher.archive_class", "teacher.remove_assignment", "teacher.reset_password", "admin.delete_staff",
         "admin.reset_staff_password", "school_year.rollover", "school_year.retention", "auth.change_password",
         "auth.logout")

VIEWERS = {"pupil": "pupil-a1", "teacher": "teacher-a", "dsl": "dsl-a", "admin": "admin-a", "trust": "trust-a"}


def _scope_ids(s, role: str) -> dict[str, dict[str, int | str]]:
    """For each scope, the value of every URL parameter and form field the routes use."""
    own_user = s[{"pupil": "pupil_a1", "teacher": "teacher_a", "dsl": "dsl_a", "admin": "admin_a",
                  "trust": "trust_a"}.get(role, "admin_a")]
    rows = {
        "own": ("class_a1", "asg_a1", "pupil_a1", "request_a1", "attempt_a1", None, "service_a", "teacher_a",
                "notice_a"),
        "same_class": ("class_a1", "asg_a1b", "pupil_a2", "request_a2", "attempt_a2", "teacher_a", "service_a",
                       "teacher_a", "notice_a"),
        "other_class": ("class_a2", "asg_a2", "pupil_a3", "request_a3", "attempt_a3", "teacher2_a", "service_a",
                        "teacher2_a", "notice2_a"),
        "other_school": ("class_b1", "asg_b1", "pupil_b1", "request_b1", "attempt_b1", "teacher_b", "service_b",
                         "teacher_b", "notice_b"),
    }
    out = {}
    for scope, (klass, asg, pupil, req, attempt, staff, service, teacher, notice) in rows.items():
        out[scope] = {"class_id": s[klass], "assignment_id": s[asg], "pupil_id": s[pupil], "request_id": s[req],
                      "attempt_id": s[attempt], "user_id": own_user if staff is None else s[staff],
                      "service_id": s[service], "notice_id": s[notice], "slug": s.slug, "number": 1,
                      # The trust scope: a school of the installation; the other school is in a trust admin's.
                      "school_id": s["school_b" if scope == "other_school" else "school_a"],
                      # The staff track's module is the same for everyone; a parents' page is a school's.
                      "staff_slug": "responding-to-a-disclosure",
                      "parents_id": s.parents_ids["b" if scope == "other_school" else "a"],
                      "form": {"pupils": s[pupil], "teacher": s[teacher], "target": s[klass], "modules": s.slug}}
    return out


def _parse(cell: str) -> list[int]:
    codes = [int(c) for c in cell.split()]
    return codes * 4 if len(codes) == 1 else codes


def _format(codes: list[int]) -> str:
    return str(codes[0]) if len(set(codes)) == 1 else " ".join(map(str, codes))


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _empty(database_file, migrated_template) -> None:
    if ON_POSTGRES:
        _empty_postgres(TEST_DATABASE_URL)
    else:
        shutil.copyfile(migrated_template, database_file)


@pytest.fixture(scope="module")
def matrix_app(migrated_template, tmp_path_factory):
    database_file = tmp_path_factory.mktemp("matrix") / "harbour.sqlite"
    _empty(database_file, migrated_template)
    app = create_app({"TESTING": True, "CONTENT_ROOT": str(PROJECT_ROOT), "SECRET_KEY": "matrix",
                      "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL if ON_POSTGRES else f"sqlite:///{database_file}",
                      "SERVER_NAME": None, "WTF_CSRF_ENABLED": False})

    def fresh_schools():
        """Both schools as built, whatever the last role changed (archived a class, removed an assignment)."""
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
            _empty(database_file, migrated_template)
            sync_modules_if_ready()
        return build_two_schools(app)

    yield app, fresh_schools
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _client_for(app, schools, role: str):
    client = app.test_client()
    if role != "anon":
        response = client.post("/login", data={"school": schools["school_a"], "username": VIEWERS[role],
                                               "password": PASSWORD})
        assert response.status_code == 302, f"{role} could not log in"
    return client


def _forbidden_markers(role: str) -> list[str]:
    """Text a school-A viewer in this role must never be shown."""
    markers = [f"Pupilname B{n}" for n in (1, 2, 3)] + [f"Secretmessage b{n}" for n in (1, 2, 3)]
    markers += [f"Staffname {name} B" for name in ("teacher", "teacher2", "dsl", "admin")]
    if role == "trust":
        # Across the trust, school B's coverage is the point; its pupils' names and anyone's words never are.
        return markers + [f"Pupilname A{n}" for n in (1, 2, 3)] + [f"Secretmessage a{n}" for n in (1, 2, 3)]
    markers += ["Class B1", "Class B2"]
    if role != "dsl":
        markers += ["Secretmessage a2", "Secretmessage a3"]
        if role != "pupil":
            markers.append("Secretmessage a1")
    if role == "pupil":
        markers += ["Pupilname A2", "Pupilname A3"]
    return markers


def test_every_route_has_a_row_and_answers_as_written(matrix_app):
    app, fresh_schools = matrix_app
    routes = list(_routes(app))
    # Logging out, then Quick exit (which logs out too: tests/test_quick_exit.py checks it logged in), come last.
    order = sorted(routes, key=lambda rm: (rm[0].endpoint == "auth.quick_exit", rm[0].endpoint == "auth.logout",
                                           rm[0].endpoint in _LAST, rm[0].rule,
                                           rm[1]))
    observed: dict[tuple[str, str], dict[str, list[int]]] = {}
    leaks, crossings = [], []
    for role in ROLES:
        # Each role starts from the same two schools: what one role changed does not blur the next one's row.
        schools = fresh_schools()
        client = _client_for(app, schools, role)
        ids = _scope_ids(schools, role)
        markers = _forbidden_markers(role)
        for rule, method in order:
            codes = {}
            # Other scopes first, so a change the viewer may make to their own record comes last.
            for scope in reversed(SCOPES):
                values = ids[scope]
                path = rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]
                if method == "GET":
                    response = client.get(path)
                else:
                    response = client.open(path, method=method, data=values["form"])
                codes[scope] = response.status_code
                # A PDF is bytes, not UTF-8: decoded leniently so the check still reads any text in it.
                body = response.get_data().decode("utf-8", "replace")
                leaks += [f"{role} {method} {path} ({scope}): shows {m!r}" for m in markers if m in body]
                if method != "GET" and scope == "own":
                    # The viewer's own record's form once more, with the other school's ids in the body. Its
                    # status is not tabled (the tabled request may have changed the record), but it must not
                    # fail, show school B or join the schools (checked after the role).
                    smuggled = client.open(path, method=method, data=ids["other_school"]["form"])
                    if smuggled.status_code >= 500:
                        leaks.append(f"{role} {method} {path} (own, other school's form): {smuggled.status_code}")
                    leaks += [f"{role} {method} {path} (own, other school's form): shows {m!r}" for m in markers
                              if m in smuggled.get_data(as_text=True)]
            observed.setdefault((method, rule.rule), {})[role] = [codes[s] for s in SCOPES]
        crossings += [f"after {role}: {c}" for c in _crossings(app, schools)]

    missing, wrong = [], []
    for key, by_role in sorted(observed.items()):
        row = " | ".join(_format(by_role[r]) for r in ROLES)
        if key not in MATRIX:
            missing.append(f"    {key!r}: {row!r},")
            continue
        expected = [_parse(c) for c in MATRIX[key].split("|")]
        for role, want in zip(ROLES, expected, strict=True):
            if want != by_role[role]:
                wrong.append(f"{key[0]} {key[1]} as {role}: expected {_format(want)}, got {_format(by_role[role])}")
    stale = [f"{k}" for k in MATRIX if k not in observed]
    problems = []
    if missing:
        problems.append("Routes without a row in MATRIX (check each cell, then paste):\n" + "\n".join(missing))
    if wrong:
        problems.append("Routes answering differently from MATRIX:\n" + "\n".join(wrong))
    if stale:
        problems.append("Rows for routes that no longer exist:\n" + "\n".join(stale))
    if leaks:
        problems.append("Pages showing what the viewer must not see:\n" + "\n".join(leaks))
    if crossings:
        problems.append("Ids smuggled into forms joined the two schools, or changed school B:\n" + "\n".join(crossings))
    assert not problems, "\n\n".join(problems)


def _crossings(app, schools) -> list[str]:
    """Links joining the two schools, and any change to school B's classes and staff (run after every role)."""
    with app.app_context():
        found = [str(tuple(row)) for row in db.session.execute(text(
            "SELECT 'class_teacher', ct.class_id, ct.teacher_id FROM class_teacher ct "
            "JOIN school_class c ON c.id = ct.class_id JOIN user_account u ON u.id = ct.teacher_id "
            "WHERE c.school_id <> u.school_id "
            "UNION ALL SELECT 'class_pupil', cp.class_id, cp.pupil_id FROM class_pupil cp "
            "JOIN school_class c ON c.id = cp.class_id JOIN user_account u ON u.id = cp.pupil_id "
            "WHERE c.school_id <> u.school_id "
            "UNION ALL SELECT 'assignment_pupil', ap.assignment_id, ap.pupil_id FROM assignment_pupil ap "
            "JOIN assignment a ON a.id = ap.assignment_id JOIN user_account u ON u.id = ap.pupil_id "
            "WHERE a.school_id <> u.school_id")).all()]
        # School B is as it was: its classes keep their teachers and pupils, none archived.
        b_classes = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == schools["school_b"])).all()
        found += [f"class {c.id} of school B archived" for c in b_classes if c.archived_at is not None]
        if db.session.get(User, schools["teacher_b"]).role != Role.TEACHER:
            found.append("school B's teacher changed role")
        b_pupils = db.session.scalars(select(User).where(User.school_id == schools["school_b"],
                                                         User.role == Role.PUPIL)).all()
        if len(b_pupils) != 3:
            found.append(f"school B has {len(b_pupils)} pupils, not 3")
        db.session.remove()
    return found
