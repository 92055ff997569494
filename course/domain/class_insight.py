"""What a class found hard, and one pupil's record: for the teacher, in a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..content.quizzes import Option, Question, Quiz
from ..models import (
    AttemptAnswer,
    KnowledgeCheckAnswer,
    KnowledgeCheckAttempt,
    Progress,
    QuizAttempt,
    SchoolClass,
    User,
    class_pupil,
)


@dataclass
class QuestionInsight:
    question: Question
    answered: int
    correct: int
    common_wrong: Option | None
    common_wrong_count: int

    @property
    def percent_correct(self) -> int | None:
        return self.correct * 100 // self.answered if self.answered else None


def question_insight(session: Session, school_class: SchoolClass, module_id: int, quiz: Quiz) -> list[QuestionInsight]:
    """Per question, over every attempt by the class's pupils: percent correct and the wrong option chosen most."""
    rows = session.execute(
        select(AttemptAnswer.question_id, AttemptAnswer.option_ids, AttemptAnswer.correct)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .join(class_pupil, class_pupil.c.pupil_id == QuizAttempt.pupil_id)
        .where(class_pupil.c.class_id == school_class.id, QuizAttempt.module_id == module_id,
               QuizAttempt.school_id == school_class.school_id)).all()
    answered, correct, wrong = Counter(), Counter(), {q.id: Counter() for q in quiz.questions}
    for question_id, option_ids, is_correct in rows:
        if question_id not in wrong:
            continue  # a question since removed from the quiz
        answered[question_id] += 1
        if is_correct:
            correct[question_id] += 1
        else:
            question = quiz.question(question_id)
            for option_id in option_ids:
                if option_id not in question.correct_ids:
                    wrong[question_id][option_id] += 1
    insights = []
    for question in quiz.questions:
        top = wrong[question.id].most_common(1)
        option = question.option(top[0][0]) if top else None
        insights.append(QuestionInsight(question, answered[question.id], correct[question.id], option,
                                        top[0][1] if top else 0))
    return insights


def pupil_checks(session: Session, pupil: User) -> dict[int, dict[str, dict[str, str]]]:
    """The pupil's "what do you think?" answers: module id -> phase -> {item id: option id}; one query."""
    found: dict[int, dict[str, dict[str, str]]] = {}
    for module_id, phase, check_id, option_id in session.execute(
            select(KnowledgeCheckAttempt.module_id, KnowledgeCheckAttempt.phase, KnowledgeCheckAnswer.check_id,
                   KnowledgeCheckAnswer.option_id)
            .join(KnowledgeCheckAnswer, KnowledgeCheckAnswer.attempt_id == KnowledgeCheckAttempt.id)
            .where(KnowledgeCheckAttempt.pupil_id == pupil.id)):
        found.setdefault(module_id, {}).setdefault(phase, {})[check_id] = option_id
    return found


def pupil_record(session: Session, pupil: User) -> tuple[dict[int, Progress], list[QuizAttempt]]:
    progress = {p.module_id: p for p in session.scalars(select(Progress).where(Progress.pupil_id == pupil.id))}
    attempts = list(session.scalars(select(QuizAttempt).where(QuizAttempt.pupil_id == pupil.id)
                                    .options(selectinload(QuizAttempt.answers))
                                    .order_by(QuizAttempt.submitted_at.desc())))
    return progress, attempts
