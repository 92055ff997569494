"""Where a school's admin or safeguarding lead edits the letter home and finds the parents' page to share."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import audit
from ..domain.parents import (
    DEFAULT_LETTER,
    LETTER_LIMIT,
    LetterProblem,
    letter_text,
    save_letter,
    taught_modules,
)
from ..extensions import db
from ..models import Role
from ..web.access import roles_required
from ..web.content import library
from . import bp


def _render(text: str, error: str | None = None, status: int = 200):
    school = current_user.school
    return render_template("parents/manage.html", school=school, text=text, error=error, limit=LETTER_LIMIT,
                           default_letter=DEFAULT_LETTER, modules=taught_modules(db.session, school, library()),
                           using_default=school.parents_letter is None), status


@bp.get("/manage")
@roles_required(Role.ADMIN, Role.SAFEGUARDING_LEAD)
def manage():
    return _render(letter_text(current_user.school))


@bp.post("/manage/letter")
@roles_required(Role.ADMIN, Role.SAFEGUARDING_LEAD)
def save():
    school = current_user.school
    text = request.form.get("letter")
    if text is None:
        return _render(letter_text(school), "Write the letter in the box, then save it.", 422)
    try:
        save_letter(school, text)
    except LetterProblem as problem:
        db.session.rollback()
        return _render(text, str(problem), 422)
    audit.record(db.session, current_user, "parents_letter_changed", target_type="school", target_id=school.id,
                 detail="reset to Harbour's default" if school.parents_letter is None else "")
    db.session.commit()
    flash("The letter home is saved." if school.parents_letter else "The letter home is back to Harbour's default.",
          "success")
    return redirect(url_for("parents.manage"))
