"""The set-up page: create the first school and its admin, then log the admin in."""

from flask import flash, redirect, render_template, url_for
from flask_login import login_user
from sqlalchemy import text

from ..domain import audit
from ..domain.schools import MIN_ADMIN_PASSWORD, NewSchool, create_school, has_school, problems_with
from ..extensions import db
from ..web.content import library
from . import bp
from .forms import SetupForm


def _region_choices() -> list[tuple[str, str]]:
    regions = library().regions
    return sorted(((code, region.name) for code, region in regions.items()), key=lambda choice: choice[0] != "uk")


@bp.route("/", methods=["GET", "POST"])
def start():
    form = SetupForm()
    form.region.choices = _region_choices()
    if form.validate_on_submit():
        _lock_school_table()
        if has_school(db.session):  # set up from another tab or server a moment ago
            db.session.rollback()
            flash("Harbour has already been set up. Please log in.", "info")
            return redirect(url_for("auth.login"))
        new = NewSchool(name=form.name.data, region=form.region.data,
                        safeguarding_contact=form.safeguarding_contact.data, admin_name=form.admin_name.data,
                        admin_username=form.admin_username.data, admin_password=form.admin_password.data)
        problems = problems_with(db.session, library(), new)
        if not problems:
            school, admin = create_school(db.session, library(), new)
            audit.record(db.session, admin, "school_set_up", school_id=school.id, target_type="school",
                         target_id=school.id, detail=f"first set-up: {school.name}")
            db.session.commit()
            login_user(admin)
            flash(f"{school.name} is set up. Next: add staff, or set up the school year.", "success")
            return redirect(url_for("home.index"))
        db.session.rollback()
        for name, message in problems.items():
            getattr(form, name).errors.append(message)
    return render_template("setup/start.html", form=form, min_password=MIN_ADMIN_PASSWORD)


def _lock_school_table() -> None:
    # Two set-up forms sent at once must not make two "first" schools. SQLite already holds the
    # write lock (BEGIN IMMEDIATE); PostgreSQL needs the table lock until the commit.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE school IN SHARE ROW EXCLUSIVE MODE"))
