"""Reading a quiz: TOML a teacher can edit, checked question by question, with its knowledge check."""

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .tokens import token_problems

QUESTION_TYPES = ("single", "multiple", "true_false")
IDENT = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)*$")
ECW_STATEMENTS_FILE = Path(__file__).with_name("ecw_statements.toml")
# What the course exists for: each knowledge-check item measures one of these.
OUTCOMES = {
    "warning_signs": "Recognises the warning signs",
    "what_to_do": "Knows what to do if threatened",
    "where_to_get_help": "Knows three places to get help",
    "never_their_fault": "Knows it is never their fault",
}
CHECKS_PER_QUIZ = (3, 5)


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
    # Its feedback is shown at once, whatever the assignment says about holding answers back.
    safety_critical: bool = False
    line: int = 0  # where its [[questions]] table starts, for problems found later

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class CheckOption:
    id: str
    text: str
    correct: bool
    misconception: bool  # choosing it shows a misconception the lesson sets out to change
    feedback: str  # shown only after the end-of-quiz round, never before the lesson


@dataclass(frozen=True)
class KnowledgeCheck:
    """A "what do you think?" item: asked before the lesson (not scored, skippable) and after the quiz."""

    id: str
    prompt: str
    outcome: str  # a key of OUTCOMES
    statement: str  # an id in ecw_statements.toml
    options: tuple[CheckOption, ...]
    line: int = 0

    @property
    def correct_id(self) -> str:
        return next(option.id for option in self.options if option.correct)

    @property
    def misconception_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.misconception)

    def option(self, option_id: str) -> CheckOption | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class EcwStatement:
    id: str
    strand: str
    age_band: str
    summary: str  # Harbour's own words summarising the framework's statement


@dataclass(frozen=True)
class Quiz:
    module_slug: str
    pass_mark: int
    questions: tuple[Question, ...]
    path: Path
    checks: tuple[KnowledgeCheck, ...] = ()

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def check(self, check_id: str) -> KnowledgeCheck | None:
        return next((c for c in self.checks if c.id == check_id), None)


@functools.cache
def ecw_statements() -> dict[str, EcwStatement]:
    """The Education for a Connected World statements knowledge checks may name, by id."""
    data = tomllib.loads(ECW_STATEMENTS_FILE.read_text(encoding="utf-8"))
    return {raw["id"]: EcwStatement(raw["id"], raw["strand"], raw["age_band"], raw["summary"])
            for raw in data["statements"]}


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
        for flag in ("asks_where_to_get_help", "safety_critical"):
            if not isinstance(raw.get(flag, False), bool):
                problems.append((_flag_line(text, line, flag), f"{label}: {flag} must be true or false"))
        questions.append(Question(
            id=str(qid), type=str(qtype), prompt=str(prompt or ""), options=tuple(options),
            asks_where_to_get_help=raw.get("asks_where_to_get_help") is True,
            safety_critical=raw.get("safety_critical") is True, line=line,
        ))
    checks, found = _parse_checks(text, data.get("checks"), seen_ids)
    problems += found
    if problems:
        return None, problems
    return Quiz(module_slug=str(module_slug), pass_mark=int(pass_mark), questions=tuple(questions), path=path,
                checks=checks), []


