"""A module's SCORM 1.2 package, tested as an LMS would: unzipped, served, and launched in real Chromium inside a
page whose SCORM API is scorm-again (npm, tests/scorm), then completed; the LMS's own cmi data is asserted."""

import io
import re
import shutil
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from xml.dom import minidom

import pytest

from course.config import PROJECT_ROOT
from course.content.library import load_library
from tests.node_tools import node_package

LIBRARY, _problems = load_library(PROJECT_ROOT)
SLUG = "people-online"
LMS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm12.js"></script>
<script>window.API = new Scorm12API({autocommit: false, logLevel: 5});</script>
</head><body><iframe id="sco" src="package/index.html" title="course" width="1200" height="900"></iframe></body></html>
"""


def _package(demo, client, auth, slug=SLUG) -> zipfile.ZipFile:
    auth.login_as("teacher")
    response = client.get(f"/teach/library/{slug}/scorm.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_package_has_a_manifest_and_help_on_every_page(demo, client, auth):
    package = _package(demo, client, auth)
    manifest = minidom.parseString(package.read("imsmanifest.xml")).documentElement  # noqa: S318 (our own export)
    assert manifest.namespaceURI == "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    assert manifest.getElementsByTagName("schemaversion")[0].firstChild.data == "1.2"
    resource = manifest.getElementsByTagName("resource")[0]
    assert resource.getAttribute("adlcp:scormtype") == "sco" and resource.getAttribute("href") == "index.html"
    assert manifest.getElementsByTagName("adlcp:masteryscore")[0].firstChild.data == str(LIBRARY.get(SLUG).quiz.pass_mark)
    listed = {f.getAttribute("href") for f in manifest.getElementsByTagName("file")}
    assert listed == set(package.namelist()) - {"imsmanifest.xml"}
    module = LIBRARY.get(SLUG)
    pages = [n for n in package.namelist() if n.endswith(".html")]
    assert {f"page-{n}.html" for n in range(1, module.page_count + 1)} | {"index.html", "quiz.html", "help.html"} == set(pages)
    for name in pages:
        html = package.read(name).decode()
        assert 'href="help.html">Get help<' in html, name
        assert "data-quick-exit" in html and ">Quick exit<" in html, name
        assert 'href="http://localhost/help/"' in html, name  # the school's Harbour help page
        assert not re.search(r'(href|src)="/', html), f"{name} links into Harbour by a site path"
        assert "<script>" not in html and " style=" not in html, name
    assert "Childline" in package.read("help.html").decode()


def test_the_package_stores_nothing_about_the_pupil(demo, client, auth):
    script = _package(demo, client, auth).read("scorm.js").decode()
    for never in ("localStorage", "sessionStorage", "document.cookie", "indexedDB", "fetch(", "XMLHttpRequest",
                  "sendBeacon", "student_name", "student_id", "suspend_data", "cmi.interactions"):
        assert never not in script, never
    assert set(re.findall(r'LMSSetValue\("([^"]+)"', script)) == {
        "cmi.core.lesson_status", "cmi.core.score.min", "cmi.core.score.max", "cmi.core.score.raw"}


@pytest.fixture
def lms(demo, client, auth, tmp_path):
    """The package unzipped beside a page whose window.API is scorm-again's SCORM 1.2 runtime, served over HTTP."""
    runtime = node_package("scorm-again") / "dist" / "scorm12.js"
    _package(demo, client, auth).extractall(tmp_path / "package")
    shutil.copy(runtime, tmp_path / "scorm12.js")
    (tmp_path / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _run(browser, lms_url, right: bool):
    context = browser.new_context()
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{lms_url}/lms.html")
    lesson = page.frame_locator("#sco").frame_locator(".sco-frame")
    lesson.locator("h1").first.wait_for()
    assert page.evaluate("window.API.cmi.core.lesson_status") == "incomplete"
    for _ in range(LIBRARY.get(SLUG).page_count - 1):
        lesson.get_by_role("link", name="Next").click()
    lesson.get_by_role("link", name="Go to the quiz").click()
    lesson.locator("form[data-quiz]").wait_for()
    for question in lesson.locator("[data-question]").all():
        if right:
            for option in question.locator("input[data-correct]").all():
                option.check()
        else:
            question.locator("input:not([data-correct])").first.check()
    lesson.get_by_role("button", name="Check my answers").click()
    summary = lesson.locator("[data-summary]")
    summary.wait_for()
    text = summary.inner_text()
    status = page.evaluate("window.API.cmi.core.lesson_status")
    score = page.evaluate("window.API.cmi.core.score.raw")
    feedback_shown = lesson.locator("[data-feedback]:visible").count()
    stored = lesson.locator("body").evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    context.close()
    return status, score, text, feedback_shown, stored, requests


def test_an_lms_records_a_pass_with_the_score(browser, lms):
    status, score, summary, feedback_shown, stored, requests = _run(browser, lms, right=True)
    assert (status, score) == ("passed", "100")
    assert "8 of 8 right (100%)" in summary and "passed" in summary
    assert feedback_shown > 0  # each chosen answer is explained
    assert stored == [0, 0, ""]
    assert all(url.startswith(lms) for url in requests), [u for u in requests if not u.startswith(lms)]


def test_an_lms_records_a_fail_with_the_score(browser, lms):
    status, score, summary, _shown, _stored, _requests = _run(browser, lms, right=False)
    assert (status, score) == ("failed", "0")
    assert "try again" in summary


def test_the_package_pages_pass_axe(browser, lms):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    problems = []
    for name in ("page-1.html", "quiz.html", "help.html"):
        page.goto(f"{lms}/package/{name}")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]}})
        problems += [f"{name}: {v['id']}" for v in results.response["violations"]]
        assert page.locator("h1").count() == 1, name
    context.close()
    assert not problems, problems
