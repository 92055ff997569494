"""Admins: the school's staff accounts and roles, and the school's settings."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..domain import audit, notify
from ..domain.accounts import school_name_taken
from ..domain.directory import seed_help_services
from ..domain.passwords import hash_password
from ..domain.role_boundaries import tell_leads
from ..extensions import db
from ..models import STAFF_ROLES, Role, School, User
from ..web import login_throttle
from ..web.content import library
from . import bp
from .forms import DeleteStaffForm, NewStaffForm, ResetPasswordForm, SchoolSettingsForm, StaffDetailsForm


def _staff_list():
    return db.session.scalars(select(User).where(User.school_id == current_user.school_id,
                                                 User.role.in_(STAFF_ROLES)).order_by(User.display_name)).all()


def _staff_or_404(user_id: int) -> User:
    user = db.session.scalars(select(User).where(User.id == user_id, User.school_id == current_user.school_id,
                                                 User.role.in_(STAFF_ROLES))).first()
    if user is None:
        abort(404)
    return user


@bp.get("/")
def home():
    pupil_count = db.session.scalar(select(func.count()).select_from(User).where(
        User.school_id == current_user.school_id, User.role == Role.PUPIL, User.left_at.is_(None)))
    return render_template("admin/home.html", staff=_staff_list(), pupil_count=pupil_count, school=current_user.school)


@bp.route("/staff/new", methods=["GET", "POST"])
def new_staff():
    form = NewStaffForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        taken = db.session.scalar(select(func.count()).select_from(User).where(
            User.school_id == current_user.school_id, User.username == username))
        if taken:
            form.username.errors.append("That username is already used at this school. Choose another.")
        else:
            user = User(school_id=current_user.school_id, username=username, display_name=form.display_name.data.strip(),
                        email=(form.email.data or "").strip() or None, role=form.role.data,
                        password_hash=hash_password(form.password.data), must_change_password=True)
            db.session.add(user)
            db.session.flush()
            audit.record(db.session, current_user, "staff_created", target_type="user", target_id=user.id,
                         detail=f"{user.display_name}: {Role(user.role).label}")
            if user.role == Role.SAFEGUARDING_LEAD:
                _tell_leads("dsl_created", user)
            db.session.commit()
            if user.role == Role.SAFEGUARDING_LEAD:
                _email_leads("dsl_created", user)
            flash(f"Account created for {user.display_name}. Give them the first password in person.", "success")
            return redirect(url_for("admin.home"))
    return render_template("admin/new_staff.html", form=form), 422 if form.is_submitted() else 200


def _tell_leads(kind: str, user: User) -> None:
    """Every existing safeguarding lead hears of a new lead or a lead's reset password (in Harbour)."""
    tell_leads(db.session, current_user.school_id, kind, current_user, subject=user)


def _email_leads(kind: str, user: User) -> None:
    # After the commit: a mail server that is down never undoes the change.
    notify.notify_leads(db.session, current_app.config, current_user.school, kind, except_id=user.id)


def _render_staff(user: User, details=None, reset=None, delete=None, status: int = 200):
    return render_template("admin/staff.html", user=user,
                           details=details or StaffDetailsForm(formdata=None, obj=user),
                           reset=reset or ResetPasswordForm(formdata=None),
                           delete=delete or DeleteStaffForm(formdata=None)), status


@bp.get("/staff/<int:user_id>")
def staff(user_id: int):
    return _render_staff(_staff_or_404(user_id))


