"""50 pupils at once through real gunicorn workers: saving pages (double-clicked) and submitting quizzes
(sent twice at once). Zero errors, and every acknowledged submission is in the database afterwards.

One test over a temporary SQLite file (SQLite pass), one over the PostgreSQL test database (runs in the
PostgreSQL pass of .ci/run, skipped on SQLite).
"""

import http.client
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from course import create_app
from course.domain.passwords import hash_password
from course.extensions import db
from course.models import Assignment, Module, Progress, QuizAttempt, Role, SchoolClass, User
from course.web.content import library, module_ids
from tests.conftest import ON_POSTGRES
from tests.gunicorn_servers import BIN, start_gunicorn

PUPILS = 50
PASSWORD = "load-test-pupil-pw"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


class Browser:
    """A minimal client over one host: keeps cookies (Secure ones too), never follows redirects."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), text
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        return self.request("POST", path, form)


def _prepare(database_url: str, content_root: Path) -> tuple[str, dict]:
    """The demo school plus 50 pupils in one class; returns the module slug they have and its right answers."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(content_root),
                      "SECRET_KEY": "load-test"})
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        school_class = db.session.scalars(select(SchoolClass).order_by(SchoolClass.id)).first()
        assigned = db.session.scalars(select(Assignment.module_id).where(Assignment.class_id == school_class.id)
                                      .order_by(Assignment.id)).first()
        slug = next(s for s, i in module_ids().items() if i == assigned)
        password_hash = hash_password(PASSWORD)
        for n in range(PUPILS):
            school_class.pupils.append(User(school_id=school_class.school_id, username=f"load{n:02d}",
                                            password_hash=password_hash, role=Role.PUPIL,
                                            display_name=f"Load Pupil {n:02d}", year_group=school_class.year_group))
        db.session.commit()
        quiz = library().get(slug).quiz
        answers = {f"q-{q.id}": sorted(q.correct_ids) for q in quiz.questions}
        db.session.remove()
        db.engine.dispose()
    return slug, answers


def _start_gunicorn(database_url: str, content_root: Path, tmp_path: Path) -> tuple[subprocess.Popen, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARBOUR_", "FLASK_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="load-test-secret-key-" + "x" * 20, HARBOUR_INSECURE_COOKIES="1",
               HARBOUR_CONTENT_ROOT=str(content_root), PATH=f"{BIN}:{env['PATH']}")
    return start_gunicorn(["-w", "4", "-b", "127.0.0.1:0", "--timeout", "60"], env)


def _one_pupil(port: int, n: int, slug: str, answers: dict) -> dict:
    try:
        return _pupil_journey(port, n, slug, answers)
    except Exception as error:  # noqa: BLE001 - reported as an error of this pupil, with the others'
        return {"username": f"load{n:02d}", "attempts": set(), "errors": [f"load{n:02d}: {error}"]}


def _pupil_journey(port: int, n: int, slug: str, answers: dict) -> dict:
    """Log in, read page 1 (Next clicked twice), submit the quiz twice at once. Returns what was acknowledged."""
    errors: list[str] = []
    browser = Browser(port)

    def expect(status, wanted, what):
        if status not in wanted:
            errors.append(f"load{n:02d} {what}: {status}")
            raise AssertionError(f"{what}: HTTP {status}")

    status, _, html = browser.get("/login")
    expect(status, (200,), "login page")
    status, _, _ = browser.post("/login", {"username": f"load{n:02d}", "password": PASSWORD,
                                           "csrf_token": CSRF.search(html).group(1)})
    expect(status, (302, 303), "login")
    status, _, html = browser.get(f"/lessons/{slug}/page/1")
    expect(status, (200,), "page 1")
    token = CSRF.search(html).group(1)
    with ThreadPoolExecutor(2) as pool:  # a double click on Next
        saves = list(pool.map(lambda _: browser.post(f"/lessons/{slug}/page/1", {"csrf_token": token}), range(2)))
    for status, _, _ in saves:
        expect(status, (302, 303), "save page")
    status, _, html = browser.get(f"/lessons/{slug}/quiz")
    expect(status, (200,), "quiz")
    form = {"csrf_token": CSRF.search(html).group(1), "form_token": FORM_TOKEN.search(html).group(1), **answers}
    with ThreadPoolExecutor(2) as pool:  # the same quiz form sent twice at once
        submits = list(pool.map(lambda _: browser.post(f"/lessons/{slug}/quiz", form), range(2)))
    results = set()
    for status, headers, _ in submits:
        expect(status, (302, 303), "submit quiz")
        location = headers.get("Location", "")
        found = re.search(r"/attempts/(\d+)$", location)
        if found:
            results.add(int(found.group(1)))
    if len(results) != 1:
        errors.append(f"load{n:02d}: the two submissions led to {sorted(results)}")
    for attempt_id in results:
        status, _, html = browser.get(f"/lessons/{slug}/attempts/{attempt_id}")
        expect(status, (200,), "result")
    return {"username": f"load{n:02d}", "attempts": results, "errors": errors}


def _run(database_url: str, content_root: Path, tmp_path: Path):
    slug, answers = _prepare(database_url, content_root)
    server, port = _start_gunicorn(database_url, content_root, tmp_path)
    try:
        with ThreadPoolExecutor(PUPILS) as pool:
            outcomes = list(pool.map(lambda n: _one_pupil(port, n, slug, answers), range(PUPILS)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = [e for o in outcomes for e in o["errors"]]
    assert errors == [], "\n".join(errors)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "CONTENT_ROOT": str(content_root), "SECRET_KEY": "x"})
    with app.app_context():
        module_id = db.session.scalars(select(Module.id).where(Module.slug == slug)).one()
        for outcome in outcomes:
            pupil = db.session.scalars(select(User).where(User.username == outcome["username"])).one()
            stored = db.session.scalars(select(QuizAttempt.id).where(QuizAttempt.pupil_id == pupil.id)).all()
            assert stored == sorted(outcome["attempts"]), outcome["username"]  # acknowledged, stored, once
            progress = db.session.scalars(select(Progress).where(Progress.pupil_id == pupil.id,
                                                                 Progress.module_id == module_id)).one()
            assert 0 in progress.pages_seen and progress.latest_score == 100
        total = db.session.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.pupil_id.in_(
            select(User.id).where(User.username.like("load%")))))
        assert total == PUPILS
        db.session.remove()
        db.engine.dispose()
    # No bound on seconds (a busy machine is slow, not wrong): the work is bounded instead, 50 pupils with a
    # fixed journey each and a timeout on every request; correctness is what is asserted above.


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite run; the PostgreSQL one is below")
def test_fifty_pupils_at_once_on_sqlite(migrated_template, content_root, tmp_path):
    database = tmp_path / "load.sqlite"
    shutil.copyfile(migrated_template, database)
    _run(f"sqlite:///{database}", content_root, tmp_path)


@pytest.mark.db
@pytest.mark.skipif(not ON_POSTGRES, reason="needs HARBOUR_TEST_DATABASE_URL set to PostgreSQL (the PostgreSQL pass)")
def test_fifty_pupils_at_once_on_postgresql(database_url, content_root, tmp_path):
    _run(database_url, content_root, tmp_path)
