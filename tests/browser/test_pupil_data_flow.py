"""An admin in a real browser: finds a pupil, reads everything held, asks for their erasure after the
confirm step; the safeguarding lead confirms it. Each page is checked with axe (WCAG 2.x A and AA rules)."""

from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import login, screenshot

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def _no_axe_violations(page, name: str) -> None:
    results = Axe().run(page, options=WCAG)
    violations = results.response["violations"]
    assert violations == [], f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def test_admin_asks_then_the_lead_erases_a_pupil(live_server, page):
    base = live_server.url
    login(page, base, "admin", "harbour-admin-demo")
    page.click("text=pupils' data")
    _no_axe_violations(page, "pupils")
    page.click("table a:text-is('Sam Okafor')")
    _no_axe_violations(page, "pupil")
    page.click("text=Read it as a page")
    assert page.locator("h1").inner_text().startswith("Everything we hold about")
    _no_axe_violations(page, "pupil data")
    page.go_back()
    page.click("a:has-text('Ask for this pupil')")
    _no_axe_violations(page, "erase confirm")
    page.click("button:has-text('Ask for this pupil')")  # without the tick
    assert page.locator(".error-summary, .error-message").first.is_visible()
    _no_axe_violations(page, "erase error")
    page.check("input[type=checkbox]")
    page.click("button:has-text('Ask for this pupil')")
    assert "waiting for a safeguarding lead" in page.content()
    page.click("button:has-text('Log out')")
    login(page, base, "dsl", "harbour-dsl-demo")
    page.goto(f"{base}/safeguarding/requests")
    page.click("text=1 erasure waiting for you")
    _no_axe_violations(page, "erasures waiting")
    page.check("input[type=checkbox]")
    page.click("button:has-text('Erase now')")
    assert "personal data was erased" in page.content()
    assert "No erasures are waiting" in page.content()
    screenshot(page, "pupil-erased")
