"""The course as it ships: structure, quizzes, help services, reading level and tone of every module."""

import re

import pytest
import textstat

from course.config import PROJECT_ROOT
from course.content import load_library
from course.content.library import blaming_phrases
from course.content.tokens import SERVICE_ROLES, TOKEN

CONTENT, PROBLEMS = load_library(PROJECT_ROOT)
MODULES = CONTENT.ordered()
IDS = [m.slug for m in MODULES]

# Flesch-Kincaid grade the pupil text of each age band must not exceed.
READING_LIMITS = {"8-11": 5, "11-14": 7, "11-17": 7, "14-17": 9}
EXPECTED = {
    "people-online": "8-11", "secrets-and-pressure": "8-11", "spotting-grooming": "11-14",
    "pressure-to-share-images": "11-14", "where-to-go-for-help": "11-17", "online-blackmail": "14-17",
    "supporting-a-friend": "14-17", "account-control": "11-17",
    "games-and-live-streams": "8-11", "live-streaming": "11-14", "ai-fakes": "11-17", "unwanted-nudes": "11-17",
    "healthy-relationships": "14-17", "older-teens-grooming": "14-17",
}


def plain_text(markdown: str) -> str:
    """Pupil text as a reader meets it: tokens filled, block markers and Markdown syntax removed."""
    text = TOKEN.sub(lambda m: "Childline" if m.group(1) == "service" else "your teacher", markdown)
    text = re.sub(r"^:::.*$", "", text, flags=re.M)
    text = re.sub(r"[*_#>`]|\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*[-+]\s+|^\s*\d+\.\s+", "", text, flags=re.M)
    return text


def test_the_content_is_valid_and_complete():
    assert PROBLEMS == []
    assert {m.slug: m.age_band for m in MODULES} == EXPECTED


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_every_module_has_the_parts_a_safe_lesson_needs(module):
    assert 4 <= module.page_count <= 7
    blocks = [name for page in module.pages for name in page.blocks]
    assert "content-note" in module.pages[0].blocks, "the first page warns the topic may feel difficult"
    for needed in ("scenario", "think", "help", "teacher"):
        assert needed in blocks, f"no ::: {needed} block"
    last = module.pages[-1].pupil_text
    assert "{{school:safeguarding_contact}}" in last and "{{service:" in last and "trusted adult" in last.lower(), \
        "the closing page names a trusted adult, the school's safeguarding lead and the region's services"
    assert module.framework.get("ukcis_strands") and module.framework.get("ukcis_age_bands")
    assert module.framework.get("rshe") and module.framework.get("kcsie_4cs")
    assert module.objectives


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_every_quiz_teaches_and_asks_where_to_get_help(module):
    quiz = module.quiz
    assert 6 <= len(quiz.questions) <= 10
    assert any(q.asks_where_to_get_help for q in quiz.questions)
    assert all(option.feedback.strip() for q in quiz.questions for option in q.options)
    assert 50 <= quiz.pass_mark <= 80


def test_the_course_uses_every_question_type():
    types = {q.type for m in MODULES for q in m.quiz.questions}
    assert types == {"single", "multiple", "true_false"}


def _texts(module):
    yield from (page.pupil_text for page in module.pages)
    for question in module.quiz.questions:
        yield question.prompt
        for option in question.options:
            yield option.text
            yield option.feedback


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_services_are_named_through_the_directory_of_every_region(module):
    roles = {m.group(2) for text in _texts(module) for m in TOKEN.finditer(text) if m.group(1) == "service"}
    assert roles, "a lesson points to help services"
    for region in CONTENT.regions.values():
        offered = {role for s in region.services if s.audience == "pupil" for role in s.roles}
        assert roles <= offered, f"{region.code} lacks {roles - offered}"
    assert roles <= set(SERVICE_ROLES)
    # No phone number written out: a school in another region would see the wrong one.
    for text in _texts(module):
        assert not re.search(r"\b\d{3,4}\s?\d{3,4}\b|\b999\b|\b911\b", text), text[:80]


def test_every_region_has_a_dated_entry_for_every_role():
    assert set(CONTENT.regions) >= {"uk", "ie", "us", "au"}
    for region in CONTENT.regions.values():
        for role in SERVICE_ROLES:
            assert any(role in s.roles for s in region.services), (region.code, role)
        assert all(s.last_checked for s in region.services)


