"""A teacher in a real browser: create a class, import pupils, assign, print cards, see the grid update."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from course.web.content import library
from tests.browser.conftest import login, screenshot

CSV = "First name,Last name,Year group\nAmira,Haddad,7\nTom,Price,7\nJoy,Mensah,7\n"


def test_teacher_sets_up_a_class_and_sees_a_pupil_complete_a_module(live_server, browser, tmp_path):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, base, "teacher", "harbour-teacher-demo")

    # Create a class.
    page.goto(f"{base}/teach/")
    page.fill("#name", "7C PSHE")
    page.fill("#year_group", "7")
    page.click("text=Create class")
    assert page.locator("h1").inner_text() == "7C PSHE"

    # Import pupils into it from a CSV: preview first, then confirm.
    page.click("text=Import pupils (CSV)")
    csv_file = tmp_path / "pupils.csv"
    csv_file.write_text(CSV)
    page.set_input_files("#file", str(csv_file))
    page.click("text=Preview the import")
    assert "3 new pupils" in page.inner_text("main")
    page.click("button:has-text('Import 3 rows')")
    assert "Import saved: 3 new pupils" in page.inner_text("main")

    # Assign a module with a due date.
    page.check("input[value='people-online']")
    page.fill("#due_date", (date.today() + timedelta(days=7)).isoformat())
    page.click("form[action$='/assign'] button[type=submit]")
    assert "Assigned 1 module to 7C PSHE" in page.inner_text("main")
    assert page.locator("td[data-state='not_started']").count() == 3

    # Login cards: the passwords are shown once, and the page prints 8 cards to a sheet.
    page.click("text=Make login cards")
    assert page.locator(".login-card").count() == 3
    card = page.locator(".login-card", has_text="Amira Haddad")
    username = card.locator("dd code").nth(0).inner_text()
    password = card.locator("dd code").nth(1).inner_text()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()  # waits while the print stylesheet loads
    assert _pdf_pages(page.pdf(format="A4")) == 1
    screenshot(page, "teacher-login-cards-print")
    page.emulate_media(media="screen")

    # The pupil logs in with the card and completes the module.
    pupil = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(pupil, base, username, password)
    pupil.click("a[href='/lessons/people-online/']")
    # A new pupil is asked what they think first; this one skips it.
    pupil.click("button:has-text('Skip these questions')")
    with live_server.app.app_context():
        module = library().get("people-online")
    for _ in range(module.page_count - 1):
        pupil.click("button:has-text('Next')")
    pupil.click("button:has-text('Go to the quiz')")
    for question in module.quiz.questions:
        for option_id in question.correct_ids:
            pupil.check(f"#q-{question.id}-{option_id}")
    pupil.click("button:has-text('Check my answers')")
    assert "You have finished the quiz. Well done!" in pupil.inner_text("main")  # ages 8-11

    # The teacher's grid shows it.
    page.goto(f"{base}/teach/")
    page.click("text=7C PSHE")
    row = page.locator("tr", has_text="Amira Haddad")
    assert "Completed" in row.inner_text()
    assert "1 of 1" in row.inner_text()
    screenshot(page, "teacher-class-grid")

    # A whole class of 25 prints on 4 sheets: 8 cards to a page.
    page.goto(f"{base}/teach/")
    page.click("text=10B PSHE")
    page.check("#which-all")
    page.click("text=Make login cards")
    assert page.locator(".login-card").count() == 25
    page.emulate_media(media="print")
    assert _pdf_pages(page.pdf(format="A4")) == 4
    context.close()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
