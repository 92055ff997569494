"""A pupil completes a module with the keyboard alone (focus always visible), and another with JavaScript off.
Quick exit on Escape pressed twice leaves and replaces the page in the history; clicking it logs out, so
Back never shows a logged-in page.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from course.web.content import library
from tests.browser.conftest import login, screenshot


class _Weather(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        body = b"<!doctype html><title>Weather</title><h1>Weather</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def weather(live_server):
    """A stand-in for the quick-exit site on this machine (a browser follows Harbour's redirect to it)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Weather)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/weather"
    live_server.app.config["QUICK_EXIT_URL"] = url
    yield url
    server.shutdown()
    server.server_close()

# Empty when the focused element shows a focus indicator (an outline or a box shadow); else a description of it.
FOCUS_PROBLEM = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'nothing has focus';
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    return outline || shadow ? '' : e.outerHTML.slice(0, 160);
}"""

FOCUSED = """() => { const e = document.activeElement;
    return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '', value: e.value || '',
            text: (e.innerText || '').trim(), href: e.getAttribute('href') || '', checked: !!e.checked}; }"""


class Keyboard:
    """Drives a page with Tab, Enter and Space, checking after every key that the focus can be seen."""

    def __init__(self, page):
        self.page = page
        self.steps = 0

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        self.steps += 1
        focused = self.page.evaluate(FOCUSED)
        if key in ("Tab", "ArrowDown") and focused["tag"] != "body":
            problem = self.page.evaluate(FOCUS_PROBLEM)
            assert not problem, f"focus not visible after {key} on {self.page.url}: {problem}"
        return focused

    def follow(self, key: str) -> None:
        """A key that submits a form or follows a link: the page changes, so there is nothing to read yet."""
        self.page.keyboard.press(key)
        self.steps += 1

    def tab_to(self, matches, limit: int = 80) -> dict:
        for _ in range(limit):
            focused = self.press("Tab")
            if matches(focused):
                return focused
        raise AssertionError(f"Tab never reached the element on {self.page.url}")


def _button(text: str):
    return lambda f: f["tag"] == "button" and f["text"] == text


def test_a_pupil_completes_a_module_with_the_keyboard_only(live_server, browser):
    base = live_server.url
    with live_server.app.app_context():
        module = library().get("people-online")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    keys = Keyboard(page)

    page.goto(f"{base}/login")
    keys.tab_to(lambda f: f["name"] == "username")
    page.keyboard.type("sam")
    keys.tab_to(lambda f: f["name"] == "password")
    page.keyboard.type("sunny-otter-42")
    keys.follow("Enter")
    page.wait_for_url(f"{base}/lessons/")

    keys.tab_to(lambda f: f["href"] == "/lessons/people-online/")
    keys.follow("Enter")
    # "What do you think?" first: the first item answered with the arrow keys, then on to the lesson.
    page.wait_for_url("**/check")
    keys.tab_to(lambda f: f["type"] == "radio")
    assert keys.press("ArrowDown")["checked"]
    keys.tab_to(_button("Start the lesson"), limit=60)
    keys.follow("Enter")
    page.wait_for_url("**/page/1")
    for number in range(1, module.page_count + 1):
        text = "Go to the quiz" if number == module.page_count else "Next"
        keys.tab_to(_button(text), limit=120)
        keys.follow("Space" if number % 2 else "Enter")
        page.wait_for_url("**/quiz" if number == module.page_count else f"**/page/{number + 1}")

    # Checkboxes are Tab stops of their own (Space ticks one). A radio group is one Tab stop: the arrow keys
    # move between its options, as in every browser; Space picks the first when it is the right one.
    right = {f"q-{q.id}": set(q.correct_ids) for q in module.quiz.questions}
    right.update({f"k-{c.id}": {c.correct_id} for c in module.quiz.checks})  # the check's items, once more
    done = set()
    while True:
        focused = keys.press("Tab")
        if _button("Check my answers")(focused):
            break
        name = focused["name"]
        if focused["type"] == "checkbox" and name in right and focused["value"] in right[name]:
            focused = keys.press("Space")
            assert focused["checked"]
            done.add(name)
        elif focused["type"] == "radio" and name not in done:
            for _ in range(10):
                if focused["value"] in right[name]:
                    break
                focused = keys.press("ArrowDown")
            if not focused["checked"]:
                focused = keys.press("Space")
            assert focused["checked"] and focused["value"] in right[name]
            done.add(name)
    assert done == set(right)
    keys.follow("Enter")
    page.wait_for_url("**/attempts/**")
    assert "You have finished the quiz. Well done!" in page.inner_text("main")  # ages 8-11: never "passed" or "failed"
    screenshot(page, "keyboard-quiz-result")

    keys.tab_to(lambda f: f["href"] == "/lessons/" and f["text"] == "My lessons")
    keys.follow("Enter")
    page.wait_for_url(f"{base}/lessons/")
    card = page.locator(".lesson-card", has_text=module.title)
    assert "Completed" in card.inner_text()
    assert keys.steps > 20
    context.close()


def test_a_pupil_completes_a_module_with_javascript_off(live_server, browser, weather):
    base = live_server.url
    with live_server.app.app_context():
        module = library().get("where-to-go-for-help")
    context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=False)
    page = context.new_page()
    login(page, base, "sam", "sunny-otter-42")
    page.wait_for_url(f"{base}/lessons/")

    # The reading comfort menu is a plain form: it opens, saves and comes back to the same page.
    page.click(f"a[href='/lessons/{module.slug}/']")
    # "What do you think?" works as a plain form: one item answered wrongly, one "not sure", then the lesson.
    page.wait_for_url("**/check")
    checks = module.quiz.checks
    wrong = next(o for o in checks[0].options if not o.correct)
    page.check(f"#k-{checks[0].id}-{wrong.id}")
    page.check(f"#k-{checks[1].id}--unsure")
    screenshot(page, "no-js-knowledge-check-360")
    page.click("button.button-primary:has-text('Start the lesson')")
    page.wait_for_url("**/page/1")
    page.click("summary:has-text('Reading comfort')")
    page.check("#comfort-large")
    screenshot(page, "no-js-comfort-menu-open-360")
    page.click("button:has-text('Save reading comfort')")
    page.wait_for_url("**/page/1")
    assert "comfort-large" in page.get_attribute("body", "class")
    assert "Reading comfort saved." in page.inner_text("main")
    screenshot(page, "no-js-comfort-large-360")
    # On a wide screen the menu opens over the page, inside the window, and is still checked.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("summary:has-text('Reading comfort')")
    box = page.locator(".comfort-form").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    assert page.is_checked("#comfort-large") and not page.is_checked("#comfort-spacing")
    screenshot(page, "no-js-comfort-menu-open-1280")
    page.click("summary:has-text('Reading comfort')")
    page.set_viewport_size({"width": 360, "height": 780})

    for number in range(1, module.page_count + 1):
        page.click("button:has-text('Go to the quiz')" if number == module.page_count else "button:has-text('Next')")
    page.wait_for_url("**/quiz")

    # Submitting with nothing chosen: the page says what is missing, nothing is saved.
    page.click("button:has-text('Check my answers')")
    assert "Please choose an answer." in page.inner_text("main")

    for question in module.quiz.questions:
        for option_id in question.correct_ids:
            page.check(f"#q-{question.id}-{option_id}")
    for check in checks:
        page.check(f"#k-{check.id}-{check.correct_id}")
    page.click("button:has-text('Check my answers')")
    page.wait_for_url("**/attempts/**")
    main = page.inner_text("main")
    assert "you passed" in main  # ages 11-17
    # The check's items come back with what the pupil thought before, now, and the answer.
    assert "What you thought at the start, and now" in main and wrong.text in main
    screenshot(page, "no-js-quiz-result-360")

    page.click("nav[aria-label=Main] >> text=My lessons")
    assert "Completed" in page.locator(".lesson-card", has_text=module.title).inner_text()
    # Quick exit is a real link, so it works without JavaScript too: through Harbour, which logs out first.
    assert page.get_attribute("a.quick-exit", "href") == "/exit"
    page.click("a.quick-exit")
    page.wait_for_url(weather)
    page.go_back()
    assert "/login" in page.url and page.locator("text=Log out").count() == 0
    context.close()


def test_escape_twice_leaves_and_replaces_the_page_in_history(live_server, browser, weather):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.goto(f"{base}/help/")
    length = page.evaluate("history.length")
    page.keyboard.press("Escape")
    assert page.url == f"{base}/help/"  # one press alone does nothing
    page.keyboard.press("Escape")
    page.wait_for_url(weather)
    assert page.evaluate("history.length") == length
    page.go_back()
    assert page.url == f"{base}/login", "Back returned to the page the pupil left"
    context.close()


def test_quick_exit_logs_out_so_back_shows_no_logged_in_page(live_server, browser, weather):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, base, "sam", "sunny-otter-42")
    page.goto(f"{base}/lessons/")
    page.goto(f"{base}/help/talk")
    assert page.locator("button:has-text('Log out')").count() == 1
    page.click("a.quick-exit")
    page.wait_for_url(weather)
    page.go_back()
    page.wait_for_load_state()
    # Back leads to a Harbour page for someone logged out (the login page), never the pupil's own pages.
    assert page.url.startswith(base)
    assert page.locator("button:has-text('Log out')").count() == 0
    assert "Ask to talk to someone at school" not in page.inner_text("body")
    assert "Sam" not in page.inner_text("body")
    page.goto(f"{base}/lessons/")
    assert "/login" in page.url  # the session really ended
    context.close()
