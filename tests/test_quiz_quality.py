"""Quiz quality in the content check: a quiz whose right option can be found without reading is refused."""

import shutil
import subprocess
import sys

import pytest

from course.config import PROJECT_ROOT
from course.content import load_library
from course.content.quiz_quality import has_help_words, measure, report, shown_length, tick_all_credit
from course.content.quizzes import Option

from .conftest import FIXTURE_CONTENT

QUIZ = "quizzes/pretending.toml"


def _single(qid: str, right: str, *wrong: str) -> str:
    options = [(f"r{qid}", right, True)] + [(f"w{n}", text, False) for n, text in enumerate(wrong)]
    body = "".join(f'\n[[questions.options]]\nid = "{oid}"\ntext = "{text}"\ncorrect = {str(ok).lower()}\n'
                   f'feedback = "Because."\n' for oid, text, ok in options)
    return f'\n[[questions]]\nid = "{qid}"\ntype = "single"\nprompt = "Which?"\n{body}'


def _true_false(qid: str, answer: str) -> str:
    return (f'\n[[questions]]\nid = "{qid}"\ntype = "true_false"\nprompt = "Is it so?"\n'
            f'\n[[questions.options]]\nid = "true"\ntext = "True"\ncorrect = {str(answer == "true").lower()}\n'
            'feedback = "Because."\n'
            f'\n[[questions.options]]\nid = "false"\ntext = "False"\ncorrect = {str(answer == "false").lower()}\n'
            'feedback = "Because."\n')


def _multiple(qid: str, right: int, wrong: int) -> str:
    body = "".join(f'\n[[questions.options]]\nid = "o{n}"\ntext = "Choice {n}"\ncorrect = {str(n < right).lower()}\n'
                   'feedback = "Because."\n' for n in range(right + wrong))
    return f'\n[[questions]]\nid = "{qid}"\ntype = "multiple"\nprompt = "Which are right?"\n{body}'


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def _write(root, *questions: str) -> None:
    (root / QUIZ).write_text('module = "pretending"\npass_mark = 70\n' + "".join(questions))


def _line_of(root, qid: str) -> int:
    lines = (root / QUIZ).read_text().splitlines()
    return lines.index(f'id = "{qid}"')  # the [[questions]] line is just above: index is 0-based


def _quality(root) -> list[str]:
    _, problems = load_library(root)
    return [str(p) for p in problems if "quiz quality" in p.message]


BALANCED = [
    _single("q1", "Tell an adult you trust.", "Tell the player your school now.", "Say nothing."),
    _single("q2", "Keep it private.", "Send a photo of your uniform.", "Ask a friend to tell them."),
    _single("q3", "Stop replying now, and block.", "Keep chatting on the app.", "Reply to them, and report it later."),
    _single("q4", "Say no and report it.", "Send one to make it stop, then tell.", "Ignore it."),
]


def test_a_balanced_quiz_passes(root):
    _write(root, *BALANCED, _true_false("t1", "true"), _multiple("m1", 2, 2))
    assert _quality(root) == []


def test_right_option_longest_too_often_is_refused_at_the_first_such_question(root):
    longest = [_single(f"q{n}", "Stop replying, keep the evidence and tell an adult.", "Reply.", "Tell them.")
               for n in range(2, 5)]
    _write(root, BALANCED[0], *longest)
    first = _line_of(root, "q2")
    assert _quality(root) == [
        f"{QUIZ}:{first}: quiz quality: 3/4 (75%) single-answer questions whose right option is the longest "
        f"(limit 2 of 4: chance 33% plus a margin): q2 (line {first}), q3 (line {_line_of(root, 'q3')}), "
        f"q4 (line {_line_of(root, 'q4')}); balance the option lengths (a wrong option may be the longest)"]


def test_only_the_right_option_holding_help_words_is_refused(root):
    helpy = [_single(f"q{n}", "Talk to a teacher.", "Keep it quiet for now.", "Wait a week or two.") for n in range(1, 3)]
    _write(root, *helpy, *BALANCED[2:])
    messages = _quality(root)
    assert len(messages) == 1 and messages[0].startswith(
        f"{QUIZ}:{_line_of(root, 'q1')}: quiz quality: 2/4 (50%) single-answer questions whose right option "
        "alone holds help words (limit 1 of 4 (25%, and one is always allowed)): q1")


