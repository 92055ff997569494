"""Browser tests in real Chromium: Harbour on a thread (a live server) over a temporary database.

Under CI (CI=true) a missing browser fails the run; elsewhere these tests skip and say how to install it.
"""

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from course import create_app
from course.config import PROJECT_ROOT
from course.extensions import db

CHROMIUM = Path(os.environ.get("HARBOUR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install it with 'apt-get install chromium' to run browser tests."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextmanager
def serve(migrated_template, folder: Path, demo: bool = True):
    """Harbour with the demo school (or, with demo=False, no school yet), on a free port over a copy of the
    migrated test database."""
    if str(migrated_template).startswith("postgresql"):
        pytest.skip("browser tests run on SQLite")
    database = folder / "harbour.sqlite"
    shutil.copyfile(migrated_template, database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "CONTENT_ROOT": str(PROJECT_ROOT),
                      "SECRET_KEY": "browser-test", "HARBOUR_DEMO": demo, "SESSION_COOKIE_SECURE": False,
                      "HARBOUR_DEV": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(migrated_template, tmp_path):
    """A live server for the length of one test."""
    with serve(migrated_template, tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def module_server(migrated_template, tmp_path_factory):
    """One live server shared by the tests of a module (they run in file order and may build on each other)."""
    with serve(migrated_template, tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page, name: str) -> Path:
    """Saved for review under test-artifacts/ (not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
