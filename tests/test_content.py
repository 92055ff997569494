"""Lesson content as data: `flask content check`, and refusing to start on broken content."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import create_app
from course.config import PROJECT_ROOT
from course.content import InvalidContent, load_library
from course.content import library as library_module
from tests.conftest import FIXTURE_CONTENT


@pytest.fixture
def broken(tmp_path):
    """A copy of the fixture content to break, one way per test."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def test_shipped_content_passes_the_check():
    content, problems = load_library(PROJECT_ROOT)
    assert problems == []
    assert len(content.modules) >= 2 and all(m.quiz for m in content.modules.values())


def test_content_check_command_passes_on_shipped_content(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Content OK" in result.output


def test_missing_field(broken):
    _edit(broken / "modules/pretending.md", "minutes: 10\n", "")
    _, problems = load_library(broken)
    assert [str(p) for p in problems] == ["modules/pretending.md:1: missing field 'minutes' in front matter"]


def test_quiz_for_an_unknown_module(broken):
    _edit(broken / "quizzes/pretending.toml", 'module = "pretending"', 'module = "no-such-module"')
    _, problems = load_library(broken)
    messages = [str(p) for p in problems]
    assert "quizzes/pretending.toml:1: quiz for an unknown module 'no-such-module'" in messages


def test_option_without_feedback(broken):
    quiz = broken / "quizzes/pretending.toml"
    line = _line_of(quiz, 'feedback = "Yes. A trusted adult can help."')
    _edit(quiz, 'feedback = "Yes. A trusted adult can help."\n', "")
    option_line = max(n for n, text in enumerate(quiz.read_text().splitlines(), start=1)
                      if "[[questions.options]]" in text and n < line)
    _, problems = load_library(broken)
    assert [str(p) for p in problems] == [
        f"quizzes/pretending.toml:{option_line}: question 'what-to-do': option 'tell' has no feedback"]


def test_no_correct_option(broken):
    quiz = broken / "quizzes/pretending.toml"
    _edit(quiz, 'text = "Tell a trusted adult."\ncorrect = true', 'text = "Tell a trusted adult."')
    question_line = _line_of(quiz, 'id = "what-to-do"') - 1
    _, problems = load_library(broken)
    assert [str(p) for p in problems] == [
        f"quizzes/pretending.toml:{question_line}: question 'what-to-do': no correct option (mark one with correct = true)"]


def test_unknown_block(broken):
    module = broken / "modules/pretending.md"
    _edit(module, "::: think", "::: ponder")
    _, problems = load_library(broken)
    line = _line_of(module, "::: ponder")
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"modules/pretending.md:{line}: unknown block '::: ponder'")


def test_unclosed_block_and_bad_token(broken):
    module = broken / "modules/pretending.md"
    _edit(module, "You can call {{service:helpline}}.\n:::", "You can call {{service:hotline}}.")
    _, problems = load_library(broken)
    messages = [p.message for p in problems]
    assert any("never closed" in m for m in messages)
    assert any("unknown service role 'hotline'" in m for m in messages)


def test_broken_yaml_and_toml_name_their_line(broken):
    _edit(broken / "modules/pretending.md", "minutes: 10", "minutes: [10")
    _edit(broken / "quizzes/pretending.toml", "pass_mark = 70", "pass_mark = = 70")
    _, problems = load_library(broken)
    files = {p.file for p in problems}
    assert files == {"modules/pretending.md", "quizzes/pretending.toml"}
    assert all(p.line > 1 for p in problems), [str(p) for p in problems]


def test_blaming_phrase_is_refused(broken):
    _edit(broken / "modules/pretending.md", "Priya meets a new friend in a game.",
          "Priya meets a new friend in a game. It was your own fault.")
    _, problems = load_library(broken)
    assert any("blaming phrase" in p.message for p in problems)


