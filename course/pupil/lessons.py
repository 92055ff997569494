"""My lessons -> lesson pages -> quiz -> result. Views parse the request, call the rules, render."""

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..domain import knowledge_check, lessons
from ..domain.scope import own_help_requests
from ..domain.scoring import InvalidAnswers, choices, mark_quiz, question_credit
from ..extensions import db
from ..models import CheckPhase, HelpRequest, QuizAttempt, Status
from ..web.content import library, module_ids
from ..web.errors import bad_request
from ..web.page_context import inline_text_filler, token_values_for_current_school
from . import bp
from .quiz_form import new_form_token, read_form_token


def _assigned_or_404(slug: str) -> lessons.AssignedModule:
    assigned = lessons.find_assigned(db.session, current_user, library(), module_ids(), slug)
    if assigned is None:
        abort(404)
    return assigned


@bp.get("/")
def my_lessons():
    assigned = lessons.assigned_modules(db.session, current_user, library(), module_ids())
    requests_ = db.session.scalars(own_help_requests(current_user)
                                   .order_by(HelpRequest.created_at.desc()).limit(5)).all()
    return render_template("pupil/my_lessons.html", assigned=assigned, today=date.today(), help_requests=requests_)


@bp.get("/<slug>/")
def start(slug: str):
    assigned = _assigned_or_404(slug)
    seen = set(assigned.progress.pages_seen if assigned.progress else [])
    checks = assigned.content.quiz.checks if assigned.content.quiz else ()
    if checks and not seen and knowledge_check.offer_before(
            checks, assigned.progress, knowledge_check.attempts_of(db.session, current_user, assigned.module_id)):
        return redirect(url_for("pupil.check", slug=slug))
    if assigned.status == Status.COMPLETED:
        return redirect(url_for("pupil.page", slug=slug, number=1))
    first_unseen = next((n for n in range(assigned.content.page_count) if n not in seen), None)
    if first_unseen is None:
        return redirect(url_for("pupil.quiz", slug=slug))
    return redirect(url_for("pupil.page", slug=slug, number=first_unseen + 1))


def _checks_or_404(assigned: lessons.AssignedModule):
    checks = assigned.content.quiz.checks if assigned.content.quiz else ()
    if not checks:
        abort(404)
    return checks


@bp.get("/<slug>/check")
def check(slug: str):
    """"What do you think?": the knowledge check before the first page. Not scored, no feedback, skippable."""
    assigned = _assigned_or_404(slug)
    checks = _checks_or_404(assigned)
    if not knowledge_check.offer_before(checks, assigned.progress,
                                        knowledge_check.attempts_of(db.session, current_user, assigned.module_id)):
        return redirect(url_for("pupil.page", slug=slug, number=1))
    items = [(c, lessons.shuffled_check_options(current_user.id, slug, c)) for c in checks]
    return render_template("pupil/check.html", assigned=assigned, module=assigned.content, items=items,
                           fill=inline_text_filler())


@bp.post("/<slug>/check")
def check_done(slug: str):
    """Save what the pupil thinks (or that they skipped), then start the lesson at page 1."""
    assigned = _assigned_or_404(slug)
    checks = _checks_or_404(assigned)
    answers = {}
    if "skip" not in request.form:
        try:
            answers = knowledge_check.read_answers(checks, request.form.to_dict(flat=False))
        except InvalidAnswers as error:
            raise bad_request(f"{error} Nothing was saved. Please go back and choose again.") from None
    knowledge_check.record_before(db.session, current_user, assigned.module_id, answers)
    return redirect(url_for("pupil.page", slug=slug, number=1))


@bp.get("/<slug>/page/<int:number>")
def page(slug: str, number: int):
    assigned = _assigned_or_404(slug)
    content = assigned.content
    if not 1 <= number <= content.page_count:
        abort(404)
    html = token_values_for_current_school().fill_html(content.pages[number - 1].pupil_html)
    return render_template("pupil/page.html", assigned=assigned, module=content, number=number,
                           page=content.pages[number - 1], page_html=html)


@bp.post("/<slug>/page/<int:number>")
def page_done(slug: str, number: int):
    """'Next' saves the page as read, then moves on (to the quiz after the last page)."""
    assigned = _assigned_or_404(slug)
    if not 1 <= number <= assigned.content.page_count:
        abort(404)
    lessons.record_page_seen(db.session, current_user, assigned, number - 1)
    if number == assigned.content.page_count:
        return redirect(url_for("pupil.quiz", slug=slug))
    return redirect(url_for("pupil.page", slug=slug, number=number + 1))


