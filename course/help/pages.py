"""Get help; ask to talk to someone at school; see what happened to one's own requests."""

from flask import abort, current_app, redirect, render_template, url_for
from flask_login import current_user

from ..domain import notify
from ..domain.help_requests import RequestProblem, ask_to_talk
from ..domain.scope import own_help_requests
from ..extensions import db
from ..models import HelpRequest, Role
from ..web.access import roles_required
from ..web.page_context import current_school, current_services, token_values_for_current_school
from ..web.site_address import external_url
from . import bp
from .forms import AskToTalkForm


def _danger_contacts() -> dict:
    values = token_values_for_current_school()
    return {"emergency": values.services.get("emergency"), "helpline": values.services.get("helpline")}


def _guide_contacts() -> dict:
    """The services the guide for adults names (help/_blackmail_guide.html), from the school's directory."""
    services = token_values_for_current_school().services
    return {"report_abuse": services.get("report_abuse"), "police": services.get("police_report"),
            "remove_images": services.get("remove_images")}


@bp.get("/")
def help_page():
    services = current_services()
    is_staff = current_user.is_authenticated and current_user.is_staff
    is_pupil = current_user.is_authenticated and current_user.is_pupil
    pupil_services = [s for s in services if s.audience == "pupil"]
    adult_services = [s for s in services if s.audience == "staff"]
    ask_form = AskToTalkForm(asked_from="help page") if is_pupil else None
    return render_template("help/help.html", school=current_school(), pupil_services=pupil_services,
                           adult_services=adult_services, show_adult=is_staff or not current_user.is_authenticated,
                           ask_form=ask_form, **_danger_contacts(), **_guide_contacts())


@bp.route("/talk", methods=["GET", "POST"])
@roles_required(Role.PUPIL)
def talk():
    form = AskToTalkForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("help/talk.html", form=form, school=current_school(), **_danger_contacts()), status
    try:
        request_ = ask_to_talk(db.session, current_user, form.message.data or "", form.urgency.data,
                               form.asked_from.data or "")
    except RequestProblem as problem:  # e.g. an urgency of only spaces, which the form's Optional() lets by
        db.session.rollback()
        field = form.message if "message" in str(problem) else form.urgency
        field.errors = [*field.errors, str(problem)]
        return render_template("help/talk.html", form=form, school=current_school(), **_danger_contacts()), 422
    db.session.commit()
    # Saved first: a slow or missing mail server can never lose the request.
    notify.notify_new_request(db.session, current_app.config, current_user.school,
                              external_url("safeguarding.requests"))
    return redirect(url_for("help.request_sent", request_id=request_.id))


@bp.get("/requests")
@roles_required(Role.PUPIL)
def my_requests():
    rows = db.session.scalars(own_help_requests(current_user).order_by(HelpRequest.created_at.desc())).all()
    return render_template("help/my_requests.html", help_requests=rows, school=current_school())


@bp.get("/requests/<int:request_id>")
@roles_required(Role.PUPIL)
def request_sent(request_id: int):
    request_ = db.session.scalars(own_help_requests(current_user).where(HelpRequest.id == request_id)).first()
    if request_ is None:
        abort(404)
    return render_template("help/request_sent.html", help_request=request_, school=current_school(),
                           **_danger_contacts())
