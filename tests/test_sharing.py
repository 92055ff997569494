"""Sharing an assignment: Google Classroom's public share link (no API keys) and a plain link for pupils that
leads, through the login page, to the module, where Harbour keeps the pupil's progress."""

import html as html_lib
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from course.domain.demo import CLASSES
from course.domain.sharing import share_links
from course.extensions import db
from course.models import Assignment
from tests.factories import class_id


def _class_page(demo, client, auth):
    auth.login_as("teacher")
    sam_class = class_id(demo, CLASSES[0][0])
    html = client.get(f"/teach/classes/{sam_class}").get_data(as_text=True)
    with demo.app_context():
        assignments = db.session.scalars(select(Assignment).where(Assignment.class_id == sam_class)).all()
        slugs = [(a.id, a.module.slug, a.module.title, a.due_date) for a in assignments]
    return html, slugs


def test_every_assignment_has_a_share_to_classroom_link_and_a_plain_link(demo, client, auth):
    html, assignments = _class_page(demo, client, auth)
    assert assignments
    shares = [html_lib.unescape(h) for h in re.findall(r'href="(https://classroom\.google\.com/share\?[^"]+)"', html)]
    links = re.findall(r'<input class="input" type="text" id="link-\d+" value="([^"]+)" readonly', html)
    assert len(shares) == len(links) == len(assignments)
    # The page lists them in its own order: each share link carries the plain link beside it.
    assert sorted(links) == sorted(f"http://localhost/lessons/{slug}/" for _id, slug, _title, _due in assignments)
    titles = {f"http://localhost/lessons/{slug}/": title for _id, slug, title, _due in assignments}
    for share, link in zip(shares, links, strict=True):
        query = parse_qs(urlsplit(share).query)
        assert urlsplit(share).netloc == "classroom.google.com" and urlsplit(share).path == "/share"
        assert query["url"] == [link] and query["title"] == [titles[link]] and query["itemtype"] == ["assignment"]
    assert html.count(">Share to Classroom<") == len(assignments)


def test_the_plain_link_leads_a_pupil_through_login_to_the_module(demo, client, auth):
    _html, assignments = _class_page(demo, client, auth)
    slug = assignments[0][1]
    auth.logout()
    first = client.get(f"/lessons/{slug}/")
    assert first.status_code == 302 and "/login" in first.headers["Location"]
    assert f"/lessons/{slug}/" in html_lib.unescape(first.headers["Location"]).replace("%2F", "/")
    from tests.conftest import csrf_from
    response = client.post(first.headers["Location"], data={
        "username": "sam", "password": "sunny-otter-42", "csrf_token": csrf_from(client, "/login")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/lessons/{slug}/")
    assert client.get(response.headers["Location"]).headers["Location"].startswith(f"/lessons/{slug}/")


def test_the_share_text_names_the_module_and_its_due_date():
    links = share_links("https://harbour.example/lessons/people-online/", "People online & you", date(2026, 12, 9))
    query = parse_qs(urlsplit(links.classroom).query)
    assert query["url"] == ["https://harbour.example/lessons/people-online/"]
    assert query["title"] == ["People online & you"]
    assert "Due 9 December 2026." in query["body"][0] and "Harbour" in query["body"][0]
    assert "&" not in links.classroom.split("title=")[1].split("&")[0]  # the title's own & is escaped