@bp.get("/<slug>/quiz")
def quiz(slug: str):
    assigned = _assigned_or_404(slug)
    return _render_quiz(assigned, {}, None, 200)


def _render_quiz(assigned, chosen: dict, error: str | None, status: int):
    quiz_ = assigned.content.quiz
    questions = [(q, lessons.shuffled_options(current_user.id, assigned.content.slug, q)) for q in quiz_.questions]
    return render_template("pupil/quiz.html", assigned=assigned, module=assigned.content, quiz=quiz_,
                           questions=questions, fill=inline_text_filler(), chosen=chosen, error=error,
                           checks=[(c, lessons.shuffled_check_options(current_user.id, assigned.content.slug, c))
                                   for c in quiz_.checks],
                           form_token=new_form_token(current_user.id, assigned.content.slug)), status


@bp.post("/<slug>/quiz")
def submit_quiz(slug: str):
    assigned = _assigned_or_404(slug)
    quiz_ = assigned.content.quiz
    token = read_form_token(request.form.get("form_token", ""), current_user.id, slug)
    if token is None:
        raise bad_request("This quiz form is not valid any more. Please open the quiz again.")
    form_key, opened_at = token
    already = lessons.find_attempt_by_token(db.session, current_user, form_key)
    if already is not None:
        return redirect(url_for("pupil.result", slug=slug, attempt_id=already.id))
    submitted = {q.id: request.form.getlist(f"q-{q.id}") for q in quiz_.questions}
    extra = {key[2:] for key in request.form if key.startswith("q-")} - set(submitted)
    try:
        if extra:
            raise InvalidAnswers("The answers name a question that is not in this quiz.")
        if any(not chosen for chosen in submitted.values()):
            missing = [str(i + 1) for i, q in enumerate(quiz_.questions) if not submitted[q.id]]
            # Answers left out are for the pupil to finish, not an error: show the form again, kept.
            kept = {**submitted, **{f"k-{c.id}": request.form.getlist(f"k-{c.id}") for c in quiz_.checks}}
            return _render_quiz(assigned, kept,
                                f"Please answer every question. Still to answer: question {', '.join(missing)}.", 400)
        result = mark_quiz(quiz_, submitted)
        after_check = knowledge_check.read_answers(quiz_.checks, request.form.to_dict(flat=False))
    except InvalidAnswers as error:
        raise bad_request(f"{error} Nothing was saved. Please go back to the quiz and choose again.") from None
    attempt_id = lessons.record_attempt(db.session, current_user, assigned, result, form_key,
                                        library().content_hash(slug), opened_at, after_check)
    return redirect(url_for("pupil.result", slug=slug, attempt_id=attempt_id))


@bp.get("/<slug>/attempts/<int:attempt_id>")
def result(slug: str, attempt_id: int):
    assigned = _assigned_or_404(slug)
    attempt = db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.id == attempt_id, QuizAttempt.pupil_id == current_user.id,
        QuizAttempt.module_id == assigned.module_id)).first()
    if attempt is None:
        abort(404)
    quiz_ = assigned.content.quiz
    marked = []
    for answer in attempt.answers:
        question = quiz_.question(answer.question_id)
        if question is None:  # the quiz has changed since this attempt
            continue
        marked.append((question, answer, [question.option(o) for o in answer.option_ids if question.option(o)],
                       choices(question, answer.option_ids), question_credit(question, answer.option_ids)))
    return render_template("pupil/result.html", assigned=assigned, module=assigned.content, attempt=attempt,
                           marked=marked, fill=inline_text_filler(), show_answers=assigned.answers_visible(date.today()),
                           quiz=quiz_, partly_right=sum(1 for *_, credit in marked if 0 < credit < 1),
                           revisit=[question for question, answer, *_ in marked if not answer.correct],
                           check_rows=_check_rows(quiz_, assigned.module_id))


def _check_rows(quiz_, module_id: int) -> list[tuple]:
    """Each knowledge-check item with the pupil's answer before the lesson and after the quiz."""
    if not quiz_.checks:
        return []
    attempts = knowledge_check.attempts_of(db.session, current_user, module_id)
    if CheckPhase.AFTER not in attempts:
        return []
    answers = knowledge_check.answers_by_phase(attempts)
    before, after = answers.get(CheckPhase.BEFORE, {}), answers[CheckPhase.AFTER]
    skipped = CheckPhase.BEFORE in attempts and attempts[CheckPhase.BEFORE].skipped
    return [(c, c.option(before.get(c.id, "")), skipped, c.option(after.get(c.id, ""))) for c in quiz_.checks]
