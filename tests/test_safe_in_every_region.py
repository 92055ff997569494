"""Safe in every region: each lesson, rendered for a school in each region, names only services of the right
kind for each role, as links; and the content check refuses each mistake a review found, planted here."""

import re
import shutil
from html import unescape
from types import SimpleNamespace

import pytest

from course.config import PROJECT_ROOT
from course.content import load_library
from course.content.help_directory import ROLE_KINDS
from course.content.safety_checks import REGION_PHRASES
from course.content.tokens import SERVICE_ROLES
from course.domain.directory import link_of, token_values
from tests.conftest import FIXTURE_CONTENT

CONTENT, PROBLEMS = load_library(PROJECT_ROOT)
MENTION = re.compile(r'<a class="service-link" data-role="([a-z_]+)" href="([^"]+)"')


@pytest.mark.parametrize("region_code", sorted(CONTENT.regions))
def test_every_lesson_names_the_right_kind_of_service_in_this_region(region_code):
    assert PROBLEMS == []
    region = CONTENT.regions[region_code]
    school = SimpleNamespace(name="Test School", safeguarding_contact="Ms Test in room 1", region=region_code)
    values = token_values(list(region.services), school)
    by_link = {}
    for service in region.services:
        by_link.setdefault(link_of(service), []).append(service)
    roles_seen = set()
    for module in CONTENT.modules.values():
        for number, page in enumerate(module.pages, start=1):
            html = values.fill_html(page.pupil_html)
            where = f"{module.slug} page {number} ({region_code})"
            assert "{{" not in html and 'class="region-text"' not in html, where
            for role, href in MENTION.findall(html):
                roles_seen.add(role)
                services = [s for s in by_link.get(unescape(href), []) if role in s.roles]
                assert services, f"{where}: {role} links to {href}, which no {role} service of the region has"
                assert services[0].kind in ROLE_KINDS[role], f"{where}: {services[0].name} cannot stand for {role}"
                if href.startswith("tel:"):
                    assert re.fullmatch(r"tel:\+?[0-9]+", href), f"{where}: {href} is not a number a phone can dial"
            text = re.sub(r"<[^>]+>", " ", html).lower()
            for phrase, regions in REGION_PHRASES.items():
                if region_code not in regions:
                    assert not re.search(rf"\b{re.escape(phrase)}\b", text), f"{where} says '{phrase}'"
    # The lessons use every role, and each region fills each one with a service (a link, not plain words).
    assert roles_seen == set(SERVICE_ROLES), sorted(set(SERVICE_ROLES) - roles_seen)


def test_an_irish_school_sends_grooming_and_blackmail_to_the_gardai_and_hotline_ie_only_for_images():
    values = token_values(list(CONTENT.regions["ie"].services), SimpleNamespace(name="S", safeguarding_contact="",
                                                                                 region="ie"))
    assert values.services["report_abuse"].name.startswith("An Garda Síochána")
    assert values.services["remove_images"].name == "Hotline.ie"
    blackmail = " ".join(values.fill_html(p.pupil_html) for p in CONTENT.get("online-blackmail").pages)
    assert "may get in touch" not in blackmail and "In the UK" not in blackmail


def test_the_us_helpline_is_childhelp_and_988_is_the_crisis_line():
    services = {s.key: s for s in CONTENT.regions["us"].services}
    assert "helpline" in services["childhelp"].roles and services["childhelp"].phone == "1-800-422-4453"
    assert services["988-lifeline"].roles == ("crisis",)
    assert "police_report" in services["fbi"].roles
    assert all(not re.search(r"[A-Za-z]", s.phone) for s in services.values())


