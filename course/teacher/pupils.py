"""Pupils in a class: adding one, importing a CSV (preview, then all or nothing), login cards, passwords."""

import base64
import binascii

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..domain import audit
from ..domain import login_cards as card_codes
from ..domain.role_boundaries import ADMIN_PUPIL_RESETS_OFF, may_reset_pupil_passwords
from ..domain.roster import (
    NO_PASSWORD_YET,
    add_pupil,
    apply_import,
    give_new_passwords,
    import_audit_detail,
    plan_import,
    read_pupil_file,
    username_taken,
)
from ..domain.scope import classes_for, visible_pupil
from ..extensions import db
from ..web import login_throttle
from ..web.errors import forbidden
from . import bp
from .classes import class_or_404
from .forms import ConfirmImportForm, ImportForm, PupilForm

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@bp.route("/classes/<int:class_id>/pupils/new", methods=["GET", "POST"])
def new_pupil(class_id: int):
    school_class = class_or_404(class_id, include_archived=False)
    form = PupilForm()
    if request.method == "GET" and school_class.year_group:
        form.year_group.data = school_class.year_group
    if form.validate_on_submit():
        username = (form.username.data or "").strip().lower() or None
        if username and username_taken(db.session, current_user.school_id, username):
            form.username.errors.append("That username is taken. Choose another, or leave it empty.")
        else:
            pupil = add_pupil(db.session, current_user, school_class, form.first_name.data.strip(),
                              form.last_name.data.strip(), form.year_group.data, username)
            db.session.commit()
            flash(f"{pupil.display_name} added with username {pupil.username}. Print a login card to give them "
                  "their first password.", "success")
            return redirect(url_for("teacher.class_page", class_id=class_id))
    return render_template("teacher/new_pupil.html", school_class=school_class, form=form), (
        422 if form.errors else 200)


def _import_form() -> ImportForm:
    form = ImportForm()
    form.target.choices = [(0, "The class named in each row")] + [
        (c.id, c.name) for c in db.session.scalars(classes_for(current_user))]
    return form


def _target(target_id: int | None):
    if not target_id:
        return None
    school_class = next((c for c in db.session.scalars(classes_for(current_user)) if c.id == target_id), None)
    if school_class is None:
        abort(404)
    return school_class


@bp.route("/import", methods=["GET", "POST"])
def import_pupils():
    """Step 1: choose a file; the answer is a preview naming every problem. Nothing is saved yet."""
    form = _import_form()
    if request.method == "GET" and request.args.get("class_id", type=int):
        form.target.data = request.args.get("class_id", type=int)
    if not form.validate_on_submit():
        return render_template("teacher/import.html", form=form), (422 if request.method == "POST" else 200)
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors.append("That file is larger than 2 MB. A pupil list is much smaller: check it is the right file.")
        return render_template("teacher/import.html", form=form), 422
    return _preview(data, form.target.data or None)


def _preview(data: bytes, target_id: int | None, status: int = 200):
    target = _target(target_id)
    taught = list(db.session.scalars(classes_for(current_user)))
    preview = read_pupil_file(data, current_user.school.name)
    plan = plan_import(db.session, current_user, preview, target, taught)
    confirm = ConfirmImportForm(csv_data=base64.urlsafe_b64encode(data).decode(), target=target_id or 0)
    return render_template("teacher/import_preview.html", plan=plan, preview=preview, target=target,
                           confirm=confirm), (status if preview.ok else 422)


