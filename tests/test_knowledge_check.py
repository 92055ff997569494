"""The knowledge check format: [[checks]] in a quiz file, read onto the quiz, refused with file and line."""

import shutil
from pathlib import Path

import pytest

from course.config import PROJECT_ROOT
from course.content import load_library
from course.content.quizzes import OUTCOMES, ecw_statements

from .conftest import FIXTURE_CONTENT

CHECKS = Path(__file__).parent / "fixtures" / "knowledge_check" / "checks.toml"
QUIZ = "quizzes/pretending.toml"


@pytest.fixture
def root(tmp_path):
    """The fixture content with a valid knowledge check appended to its quiz."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    quiz = root / QUIZ
    quiz.write_text(quiz.read_text() + "\n" + CHECKS.read_text())
    return root


def _edit(root: Path, old: str, new: str, count: int = 1) -> None:
    path = root / QUIZ
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


def _line(root: Path, needle: str, after: int = 0) -> int:
    lines = (root / QUIZ).read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and needle in line)


def _messages(root: Path) -> list[str]:
    _, problems = load_library(root)
    return [str(p) for p in problems]


def test_a_valid_check_is_read_onto_the_quiz(root):
    content, problems = load_library(root)
    assert problems == []
    quiz = content.get("pretending").quiz
    assert [c.id for c in quiz.checks] == ["c-pretend", "c-who", "c-trouble"]
    check = quiz.check("c-pretend")
    assert (check.outcome, check.statement, check.correct_id) == ("warning_signs", "or-7-11-may-pretend", "not-sure")
    assert check.misconception_ids == {"must-be", "friend"}
    assert check.option("friend").feedback == "Saying an age does not make someone a friend."
    assert check.line == _line(root, "[[checks]]")
    assert quiz.check("nope") is None


def test_a_quiz_without_checks_is_valid_and_has_none():
    content, problems = load_library(FIXTURE_CONTENT)
    assert problems == [] and content.get("pretending").quiz.checks == ()


def _first_check_line(root):
    return _line(root, "[[checks]]")


@pytest.mark.parametrize("old, new, needle, message", [
    ('outcome = "warning_signs"', 'outcome = "knows_stuff"', 'outcome = "knows_stuff"',
     "check 'c-pretend': outcome must be one of warning_signs, what_to_do, where_to_get_help, never_their_fault"),
    ('statement = "or-7-11-may-pretend"', 'statement = "ecw-99"', 'statement = "ecw-99"',
     "check 'c-pretend': unknown statement 'ecw-99': use an id from course/content/ecw_statements.toml"),
    ('id = "c-pretend"', 'id = "signs"', 'id = "signs"',
     "check 'signs': a question already has this id; give the check its own"),
    ('id = "c-who"', 'id = "c-pretend"', '[[checks]]',
     "check 'c-pretend': the id is used twice"),
    ('id = "c-pretend"', 'id = "C Pretend"', 'id = "C Pretend"',
     "check 'C Pretend': 'id' must be lower-case letters, digits and hyphens"),
    ('prompt = "A player says they are 10. What do you think?"', 'prompt = ""', 'prompt = ""',
     "check 'c-pretend': missing 'prompt'"),
])
def test_a_broken_check_is_refused_with_its_line(root, old, new, needle, message):
    _edit(root, old, new)
    if needle == "[[checks]]":  # the second [[checks]] table
        line = _line(root, "[[checks]]", after=_first_check_line(root))
    elif needle.startswith("id = ") or needle.startswith("prompt"):
        line = _first_check_line(root)  # a problem with the item as a whole names its [[checks]] line
    else:
        line = _line(root, needle, after=_first_check_line(root))
    assert _messages(root) == [f"{QUIZ}:{line}: {message}"]


def test_two_right_options_and_no_misconception_are_refused(root):
    _edit(root, 'text = "They must be 10, then."\nmisconception = true', 'text = "They must be 10, then."\ncorrect = true')
    _edit(root, 'text = "They are a friend now."\nmisconception = true', 'text = "They are a friend now."')
    line = _first_check_line(root)
    assert _messages(root) == [
        f"{QUIZ}:{line}: check 'c-pretend': exactly one option is right (correct = true), not 2",
        f"{QUIZ}:{line}: check 'c-pretend': mark the wrong option that shows a misconception (misconception = true), "
        "so the school can see who still holds it"]


def test_the_right_option_cannot_be_a_misconception(root):
    _edit(root, 'text = "You can\'t be sure of that."\ncorrect = true',
          'text = "You can\'t be sure of that."\ncorrect = true\nmisconception = true')
    option_line = _line(root, "You can't be sure of that.") - 2
    assert _messages(root) == [
        f"{QUIZ}:{option_line}: check 'c-pretend': option 'not-sure' is the right one, so it cannot be a misconception"]


def test_an_option_without_feedback_or_with_a_bad_token_is_refused(root):
    _edit(root, 'feedback = "Anyone can say an age online."', 'feedback = ""')
    _edit(root, 'text = "An adult you trust"', 'text = "Call {{service:hotline}}"')
    # An option's problems name its [[checks.options]] line, two above its text.
    must_be = _line(root, 'text = "They must be 10, then."') - 2
    adult = _line(root, 'text = "Call {{service:hotline}}"') - 2
    messages = _messages(root)
    assert f"{QUIZ}:{must_be}: check 'c-pretend': option 'must-be' has no feedback (shown after the quiz)" in messages
    assert any(m.startswith(f"{QUIZ}:{adult}: unknown service role 'hotline'") for m in messages)


def test_three_to_five_items(root):
    text = (root / QUIZ).read_text()
    cut = text.index("[[checks]]", text.index("[[checks]]") + 1)
    (root / QUIZ).write_text(text[:cut])  # only one item left
    assert _messages(root) == [
        f"{QUIZ}:{_first_check_line(root)}: a knowledge check has 3 to 5 items ([[checks]] tables), not 1"]


def test_a_statement_for_another_age_band_than_the_module_is_refused(root):
    _edit(root, 'statement = "or-7-11-may-pretend"', 'statement = "or-14-18-blackmail-signs"')
    assert _messages(root) == [
        f"{QUIZ}:{_first_check_line(root)}: check 'c-pretend': statement 'or-14-18-blackmail-signs' is for ages "
        "14-18, but module 'pretending' is mapped to 7-11"]


def test_a_module_mapped_to_several_bands_may_use_any_of_them(root):
    module = root / "modules/pretending.md"
    module.write_text(module.read_text().replace('  ukcis_age_bands: ["7-11"]', '  ukcis_age_bands: ["7-11", "14-18"]'))
    _edit(root, 'statement = "or-7-11-may-pretend"', 'statement = "or-14-18-blackmail-signs"')
    assert not any("is for ages" in m for m in _messages(root))


def test_safety_critical_is_read_and_must_be_true_or_false(root):
    _edit(root, 'asks_where_to_get_help = true', 'asks_where_to_get_help = true\nsafety_critical = true')
    content, problems = load_library(root)
    assert problems == [] and content.get("pretending").quiz.question("what-to-do").safety_critical
    assert not content.get("pretending").quiz.question("pretend").safety_critical
    _edit(root, "safety_critical = true", 'safety_critical = "yes"')
    line = _line(root, 'safety_critical = "yes"')
    assert _messages(root) == [f"{QUIZ}:{line}: question 'what-to-do': safety_critical must be true or false"]


def test_the_statements_file_is_complete_and_in_harbours_words():
    statements = ecw_statements()
    assert len(statements) >= 10
    for statement in statements.values():
        assert statement.age_band in ("4-7", "7-11", "11-14", "14-18")
        assert statement.id.split("-")[1:3] == statement.age_band.split("-"), statement.id
        assert 40 <= len(statement.summary) <= 200 and statement.strand
    assert set(OUTCOMES) == {"warning_signs", "what_to_do", "where_to_get_help", "never_their_fault"}


def test_every_shipped_module_has_a_knowledge_check_across_the_outcomes():
    content, problems = load_library(PROJECT_ROOT)
    assert problems == []
    used_statements = set()
    for module in content.modules.values():
        checks = module.quiz.checks
        assert 3 <= len(checks) <= 5, module.slug
        assert len({c.outcome for c in checks}) >= 3, f"{module.slug}: at least three of the four outcomes"
        used_statements |= {c.statement for c in checks}
    outcomes = {c.outcome for m in content.modules.values() for c in m.quiz.checks}
    assert outcomes == set(OUTCOMES)
    assert used_statements <= set(ecw_statements())
