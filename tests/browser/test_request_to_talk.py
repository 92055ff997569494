"""A pupil asks to talk; the safeguarding lead sees it, adds a note and closes it; the audit log shows it all."""

from tests.browser.conftest import login, screenshot


def _logout(page):
    page.click("button:has-text('Log out')")


def test_pupil_asks_to_talk_and_the_lead_follows_it_up(live_server, page):
    base = live_server.url

    # The pupil asks from the help page, with a message and how soon.
    login(page, base, "sam", "sunny-otter-42")
    page.click("text=Get help")
    page.fill("#message", "Someone in a game keeps asking for photos.")
    page.check("input[name=urgency][value=today]")
    page.click("button:has-text('Ask to talk')")
    assert page.locator("h1").inner_text() == "Your request was sent"
    main = page.inner_text("main")
    assert "Only your school's safeguarding leads can see your request" in main
    assert "999" in main and "0800 1111" in main
    screenshot(page, "request-to-talk-sent")
    _logout(page)

    # The lead sees one new request on every page, opens it, adds a note and closes it.
    login(page, base, "dsl", "harbour-dsl-demo")
    assert "Requests to talk (1 new)" in page.inner_text("nav[aria-label=Main]")
    page.click("text=Requests to talk (1 new)")
    page.click("text=Sam Okafor")
    assert "Someone in a game keeps asking for photos." in page.inner_text("main")
    page.fill("#body", "Spoke with Sam at lunch; parents called.")
    page.click("button:has-text('Add note')")
    assert "Note added to the chronology." in page.inner_text("main")
    page.select_option("#to_status", "closed")
    page.fill("#reason", "Handled with parents.")
    page.click("button:has-text('Change status')")
    chronology = page.inner_text("ol.chronology")
    assert "Spoke with Sam at lunch; parents called." in chronology
    assert "status changed from new to closed" in chronology
    assert "Requests to talk (1 new)" not in page.inner_text("nav[aria-label=Main]")
    screenshot(page, "request-to-talk-chronology")

    # The audit log shows each step, by the lead.
    page.click("text=Audit log")
    log = page.inner_text("table")
    for step in ("Viewed a request to talk", "Added a note to a request to talk",
                 "Changed the status of a request to talk"):
        assert step in log
    assert "Ms Aisha Rahman" in log and "New → Closed" in log

    # The overview draws its charts on the server, each with a text alternative.
    page.click("text=Overview")
    assert page.locator("svg[role=img] title").first.text_content() == "Completion by year group"
    screenshot(page, "safeguarding-overview")
    _logout(page)

    # The pupil sees the request is closed.
    login(page, base, "sam", "sunny-otter-42")
    page.goto(f"{base}/help/requests")
    assert "Closed" in page.inner_text("table")