@bp.post("/import/confirm")
def confirm_import():
    """Step 2: the same file, checked again, saved whole or not at all."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash("The import form was not complete. Nothing was saved. Please choose the file again.", "error")
        return redirect(url_for("teacher.import_pupils"))
    try:
        # URL-safe alphabet: no "+" or "/" to be percent-encoded, so the form stays 4/3 of the file.
        data = base64.b64decode(form.csv_data.data, altchars=b"-_", validate=True)
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValueError("larger than the upload limit")
    except (binascii.Error, ValueError):
        flash("The import form was not complete. Nothing was saved. Please choose the file again.", "error")
        return redirect(url_for("teacher.import_pupils"))
    target = _target(form.target.data)
    taught = list(db.session.scalars(classes_for(current_user)))
    preview = read_pupil_file(data, current_user.school.name)
    plan = plan_import(db.session, current_user, preview, target, taught)
    if not plan.ok:
        return _preview(data, form.target.data)
    try:
        added, attached = apply_import(db.session, current_user, plan, target, taught)
        db.session.flush()
        audit.record(db.session, current_user, "pupils_imported", target_type="class",
                     target_id=target.id if target else None,
                     detail=import_audit_detail(len(preview.rows), added, attached))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    unchanged = len(preview.rows) - len(added)
    flash(f"Import saved: {len(added)} new pupil{'s' if len(added) != 1 else ''}"
          f"{f', {unchanged} already here' if unchanged else ''}. Print login cards to give new pupils their "
          "first passwords.", "success")
    if target is not None:
        return redirect(url_for("teacher.class_page", class_id=target.id))
    return redirect(url_for("teacher.classes"))


def _qr_codes(tokens: dict[int, str]) -> dict[int, Markup]:
    """Each card's QR code as inline SVG (no image file, no script): the address that signs that pupil in."""
    codes = {}
    for pupil_id, token in tokens.items():
        address = url_for("auth.card_start", c=token, _external=True)
        svg = segno.make_qr(address, error="m").svg_inline(scale=3, border=2, svgclass="card-qr", lineclass=None,
                                                           title="QR code: scan it to log in")
        # segno writes the SVG from the QR modules alone (our own address, no user text): safe to inline.
        codes[pupil_id] = Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code: scan it to log in" ', 1))  # noqa: S704
    return codes


def _cards(pupils, passwords: dict[int, str], school_class=None):
    qr = _qr_codes(card_codes.issue(pupils))
    return render_template("teacher/login_cards.html", school_class=school_class, pupils=pupils,
                           passwords=passwords, qr_codes=qr)


@bp.post("/classes/<int:class_id>/cards")
def login_cards(class_id: int):
    """Login cards, 8 to a page. Giving a card sets a new first password: it is shown only here, once."""
    school_class = class_or_404(class_id)
    if not may_reset_pupil_passwords(current_user):
        raise forbidden(ADMIN_PUPIL_RESETS_OFF)
    which = request.form.get("which", "new")
    pupils = [p for p in school_class.pupils if which == "all" or p.password_hash == NO_PASSWORD_YET]
    if not pupils:
        flash("Every pupil in this class already has a password. To print cards for everyone, choose "
              "“every pupil” (this gives them new passwords).", "info")
        return redirect(url_for("teacher.class_page", class_id=class_id))
    passwords = give_new_passwords(pupils, current_user.school)
    audit.record(db.session, current_user, "password_reset", target_type="class", target_id=class_id,
                 detail=f"login cards for {len(pupils)} pupils")
    # A printed card carries a new QR code too: any card printed before stops working.
    page = _cards(pupils, passwords, school_class)
    audit.record(db.session, current_user, "login_card_reissued", target_type="class", target_id=class_id,
                 detail=f"{len(pupils)} cards")
    db.session.commit()
    return page


@bp.post("/pupils/<int:pupil_id>/password")
def reset_password(pupil_id: int):
    pupil = visible_pupil(db.session, current_user, pupil_id)
    if pupil is None:
        abort(404)
    if not may_reset_pupil_passwords(current_user):
        raise forbidden(ADMIN_PUPIL_RESETS_OFF)
    passwords = give_new_passwords([pupil], current_user.school)
    audit.record(db.session, current_user, "password_reset", target_type="user", target_id=pupil.id)
    login_throttle.clear_for(pupil.school_id, pupil.username)
    page = _cards([pupil], passwords)
    audit.record(db.session, current_user, "login_card_reissued", target_type="user", target_id=pupil.id)
    db.session.commit()
    return page


@bp.post("/pupils/<int:pupil_id>/card")
def reissue_card(pupil_id: int):
    """A new QR login card, the password left as it is: for a lost card. The old card stops working.
    A card logs in as the pupil, so it is kept from admins exactly as a password reset is."""
    pupil = visible_pupil(db.session, current_user, pupil_id)
    if pupil is None:
        abort(404)
    if not may_reset_pupil_passwords(current_user):
        raise forbidden(ADMIN_PUPIL_RESETS_OFF)
    page = _cards([pupil], {})
    audit.record(db.session, current_user, "login_card_reissued", target_type="user", target_id=pupil.id)
    db.session.commit()
    return page