def test_the_law_line_follows_the_schools_region():
    page = next(p for p in CONTENT.get("pressure-to-share-images").pages if p.title == "What the law says")
    for code, expected in (("uk", "In the UK"), ("ie", "In Ireland"), ("us", "In the United States"),
                           ("au", "In Australia")):
        values = token_values(list(CONTENT.regions[code].services),
                              SimpleNamespace(name="S", safeguarding_contact="", region=code))
        html = values.fill_html(page.pupil_html)
        assert expected in html
        others = {"In the UK", "In Ireland", "In the United States", "In Australia"} - {expected}
        assert not any(other in html for other in others), code


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def _plant(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _messages(root) -> list[str]:
    _content, problems = load_library(root)
    return [str(p) for p in problems]


LESSON_MISTAKES = [
    ("In the UK, it is against the law to share nudes of under-18s.", "is true of one region only"),
    ("A trained person reads what you send. They may get in touch to check you are safe.",
     "do not promise that a service contacts the child"),
    ("Take screenshots of the messages and the username.", "the rule that the nude picture itself"),
    ("Take screenshots of the messages, block the account and report it. Never save the picture itself.",
     "keep the evidence before blocking"),
    ("Priya still feels wobbly for a while.", "is an idiom an EAL pupil may not know"),
    ("::: region fr\nBonjour.\n:::", "'::: region' needs one or more of uk, ie, us, au"),
]


@pytest.mark.parametrize("planted, expected", LESSON_MISTAKES, ids=[m[1][:30] for m in LESSON_MISTAKES])
def test_the_content_check_refuses_each_lesson_mistake(content, planted, expected):
    module = content / "modules" / "pretending.md"
    _plant(module, "Priya meets a new friend in a game.\n:::\n", f"Priya meets a new friend in a game.\n:::\n\n{planted}\n")
    line = module.read_text().splitlines().index(planted.splitlines()[0]) + 1
    found = [m for m in _messages(content) if expected in m]
    assert found and found[0].startswith(f"modules/pretending.md:{line}:"), _messages(content)


def test_region_text_inside_its_own_block_passes(content):
    module = content / "modules" / "pretending.md"
    _plant(module, "Priya meets a new friend in a game.\n:::\n",
           "Priya meets a new friend in a game.\n:::\n\n::: region uk\nIn the UK, the law protects you.\n:::\n")
    assert _messages(content) == []


DIRECTORY_MISTAKES = [
    # a role with no service: the crisis line taken out
    ('id = "samaritans"\nroles = ["crisis"]', 'id = "samaritans"\nroles = []', "no pupil service has the role 'crisis'"),
    # the wrong kind for a role: an image hotline as the place to report grooming (Ireland's old mistake)
    ('id = "ceop"\nroles = ["report_abuse"]\nkind = "child_protection"', 'id = "ceop"\nroles = ["report_abuse"]\nkind = "image_report"',
     "cannot stand for the role 'report_abuse'"),
    # the crisis line as the children's helpline (the US's old mistake)
    ('id = "childline"\nroles = ["helpline"]\nkind = "helpline"', 'id = "childline"\nroles = ["helpline"]\nkind = "crisis_line"',
     "cannot stand for the role 'helpline'"),
    ('phone = "0800 1111"', 'phone = "1-800-THE-LOST"', "must be digits"),
    ('id = "childline"\nroles = ["helpline"]\nkind = "helpline"', 'id = "childline"\nroles = ["helpline"]', "kind must be one of"),
]


@pytest.mark.parametrize("old, new, expected", DIRECTORY_MISTAKES, ids=[m[2][:30] for m in DIRECTORY_MISTAKES])
def test_the_content_check_refuses_each_directory_mistake(content, old, new, expected):
    _plant(content / "help_directory" / "uk.toml", old, new)
    found = [m for m in _messages(content) if expected in m]
    assert found and found[0].startswith("help_directory/uk.toml:"), _messages(content)


def test_lesson_contacts_are_links_on_the_lesson_page(demo, client, auth):
    """Over HTTP, as a pupil sees it: the help services named inside a lesson are tel: or web links."""
    from tests.conftest import post_form

    auth.login_as("teacher")
    html = client.get("/teach/").get_data(as_text=True)
    class_id = re.search(r"/teach/classes/(\d+)", html).group(1)
    post_form(client, f"/teach/classes/{class_id}", f"/teach/classes/{class_id}/assign",
              {"modules": ["where-to-go-for-help"], "answers_shown": "after_attempt", "delivery": "in_class"})
    auth.logout()
    auth.login_as("pupil")
    pages = [client.get(f"/lessons/where-to-go-for-help/page/{n}").get_data(as_text=True) for n in range(1, 8)]
    links = [href for page in pages for _role, href in MENTION.findall(page)]
    assert any(h.startswith("tel:") for h in links) and any(h.startswith("https://") for h in links)


def test_an_existing_schools_directory_takes_the_files_roles_and_new_entries(demo):
    """A school set up before a directory was corrected gets the corrected roles at the next start-up,
    and keeps its safeguarding lead's own wording."""
    from sqlalchemy import delete, select

    from course.domain.directory import sync_roles_from_files
    from course.extensions import db
    from course.models import HelpService, School
    from course.web.content import library

    with demo.app_context():
        school = db.session.scalars(select(School)).first()
        version = school.directory_version
        childline = db.session.scalars(select(HelpService).where(HelpService.key == "childline")).one()
        childline.roles, childline.description = ["report_abuse"], "Our own words about Childline."
        db.session.execute(delete(HelpService).where(HelpService.key == "samaritans"))
        db.session.commit()
        assert sync_roles_from_files(db.session, library()) == 1
        db.session.commit()
        childline = db.session.scalars(select(HelpService).where(HelpService.key == "childline")).one()
        assert childline.roles == ["helpline"] and childline.description == "Our own words about Childline."
        assert db.session.scalars(select(HelpService).where(HelpService.key == "samaritans")).one().roles == ["crisis"]
        assert db.session.get(School, school.id).directory_version > version
        assert sync_roles_from_files(db.session, library()) == 0  # nothing more to do
