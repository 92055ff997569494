"""Item analysis for the people who write and teach the questions: how each quiz question and each
knowledge-check item behaves over a school's pupils.

- Facility: the mean mark on the question, as a percent (a part-marked question counts its part), over
  each pupil's first attempt at the quiz (later attempts come after the feedback, so they say less).
- Discrimination: the correlation (Pearson) between the mark on the question and the pupil's mark on
  the rest of the quiz; near 0 or below, the question does not separate pupils who did well overall
  from those who did not. Moodle's quiz statistics report the same figure ("discrimination index").
- How often each option was chosen.
Flags: a quiz question whose best pupils (the top third by the rest of the quiz) often pick a wrong
option, or that discriminates the wrong way; a knowledge-check item nearly everyone gets right before
the lesson. Counts only, never a name; nothing shown for fewer than MIN_ATTEMPTS pupils.
"""

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..content.quizzes import KnowledgeCheck, Question, Quiz
from ..models import AttemptAnswer, CheckPhase, KnowledgeCheckAnswer, KnowledgeCheckAttempt, QuizAttempt
from .scoring import question_credit

MIN_ATTEMPTS = 5  # below this, no figures: too few to mean much, and too near one pupil's answers
MIN_FOR_DISCRIMINATION = 10
TOP_SHARE = Fraction(1, 3)  # the best pupils: the top third by the rest of the quiz
TOP_WRONG_AT = Fraction(1, 3)  # a wrong option picked by a third or more of them is flagged
KNOWN_BEFORE_AT = 90  # percent right before the lesson: nearly everyone knew it already


@dataclass
class QuestionStats:
    question: Question
    attempts: int
    facility: int | None  # percent
    discrimination: float | None  # -1 to 1
    option_counts: dict[str, int]  # option id -> pupils who chose it
    top_wrong: list[str] = field(default_factory=list)  # wrong option ids the best pupils often pick

    @property
    def flags(self) -> list[str]:
        found = []
        if self.top_wrong:
            found.append("The pupils who did best overall often pick a wrong option here: check its wording.")
        if self.discrimination is not None and self.discrimination < 0:
            found.append("Pupils who did well overall get this wrong more often than others: check the right answer.")
        return found


@dataclass
class CheckStats:
    check: KnowledgeCheck
    before: Counter  # option id -> count
    after: Counter

    @property
    def answered_before(self) -> int:
        return sum(self.before.values())

    @property
    def answered_after(self) -> int:
        return sum(self.after.values())

    def _right(self, counts: Counter, total: int) -> int | None:
        return round(counts[self.check.correct_id] * 100 / total) if total >= MIN_ATTEMPTS else None

    @property
    def right_before(self) -> int | None:
        return self._right(self.before, self.answered_before)

    @property
    def right_after(self) -> int | None:
        return self._right(self.after, self.answered_after)

    @property
    def flags(self) -> list[str]:
        if self.right_before is not None and self.right_before >= KNOWN_BEFORE_AT:
            return ["Nearly everyone gets this right before the lesson: a harder item would tell you more."]
        return []


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation of two equal-length series; None when either does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return None
    return cov / math.sqrt(var_x * var_y)


def analyse_questions(quiz: Quiz, attempts: Sequence[Mapping[str, Sequence[str]]]) -> list[QuestionStats]:
    """Per question, over attempts given as {question id: option ids chosen}."""
    marks = [{q.id: question_credit(q, attempt.get(q.id, ())) for q in quiz.questions} for attempt in attempts]
    totals = [sum(m.values(), Fraction(0)) for m in marks]
    stats = []
    for question in quiz.questions:
        counts = Counter(option for attempt in attempts for option in dict.fromkeys(attempt.get(question.id, ())))
        option_counts = {o.id: counts[o.id] for o in question.options}
        n = len(attempts)
        if n < MIN_ATTEMPTS:
            stats.append(QuestionStats(question, n, None, None, option_counts))
            continue
        item = [m[question.id] for m in marks]
        rest = [total - mark for total, mark in zip(totals, item, strict=True)]
        facility = round(sum(item, Fraction(0)) * 100 / n)
        discrimination = pearson([float(x) for x in item], [float(r) for r in rest]) \
            if n >= MIN_FOR_DISCRIMINATION else None
        # The best pupils by the rest of the quiz (ties at the edge all in): which wrong options they pick.
        top_size = max(1, math.ceil(n * TOP_SHARE))
        cut = sorted(rest, reverse=True)[top_size - 1]
        top = [attempt for attempt, r in zip(attempts, rest, strict=True) if r >= cut]
        top_counts = Counter(o for attempt in top for o in dict.fromkeys(attempt.get(question.id, ())))
        top_wrong = [o.id for o in question.options
                     if not o.correct and top_counts[o.id] >= len(top) * TOP_WRONG_AT and top_counts[o.id] > 0] \
            if n >= MIN_FOR_DISCRIMINATION else []
        stats.append(QuestionStats(question, n, facility, discrimination, option_counts, top_wrong))
    return stats


def first_attempts(session: Session, school_id: int, module_id: int) -> list[dict[str, list[str]]]:
    """Each pupil's first attempt at the module's quiz in the school, as {question id: option ids}: one query."""
    first = (select(func.min(QuizAttempt.id)).where(QuizAttempt.school_id == school_id,
                                                    QuizAttempt.module_id == module_id)
             .group_by(QuizAttempt.pupil_id))
    rows = session.execute(select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.option_ids)
                           .where(AttemptAnswer.attempt_id.in_(first))).all()
    attempts: dict[int, dict[str, list[str]]] = {}
    for attempt_id, question_id, option_ids in rows:
        attempts.setdefault(attempt_id, {})[question_id] = list(option_ids)
    return [attempts[key] for key in sorted(attempts)]


def check_stats(session: Session, school_id: int, module_id: int, quiz: Quiz) -> list[CheckStats]:
    """The knowledge-check items' option counts before and after, over the school: one GROUP BY."""
    rows = session.execute(
        select(KnowledgeCheckAttempt.phase, KnowledgeCheckAnswer.check_id, KnowledgeCheckAnswer.option_id,
               func.count())
        .join(KnowledgeCheckAttempt, KnowledgeCheckAttempt.id == KnowledgeCheckAnswer.attempt_id)
        .where(KnowledgeCheckAttempt.school_id == school_id, KnowledgeCheckAttempt.module_id == module_id)
        .group_by(KnowledgeCheckAttempt.phase, KnowledgeCheckAnswer.check_id, KnowledgeCheckAnswer.option_id)).all()
    stats = {check.id: CheckStats(check, Counter(), Counter()) for check in quiz.checks}
    for phase, check_id, option_id, count in rows:
        if check_id in stats and stats[check_id].check.option(option_id) is not None:
            (stats[check_id].before if phase == CheckPhase.BEFORE else stats[check_id].after)[option_id] += count
    return list(stats.values())
