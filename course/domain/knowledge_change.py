"""Knowledge change: what a group of pupils thought before a module and after its quiz, counted.

For a class (its teachers), a year group or the whole school (the safeguarding lead). Counted over
matched answers: a pupil's answer to an item before the lesson paired with their answer to the same
item after the quiz, so a change in the figures is a change in the same pupils, not a different
group answering. Totals only: no pupil's name, and no figure over fewer than MIN_GROUP answers.
A fixed number of queries whatever the school's size (each a GROUP BY in the database).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from ..content import ContentLibrary
from ..content.modules import ModuleContent
from ..content.quizzes import OUTCOMES, KnowledgeCheck, ecw_statements
from ..models import CheckPhase, KnowledgeCheckAnswer, KnowledgeCheckAttempt

MIN_GROUP = 5  # fewer matched answers than this: the figure is not shown (too few to mean much, and too near a name)
REVISIT_AT = 20  # percent of matched answers still holding a misconception after the quiz: the module is worth revisiting


def percent(part: int, whole: int) -> int | None:
    return round(part * 100 / whole) if whole else None


@dataclass
class Tally:
    matched: int = 0  # answers given both before and after
    right_before: int = 0
    right_after: int = 0
    misconception_before: int = 0
    misconception_after: int = 0

    def add(self, other: "Tally") -> None:
        self.matched += other.matched
        self.right_before += other.right_before
        self.right_after += other.right_after
        self.misconception_before += other.misconception_before
        self.misconception_after += other.misconception_after

    @property
    def shown(self) -> bool:
        return self.matched >= MIN_GROUP

    @property
    def percent_right_before(self) -> int | None:
        return percent(self.right_before, self.matched)

    @property
    def percent_right_after(self) -> int | None:
        return percent(self.right_after, self.matched)

    @property
    def percent_misconception_after(self) -> int | None:
        return percent(self.misconception_after, self.matched)


@dataclass
class ItemChange:
    module: ModuleContent
    check: KnowledgeCheck
    tally: Tally


@dataclass
class KnowledgeChange:
    items: list[ItemChange] = field(default_factory=list)
    by_outcome: dict[str, Tally] = field(default_factory=dict)  # in OUTCOMES order, every outcome present
    by_statement: dict[str, Tally] = field(default_factory=dict)  # statement id -> tally, statements with answers
    by_module: dict[str, Tally] = field(default_factory=dict)  # module slug -> tally
    revisit: dict[str, list[ModuleContent]] = field(default_factory=dict)  # outcome -> modules to revisit, worst first
    pupils_before: int = 0  # pupils who answered (did not skip) any check before a lesson
    pupils_after: int = 0
    pupils_matched: int = 0

    @property
    def total(self) -> Tally:
        overall = Tally()
        for tally in self.by_outcome.values():
            overall.add(tally)
        return overall


def knowledge_change(session: Session, school_id: int, pupil_ids: Select, content: ContentLibrary,
                     module_ids: dict[str, int]) -> KnowledgeChange:
    """The before-and-after figures for the pupils selected by `pupil_ids` (from scope.pupil_ids_for)."""
    before, after = aliased(KnowledgeCheckAttempt), aliased(KnowledgeCheckAttempt)
    before_answer, after_answer = aliased(KnowledgeCheckAnswer), aliased(KnowledgeCheckAnswer)
    pairs = session.execute(
        select(before.module_id, before_answer.check_id, before_answer.option_id, after_answer.option_id,
               func.count())
        .select_from(before)
        .join(before_answer, before_answer.attempt_id == before.id)
        .join(after, and_(after.pupil_id == before.pupil_id, after.module_id == before.module_id,
                          after.phase == CheckPhase.AFTER))
        .join(after_answer, and_(after_answer.attempt_id == after.id, after_answer.check_id == before_answer.check_id))
        .where(before.school_id == school_id, before.phase == CheckPhase.BEFORE, before.pupil_id.in_(pupil_ids))
        .group_by(before.module_id, before_answer.check_id, before_answer.option_id, after_answer.option_id)).all()
    answered = (select(KnowledgeCheckAttempt.phase, func.count(func.distinct(KnowledgeCheckAttempt.pupil_id)))
                .where(KnowledgeCheckAttempt.school_id == school_id, KnowledgeCheckAttempt.skipped.is_(False),
                       KnowledgeCheckAttempt.pupil_id.in_(pupil_ids))
                .group_by(KnowledgeCheckAttempt.phase))
    pupils_by_phase = dict(session.execute(answered).all())
    matched_pupils = session.scalar(
        select(func.count(func.distinct(before.pupil_id))).select_from(before)
        .join(before_answer, before_answer.attempt_id == before.id)
        .join(after, and_(after.pupil_id == before.pupil_id, after.module_id == before.module_id,
                          after.phase == CheckPhase.AFTER))
        .where(before.school_id == school_id, before.phase == CheckPhase.BEFORE, before.pupil_id.in_(pupil_ids)))
    return tally_pairs(pairs, content, module_ids, pupils_by_phase.get(CheckPhase.BEFORE, 0),
                       pupils_by_phase.get(CheckPhase.AFTER, 0), matched_pupils or 0)


def tally_pairs(pairs, content: ContentLibrary, module_ids: dict[str, int], pupils_before: int, pupils_after: int,
                pupils_matched: int) -> KnowledgeChange:
    """The figures from (module id, item id, option before, option after, count) rows: items and options
    no longer in the content are left out."""
    slugs = {module_id: slug for slug, module_id in module_ids.items()}
    items: dict[tuple[str, str], ItemChange] = {}
    for module_id, check_id, option_before, option_after, count in pairs:
        module = content.modules.get(slugs.get(module_id, ""))
        check = module.quiz.check(check_id) if module is not None and module.quiz else None
        if check is None or check.option(option_before) is None or check.option(option_after) is None:
            continue
        item = items.setdefault((module.slug, check.id), ItemChange(module, check, Tally()))
        item.tally.add(Tally(
            matched=count, right_before=count if option_before == check.correct_id else 0,
            right_after=count if option_after == check.correct_id else 0,
            misconception_before=count if option_before in check.misconception_ids else 0,
            misconception_after=count if option_after in check.misconception_ids else 0))
    ordered = sorted(items.values(), key=lambda i: (i.module.order, i.module.slug,
                                                    [c.id for c in i.module.quiz.checks].index(i.check.id)))
    change = KnowledgeChange(items=ordered, by_outcome={key: Tally() for key in OUTCOMES},
                             pupils_before=pupils_before, pupils_after=pupils_after, pupils_matched=pupils_matched)
    statements = ecw_statements()
    by_statement: dict[str, Tally] = defaultdict(Tally)
    by_module_outcome: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for item in ordered:
        change.by_outcome[item.check.outcome].add(item.tally)
        if item.check.statement in statements:
            by_statement[item.check.statement].add(item.tally)
        change.by_module.setdefault(item.module.slug, Tally()).add(item.tally)
        by_module_outcome[(item.check.outcome, item.module.slug)].add(item.tally)
    change.by_statement = dict(sorted(by_statement.items()))
    modules = {item.module.slug: item.module for item in ordered}
    for outcome in OUTCOMES:
        worth = [(tally.percent_misconception_after, slug) for (key, slug), tally in by_module_outcome.items()
                 if key == outcome and tally.shown and tally.percent_misconception_after >= REVISIT_AT]
        change.revisit[outcome] = [modules[slug] for _share, slug in sorted(worth, key=lambda w: (-w[0], w[1]))]
    return change
