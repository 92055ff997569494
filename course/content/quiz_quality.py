"""Quiz quality: can a pupil find the right option without reading? Measured per quiz and over the course.

Three clues a test-wise reader uses, and one way to score without knowing anything:
- longest: in a single-answer question, the right option is the longest one;
- help words alone: in a single-answer question, only the right option talks about telling someone
  or a service, so "pick the one that says tell" always wins;
- myth statement: a true/false item states a harmful myth and asks the pupil to mark it false;
- tick all: in a "choose all that apply" question, ticking every option earns most of the marks.
The limits and the reasons for them are in docs/content-format.md ("Quiz quality"); the words and
token lengths are in quiz_quality.toml. `python -m course.content.quiz_quality` prints the table.
"""

import functools
import math
import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .problems import ContentProblem
from .quizzes import Quiz
from .tokens import TOKEN

DATA_FILE = Path(__file__).with_name("quiz_quality.toml")
HELP_TOKENS = {("service", None), ("school", "safeguarding_contact")}


@dataclass(frozen=True)
class Settings:
    help_words: tuple[str, ...]
    token_lengths: dict[str, int]
    limits: dict[str, float]

    @functools.cached_property
    def help_pattern(self) -> re.Pattern:
        words = sorted(self.help_words, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + ")", re.I)


@functools.cache
def settings() -> Settings:
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    return Settings(tuple(w.lower() for w in data["help_words"]), dict(data["token_lengths"]), dict(data["limits"]))


def shown_length(text: str, config: Settings | None = None) -> int:
    """Characters a pupil sees: tokens at their typical filled length, Markdown marks and spare spaces gone."""
    config = config or settings()

    def token_length(match: re.Match) -> str:
        kind, key = match.groups()
        length = config.token_lengths.get(f"{kind}:{key}", config.token_lengths.get(kind, 20))
        return "x" * int(length)

    plain = TOKEN.sub(token_length, text)
    plain = re.sub(r"[*_`]", "", plain)
    return len(" ".join(plain.split()))


def has_help_words(text: str, config: Settings | None = None) -> bool:
    config = config or settings()
    for match in TOKEN.finditer(text):
        kind, key = match.groups()
        if (kind, None) in HELP_TOKENS or (kind, key) in HELP_TOKENS:
            return True
    return bool(config.help_pattern.search(TOKEN.sub(" ", text)))


def right_is_longest(options: Sequence, config: Settings | None = None) -> bool:
    """The one right option is longer than every wrong one (a tie gives no clue)."""
    right = [shown_length(o.text, config) for o in options if o.correct]
    wrong = [shown_length(o.text, config) for o in options if not o.correct]
    return len(right) == 1 and bool(wrong) and right[0] > max(wrong)


def help_words_alone(options: Sequence, config: Settings | None = None) -> bool:
    """Only the right option holds help words."""
    right = [o for o in options if o.correct]
    wrong = [o for o in options if not o.correct]
    return (len(right) == 1 and has_help_words(right[0].text, config)
            and not any(has_help_words(o.text, config) for o in wrong))


def tick_all_credit(options: Sequence) -> Fraction:
    """What ticking every option earns, by the partial-credit rule of course/domain/scoring.py:
    (right ticked - wrong ticked) / right options, never below 0 (a test keeps the two the same)."""
    right = sum(1 for o in options if o.correct)
    wrong = len(options) - right
    return max(Fraction(0), Fraction(right - wrong, right)) if right else Fraction(0)


@dataclass(frozen=True)
class Measure:
    """One clue over a set of items: how many were measured, which show the clue, and the limit."""

    name: str
    measured: int
    flagged: tuple  # the items (questions or checks) that show the clue
    limit: float  # the largest share allowed
    chance: float | None = None  # the share chance alone would give, where that is the point

    @property
    def share(self) -> float:
        return len(self.flagged) / self.measured if self.measured else 0.0

    @property
    def allowed(self) -> int:
        """Flagged items allowed: the share limit, but always one (a share of one in three says little)."""
        return max(1, math.floor(self.limit * self.measured + 1e-9))

    @property
    def over(self) -> bool:
        return len(self.flagged) > self.allowed

    def summary(self) -> str:
        if not self.measured:
            return "-"
        return f"{len(self.flagged)}/{self.measured} ({self.share:.0%})"


MEASURE_LABELS = {
    "longest": "single-answer questions whose right option is the longest",
    "help_alone": "single-answer questions whose right option alone holds help words",
    "myth": "true/false items that state a myth (the right answer is 'false')",
    "check_longest": "knowledge-check items whose right option is the longest",
    "check_help_alone": "knowledge-check items whose right option alone holds help words",
}
ADVICE = {
    "longest": "balance the option lengths (a wrong option may be the longest)",
    "help_alone": "give a wrong option help words too, e.g. telling someone but later, or the wrong person",
    "myth": "state the item the right way round, or ask 'which is true?' as a single-answer question",
    "check_longest": "balance the option lengths",
    "check_help_alone": "give a wrong option help words too",
}


def _chance(items: Iterable) -> float:
    items = list(items)
    return sum(1 / len(item.options) for item in items) / len(items) if items else 0.0