def test_reading_level_is_at_or_below_the_age_band(capsys):
    scores = {}
    for module in MODULES:
        text = plain_text("\n".join(page.pupil_text for page in module.pages))
        scores[module.slug] = textstat.flesch_kincaid_grade(text)
    with capsys.disabled():
        print("\nFlesch-Kincaid grade of pupil text (limit by age band):")
        for module in MODULES:
            print(f"  {module.slug:28} {module.age_band:6} {scores[module.slug]:5.1f}  (limit {READING_LIMITS[module.age_band]})")
    for module in MODULES:
        assert scores[module.slug] <= READING_LIMITS[module.age_band], module.slug


def test_no_pupil_text_blames_the_pupil():
    phrases = blaming_phrases()
    assert len(phrases) >= 10
    for module in MODULES:
        for text in _texts(module):
            lowered = " ".join(text.lower().replace("\u2019", "'").split())
            for phrase in phrases:
                assert phrase not in lowered, (module.slug, phrase)


def test_lessons_talk_about_characters_not_the_pupil():
    for module in MODULES:
        for text in _texts(module):
            assert "have you ever" not in text.lower(), module.slug
            assert "stranger danger" not in text.lower(), module.slug


# Pages written before every page had to name a way to get help (help stays one click away in the page
# layout). The list may only shrink: a new page without help fails, and a listed page that gains help
# may be taken off.
PAGES_WITHOUT_HELP_BEFORE_ISSUE_15 = {
    ("people-online", "Anyone can pretend"), ("people-online", "What to keep to yourself"),
    ("secrets-and-pressure", "Good secrets and bad secrets"),
    ("secrets-and-pressure", "Saying no, and what to do next"), ("secrets-and-pressure", "Pressure and tricks"),
    ("spotting-grooming", "What is grooming?"), ("spotting-grooming", "It can happen fast"),
    ("spotting-grooming", "It can be someone you know"), ("spotting-grooming", "What can help"),
    ("pressure-to-share-images", "Spotting pressure"), ("pressure-to-share-images", "Ways to say no"),
    ("where-to-go-for-help", "What happens when you tell"), ("online-blackmail", "Kofi's story"),
    ("supporting-a-friend", "Noticing something is wrong"), ("supporting-a-friend", "Listening without blame"),
    ("supporting-a-friend", "If an image is going round"), ("account-control", "Who can contact you"),
}


def test_every_new_page_is_within_reach_of_help():
    """A help box, the content note, or a service or the safeguarding lead named on the page itself."""
    missing = []
    for module in MODULES:
        for page in module.pages:
            text = page.pupil_text
            near_help = ("help" in page.blocks or "content-note" in page.blocks or "{{service:" in text
                         or "{{school:safeguarding_contact}}" in text)
            if not near_help and (module.slug, page.title) not in PAGES_WITHOUT_HELP_BEFORE_ISSUE_15:
                missing.append((module.slug, page.title))
    assert missing == [], "pages with no way to get help on them"


def test_region_text_on_a_page_covers_every_region():
    """Where a page says something for some regions only (the law), every region gets its own line."""
    from course.content.markdown import REGIONS

    for module in MODULES:
        for page in module.pages:
            covered = {code for name in page.blocks if name.startswith("region ") for code in name.split()[1:]}
            if covered:
                assert covered == set(REGIONS), (module.slug, page.title, set(REGIONS) - covered)


def test_each_story_character_has_one_story():
    """A name introduced with an age ("Kofi is 15") belongs to one character in one module, so a pupil
    never meets the same name as a victim in two different stories."""
    introduced: dict[str, set[str]] = {}
    pronouns = {"He", "She", "It", "They", "This", "That"}
    for module in MODULES:
        text = "\n".join(page.pupil_text for page in module.pages)
        for name in re.findall(r"\b([A-Z][a-z]+)(?: and [A-Z][a-z]+)? (?:is|are both) \d{1,2}\b", text):
            introduced.setdefault(name, set()).add(module.slug)
        for name in re.findall(r"\b[A-Z][a-z]+ and ([A-Z][a-z]+) are both \d{1,2}\b", text):
            introduced.setdefault(name, set()).add(module.slug)
    introduced = {name: slugs for name, slugs in introduced.items() if name not in pronouns}
    assert len(introduced) >= 30
    assert {name: slugs for name, slugs in introduced.items() if len(slugs) > 1} == {}


def test_the_sensitive_new_modules_are_taught_in_class_first():
    for slug in ("ai-fakes", "unwanted-nudes", "older-teens-grooming"):
        assert CONTENT.get(slug).teach_in_class_first, slug


