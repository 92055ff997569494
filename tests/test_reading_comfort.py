"""The pupils' reading comfort menu: a plain form, kept in the session, Post/Redirect/Get back to the page."""

import re

from tests.conftest import csrf_from

BODY = re.compile(r'<body class="([^"]*)"')


def _body_classes(client, path: str) -> set[str]:
    return set(BODY.search(client.get(path).get_data(as_text=True)).group(1).split())


def _save(client, options: list[str], back: str = "/lessons/"):
    data = {"csrf_token": csrf_from(client, "/lessons/"), "next": back, "comfort": options}
    return client.post("/lessons/comfort", data=data)


def test_the_menu_is_on_pupil_pages_and_returns_to_the_same_page(demo, client, auth):
    auth.login_as("pupil")
    page = client.get("/lessons/people-online/page/1").get_data(as_text=True)
    assert 'action="/lessons/comfort"' in page
    assert 'name="next" value="/lessons/people-online/page/1"' in page
    assert "Larger text" in page and "More space between letters and lines" in page

    response = _save(client, ["large", "spacing"], back="/lessons/people-online/page/1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/lessons/people-online/page/1"
    assert {"comfort-large", "comfort-spacing"} <= _body_classes(client, "/lessons/people-online/page/1")
    # Kept for the session, on every page (the help page too).
    assert {"comfort-large", "comfort-spacing"} <= _body_classes(client, "/help/")
    assert re.search(r'id="comfort-large"[^>]* checked', client.get("/lessons/").get_data(as_text=True))


def test_turning_everything_off_goes_back_to_normal(demo, client, auth):
    auth.login_as("pupil")
    _save(client, ["spacing"])
    assert "comfort-spacing" in _body_classes(client, "/lessons/")
    response = _save(client, [])
    assert response.status_code == 302
    assert "Reading comfort set back to normal." in client.get("/help/").get_data(as_text=True)
    classes = _body_classes(client, "/lessons/")
    assert not any(c.startswith("comfort-") for c in classes)


def test_unknown_options_change_nothing_and_say_so(demo, client, auth):
    auth.login_as("pupil")
    _save(client, ["large"])
    response = _save(client, ["spacing", "<script>"])
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "That reading option is not one we know, so nothing was changed." in followed
    classes = _body_classes(client, "/lessons/")
    assert "comfort-large" in classes and "comfort-spacing" not in classes


def test_the_return_address_must_be_on_this_site(demo, client, auth):
    auth.login_as("pupil")
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""):
        response = _save(client, ["large"], back=bad)
        assert response.status_code == 302
        assert response.headers["Location"] == "/lessons/", bad


def test_the_menu_needs_a_csrf_token_and_a_pupil(demo, client, auth):
    auth.login_as("pupil")
    assert client.post("/lessons/comfort", data={"comfort": ["large"]}).status_code == 400
    assert "comfort-large" not in _body_classes(client, "/lessons/")
    auth.logout()

    auth.login_as("teacher")
    teacher_page = client.get("/teach/").get_data(as_text=True)
    assert "Reading comfort" not in teacher_page
    token = csrf_from(client, "/teach/")
    assert client.post("/lessons/comfort", data={"csrf_token": token, "comfort": ["large"]}).status_code == 403


def test_logged_out_visitors_are_sent_to_log_in(demo, client):
    token = csrf_from(client, "/login")
    response = client.post("/lessons/comfort", data={"csrf_token": token, "comfort": ["large"]})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Reading comfort" not in client.get("/help/").get_data(as_text=True)