def measure(questions: Sequence, checks: Sequence = (), margin: str = "longest_margin_quiz",
            config: Settings | None = None) -> dict[str, Measure]:
    """The measures over a set of questions (and knowledge-check items) from one quiz or the course."""
    config = config or settings()
    limits = config.limits
    single = [q for q in questions if q.type == "single"]
    true_false = [q for q in questions if q.type == "true_false"]
    chance = _chance(single)
    check_chance = _chance(checks)
    return {
        "longest": Measure("longest", len(single), tuple(q for q in single if right_is_longest(q.options, config)),
                           chance + limits[margin], chance),
        "help_alone": Measure("help_alone", len(single),
                              tuple(q for q in single if help_words_alone(q.options, config)),
                              limits["help_words_alone"]),
        "myth": Measure("myth", len(true_false), tuple(q for q in true_false if q.option("false").correct),
                        limits["myth_statement"]),
        "check_longest": Measure("check_longest", len(checks),
                                 tuple(c for c in checks if right_is_longest(c.options, config)),
                                 check_chance + limits[margin], check_chance),
        "check_help_alone": Measure("check_help_alone", len(checks),
                                    tuple(c for c in checks if help_words_alone(c.options, config)),
                                    limits["help_words_alone"]),
    }


def _where(items: Iterable, file_of=None) -> str:
    return ", ".join(f"{item.id} ({file_of(item) + ':' if file_of else 'line '}{item.line})" for item in items)


def _limit_text(m: Measure) -> str:
    if m.chance is not None:
        return f"limit {m.allowed} of {m.measured}: chance {m.chance:.0%} plus a margin"
    return f"limit {m.allowed} of {m.measured} ({m.limit:.0%}, and one is always allowed)"


def quality_problems(quizzes: dict[str, Quiz], name_of) -> list[ContentProblem]:
    """Problems for each quiz past a limit, and for the course as a whole; `name_of(quiz)` gives its file."""
    config = settings()
    problems = []
    for quiz in quizzes.values():
        name = name_of(quiz)
        for key, m in measure(quiz.questions, quiz.checks, config=config).items():
            if m.over:
                problems.append(ContentProblem(name, m.flagged[0].line,
                                               f"quiz quality: {m.summary()} {MEASURE_LABELS[key]} "
                                               f"({_limit_text(m)}): {_where(m.flagged)}; {ADVICE[key]}"))
        for question in quiz.questions:
            if question.type == "multiple" and tick_all_credit(question.options) > config.limits["tick_all"]:
                problems.append(ContentProblem(name, question.line, (
                    f"quiz quality: question '{question.id}': ticking every option earns "
                    f"{float(tick_all_credit(question.options)):.0%} of it (limit {config.limits['tick_all']:.0%}); "
                    "add wrong options, at least half as many as the right ones")))
    questions = [q for quiz in quizzes.values() for q in quiz.questions]
    checks = [c for quiz in quizzes.values() for c in quiz.checks]
    file_of = {id(item): name_of(quiz) for quiz in quizzes.values() for item in (*quiz.questions, *quiz.checks)}
    for key, m in measure(questions, checks, margin="longest_margin_course", config=config).items():
        # With one quiz, the course is that quiz: its own problems already say it.
        if m.over and len(quizzes) > 1:
            problems.append(ContentProblem("quizzes", 1, (
                f"quiz quality, all quizzes together: {m.summary()} {MEASURE_LABELS[key]} ({_limit_text(m)}): "
                f"{_where(m.flagged, lambda item: file_of[id(item)])}; {ADVICE[key]}")))
        floor = (m.chance or 0) - config.limits["longest_below_chance_course"]
        if m.chance is not None and m.measured >= config.limits["min_course_items"] and m.share < floor:
            problems.append(ContentProblem("quizzes", 1, (
                f"quiz quality, all quizzes together: only {m.summary()} {MEASURE_LABELS[key]}, far below the "
                f"{m.chance:.0%} chance gives: a pupil could learn that the longest option is never right; "
                "let the right option be the longest sometimes")))
    return problems


def report(quizzes: Sequence[Quiz]) -> str:
    """The measures as a table: one row per quiz and one for the course."""
    columns = ("longest", "help_alone", "myth", "check_longest", "check_help_alone")
    header = f"{'quiz':28} " + " ".join(f"{c:>16}" for c in columns) + "  tick-all > limit"
    rows = [header]
    limit = settings().limits["tick_all"]

    def row(label, measures, tick_all):
        cells = " ".join(f"{measures[c].summary() + ('!' if measures[c].over else ''):>16}" for c in columns)
        return f"{label:28} {cells}  {tick_all}"

    for quiz in quizzes:
        over = sum(1 for q in quiz.questions if q.type == "multiple" and tick_all_credit(q.options) > limit)
        multiple = sum(1 for q in quiz.questions if q.type == "multiple")
        rows.append(row(quiz.module_slug, measure(quiz.questions, quiz.checks), f"{over}/{multiple}"))
    questions = [q for quiz in quizzes for q in quiz.questions]
    checks = [c for quiz in quizzes for c in quiz.checks]
    over = sum(1 for q in questions if q.type == "multiple" and tick_all_credit(q.options) > limit)
    multiple = sum(1 for q in questions if q.type == "multiple")
    course = measure(questions, checks, margin="longest_margin_course")
    rows.append(row("ALL QUIZZES", course, f"{over}/{multiple}"))
    chances = [f"{course[key].chance:.0%} ({label})" for key, label in
               (("longest", "single-answer questions"), ("check_longest", "knowledge checks")) if course[key].measured]
    rows.append(f"chance that the right option is the longest: {', '.join(chances) or '-'}; "
                "'!' marks a share past its limit")
    return "\n".join(rows)


def main(argv: Sequence[str]) -> int:
    from .quizzes import parse_quiz

    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    quizzes = []
    for path in sorted((root / "quizzes").glob("*.toml")):
        quiz, problems = parse_quiz(path, path.read_text(encoding="utf-8"))
        if quiz is None:
            print(f"{path.name}: not valid: {problems[:1]}", file=sys.stderr)
            continue
        quizzes.append(quiz)
    print(report(quizzes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