def test_the_course_shows_lgbtq_and_disabled_characters_in_passing():
    """Issue 15: at least one same-sex couple and one disabled or SEND character across the course."""
    text = "\n".join(page.pupil_text for module in MODULES for page in module.pages)
    assert "Sami and Theo are both 16" in text and "Kyle's boyfriend, Arjun" in text
    assert "He has dyslexia" in text and "wheels over" in text and "hearing aid" in text


# The staff track (modules/staff/, issue 16): the same format and the same safety checks; adult reading level.
STAFF_MODULES = CONTENT.staff_ordered()
STAFF_IDS = [m.slug for m in STAFF_MODULES]


def test_the_staff_track_is_complete_and_apart_from_the_pupils_library():
    assert {m.slug: m.staff_roles for m in STAFF_MODULES} == {
        "recognising-grooming-and-blackmail": ("teacher", "safeguarding_lead", "admin"),
        "responding-to-a-disclosure": ("teacher", "safeguarding_lead", "admin"),
        "shared-nudes-incidents": ("safeguarding_lead",),
    }
    assert not set(STAFF_IDS) & set(CONTENT.modules), "a staff module is never in the pupils' library"
    assert all(m.age_band == "adult" for m in STAFF_MODULES)


@pytest.mark.parametrize("module", STAFF_MODULES, ids=STAFF_IDS)
def test_every_staff_module_is_safe_and_ends_within_reach_of_help(module):
    assert 3 <= module.page_count <= 7
    assert "content-note" in module.pages[0].blocks
    last = module.pages[-1].pupil_text
    assert "{{school:safeguarding_contact}}" in last and "{{service:" in last
    for page in module.pages:
        near_help = ("help" in page.blocks or "content-note" in page.blocks or "{{service:" in page.pupil_text
                     or "{{school:safeguarding_contact}}" in page.pupil_text)
        assert near_help, (module.slug, page.title)
    quiz = module.quiz
    assert quiz is not None and 4 <= len(quiz.questions) <= 10
    assert any(q.asks_where_to_get_help for q in quiz.questions)
    phrases = blaming_phrases()
    for text in _texts(module):
        lowered = " ".join(text.lower().replace("\u2019", "'").split())
        assert not [p for p in phrases if p in lowered], module.slug
        assert "stranger danger" not in lowered
    roles = {m.group(2) for text in _texts(module) for m in TOKEN.finditer(text) if m.group(1) == "service"}
    for region in CONTENT.regions.values():
        offered = {role for s in region.services if s.audience == "pupil" for role in s.roles}
        assert roles <= offered, f"{region.code} lacks {roles - offered}"
    # Never advice to an adult to view, copy or forward an image: every mention of one is a "never" or "do not".
    for page in module.pages:
        for sentence in re.split(r"(?<=[.!?])\s+", plain_text(page.pupil_text)):
            if re.search(r"\b(view|look at|copy|forward|screenshot)\b", sentence, re.I) and \
                    re.search(r"\b(image|picture|imagery)\b", sentence, re.I):
                assert re.search(r"\b(never|not|don't)\b", sentence, re.I), (module.slug, sentence)


def test_every_pupil_module_has_a_take_home_sheet_for_parents():
    sheets = CONTENT.parent_sheets
    assert set(sheets.starters) == set(CONTENT.modules)
    assert all(2 <= len(starters) <= 3 for starters in sheets.starters.values())
    steps = " ".join(sheets.if_your_child_tells_you)
    for step in ("Stay calm", "not their fault", "Do not blame", "Do not pay", "Do not contact or confront",
                 "Do not delete anything", "Never look at, copy, save or forward", "Report it"):
        assert step in steps


def test_parents_and_staff_text_stays_plain():
    """Parents (many reading English as an additional language) and staff get plain words too: the sheets'
    text at most Flesch-Kincaid grade 6, each staff module at most grade 9."""
    sheets = CONTENT.parent_sheets
    text = " ".join(sheets.signs + sheets.if_your_child_tells_you
                    + tuple(s for starters in sheets.starters.values() for s in starters))
    assert textstat.flesch_kincaid_grade(text) <= 6
    for module in STAFF_MODULES:
        grade = textstat.flesch_kincaid_grade(plain_text("\n".join(page.pupil_text for page in module.pages)))
        assert grade <= 9, (module.slug, grade)
