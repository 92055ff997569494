"""Classes: the list, the class page with its grid, assigning, and looking after a class."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..domain import audit
from ..domain.class_grid import class_grid
from ..domain.delivery import INDEPENDENT, TEACH_IN_CLASS_FIRST_WHY, needing_confirmation
from ..domain.scope import classes_for, visible_class
from ..domain.sharing import share_links
from ..domain.staff_training import DISCLOSURE_MODULE, latest_completions, state_of
from ..extensions import db
from ..models import Assignment, Role, SchoolClass, User, utcnow
from ..web.content import library, module_ids
from . import bp
from .forms import AssignForm, ClassForm, CoTeacherForm, DueDateForm


def class_or_404(class_id: int, include_archived: bool = True) -> SchoolClass:
    school_class = visible_class(db.session, current_user, class_id, include_archived)
    if school_class is None:
        abort(404)
    return school_class


def _assign_form(school_class: SchoolClass, pupils: list[User]) -> AssignForm:
    form = AssignForm()
    form.modules.choices = [(m.slug, f"{m.title} (ages {m.age_band}, about {m.minutes} min"
                                     + (", teach in class first)" if m.teach_in_class_first else ")"))
                            for m in library().ordered()]
    form.pupils.choices = [(p.id, p.display_name) for p in pupils]
    return form


def _render_class(school_class: SchoolClass, assign_form: AssignForm | None = None, status: int = 200,
                  class_form: ClassForm | None = None):
    grid = class_grid(db.session, school_class, date.today(), sort=request.args.get("sort", "name"))
    other_teachers = db.session.scalars(select(User).where(
        User.school_id == current_user.school_id, User.role == Role.TEACHER, User.is_active_account,
        User.id.not_in([t.id for t in school_class.teachers])).order_by(User.display_name)).all()
    co_teacher = CoTeacherForm()
    co_teacher.teacher.choices = [(t.id, t.display_name) for t in other_teachers]
    shares = {a.id: share_links(url_for("pupil.start", slug=a.module.slug, _external=True), a.module.title, a.due_date)
              for a in grid.assignments}
    return render_template(
        "teacher/class.html", school_class=school_class, grid=grid, today=date.today(),
        form=assign_form or _assign_form(school_class, grid.pupils), due_form=DueDateForm(),
        class_form=class_form or ClassForm(obj=school_class), co_teacher=co_teacher,
        sort=request.args.get("sort", "name"), shares=shares, disclosure=_disclosure_training(),
        parents_page_id=current_user.school.parents_page_id), status


def _disclosure_training() -> dict | None:
    """Whether the viewer has completed the staff module on responding to a disclosure (shown before they
    assign a module marked "teach in class first"); None when the staff track has no such module."""
    module = library().staff_modules.get(DISCLOSURE_MODULE)
    if module is None:
        return None
    when = latest_completions(db.session, current_user.school_id, current_user.id).get(
        (current_user.id, DISCLOSURE_MODULE))
    state = state_of(when.date() if when else None, current_user.school.staff_refresher_months, date.today())
    return {"module": module, "completed_at": when, "state": state}


@bp.get("/")
def classes():
    rows = db.session.scalars(classes_for(current_user)).all()
    return render_template("teacher/classes.html", classes=rows, form=ClassForm())


@bp.post("/classes")
def create_class():
    form = ClassForm()
    if not form.validate_on_submit():
        rows = db.session.scalars(classes_for(current_user)).all()
        return render_template("teacher/classes.html", classes=rows, form=form), 422
    school_class = SchoolClass(school_id=current_user.school_id, name=form.name.data.strip(),
                               year_group=form.year_group.data)
    if current_user.role == Role.TEACHER:
        school_class.teachers.append(current_user)
    db.session.add(school_class)
    db.session.commit()
    flash(f"Class {school_class.name} created. Add pupils to it next.", "success")
    return redirect(url_for("teacher.class_page", class_id=school_class.id))


@bp.get("/classes/<int:class_id>")
def class_page(class_id: int):
    return _render_class(class_or_404(class_id))


@bp.post("/classes/<int:class_id>/rename")
def rename_class(class_id: int):
    school_class = class_or_404(class_id)
    form = ClassForm()
    if not form.validate_on_submit():
        return _render_class(school_class, class_form=form, status=422)
    school_class.name = form.name.data.strip()
    school_class.year_group = form.year_group.data
    db.session.commit()
    flash("Class details saved.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/archive")
def archive_class(class_id: int):
    school_class = class_or_404(class_id)
    archive = request.form.get("archive", "1") == "1"
    school_class.archived_at = utcnow() if archive else None
    audit.record(db.session, current_user, "class_archived" if archive else "class_restored",
                 target_type="class", target_id=school_class.id, detail=school_class.name)
    db.session.commit()
    flash(f"{school_class.name} {'archived: it no longer shows in your list' if archive else 'restored'}.", "success")
    return redirect(url_for("teacher.classes" if archive else "teacher.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/teachers")
def add_teacher(class_id: int):
    school_class = class_or_404(class_id)
    form = CoTeacherForm()
    teachers = db.session.scalars(select(User).where(
        User.school_id == current_user.school_id, User.role == Role.TEACHER, User.is_active_account)).all()
    form.teacher.choices = [(t.id, t.display_name) for t in teachers]
    teacher = next((t for t in teachers if t.id == form.teacher.data), None)
    if not form.validate_on_submit() or teacher is None:
        flash("Choose a teacher from the list.", "error")
    elif teacher not in school_class.teachers:
        school_class.teachers.append(teacher)
        db.session.commit()
        flash(f"{teacher.display_name} now teaches {school_class.name} too.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/assign")
def assign(class_id: int):
    school_class = class_or_404(class_id)
    grid_pupils = list(school_class.pupils)
    form = _assign_form(school_class, grid_pupils)
    if not form.validate_on_submit():
        return _render_class(school_class, form, 422)
    sensitive = needing_confirmation([library().get(slug) for slug in form.modules.data], form.delivery.data,
                                     form.confirm_independent.data)
    if sensitive:
        names = ", ".join(m.title for m in sensitive)
        form.confirm_independent.errors.append(f"{names}: {TEACH_IN_CLASS_FIRST_WHY} To set it as independent "
                                               "work anyway, tick the box.")
        return _render_class(school_class, form, 422)
    ids = module_ids()
    chosen = [p for p in grid_pupils if p.id in set(form.pupils.data or [])]
    existing = {a.module_id: a for a in db.session.scalars(
        select(Assignment).where(Assignment.class_id == school_class.id))}
    for slug in form.modules.data:
        assignment = existing.get(ids[slug]) or Assignment(
            school_id=school_class.school_id, class_id=school_class.id, module_id=ids[slug], set_by_id=current_user.id)
        assignment.due_date = form.due_date.data
        assignment.answers_shown = form.answers_shown.data
        assignment.chosen_pupils = chosen
        db.session.add(assignment)
        if form.delivery.data == INDEPENDENT and library().get(slug).teach_in_class_first:
            audit.record(db.session, current_user, "sensitive_module_set_independent", target_type="class",
                         target_id=school_class.id, detail=library().get(slug).title)
    db.session.commit()
    count = len(form.modules.data)
    who = f"{len(chosen)} pupil{'s' if len(chosen) != 1 else ''} in {school_class.name}" if chosen else school_class.name
    flash(f"Assigned {count} module{'s' if count != 1 else ''} to {who}.", "success")
    return redirect(url_for("teacher.class_page", class_id=school_class.id))


def _assignment_or_404(school_class: SchoolClass, assignment_id: int) -> Assignment:
    assignment = db.session.scalars(select(Assignment).where(
        Assignment.id == assignment_id, Assignment.class_id == school_class.id)).first()
    if assignment is None:
        abort(404)
    return assignment


@bp.post("/classes/<int:class_id>/assignments/<int:assignment_id>/due")
def change_due_date(class_id: int, assignment_id: int):
    school_class = class_or_404(class_id)
    assignment = _assignment_or_404(school_class, assignment_id)
    form = DueDateForm()
    if not form.validate_on_submit():
        flash("That due date is not a date. Nothing was changed.", "error")
    else:
        assignment.due_date = form.due_date.data
        db.session.commit()
        when = assignment.due_date.strftime("%-d %B %Y") if assignment.due_date else "no due date"
        flash(f"{assignment.module.title}: now {when}.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/assignments/<int:assignment_id>/remove")
def remove_assignment(class_id: int, assignment_id: int):
    school_class = class_or_404(class_id)
    assignment = _assignment_or_404(school_class, assignment_id)
    title = assignment.module.title
    db.session.delete(assignment)  # its chosen-pupil rows go with it; progress rows are the pupils' own
    audit.record(db.session, current_user, "assignment_removed", target_type="class", target_id=class_id, detail=title)
    db.session.commit()
    flash(f"{title} is no longer set for {school_class.name}. Pupils' progress in it is kept.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