def test_myths_as_statements_are_refused(root):
    _write(root, *BALANCED, _true_false("t1", "false"), _true_false("t2", "false"), _true_false("t3", "true"))
    messages = _quality(root)
    assert len(messages) == 1
    assert messages[0].startswith(f"{QUIZ}:{_line_of(root, 't1')}: quiz quality: 2/3 (67%) true/false items that "
                                  "state a myth (the right answer is 'false')")
    assert "ask 'which is true?'" in messages[0]


def test_ticking_every_option_earning_more_than_half_is_refused(root):
    _write(root, *BALANCED, _multiple("m1", 3, 1), _multiple("m2", 3, 2))
    assert _quality(root) == [
        f"{QUIZ}:{_line_of(root, 'm1')}: quiz quality: question 'm1': ticking every option earns 67% of it "
        "(limit 50%); add wrong options, at least half as many as the right ones"]


def test_over_the_course_a_right_option_that_is_never_the_longest_is_a_clue_too(root):
    never = [_single(f"q{n}", "Say no.", "Tell them your name now.", "Keep it to yourself for now.")
             for n in range(1, 11)]
    _write(root, *never)
    assert _quality(root) == [
        "quizzes:1: quiz quality, all quizzes together: only 0/10 (0%) single-answer questions whose right option "
        "is the longest, far below the 33% chance gives: a pupil could learn that the longest option is never right; "
        "let the right option be the longest sometimes"]


def test_over_the_course_limits_add_up_the_quizzes(tmp_path):
    """Each quiz may have one flagged item; ten quizzes with one each are over the course limit."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    module = (root / "modules/pretending.md").read_text()
    for n in range(10):
        slug = f"pretending{n}"
        (root / f"modules/{slug}.md").write_text(module.replace("slug: pretending", f"slug: {slug}"))
        (root / f"quizzes/{slug}.toml").write_text(
            f'module = "{slug}"\npass_mark = 70\n' + _true_false("t1", "false") + _true_false("t2", "true"))
    (root / QUIZ).unlink()
    (root / "modules/pretending.md").unlink()
    messages = _quality(root)
    assert len(messages) == 1 and messages[0].startswith(
        "quizzes:1: quiz quality, all quizzes together: 10/20 (50%) true/false items that state a myth")
    assert "quizzes/pretending0.toml:" in messages[0]


@pytest.mark.parametrize("text, length", [
    ("Tell a trusted adult.", 21),
    ("Contact {{service:helpline}}", 8 + 30),          # a service token counts as 30 characters
    ("{{school:safeguarding_contact}}", 30),
    ("Say **no**,   and  *block*.", 18),              # Markdown marks and spare spaces are not seen
])
def test_shown_length(text, length):
    assert shown_length(text) == length


@pytest.mark.parametrize("text, helpy", [
    ("Telling his mum", True), ("Report it", True), ("Contact {{service:remove_images}}", True),
    ("Go to {{school:safeguarding_contact}}", True), ("Talk to a grown-up", True),
    ("Stay at the hotel", False), ("Send it to {{school:name}}", False), ("Keep chatting", False),
])
def test_help_words_are_matched_at_the_start_of_a_word(text, helpy):
    assert has_help_words(text) is helpy


def test_tick_all_credit_follows_the_marking_rule():
    options = [Option("a", "A", True, "."), Option("b", "B", True, "."), Option("c", "C", False, ".")]
    assert tick_all_credit(options) == 0.5


def test_the_shipped_quizzes_are_within_every_limit_and_the_report_says_so():
    content, problems = load_library(PROJECT_ROOT)
    assert [p for p in problems if "quiz quality" in p.message] == []
    quizzes = [m.quiz for m in content.ordered()]
    questions = [q for quiz in quizzes for q in quiz.questions]
    course = measure(questions, [c for quiz in quizzes for c in quiz.checks], margin="longest_margin_course")
    assert course["longest"].share <= 0.45 and course["help_alone"].share <= 0.25 and course["myth"].share <= 0.25
    table = report(quizzes)
    assert "!" not in table.replace("'!'", "") and "ALL QUIZZES" in table


def test_the_report_command_prints_a_row_per_quiz():
    result = subprocess.run([sys.executable, "-m", "course.content.quiz_quality"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len([line for line in result.stdout.splitlines() if line.startswith(("people-online", "online-blackmail"))]) == 2