def test_content_check_cli_prints_file_line_and_exits_1(broken):
    _edit(broken / "modules/pretending.md", "minutes: 10\n", "")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "content", "check"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                            env={"HARBOUR_CONTENT_ROOT": str(broken), "PATH": "/usr/bin:/bin",
                                 "DATABASE_URL": f"sqlite:///{broken / 'x.sqlite'}", "SECRET_KEY": "x"})
    assert result.returncode == 1
    assert "modules/pretending.md:1: missing field 'minutes' in front matter" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_app_refuses_to_start_on_broken_content_with_the_same_messages(broken, capsys, database_url):
    _edit(broken / "modules/pretending.md", "minutes: 10\n", "")
    with pytest.raises(InvalidContent) as stopped:
        create_app({"TESTING": True, "CONTENT_ROOT": str(broken), "SQLALCHEMY_DATABASE_URI": database_url})
    assert stopped.value.code == 1
    assert "modules/pretending.md:1: missing field 'minutes' in front matter" in capsys.readouterr().err


def test_rendered_html_is_cached_by_content_hash(monkeypatch):
    calls = []
    real = library_module.parse_module
    monkeypatch.setattr(library_module, "parse_module", lambda *a: calls.append(a) or real(*a))
    monkeypatch.setattr(library_module, "_parsed_cache", {})
    load_library(FIXTURE_CONTENT)
    load_library(FIXTURE_CONTENT)
    assert len(calls) == 1


def test_markdown_raw_html_is_escaped_and_teacher_notes_hidden_from_pupils(broken):
    _edit(broken / "modules/pretending.md", "Priya meets a new friend in a game.",
          "Priya meets a new friend. <script>alert(1)</script>")
    content, problems = load_library(broken)
    assert problems == []
    page = content.get("pretending").pages[1]
    assert "<script>" not in page.pupil_html and "&lt;script&gt;" in page.pupil_html
    assert "Teacher only" not in page.pupil_html and "Teacher only" in page.staff_html
    assert 'class="block block-scenario"' in page.pupil_html


def test_the_readme_example_module_and_quiz_are_valid(tmp_path):
    """README's "Writing a module" example passes the same checks as the shipped content."""
    import re

    readme = (PROJECT_ROOT / "README.md").read_text()
    blocks = dict((kind, body) for kind, body in re.findall(r"```(markdown|toml)\n(.*?)```", readme, re.S)
                  if "new-friend" in body)
    (tmp_path / "modules").mkdir()
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "modules/new-friend.md").write_text(blocks["markdown"])
    (tmp_path / "quizzes/new-friend.toml").write_text(blocks["toml"])
    shutil.copytree(PROJECT_ROOT / "help_directory", tmp_path / "help_directory")
    content, problems = load_library(tmp_path)
    assert problems == [] and content.get("new-friend").page_count == 3


def test_eal_idioms_in_pupil_text_are_refused_with_file_and_line(broken):
    module = broken / "modules/pretending.md"
    _edit(module, "Priya meets a new friend in a game.",
          "Priya meets a new friend in a game. She feels wobbly.\nLater she wants to jot it\ndown.")
    _, problems = load_library(broken)
    wobbly, jot = _line_of(module, "She feels wobbly."), _line_of(module, "jot it")
    assert [str(p).split(" is an idiom")[0] for p in problems] == [
        f"modules/pretending.md:{wobbly}: 'wobbly'", f"modules/pretending.md:{jot}: 'jot it down'"]
    assert all("say it plainly" in p.message for p in problems)


def test_eal_idioms_in_quiz_feedback_are_refused(broken):
    quiz = broken / "quizzes/pretending.toml"
    _edit(quiz, 'feedback = "Yes. A trusted adult can help."', 'feedback = "Yes. Keep an eye out for secrets."')
    _, problems = load_library(broken)
    line = _line_of(quiz, "Keep an eye out")
    assert [(p.file, p.line) for p in problems] == [("quizzes/pretending.toml", line)]
    assert problems[0].message.startswith("'keep an eye out' is an idiom an EAL pupil may not know")


def test_eal_idioms_are_allowed_in_teacher_notes_and_only_as_whole_words(broken):
    module = broken / "modules/pretending.md"
    _edit(module, "Teacher only: ground rules go here.", "Teacher only: keep an eye out for anyone who seems wobbly.")
    _edit(module, "What could Priya do?", "What could Priya do? She walks to the other side of the road.")
    _, problems = load_library(broken)
    assert problems == []


def test_the_idiom_list_holds_the_known_trip_hazards():
    from course.content.idioms import eal_idioms

    phrases = {idiom.phrase for idiom in eal_idioms()}
    assert {"wobbly", "jot it down", "crosses a line", "keep an eye out", "gut feeling"} <= phrases
    assert all(idiom.instead for idiom in eal_idioms())
