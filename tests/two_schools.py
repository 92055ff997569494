"""Two schools in one database, each with its own staff, classes, pupils and requests to talk.

School A (the viewer's school) has class A1 (teacher_a; pupils pupil_a1, pupil_a2) and class A2
(teacher_a2; pupil_a3). School B has the same shape, smaller. Used by the access matrix and the
two-schools isolation tests.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from course.extensions import db
from course.models import (
    Assignment,
    HelpRequest,
    HelpService,
    Module,
    QuizAttempt,
    Role,
    StaffNotice,
    User,
    utcnow,
)
from tests.factories import make_class, make_school, make_user

PASSWORD = "a-long-test-password"


@dataclass
class Schools:
    ids: dict[str, int] = field(default_factory=dict)
    slug: str = ""
    # Each school's public parents' page id (a string, so kept apart from the integer ids).
    parents_ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def build_two_schools(app) -> Schools:
    schools = Schools()
    build_school(app, schools, "a", "Alder Primary")
    build_school(app, schools, "b", "Birch Academy")
    # The trust admin, whose home school is A: sees both schools' coverage, neither's requests or pupils.
    schools.ids["trust_a"] = make_user(app, "trust-a", Role.TRUST_ADMIN, PASSWORD, school_id=schools["school_a"],
                                       display_name="Staffname trust A")
    with app.app_context():
        from course.models import School

        for name in ("a", "b"):
            schools.parents_ids[name] = db.session.get(School, schools[f"school_{name}"]).parents_page_id
    return schools


def build_school(app, s: Schools, school: str, name: str) -> None:
    """One school's staff, pupils, classes, assignments, requests to talk and quiz attempts, ids into s."""
    sid = s.ids[f"school_{school}"] = make_school(app, name)
    for staff, role in (("teacher", Role.TEACHER), ("teacher2", Role.TEACHER), ("dsl", Role.SAFEGUARDING_LEAD),
                        ("admin", Role.ADMIN)):
        s.ids[f"{staff}_{school}"] = make_user(app, f"{staff}-{school}", role, PASSWORD, school_id=sid,
                                               display_name=f"Staffname {staff} {school.upper()}")
    for n in (1, 2, 3):
        s.ids[f"pupil_{school}{n}"] = make_user(app, f"pupil-{school}{n}", Role.PUPIL, PASSWORD, school_id=sid,
                                                display_name=f"Pupilname {school.upper()}{n}", year_group=7)
    s.ids[f"class_{school}1"] = make_class(app, f"Class {school.upper()}1", s[f"teacher_{school}"],
                                           [s[f"pupil_{school}1"], s[f"pupil_{school}2"]], year_group=7)
    s.ids[f"class_{school}2"] = make_class(app, f"Class {school.upper()}2", s[f"teacher2_{school}"],
                                           [s[f"pupil_{school}3"]], year_group=7)
    with app.app_context():
        modules = db.session.scalars(select(Module).order_by(Module.id).limit(2)).all()
        s.slug = modules[0].slug
        # Two assignments on class 1 (so one can be removed and the other still tried), one on class 2.
        for key, class_key, module in ((f"asg_{school}1", f"class_{school}1", modules[0]),
                                       (f"asg_{school}1b", f"class_{school}1", modules[-1]),
                                       (f"asg_{school}2", f"class_{school}2", modules[0])):
            assignment = Assignment(school_id=sid, class_id=s[class_key], module_id=module.id,
                                    set_by_id=s[f"teacher_{school}"])
            db.session.add(assignment)
            db.session.flush()
            s.ids[key] = assignment.id
        for n in (1, 2, 3):
            pupil = s[f"pupil_{school}{n}"]
            request = HelpRequest(school_id=sid, pupil_id=pupil, message=f"Secretmessage {school}{n}")
            attempt = QuizAttempt(school_id=sid, pupil_id=pupil, module_id=modules[0].id, form_token=f"t{school}{n}",
                                  content_hash="x", score=50, correct_count=1, question_count=2, passed=False)
            db.session.add_all([request, attempt])
            db.session.flush()
            s.ids[f"request_{school}{n}"] = request.id
            s.ids[f"attempt_{school}{n}"] = attempt.id
        # Notices to the lead and to someone else (for the dismiss route), and an erasure waiting for
        # every pupil (for the lead's confirm route; nothing is confirmed without the box ticked).
        for key, recipient in ((f"notice_{school}", f"dsl_{school}"), (f"notice2_{school}", f"teacher_{school}")):
            notice = StaffNotice(school_id=sid, recipient_id=s[recipient], kind="dsl_created",
                                 message=f"Noticetext {school}")
            db.session.add(notice)
            db.session.flush()
            s.ids[key] = notice.id
        for n in (1, 2, 3):
            pupil = db.session.get(User, s[f"pupil_{school}{n}"])
            pupil.erasure_requested_at, pupil.erasure_requested_by_id = utcnow(), s[f"admin_{school}"]
        s.ids[f"service_{school}"] = db.session.scalars(
            select(HelpService.id).where(HelpService.school_id == sid).order_by(HelpService.id)).first()
        db.session.commit()
