"""Every page type in site.py, for the role that sees it, in real Chromium:

- axe-core finds no violations of WCAG 2.0/2.1/2.2 A and AA;
- one h1, a page title that names the page, Get help and Quick exit in the same place;
- nothing overflows sideways at 360 px or 320 px wide, nor with text at 200%;
- the HTML Harbour sent has no error by the Nu HTML Checker (vnu.jar, tests/browser/html_check.py);
- screenshots at 1280 px and 360 px are saved in test-artifacts/ for review.
"""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import html_check
from tests.browser.conftest import ARTIFACTS, login, screenshot, serve
from tests.browser.site import ROLES, SETUP_PAGES, site_values

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE = Axe()
RESULTS: dict[str, list[str]] = {}
# Main actions (buttons, Get help, Quick exit) are at least 44 x 44 CSS px; axe checks 24 x 24 for every target.
SMALL_MAIN_ACTIONS = """() => [...document.querySelectorAll('.button, .get-help, .quick-exit, button:not(.link-button)')]
    .filter(e => e.offsetParent !== null)
    .filter(e => { const r = e.getBoundingClientRect(); return r.width < 44 || r.height < 44; })
    .slice(0, 5).map(e => (e.innerText || e.tagName).trim())"""


@pytest.fixture(scope="module")
def values(module_server):
    return site_values(module_server.app)


def _violations(page) -> list[dict]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    return results.response["violations"]


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return "; ".join(lines)


def _safety_links_box(page) -> tuple:
    """Where Get help and Quick exit are, relative to the top of the page (WCAG 3.2.6: consistent help)."""
    return tuple(round(page.locator(selector).bounding_box()["y"]) for selector in (".get-help", ".quick-exit"))


@pytest.mark.parametrize("role,credentials,page_types", ROLES, ids=[r[0] for r in ROLES])
def test_every_page_passes_axe_and_fits_a_phone(module_server, browser, values, role, credentials, page_types):
    _check_pages(module_server.url, browser, values, role, credentials, page_types)


def test_the_set_up_pages_pass_the_same_checks(migrated_template, tmp_path, browser):
    """Set-up is the first page after installing: a Harbour with no school yet."""
    with serve(migrated_template, tmp_path, demo=False) as server:
        _check_pages(server.url, browser, {}, "set-up", None, SETUP_PAGES)


def _check_pages(base, browser, values, role, credentials, page_types):
    html_check.available()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    # The HTML as Harbour sent it (not the DOM after the browser mended it), for the HTML checker.
    documents = []
    page.on("response", lambda r: documents.append(r) if r.request.resource_type == "document" else None)
    sent: dict[str, str] = {}
    if credentials:
        login(page, base, *credentials)
        page.wait_for_selector("nav[aria-label='Main']")
    problems = []
    safety_places = set()
    for page_type in page_types:
        label = f"{role}/{page_type.name}"
        page.set_viewport_size({"width": 1280, "height": 900})
        documents.clear()
        page_type.open(page, base, values)
        page.wait_for_load_state("load")
        if documents:
            sent[label] = documents[-1].text()
        else:
            problems.append(f"{label}: no document response to check")
        violations = _violations(page)
        RESULTS[label] = [v["id"] for v in violations]
        if violations:
            problems.append(f"{label} ({page.url}): {_describe(violations)}")
        if page.locator("h1").count() != 1:
            problems.append(f"{label}: {page.locator('h1').count()} h1 elements")
        if not page.title().endswith("– Harbour") or page.title() == "Harbour – Harbour":
            problems.append(f"{label}: the title does not say where you are ({page.title()!r})")
        small = page.evaluate(SMALL_MAIN_ACTIONS)
        if small:
            problems.append(f"{label}: main actions smaller than 44 x 44 px: {small}")
        safety_places.add(_safety_links_box(page))
        screenshot(page, f"{role}-{page_type.name}-1280")

        page.set_viewport_size({"width": 360, "height": 780})
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.table-scroll'))
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""")
            problems.append(f"{label}: {width} px wide at 360 px (too wide: {wide})")
        screenshot(page, f"{role}-{page_type.name}-360")
        page.set_viewport_size({"width": 320, "height": 700})
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"{label}: {width} px wide at 320 px")
        # Text zoomed to 200% (WCAG 1.4.4): nothing is cut off or pushed sideways off the page.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 1280:
            problems.append(f"{label}: {width} px wide at 1280 px with text at 200%")
        page.evaluate("document.documentElement.style.fontSize = ''")
    context.close()
    _save_results()
    for label, errors in html_check.check(sent).items():
        if errors:
            problems.append(f"{label}: {len(errors)} HTML errors (Nu HTML Checker): " + "; ".join(errors[:5]))
    assert len(safety_places) == 1, f"Get help / Quick exit move between pages for {role}: {safety_places}"
    assert not problems, "\n".join(problems)


def _save_results() -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-results.json").write_text(json.dumps({"tags": WCAG_TAGS, "pages": RESULTS}, indent=2))


def test_the_axe_check_finds_a_real_problem(module_server, browser):
    """The checks above can fail: an input with no label and low-contrast text are reported."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{module_server.url}/login")
    page.evaluate("""() => {
        document.querySelector('label[for=username]').remove();
        document.querySelector('h1').style.color = '#bbbbbb';
    }""")
    found = {v["id"] for v in _violations(page)}
    context.close()
    assert {"label", "color-contrast"} <= found
