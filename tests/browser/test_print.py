"""Printing: the class grid on landscape pages with every column, and the evidence pack without controls.
(Login cards print 8 to an A4 sheet: see test_teacher_flow.py.)"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height of each page of a PDF made by Chromium."""
    return [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)]


def _fits_width(page, selector: str) -> bool:
    return page.evaluate(f"""() => {{ const e = document.querySelector('{selector}');
        return e.getBoundingClientRect().right <= document.documentElement.clientWidth + 1; }}""")


def test_the_class_grid_prints_landscape_with_only_the_grid(module_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, module_server.url, "teacher", "harbour-teacher-demo")
    page.goto(f"{module_server.url}/teach/")
    page.click("text=8A PSHE")
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", "#assign-title", "#cards-title", "#settings-title", ".sort-links"):
        expect(page.locator(hidden)).to_be_hidden()  # waits while the print stylesheet loads
    assert page.locator("table.grid").is_visible()
    assert page.locator("table.grid tbody tr").count() == 25
    screenshot(page, "teacher-class-grid-print")
    pages = _pages(page.pdf(prefer_css_page_size=True))
    assert pages and all(width > height for width, height in pages), pages  # landscape
    assert len(pages) <= 3
    # At an A4 landscape width (about 1050 CSS px) the whole grid fits across the sheet.
    page.set_viewport_size({"width": 1050, "height": 740})
    assert _fits_width(page, "table.grid")
    context.close()


def test_the_evidence_pack_prints_without_controls(module_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, module_server.url, "dsl", "harbour-dsl-demo")
    page.goto(f"{module_server.url}/safeguarding/summary")
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".no-print"):
        expect(page.locator(hidden).first).to_be_hidden()
    assert page.locator("h1").is_visible() and page.locator(".chart").first.is_visible()
    screenshot(page, "dsl-evidence-pack-print")
    pages = _pages(page.pdf(format="A4", prefer_css_page_size=True))
    # Coverage, what pupils learned, staff trained and requests by month: a few A4 sides, not a ream.
    assert 1 <= len(pages) <= 6, pages
    page.set_viewport_size({"width": 720, "height": 1000})  # about the width of A4 portrait
    for table in range(page.locator("table").count()):
        assert page.locator("table").nth(table).bounding_box()["width"] <= 720
    context.close()


def _parents_page_id(module_server) -> str:
    from sqlalchemy import select

    from course.extensions import db
    from course.models import School

    with module_server.app.app_context():
        return db.session.scalars(select(School.parents_page_id)).first()


def test_every_take_home_sheet_prints_on_one_a4_side_without_the_help_and_nav_chrome(module_server, browser):
    from course.config import PROJECT_ROOT
    from course.content import load_library

    content, _ = load_library(PROJECT_ROOT)
    parents_id = _parents_page_id(module_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for module in content.ordered():
        page.goto(f"{module_server.url}/parents/{parents_id}/sheets/{module.slug}")
        page.wait_for_load_state("load")
        page.emulate_media(media="print")
        for hidden in (".site-header", ".site-footer", ".get-help", ".quick-exit", ".no-print"):
            expect(page.locator(hidden).first).to_be_hidden()
        assert page.locator("h1").is_visible() and page.locator("#tells-title").is_visible()
        if module.slug == "online-blackmail":
            screenshot(page, "parents-sheet-print")
        pages = _pages(page.pdf(format="A4", prefer_css_page_size=True))
        assert len(pages) == 1, f"the sheet for {module.slug} prints on {len(pages)} pages"
        page.emulate_media(media="screen")
    # The letter home prints on one side too.
    page.goto(f"{module_server.url}/parents/{parents_id}/letter")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    assert len(_pages(page.pdf(format="A4", prefer_css_page_size=True))) == 1
    context.close()