@bp.post("/staff/<int:user_id>")
def update_staff(user_id: int):
    user = _staff_or_404(user_id)
    form = StaffDetailsForm()
    if not form.validate_on_submit():
        return _render_staff(user, details=form, status=422)
    if user.id == current_user.id and form.role.data != user.role:
        form.role.errors.append("You cannot change your own role. Ask another admin.")
        return _render_staff(user, details=form, status=422)
    old_role = user.role
    user.display_name = form.display_name.data.strip()
    user.email = (form.email.data or "").strip() or None
    if form.role.data != old_role:
        user.role = form.role.data
        user.rotate_session_token()  # their open sessions end: the new role applies from the next login
        audit.record(db.session, current_user, "role_changed", target_type="user", target_id=user.id,
                     detail=f"{user.display_name}: {Role(old_role).label} → {Role(user.role).label}")
        if user.role == Role.SAFEGUARDING_LEAD:
            _tell_leads("dsl_role_given", user)
    else:
        audit.record(db.session, current_user, "staff_updated", target_type="user", target_id=user.id,
                     detail=user.display_name)
    db.session.commit()
    if form.role.data != old_role and user.role == Role.SAFEGUARDING_LEAD:
        _email_leads("dsl_role_given", user)
    flash(f"Saved {user.display_name}'s account.", "success")
    return redirect(url_for("admin.staff", user_id=user.id))


@bp.post("/staff/<int:user_id>/password")
def reset_staff_password(user_id: int):
    user = _staff_or_404(user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return _render_staff(user, reset=form, status=422)
    user.password_hash = hash_password(form.password.data)
    user.must_change_password = True
    user.rotate_session_token()
    audit.record(db.session, current_user, "password_reset", target_type="user", target_id=user.id,
                 detail=user.display_name)
    login_throttle.clear_for(user.school_id, user.username)
    is_lead = user.role == Role.SAFEGUARDING_LEAD
    if is_lead:
        _tell_leads("dsl_password_reset", user)
    db.session.commit()
    if is_lead:
        _email_leads("dsl_password_reset", user)
    flash(f"{user.display_name}'s password was reset. They choose a new one when they next log in.", "success")
    return redirect(url_for("admin.staff", user_id=user.id))


@bp.post("/staff/<int:user_id>/delete")
def delete_staff(user_id: int):
    user = _staff_or_404(user_id)
    form = DeleteStaffForm()
    if user.id == current_user.id:
        form.confirm.errors = ["You cannot delete your own account. Ask another admin."]
        return _render_staff(user, delete=form, status=422)
    if not form.validate_on_submit():
        return _render_staff(user, delete=form, status=422)
    name = user.display_name
    # The audit event is written first, with the name as it was; the account's id in older events
    # becomes empty when the account goes, and their labels stay.
    audit.record(db.session, current_user, "user_deleted", target_type="user", target_id=user.id,
                 detail=f"{name} ({Role(user.role).label})")
    db.session.delete(user)
    db.session.commit()
    flash(f"{name}'s account was deleted.", "success")
    return redirect(url_for("admin.home"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    school: School = current_user.school
    form = SchoolSettingsForm(obj=school)
    form.region.choices = [(code, region.name) for code, region in sorted(library().regions.items())]
    if form.validate_on_submit():
        if school_name_taken(db.session, form.name.data, except_school_id=school.id):
            form.name.errors.append("Another school here already has that name.")
        else:
            changed = [label for label, old, new in [
                ("name", school.name, form.name.data.strip()), ("region", school.region, form.region.data),
                ("safeguarding contact", school.safeguarding_contact, form.safeguarding_contact.data.strip()),
                ("admins reset pupils' passwords", school.admins_reset_pupil_passwords,
                 form.admins_reset_pupil_passwords.data),
                ("two-factor authentication for safeguarding leads", school.dsl_two_factor_required,
                 form.dsl_two_factor_required.data)]
                if old != new]
            new_region = form.region.data != school.region
            school.name = form.name.data.strip()
            school.region = form.region.data
            school.safeguarding_contact = form.safeguarding_contact.data.strip()
            school.admins_reset_pupil_passwords = form.admins_reset_pupil_passwords.data
            school.dsl_two_factor_required = form.dsl_two_factor_required.data
            if new_region:
                seed_help_services(db.session, school, library())
            if changed:
                audit.record(db.session, current_user, "school_settings_changed", target_type="school",
                             target_id=school.id, detail="changed " + ", ".join(changed))
            db.session.commit()
            flash("School settings saved." + (" The help directory now shows the new region's services."
                                              if new_region else ""), "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form), 422 if form.is_submitted() else 200