def _flag_line(text: str, start: int, key: str) -> int:
    """The line of `key = ...` in the table that starts at `start`, or `start`."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines()[start:], start=start + 1):
        if line.lstrip().startswith("["):
            break
        if pattern.match(line):
            return number
    return start


def _parse_checks(text: str, raw_checks, question_ids: set[str]) -> tuple[tuple[KnowledgeCheck, ...],
                                                                          list[tuple[int, str]]]:
    """The [[checks]] tables: the module's before-and-after knowledge check (optional, 3 to 5 items)."""
    if raw_checks is None:
        return (), []
    check_lines = _header_lines(text, "checks")
    if not isinstance(raw_checks, list):
        return (), [(_key_line(text, "checks"), "checks must be [[checks]] tables")]
    problems: list[tuple[int, str]] = []
    low, high = CHECKS_PER_QUIZ
    if not low <= len(raw_checks) <= high:
        problems.append((check_lines[0] if check_lines else 1,
                         f"a knowledge check has {low} to {high} items ([[checks]] tables), not {len(raw_checks)}"))
    option_lines = iter(_header_lines(text, "checks.options"))
    statements = ecw_statements()
    checks = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_checks):
        line = check_lines[index] if index < len(check_lines) else 1
        raw_options = raw.get("options") if isinstance(raw, dict) else None
        lines_of_options = [next(option_lines, line) for _ in (raw_options if isinstance(raw_options, list) else [])]
        if not isinstance(raw, dict):
            problems.append((line, "a knowledge check item must be a [[checks]] table"))
            continue
        cid = raw.get("id")
        label = f"check '{cid}'" if cid else f"check {index + 1}"
        if not isinstance(cid, str) or not IDENT.match(cid):
            problems.append((line, f"{label}: 'id' must be lower-case letters, digits and hyphens"))
        elif cid in seen:
            problems.append((line, f"{label}: the id is used twice"))
        elif cid in question_ids:
            problems.append((line, f"{label}: a question already has this id; give the check its own"))
        seen.add(str(cid))
        prompt = raw.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            problems.append((line, f"{label}: missing 'prompt'"))
        else:
            problems += [(line, message) for _, message in token_problems(prompt)]
        outcome = raw.get("outcome")
        if outcome not in OUTCOMES:
            problems.append((_flag_line(text, line, "outcome"),
                             f"{label}: outcome must be one of {', '.join(OUTCOMES)}"))
        statement = raw.get("statement")
        if statement not in statements:
            problems.append((_flag_line(text, line, "statement"),
                             f"{label}: unknown statement {statement!r}: use an id from "
                             "course/content/ecw_statements.toml"))
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            problems.append((line, f"{label}: needs at least two options ([[checks.options]] tables)"))
            continue
        options = []
        option_ids: set[str] = set()
        for raw_option, option_line in zip(raw_options, lines_of_options, strict=True):
            oid = raw_option.get("id") if isinstance(raw_option, dict) else None
            if not isinstance(oid, str) or not IDENT.match(oid):
                problems.append((option_line, f"{label}: an option's 'id' must be lower-case letters and digits"))
                continue
            if oid in option_ids:
                problems.append((option_line, f"{label}: option '{oid}' is used twice"))
            option_ids.add(oid)
            option_text, feedback = raw_option.get("text"), raw_option.get("feedback")
            if not isinstance(option_text, str) or not option_text.strip():
                problems.append((option_line, f"{label}: option '{oid}' has no text"))
            else:
                problems += [(option_line, m) for _, m in token_problems(option_text)]
            if not isinstance(feedback, str) or not feedback.strip():
                problems.append((option_line, f"{label}: option '{oid}' has no feedback (shown after the quiz)"))
            else:
                problems += [(option_line, m) for _, m in token_problems(feedback)]
            correct, misconception = raw_option.get("correct", False), raw_option.get("misconception", False)
            if not isinstance(correct, bool) or not isinstance(misconception, bool):
                problems.append((option_line, f"{label}: option '{oid}': correct and misconception are true or false"))
                continue
            if correct and misconception:
                problems.append((option_line, f"{label}: option '{oid}' is the right one, so it cannot be a misconception"))
            options.append(CheckOption(oid, str(option_text or ""), correct, misconception, str(feedback or "")))
        correct_count = sum(option.correct for option in options)
        if correct_count != 1:
            problems.append((line, f"{label}: exactly one option is right (correct = true), not {correct_count}"))
        if not any(option.misconception for option in options):
            problems.append((line, f"{label}: mark the wrong option that shows a misconception "
                                   "(misconception = true), so the school can see who still holds it"))
        checks.append(KnowledgeCheck(id=str(cid), prompt=str(prompt or ""), outcome=str(outcome),
                                     statement=str(statement), options=tuple(options), line=line))
    return tuple(checks), problems
