"""Reading a quiz: TOML a teacher can edit, checked question by question."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .tokens import token_problems

QUESTION_TYPES = ("single", "multiple", "true_false")
IDENT = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)*$")


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    options: tuple[Option, ...]
    asks_where_to_get_help: bool
    # Feedback a pupil must never wait for ("pay so it goes away"): shown at once, whatever the assignment says.
    safety_critical: bool = False

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Quiz:
    module_slug: str
    pass_mark: int
    questions: tuple[Question, ...]
    path: Path

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _header_lines(text: str, header: str) -> list[int]:
    pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
    return [number for number, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]


def _key_line(text: str, key: str) -> int:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def parse_quiz(path: Path, text: str) -> tuple[Quiz | None, list[tuple[int, str]]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        return None, [(int(found.group(1)) if found else 1, f"not valid TOML: {error}")]

    problems: list[tuple[int, str]] = []
    module_slug = data.get("module")
    if not isinstance(module_slug, str) or not module_slug:
        problems.append((1, "missing field 'module' (the slug of the module this quiz belongs to)"))
    pass_mark = data.get("pass_mark")
    if not isinstance(pass_mark, int) or not 0 < pass_mark <= 100:
        problems.append((_key_line(text, "pass_mark"), "pass_mark must be a whole number from 1 to 100"))

    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append((1, "no questions: add [[questions]] tables"))
        return None, problems

    question_lines = _header_lines(text, "questions")
    option_lines = iter(_header_lines(text, "questions.options"))
    questions = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(raw_questions):
        line = question_lines[index] if index < len(question_lines) else 1
        raw_options = raw.get("options") if isinstance(raw, dict) else None
        lines_of_options = [next(option_lines, line) for _ in (raw_options or [])]
        if not isinstance(raw, dict):
            problems.append((line, "a question must be a [[questions]] table"))
            continue
        qid = raw.get("id")
        label = f"question '{qid}'" if qid else f"question {index + 1}"
        if not isinstance(qid, str) or not IDENT.match(qid):
            problems.append((line, f"{label}: 'id' must be lower-case letters, digits and hyphens"))
        elif qid in seen_ids:
            problems.append((line, f"{label}: the id is used twice"))
        seen_ids.add(str(qid))
        qtype = raw.get("type")
        if qtype not in QUESTION_TYPES:
            problems.append((line, f"{label}: type must be one of {', '.join(QUESTION_TYPES)}"))
        if not isinstance(raw.get("safety_critical", False), bool):
            problems.append((line, f"{label}: safety_critical must be true or false"))
        prompt = raw.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            problems.append((line, f"{label}: missing 'prompt'"))
        else:
            problems += [(line, message) for _, message in token_problems(prompt)]
        if not isinstance(raw_options, list) or not raw_options:
            problems.append((line, f"{label}: no options: add [[questions.options]] tables"))
            continue
        options = []
        option_ids: set[str] = set()
        for raw_option, option_line in zip(raw_options, lines_of_options, strict=True):
            oid = raw_option.get("id")
            if not isinstance(oid, str) or not IDENT.match(oid):
                problems.append((option_line, f"{label}: an option's 'id' must be lower-case letters and digits"))
                continue
            if oid in option_ids:
                problems.append((option_line, f"{label}: option '{oid}' is used twice"))
            option_ids.add(oid)
            text_ = raw_option.get("text")
            feedback = raw_option.get("feedback")
            if not isinstance(text_, str) or not text_.strip():
                problems.append((option_line, f"{label}: option '{oid}' has no text"))
            if not isinstance(feedback, str) or not feedback.strip():
                problems.append((option_line, f"{label}: option '{oid}' has no feedback"))
            else:
                problems += [(option_line, m) for _, m in token_problems(feedback)]
            correct = raw_option.get("correct", False)
            if not isinstance(correct, bool):
                problems.append((option_line, f"{label}: option '{oid}': correct must be true or false"))
            options.append(Option(oid, str(text_ or ""), correct is True, str(feedback or "")))
        correct_count = sum(option.correct for option in options)
        if correct_count == 0:
            problems.append((line, f"{label}: no correct option (mark one with correct = true)"))
        elif qtype in ("single", "true_false") and correct_count > 1:
            problems.append((line, f"{label}: a {qtype} question has exactly one correct option"))
        if qtype == "true_false" and sorted(option_ids) != ["false", "true"]:
            problems.append((line, f"{label}: a true_false question has two options, 'true' and 'false'"))
        if len(options) < 2:
            problems.append((line, f"{label}: a question needs at least two options"))
        questions.append(Question(
            id=str(qid), type=str(qtype), prompt=str(prompt or ""), options=tuple(options),
            asks_where_to_get_help=raw.get("asks_where_to_get_help") is True,
            safety_critical=raw.get("safety_critical") is True,
        ))
    if problems:
        return None, problems
    return Quiz(module_slug=str(module_slug), pass_mark=int(pass_mark), questions=tuple(questions), path=path), []
